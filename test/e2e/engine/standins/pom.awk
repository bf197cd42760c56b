# pom.awk - reads the parts of a Maven pom.xml the mvn stand-in needs (busybox awk).
# Prints "artifactId A", "groupId G", "version V", "packaging P", "module M" and
# "dep G:A:V" (dependencies and build plugins). Not modelled: properties (${x} stays as is),
# profiles, dependencyManagement, XML comments containing "<".
BEGIN { RS = "<"; path = "" }
NR == 1 { next }
{
  i = index($0, ">")
  if (i == 0) next
  tag = substr($0, 1, i - 1)
  text = substr($0, i + 1)
  gsub(/^[ \t\r\n]+|[ \t\r\n]+$/, "", text)
  if (tag ~ /^[!?]/) next
  if (tag ~ /^\//) {
    name = substr(tag, 2)
    if (path == "/project/dependencies/dependency" || path == "/project/build/plugins/plugin") {
      print "dep " (g == "" ? "org.apache.maven.plugins" : g) ":" a ":" (v == "" ? "0" : v)
      g = ""; a = ""; v = ""
    }
    sub(/\/[^\/]*$/, "", path)
    next
  }
  selfclose = (tag ~ /\/$/)
  split(tag, w, /[ \t\r\n\/]/)
  name = w[1]
  if (selfclose) next
  path = path "/" name
  if (path == "/project/artifactId") print "artifactId " text
  else if (path == "/project/groupId") print "groupId " text
  else if (path == "/project/version") print "version " text
  else if (path == "/project/parent/version") print "parentversion " text
  else if (path == "/project/packaging") print "packaging " text
  else if (path == "/project/modules/module") print "module " text
  else if (path ~ /^\/project\/(dependencies\/dependency|build\/plugins\/plugin)\/groupId$/) g = text
  else if (path ~ /^\/project\/(dependencies\/dependency|build\/plugins\/plugin)\/artifactId$/) a = text
  else if (path ~ /^\/project\/(dependencies\/dependency|build\/plugins\/plugin)\/version$/) v = text
}
