// The base images the e2e Dockerfiles build FROM. No registry is reachable, so each one is
// busybox-static plus the package-manager stand-ins (./standins), with the environment of the
// official image it stands in for, built locally under the official name in both engines.
//
// Full language images carry every stand-in, including gcc (cc, g++, c++), git and curl, as the
// buildpack-deps based originals do; their -slim variants leave those three off the PATH (apt-get
// installs them from the stand-in library, like the real package would), and runtime images
// (debian slim, the JRE, ASP.NET) carry only their runtime. The distroless stand-ins hold busybox
// as /bin/sh and nothing else: the stand-in "binaries" that go and cargo write are sh scripts, so
// they need a shell that the real distroless images do not have.

import { copyFileSync, chmodSync, mkdirSync, readFileSync, readdirSync, symlinkSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execFileSync } from 'node:child_process';

export const STANDIN_DIR = join(dirname(fileURLToPath(import.meta.url)), 'standins');

const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

type Variant = 'debian' | 'alpine' | 'busybox' | 'distroless';

export interface BaseImageSpec {
  /** The name Dockerfiles use, as BuildKit resolves it (`node:20`, `busybox`, `mcr.microsoft.com/...`). */
  name: string;
  variant: Variant;
  env: Array<[string, string]>;
  cmd: string[];
  workdir?: string;
  /** Extra folders (mode 0755 unless given). */
  dirs?: Array<[string, number?]>;
  /** Extra /etc/passwd and /etc/group lines. */
  users?: string[];
  groups?: string[];
  /** Stand-ins to leave off the PATH (a -slim variant without gcc, git and curl). */
  omit?: string[];
  /** Only these stand-ins on the PATH (a runtime image). */
  only?: string[];
}

/** What a -slim variant lacks compared with the full image. */
const FULL_ONLY = ['gcc', 'git', 'curl'];
/** The stand-ins every Debian runtime image has. */
const DEBIAN_BASICS = ['apt', 'apt-get', 'useradd', 'groupadd'];
/** Tool stand-ins that apt-get installs into /usr/bin (kept in the stand-in library of every Debian image). */
const APT_TOOLS = ['gcc', 'git', 'curl'];

/** maven:3 and maven:3.9-eclipse-temurin-21 are the same image under two tags. */
const MAVEN: Omit<BaseImageSpec, 'name'> = {
    variant: 'debian',
    env: [
      ['JAVA_HOME', '/opt/java/openjdk'],
      ['PATH', `/opt/java/openjdk/bin:${DEFAULT_PATH}`],
      ['MAVEN_HOME', '/usr/share/maven'],
      ['MAVEN_CONFIG', '/root/.m2'],
    ],
    cmd: ['mvn'],
    dirs: [['/opt/java/openjdk/bin'], ['/usr/share/maven']],
  };

/** The Temurin 21 JDK; its -jre tag keeps only java and the Debian basics. */
const TEMURIN_21: Omit<BaseImageSpec, 'name'> = {
    variant: 'debian',
    env: [
      ['JAVA_HOME', '/opt/java/openjdk'],
      ['PATH', `/opt/java/openjdk/bin:${DEFAULT_PATH}`],
      ['LANG', 'en_US.UTF-8'],
      ['JAVA_VERSION', 'jdk-21.0.2+13'],
    ],
    cmd: ['jshell'],
    dirs: [['/opt/java/openjdk/bin']],
};

export const BASE_IMAGES: readonly BaseImageSpec[] = [
  {
    name: 'node:20',
    variant: 'debian',
    env: [['NODE_VERSION', '20.11.1'], ['YARN_VERSION', '1.22.19']],
    cmd: ['node'],
    dirs: [['/home/node']],
    users: ['node:x:1000:1000::/home/node:/bin/sh'],
    groups: ['node:x:1000:'],
  },
  {
    name: 'python:3.11',
    variant: 'debian',
    env: [['LANG', 'C.UTF-8'], ['PYTHON_VERSION', '3.11.8']],
    cmd: ['python3'],
    dirs: [['/usr/local/lib/python3.11/site-packages']],
  },
  {
    name: 'golang:1.22',
    variant: 'debian',
    env: [
      ['PATH', `/go/bin:/usr/local/go/bin:${DEFAULT_PATH}`],
      ['GOLANG_VERSION', '1.22.2'],
      ['GOTOOLCHAIN', 'local'],
      ['GOPATH', '/go'],
    ],
    cmd: ['sh'],
    workdir: '/go',
    dirs: [['/go', 0o1777], ['/go/bin', 0o1777], ['/go/src', 0o1777], ['/usr/local/go/bin']],
  },
  { name: 'debian:bookworm', variant: 'debian', env: [], cmd: ['bash'] },
  { name: 'alpine:3.19', variant: 'alpine', env: [], cmd: ['/bin/sh'] },
  {
    name: 'ruby:3.3',
    variant: 'debian',
    env: [
      ['LANG', 'C.UTF-8'],
      ['RUBY_VERSION', '3.3.0'],
      ['GEM_HOME', '/usr/local/bundle'],
      ['BUNDLE_SILENCE_ROOT_WARNING', '1'],
      ['BUNDLE_APP_CONFIG', '/usr/local/bundle'],
      ['PATH', `/usr/local/bundle/bin:${DEFAULT_PATH}`],
    ],
    cmd: ['irb'],
    dirs: [['/usr/local/bundle', 0o1777]],
  },
  {
    name: 'php:8.3',
    variant: 'debian',
    env: [['PHP_INI_DIR', '/usr/local/etc/php'], ['PHP_VERSION', '8.3.4']],
    cmd: ['php', '-a'],
    dirs: [['/usr/local/etc/php']],
  },
  { name: 'elixir:1.16', variant: 'debian', env: [['LANG', 'C.UTF-8'], ['ELIXIR_VERSION', 'v1.16.2']], cmd: ['iex'] },
  {
    name: 'rust:1.77',
    variant: 'debian',
    env: [
      ['RUSTUP_HOME', '/usr/local/rustup'],
      ['CARGO_HOME', '/usr/local/cargo'],
      ['PATH', `/usr/local/cargo/bin:${DEFAULT_PATH}`],
      ['RUST_VERSION', '1.77.2'],
    ],
    cmd: ['sh'],
    dirs: [['/usr/local/cargo/bin'], ['/usr/local/rustup']],
  },
  { ...MAVEN, name: 'maven:3' },
  { ...TEMURIN_21, name: 'eclipse-temurin:21' },
  {
    name: 'mcr.microsoft.com/dotnet/sdk:8.0',
    variant: 'debian',
    env: [
      ['APP_UID', '1654'],
      ['DOTNET_RUNNING_IN_CONTAINER', 'true'],
      ['DOTNET_VERSION', '8.0.4'],
      ['DOTNET_SDK_VERSION', '8.0.204'],
      ['NUGET_XMLDOC_MODE', 'skip'],
    ],
    cmd: ['bash'],
    dirs: [['/usr/share/dotnet/sdk']],
  },
  {
    // Debian based, with bun (and no npm) on the PATH, root by default, a bun user for `USER bun`.
    name: 'oven/bun:1',
    variant: 'debian',
    env: [['BUN_RUNTIME_TRANSPILER_CACHE_PATH', '0'], ['BUN_INSTALL_BIN', '/usr/local/bin']],
    cmd: ['/usr/local/bin/bun'],
    workdir: '/home/bun/app',
    dirs: [['/home/bun'], ['/home/bun/app']],
    users: ['bun:x:1000:1000::/home/bun:/bin/sh'],
    groups: ['bun:x:1000:'],
    only: ['bun', ...DEBIAN_BASICS],
  },
  { name: 'busybox', variant: 'busybox', env: [], cmd: ['sh'] },

  // Slim variants and runtime images (the multi-stage and slim-base transforms name them).
  {
    name: 'node:20-slim',
    variant: 'debian',
    env: [['NODE_VERSION', '20.11.1'], ['YARN_VERSION', '1.22.19']],
    cmd: ['node'],
    dirs: [['/home/node']],
    users: ['node:x:1000:1000::/home/node:/bin/sh'],
    groups: ['node:x:1000:'],
    omit: FULL_ONLY,
  },
  {
    name: 'python:3.11-slim',
    variant: 'debian',
    env: [['LANG', 'C.UTF-8'], ['PYTHON_VERSION', '3.11.8']],
    cmd: ['python3'],
    dirs: [['/usr/local/lib/python3.11/site-packages']],
    omit: FULL_ONLY,
  },
  { name: 'debian:bookworm-slim', variant: 'debian', env: [], cmd: ['bash'], only: DEBIAN_BASICS },
  { ...MAVEN, name: 'maven:3.9-eclipse-temurin-21' },
  { ...TEMURIN_21, name: 'eclipse-temurin:21-jre', only: ['java', ...DEBIAN_BASICS] },
  {
    name: 'mcr.microsoft.com/dotnet/aspnet:8.0',
    variant: 'debian',
    env: [
      ['APP_UID', '1654'],
      ['ASPNETCORE_HTTP_PORTS', '8080'],
      ['DOTNET_RUNNING_IN_CONTAINER', 'true'],
      ['DOTNET_VERSION', '8.0.4'],
      ['ASPNET_VERSION', '8.0.4'],
    ],
    cmd: ['bash'],
    dirs: [['/usr/share/dotnet/shared']],
    users: ['app:x:1654:1654::/home/app:/bin/sh'],
    groups: ['app:x:1654:'],
    only: ['dotnet', ...DEBIAN_BASICS],
  },
  { name: 'gcr.io/distroless/static-debian12', variant: 'distroless', env: [['SSL_CERT_FILE', '/etc/ssl/certs/ca-certificates.crt']], cmd: [] },
  { name: 'gcr.io/distroless/base-debian12', variant: 'distroless', env: [['SSL_CERT_FILE', '/etc/ssl/certs/ca-certificates.crt']], cmd: [] },
];

/** The name buildah stores an image under (`docker.io/library/node:20`). */
export function buildahName(name: string): string {
  const withTag = /:[^/]+$/.test(name) ? name : `${name}:latest`;
  const first = withTag.split('/')[0] ?? '';
  if (withTag.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost')) return withTag;
  return withTag.includes('/') ? `docker.io/${withTag}` : `docker.io/library/${withTag}`;
}

/** Folder-safe slug of an image name. */
export function slug(name: string): string {
  return name.replace(/[^A-Za-z0-9.-]+/g, '_');
}

/** The stand-ins on an image's PATH: every tool, except apk (Debian) or apt-get/useradd (Alpine), then `only`/`omit`. */
function standinsFor(spec: BaseImageSpec): string[] {
  if (spec.variant === 'busybox' || spec.variant === 'distroless') return [];
  const all = readdirSync(STANDIN_DIR).filter((f) => !f.includes('.'));
  const skip = spec.variant === 'alpine' ? ['apt-get', 'apt', 'useradd', 'groupadd'] : ['apk'];
  return all.filter((f) => !skip.includes(f) && (!spec.only || spec.only.includes(f)) && !(spec.omit ?? []).includes(f)).sort();
}

const LIB_FILES = ['lib.sh', 'node-common.sh', 'py-common.sh', 'json.awk', 'pom.awk'];

let busyboxCache: { path: string; applets: string[] } | undefined;

/** The static busybox binary and the install locations of its applets. */
export function findBusybox(): { path: string; applets: string[] } {
  if (busyboxCache) return busyboxCache;
  const candidates = [process.env['DOCKEROPT_BUSYBOX'], '/bin/busybox', '/usr/bin/busybox'].filter(
    (p): p is string => typeof p === 'string' && p !== '',
  );
  for (const p of candidates) {
    if (!existsSync(p)) continue;
    if (hasInterpreter(readFileSync(p))) continue; // dynamically linked: would not run in a bare rootfs
    const list = execFileSync(p, ['--list-full'], { encoding: 'utf8' });
    const applets = list
      .split('\n')
      .map((s) => s.trim())
      .filter((s) => s !== '' && s !== 'bin/busybox');
    busyboxCache = { path: p, applets };
    return busyboxCache;
  }
  throw new Error('no static busybox found (install busybox-static)');
}

/** True for an ELF executable that names a program interpreter (is dynamically linked). */
function hasInterpreter(elf: Buffer): boolean {
  if (elf.length < 64 || elf.readUInt32BE(0) !== 0x7f454c46 || elf[4] !== 2) return true; // not ELF64: do not trust it
  const little = elf[5] === 1;
  const u16 = (o: number): number => (little ? elf.readUInt16LE(o) : elf.readUInt16BE(o));
  const u32 = (o: number): number => (little ? elf.readUInt32LE(o) : elf.readUInt32BE(o));
  const phoff = Number(little ? elf.readBigUInt64LE(0x20) : elf.readBigUInt64BE(0x20));
  const phentsize = u16(0x36);
  const phnum = u16(0x38);
  for (let i = 0; i < phnum; i++) {
    const off = phoff + i * phentsize;
    if (off + 4 > elf.length) break;
    if (u32(off) === 3) return true; // PT_INTERP
  }
  return false;
}

function mkdirMode(path: string, mode = 0o755): void {
  mkdirSync(path, { recursive: true });
  chmodSync(path, mode);
}

function writeMode(path: string, content: string, mode = 0o644): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, content);
  chmodSync(path, mode);
}

/** A distroless stand-in: busybox as /bin/sh only, the users, CA bundle and zoneinfo of the real one. */
function assembleDistroless(dir: string, spec: BaseImageSpec): void {
  const bb = findBusybox();
  for (const d of ['bin', 'etc', 'etc/ssl/certs', 'usr/share/zoneinfo', 'home/nonroot', 'root', 'var', 'dev', 'proc', 'sys', 'run']) mkdirMode(join(dir, d));
  mkdirMode(join(dir, 'tmp'), 0o1777);
  chmodSync(join(dir, 'root'), 0o700);
  copyFileSync(bb.path, join(dir, 'bin/busybox'));
  chmodSync(join(dir, 'bin/busybox'), 0o755);
  symlinkSync('busybox', join(dir, 'bin/sh'));
  writeMode(join(dir, 'etc/passwd'), 'root:x:0:0:root:/root:/sbin/nologin\nnobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n');
  writeMode(join(dir, 'etc/group'), 'root:x:0:\nnobody:x:65534:\nnonroot:x:65532:\n');
  for (const f of ['etc/hosts', 'etc/resolv.conf', 'etc/hostname']) writeMode(join(dir, f), '');
  writeMode(join(dir, 'etc/ssl/certs/ca-certificates.crt'), '# CA bundle (stand-in)\n');
  writeMode(join(dir, 'usr/share/zoneinfo/UTC'), 'TZif (stand-in)\n');
  writeMode(join(dir, 'etc/os-release'), 'PRETTY_NAME="Distroless"\nID=debian\nVERSION_ID="12"\n');
  writeMode(join(dir, 'etc/dockeropt-base'), `${spec.name}\n`);
}

/** Writes the root filesystem of one base image into `dir` (which must not exist yet). */
export function assembleRootfs(dir: string, spec: BaseImageSpec): void {
  if (spec.variant === 'distroless') {
    mkdirMode(dir);
    assembleDistroless(dir, spec);
    return;
  }
  const bb = findBusybox();
  mkdirMode(dir);
  for (const d of ['bin', 'sbin', 'usr', 'usr/bin', 'usr/sbin', 'usr/local', 'usr/local/bin', 'usr/local/sbin', 'usr/local/lib', 'usr/share',
    'etc', 'home', 'opt', 'srv', 'mnt', 'var', 'var/lib', 'var/cache', 'var/log', 'var/spool', 'dev', 'proc', 'sys', 'run']) {
    mkdirMode(join(dir, d));
  }
  mkdirMode(join(dir, 'tmp'), 0o1777);
  mkdirMode(join(dir, 'var/tmp'), 0o1777);
  mkdirMode(join(dir, 'root'), 0o700);

  copyFileSync(bb.path, join(dir, 'bin/busybox'));
  chmodSync(join(dir, 'bin/busybox'), 0o755);
  for (const applet of bb.applets) {
    const target = join(dir, applet);
    if (existsSync(target)) continue;
    mkdirSync(dirname(target), { recursive: true });
    symlinkSync('/bin/busybox', target);
  }

  const users = ['root:x:0:0:root:/root:/bin/sh', 'daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin', ...(spec.users ?? []),
    'nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin'];
  const groups = ['root:x:0:', 'daemon:x:1:', 'staff:x:50:', 'users:x:100:', ...(spec.groups ?? []), 'nogroup:x:65534:'];
  writeMode(join(dir, 'etc/passwd'), users.join('\n') + '\n');
  writeMode(join(dir, 'etc/group'), groups.join('\n') + '\n');
  writeMode(join(dir, 'etc/shadow'), users.map((u) => `${u.split(':')[0]}:*:19000:0:99999:7:::`).join('\n') + '\n', 0o640);
  // Present in the base so that neither engine adds them to a layer when it mounts its own.
  for (const f of ['etc/hosts', 'etc/resolv.conf', 'etc/hostname']) writeMode(join(dir, f), '');
  writeMode(join(dir, 'etc/dockeropt-base'), `${spec.name}\n`);
  writeMode(
    join(dir, 'etc/os-release'),
    spec.variant === 'alpine'
      ? 'NAME="Alpine Linux"\nID=alpine\nVERSION_ID=3.19.1\n'
      : spec.variant === 'busybox'
        ? 'NAME="BusyBox"\nID=busybox\n'
        : 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\nVERSION_ID="12"\nID=debian\n',
  );
  if (spec.variant === 'debian') {
    mkdirMode(join(dir, 'etc/apt/apt.conf.d'));
    mkdirMode(join(dir, 'var/lib/apt/lists'));
    mkdirMode(join(dir, 'var/cache/apt/archives'));
    mkdirMode(join(dir, 'var/lib/dpkg/info'));
    writeMode(join(dir, 'var/lib/dpkg/status'), '');
  }
  if (spec.variant === 'alpine') {
    mkdirMode(join(dir, 'etc/apk'));
    writeMode(join(dir, 'etc/apk/world'), 'alpine-base\n');
    mkdirMode(join(dir, 'lib/apk/db'));
    mkdirMode(join(dir, 'var/cache/apk'));
  }

  const tools = standinsFor(spec);
  if (tools.length > 0) {
    const lib = join(dir, 'usr/local/lib/dockeropt-standins');
    mkdirMode(lib);
    for (const f of LIB_FILES) copyWithMode(join(STANDIN_DIR, f), join(lib, f), 0o644);
    if (spec.variant === 'debian') {
      mkdirMode(join(lib, 'tools'));
      for (const t of APT_TOOLS) copyWithMode(join(STANDIN_DIR, t), join(lib, 'tools', t), 0o755);
    }
    for (const t of tools) copyWithMode(join(STANDIN_DIR, t), join(dir, 'usr/local/bin', t), 0o755);
    for (const [alias, target] of [['pip3', 'pip'], ['python3', 'python'], ['python3.11', 'python'], ['cc', 'gcc'], ['g++', 'gcc'], ['c++', 'gcc']] as const) {
      if (tools.includes(target)) symlinkSync(target, join(dir, 'usr/local/bin', alias));
    }
  }
  for (const [d, mode] of spec.dirs ?? []) mkdirMode(join(dir, d), mode ?? 0o755);
}

function copyWithMode(from: string, to: string, mode: number): void {
  copyFileSync(from, to);
  chmodSync(to, mode);
}

/** The Dockerfile that turns `rootfs/` into the base image (the same text for both engines). */
export function baseDockerfile(spec: BaseImageSpec): string {
  const env = spec.env.some(([k]) => k === 'PATH') ? spec.env : [['PATH', DEFAULT_PATH] as [string, string], ...spec.env];
  const lines = ['FROM scratch', 'COPY rootfs/ /'];
  for (const [k, v] of env) lines.push(`ENV ${k}=${v}`);
  if (spec.workdir) lines.push(`WORKDIR ${spec.workdir}`);
  if (spec.cmd.length > 0) lines.push(`CMD ${JSON.stringify(spec.cmd)}`);
  return lines.join('\n') + '\n';
}
