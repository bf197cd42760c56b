# Helpers shared by the pip, poetry, uv and python stand-ins (sourced after lib.sh).

PY_VER=3.11
PY_SYSTEM_SITE=/usr/local/lib/python$PY_VER/site-packages

# py_norm NAME: the import/folder name of a distribution (lowercase, - and . become _).
py_norm() { printf '%s' "$1" | tr 'A-Z.-' 'a-z__'; }

# py_write_pkg SITE NAME DIGEST: an installed distribution whose content depends on NAME and DIGEST.
py_write_pkg() {
  _n=$(py_norm "$2")
  si_write "$1/$_n/__init__.py" "# $2, installed by the $SI_TOOL stand-in" "STANDIN = \"$(si_short "$2 $3")\""
  si_write "$1/$_n-0.0.0.dist-info/METADATA" "Metadata-Version: 2.1" "Name: $2" "Version: 0.0.0"
  si_write "$1/$_n-0.0.0.dist-info/INSTALLER" "$SI_TOOL"
}

# py_write_editable SITE NAME PATH: an editable install (a .pth file pointing at PATH).
py_write_editable() {
  si_write "$1/__editable__.$(py_norm "$2")-0.0.0.pth" "$3"
  si_write "$1/$(py_norm "$2")-0.0.0.dist-info/METADATA" "Metadata-Version: 2.1" "Name: $2" "Version: 0.0.0"
}

# py_make_venv DIR: a virtual environment whose pip installs into DIR.
py_make_venv() {
  mkdir -p "$1/bin" "$1/lib/python$PY_VER/site-packages"
  si_write "$1/pyvenv.cfg" "home = /usr/local/bin" "include-system-site-packages = false" "version = 3.11.8"
  ln -sf /usr/local/bin/python "$1/bin/python"
  ln -sf python "$1/bin/python3"
  si_write_exe "$1/bin/pip" "#!/bin/sh" "STANDIN_PIP_PREFIX=$1 exec /usr/local/bin/pip \"\$@\""
  ln -sf pip "$1/bin/pip3"
  si_write "$1/bin/activate" "VIRTUAL_ENV=$1" "export VIRTUAL_ENV" "PATH=\"$1/bin:\$PATH\"" "export PATH"
}

# py_project_name [FILE]: [project] or [tool.poetry] name from pyproject.toml.
py_project_name() {
  awk '
    /^\[/ { s = $0; gsub(/[][ \t]/, "", s); next }
    (s == "project" || s == "tool.poetry") && /^name[ \t]*=/ {
      v = $0; sub(/^name[ \t]*=[ \t]*/, "", v); gsub(/["\047]/, "", v); sub(/[ \t]*(#.*)?$/, "", v); print v; exit
    }
  ' "${2:-pyproject.toml}"
}

# py_toml_deps TOOL [FILE]: "GROUP NAME" lines for the dependencies a pyproject.toml declares:
# [project] dependencies (group main), [dependency-groups] (group = table key); for TOOL=poetry
# also [tool.poetry.dependencies] (main), [tool.poetry.group.G.dependencies] (G),
# [tool.poetry.dev-dependencies] (dev); for TOOL=uv also [tool.uv] dev-dependencies (dev).
py_toml_deps() {
  awk -v tool="$1" '
    function spec_name(x) { gsub(/["\047,]/, "", x); sub(/^[ \t]+/, "", x); match(x, /^[A-Za-z0-9._-]+/); return substr(x, RSTART, RLENGTH) }
    function take_items(line, grp,   t) {
      t = line
      while (match(t, /"[^"]*"|\047[^\047]*\047/)) {
        nm = spec_name(substr(t, RSTART, RLENGTH)); if (nm != "") print grp, nm
        t = substr(t, RSTART + RLENGTH)
      }
    }
    arr != "" { take_items($0, arr); if ($0 ~ /\]/) arr = ""; next }
    /^\[/ { s = $0; gsub(/[][ \t]/, "", s); next }
    s == "project" && /^dependencies[ \t]*=/ { l = $0; sub(/^[^=]*=/, "", l); take_items(l, "main"); if (l !~ /\]/) arr = "main"; next }
    s == "dependency-groups" && /^[A-Za-z0-9_-]+[ \t]*=/ { g = $0; sub(/[ \t]*=.*/, "", g); l = $0; sub(/^[^=]*=/, "", l); take_items(l, g); if (l !~ /\]/) arr = g; next }
    tool == "uv" && s == "tool.uv" && /^dev-dependencies[ \t]*=/ { l = $0; sub(/^[^=]*=/, "", l); take_items(l, "dev"); if (l !~ /\]/) arr = "dev"; next }
    tool == "poetry" && s == "tool.poetry.dependencies" && /^[A-Za-z0-9_.-]+[ \t]*=/ { k = $0; sub(/[ \t]*=.*/, "", k); if (k != "python") print "main", k; next }
    tool == "poetry" && s == "tool.poetry.dev-dependencies" && /^[A-Za-z0-9_.-]+[ \t]*=/ { k = $0; sub(/[ \t]*=.*/, "", k); print "dev", k; next }
    tool == "poetry" && s ~ /^tool\.poetry\.group\.[^.]+\.dependencies$/ && /^[A-Za-z0-9_.-]+[ \t]*=/ {
      g = s; sub(/^tool\.poetry\.group\./, "", g); sub(/\.dependencies$/, "", g)
      k = $0; sub(/[ \t]*=.*/, "", k); print g, k; next
    }
  ' "${2:-pyproject.toml}"
}
