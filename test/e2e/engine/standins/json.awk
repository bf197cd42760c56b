# A tiny JSON reader for the package-manager stand-ins (busybox awk; no jq in the base images).
#
#   awk -v mode=check              -f json.awk FILE   exit 2 and a message if FILE is not valid JSON
#   awk -v mode=keys  -v q=a/b     -f json.awk FILE   the keys of the object at a/b, one a line
#   awk -v mode=get   -v q=a/b     -f json.awk FILE   the scalar at a/b (strings unescaped)
#   awk -v mode=items -v q=a/b     -f json.awk FILE   the scalar items of the array at a/b
#
# Paths are "/"-separated keys (array items are 0-based numbers); q="" is the root value.
# Not modelled: \u escapes (each becomes "?"), keys containing "/" cannot be addressed in q.

{ s = s $0 "\n" }

END {
  SEP = "\034"
  n = length(s); i = 1; err = 0
  target = ""
  if (q != "") { target = q; gsub("/", SEP, target); target = SEP target }
  skipws()
  if (i > n) fail("empty document")
  value("")
  skipws()
  if (!err && i <= n) fail("unexpected data after the document")
  exit err ? 2 : 0
}

function fail(msg) {
  if (!err) printf "JSON parse error at character %d of %s: %s\n", i, FILENAME, msg > "/dev/stderr"
  err = 1
  i = n + 1
}

function skipws(   c) {
  while (i <= n) {
    c = substr(s, i, 1)
    if (c == " " || c == "\t" || c == "\n" || c == "\r") i++
    else break
  }
}

function str(   out, c, e) {
  if (substr(s, i, 1) != "\"") { fail("expected a string"); return "" }
  i++
  out = ""
  while (i <= n) {
    c = substr(s, i, 1)
    if (c == "\\") {
      e = substr(s, i + 1, 1)
      if (e == "n") out = out "\n"
      else if (e == "t") out = out "\t"
      else if (e == "r") out = out "\r"
      else if (e == "b" || e == "f") out = out " "
      else if (e == "u") { out = out "?"; i += 4 }
      else out = out e
      i += 2
      continue
    }
    if (c == "\"") { i++; return out }
    if (c == "\n") { fail("newline inside a string"); return "" }
    out = out c
    i++
  }
  fail("unterminated string")
  return ""
}

# Parses one value at path; returns 1 and sets `scalar` when the value is a scalar.
function value(path,   c, k, idx, lit) {
  if (err) return 0
  skipws()
  c = substr(s, i, 1)
  if (c == "{") {
    i++
    skipws()
    if (substr(s, i, 1) == "}") { i++; return 0 }
    while (!err) {
      skipws()
      k = str()
      if (err) return 0
      if (mode == "keys" && path == target) print k
      skipws()
      if (substr(s, i, 1) != ":") { fail("expected ':'"); return 0 }
      i++
      value(path SEP k)
      skipws()
      c = substr(s, i, 1)
      i++
      if (c == "}") return 0
      if (c != ",") { fail("expected ',' or '}'"); return 0 }
    }
    return 0
  }
  if (c == "[") {
    i++
    skipws()
    if (substr(s, i, 1) == "]") { i++; return 0 }
    idx = 0
    while (!err) {
      if (value(path SEP idx) && mode == "items" && path == target) print scalar
      idx++
      skipws()
      c = substr(s, i, 1)
      i++
      if (c == "]") return 0
      if (c != ",") { fail("expected ',' or ']'"); return 0 }
    }
    return 0
  }
  if (c == "\"") {
    scalar = str()
    if (err) return 0
    if (mode == "get" && path == target) print scalar
    return 1
  }
  lit = ""
  while (i <= n) {
    c = substr(s, i, 1)
    if (c == "," || c == "}" || c == "]" || c == " " || c == "\t" || c == "\n" || c == "\r") break
    lit = lit c
    i++
  }
  if (lit !~ /^(true|false|null|-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?)$/) { fail("unexpected '" lit "'"); return 0 }
  scalar = lit
  if (mode == "get" && path == target) print scalar
  return 1
}
