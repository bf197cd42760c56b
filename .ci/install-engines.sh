#!/usr/bin/env bash
# Installs the two real build engines the e2e tests use, and busybox-static for their base images:
#   docker.io       dockerd + containerd + runc + the docker CLI (BuildKit is built into dockerd 20.10)
#   buildah         the second engine (chroot isolation, its own storage root)
#   busybox-static  the one binary every test base image is made of (no registry is reachable)
#   fuse-overlayfs  lets dockerd/buildah fall back when the kernel cannot stack overlayfs here
#   iptables, tar   dockerd's and the harness's helpers (usually present already)
# The tests start their own dockerd on a private socket with --bridge=none --iptables=false, so
# no system service is needed: on a machine without systemd the daemon simply is not started.
# Must run as root (or via sudo). Safe to run twice.
set -euo pipefail

if [ "$(id -u)" -ne 0 ]; then
  exec sudo --preserve-env=CI "$0" "$@"
fi

export DEBIAN_FRONTEND=noninteractive
apt-get update
apt-get install -y docker.io buildah busybox-static fuse-overlayfs iptables tar

# /usr/local/bin may hold a newer docker CLI without the buildx plugin; the harness uses
# /usr/bin/docker (Debian's, matching dockerd 20.10) unless DOCKEROPT_DOCKER_CLI says otherwise.
echo "dockerd:  $(dockerd --version)"
echo "docker:   $(/usr/bin/docker --version)"
echo "buildah:  $(buildah --version)"
echo "busybox:  $(busybox 2>&1 | head -n 1)"
