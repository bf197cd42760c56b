# Helpers shared by the npm, yarn and pnpm stand-ins (sourced after lib.sh).

# node_need_manifest ERROR_LINE...: fail unless ./package.json exists and parses.
node_need_manifest() {
  [ -f package.json ] || si_die "$@"
  si_json_check package.json "npm ERR! code EJSONPARSE" "npm ERR! JSON.parse Failed to parse $PWD/package.json"
}

# node_workspace_dirs: the workspace member folders (those holding a package.json), sorted.
# pnpm reads pnpm-workspace.yaml "packages:" and ignores package.json "workspaces"; npm and yarn
# read package.json "workspaces" (array or {packages: [...]}) and ignore pnpm-workspace.yaml.
# Not modelled: negated patterns ("!x") and "**" (it matches like "*").
node_workspace_dirs() {
  {
    if [ "$SI_TOOL" != pnpm ] && [ -f package.json ]; then
      si_json items workspaces package.json
      si_json items workspaces/packages package.json
    fi
    if [ "$SI_TOOL" = pnpm ] && [ -f pnpm-workspace.yaml ]; then
      awk '
        /^packages:/ { on = 1; next }
        /^[^ \t#-]/ { on = 0 }
        on && /^[ \t]*-/ { sub(/^[ \t]*-[ \t]*/, ""); gsub(/["\047]/, ""); sub(/[ \t]+#.*$/, ""); print }
      ' pnpm-workspace.yaml
    fi
  } | while IFS= read -r _pat; do
    case "$_pat" in '!'* | '') continue ;; esac
    for _d in $_pat; do
      _d=${_d%/}
      [ -f "$_d/package.json" ] && printf '%s\n' "$_d"
    done
  done | LC_ALL=C sort -u
}

# node_record_workspaces: record every member's package.json.
node_record_workspaces() {
  for _w in $(node_workspace_dirs); do si_file "$_w/package.json"; done
}

# node_deps DIR OMIT_DEV OMIT_OPTIONAL: dependency names of DIR/package.json.
node_deps() {
  {
    si_json keys dependencies "$1/package.json"
    [ "$2" = 1 ] || si_json keys devDependencies "$1/package.json"
    [ "$3" = 1 ] || si_json keys optionalDependencies "$1/package.json"
  } | LC_ALL=C sort -u
}

# node_all_deps OMIT_DEV OMIT_OPTIONAL: root and workspace members' dependencies (hoisted).
node_all_deps() {
  {
    node_deps . "$1" "$2"
    for _w in $(node_workspace_dirs); do node_deps "$_w" "$1" "$2"; done
  } | LC_ALL=C sort -u
}

# node_write_modules DIGEST OMIT_DEV OMIT_OPTIONAL: node_modules/<dep>/ for every dependency,
# workspace members linked into node_modules, and node_modules/.package-lock.json.
node_write_modules() {
  _digest=$1
  _names=""
  for _dep in $(node_all_deps "$2" "$3"); do
    _ver="0.0.0-standin.$(si_short "$_dep $_digest")"
    si_write "node_modules/$_dep/package.json" "{\"name\": \"$_dep\", \"version\": \"$_ver\"}"
    si_write "node_modules/$_dep/index.js" "module.exports = \"$_dep@$_ver\";"
    _names="$_names $_dep"
  done
  for _w in $(node_workspace_dirs); do
    _wname=$(si_json get name "$_w/package.json")
    [ -n "$_wname" ] || continue
    mkdir -p "node_modules/$(dirname "$_wname")"
    _up=$(printf '%s' "$_wname" | sed 's#[^/]*#..#g')
    rm -rf "node_modules/$_wname"
    ln -s "$_up/$_w" "node_modules/$_wname"
  done
  si_write node_modules/.package-lock.json \
    "{" \
    "  \"name\": \"$(si_json get name package.json)\"," \
    "  \"lockfileVersion\": 3," \
    "  \"standin\": \"$SI_TOOL $_digest\"," \
    "  \"packages\": \"${_names# }\"" \
    "}"
  set -- $_names
  echo "added $# packages, and audited $(($# + 1)) packages in 0s"
}

# node_lifecycle [EVENTS]: run the root package's install lifecycle scripts, as npm does after
# install (default: preinstall install postinstall prepare).
node_lifecycle() {
  for _ev in ${1:-preinstall install postinstall prepare}; do
    _body=$(si_json get "scripts/$_ev" package.json)
    [ -n "$_body" ] || continue
    PATH="$PWD/node_modules/.bin:$PATH" npm_lifecycle_event=$_ev si_run_script "$_ev" "$_body" "npm ERR! code ELIFECYCLE; npm ERR!"
  done
}

# node_run NAME [ARGS...]: `npm run NAME`.
node_run() {
  node_need_manifest "npm ERR! code ENOENT" "npm ERR! enoent Could not read package.json"
  _name=$1
  shift
  _body=$(si_json get "scripts/$_name" package.json)
  [ -n "$_body" ] || si_die "npm ERR! Missing script: \"$_name\""
  [ $# -gt 0 ] && _body="$_body $*"
  PATH="$PWD/node_modules/.bin:$PATH" npm_lifecycle_event=$_name si_run_script "$_name" "$_body" "npm ERR! Lifecycle"
}
