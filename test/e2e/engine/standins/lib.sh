# Shared helpers for the package-manager stand-ins (sourced; busybox ash).
#
# Every stand-in follows one pattern:
#   1. record its inputs: the files the real tool reads (si_file/si_tree), the flags and
#      environment that change what it installs (si_text);
#   2. fail like the real tool when a file it needs is missing (si_die);
#   3. write outputs whose content is a pure function of those inputs (si_digest) to the
#      places the real tool writes. No timestamps, no randomness, no network.
#
# Records are kept in a shell variable, never in a temp file: a stand-in must leave nothing
# behind in the image except its modelled outputs.

set -eu
umask 022

SI_LIB=/usr/local/lib/dockeropt-standins
SI_TOOL=${SI_TOOL:-${0##*/}}
SI_IN=""
SI_NL='
'
: "${HOME:=/root}"
[ "$HOME" = / ] && HOME=/root
export HOME

# si_die [CODE] LINE...: print LINE... to stderr and exit with CODE (default 1).
si_die() {
  _code=1
  case "$1" in
    [0-9] | [0-9][0-9] | [0-9][0-9][0-9]) _code=$1; shift ;;
  esac
  printf '%s\n' "$@" >&2
  exit "$_code"
}

# si_sha: sha256 (hex) of stdin.
si_sha() { sha256sum | cut -d' ' -f1; }

# si_short TEXT: a 12-hex-digit digest of TEXT.
si_short() { printf '%s' "$1" | si_sha | cut -c1-12; }

# si_text WORDS...: record a literal input (flags, environment, package names).
si_text() { SI_IN="$SI_IN${SI_NL}text $*"; }

# si_file PATH: record the content of file PATH, the tree under directory PATH, or its absence.
si_file() {
  if [ -f "$1" ]; then
    SI_IN="$SI_IN${SI_NL}file $1 $(si_sha < "$1")"
  elif [ -d "$1" ]; then
    si_tree "$1"
  else
    SI_IN="$SI_IN${SI_NL}absent $1"
  fi
}

# si_tree DIR [NAME...]: record every file and symlink under DIR, sorted, skipping files and
# directories called NAME (a tool's own output folders, e.g. target or node_modules).
si_tree() {
  _dir=$1
  shift
  if [ ! -d "$_dir" ]; then
    SI_IN="$SI_IN${SI_NL}absent $_dir"
    return 0
  fi
  set -f
  _prune=""
  for _p in "$@"; do _prune="$_prune -name $_p -prune -o"; done
  _files=$(cd "$_dir" && find . $_prune -type f -exec sha256sum {} + | LC_ALL=C sort -k2)
  _links=$(cd "$_dir" && find . $_prune -type l -print | LC_ALL=C sort | while IFS= read -r _l; do
    printf 'link %s %s\n' "$_l" "$(readlink "$_l")"
  done)
  set +f
  SI_IN="$SI_IN${SI_NL}tree $_dir${SI_NL}$_files${SI_NL}$_links"
}

# si_digest: the sha256 of everything recorded so far (plus the tool name).
si_digest() { printf '%s\n%s\n' "$SI_TOOL" "$SI_IN" | si_sha; }

# si_write PATH LINE...: write LINE... (one per line) to PATH, creating parent folders.
si_write() {
  _f=$1
  shift
  mkdir -p "$(dirname "$_f")"
  printf '%s\n' "$@" > "$_f"
}

# si_write_exe PATH LINE...: the same, executable.
si_write_exe() {
  si_write "$@"
  chmod 0755 "$1"
}

# si_json_check FILE MESSAGE: fail with MESSAGE when FILE is not valid JSON.
si_json_check() {
  awk -v mode=check -f "$SI_LIB/json.awk" "$1" || si_die "$2"
}

# si_json MODE QUERY FILE: see json.awk (modes keys, get, items).
si_json() {
  awk -v mode="$1" -v q="$2" -f "$SI_LIB/json.awk" "$3"
}

# si_run_script NAME BODY [ERROR_PREFIX]: run a manifest script with sh, like a package manager.
si_run_script() {
  printf '\n> %s\n> %s\n\n' "$1" "$2"
  if ! sh -c "$2"; then
    si_die 1 "${3:-error} script \"$1\" failed: $2"
  fi
}

# si_find_up NAME: print the nearest folder (from $PWD upwards) that holds NAME.
si_find_up() {
  _d=$PWD
  while :; do
    if [ -e "$_d/$1" ]; then
      printf '%s\n' "$_d"
      return 0
    fi
    [ "$_d" = / ] && return 1
    _d=$(dirname "$_d")
  done
}

# si_truthy VALUE: true for 1/true/yes/on (any case).
si_truthy() {
  case "$1" in
    1 | [Tt][Rr][Uu][Ee] | [Yy][Ee][Ss] | [Oo][Nn]) return 0 ;;
    *) return 1 ;;
  esac
}
