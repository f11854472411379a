#!/usr/bin/env bash
# make build (and so make run): bin/syncserver and bin/smallwins, saying what
# it does instead of staying silent. The first build from a cold Go cache
# compiles several hundred packages, Fyne's GLFW and OpenGL C code among them:
# about 10 minutes on 2 cores; later builds take seconds. `go build -v` names
# each package as it is compiled; this script counts them and shows the
# latest, one line per package when the output is not a terminal.
set -euo pipefail
cd "$(dirname "$0")/.."
GO=${GO:-go}
tags=${TAGS:-migrated_fynedo}

# progress <total> <cgo packages>: counts the package lines of `go build -v`
# (an import path alone on its line: go prints it as it starts building that
# package) and shows the package being built, with the time it has taken so
# far, refreshed every 5 s, so a long step never looks frozen; a package with C
# code (cgo: Fyne's GLFW and OpenGL) is named as such, since it takes minutes.
# Anything else (a compile error) is passed through.
progress() {
  local total=$1 cgo=" $2 " n=0 line tty=0 current="" since=$SECONDS said=0 rc
  [ -t 1 ] && tty=1
  show() {
    local what="$current" waited=$((SECONDS - since))
    [[ $cgo == *" $current "* ]] && what="$current (C code: compiling, this one takes minutes)"
    if [ $tty = 1 ]; then
      printf '\r\033[K  [%d/%d] building %s  %ds' "$n" "$total" "$what" "$waited"
    elif [ "$1" = new ]; then
      printf '  [%d/%d] building %s\n' "$n" "$total" "$what"
    else
      printf '  … still building %s after %d s\n' "$current" "$waited"
    fi
  }
  while true; do
    if IFS= read -r -t 5 line; then
      if [[ $line =~ ^[A-Za-z0-9._~/+-]+$ ]]; then
        n=$((n + 1)) current=$line since=$SECONDS said=0
        show new
      else
        [ $tty = 1 ] && printf '\n'
        printf '%s\n' "$line"
      fi
    else
      rc=$?
      [ $rc -gt 128 ] || break # not a timeout: the build ended
      [ -n "$current" ] || continue
      # A quiet stretch: refresh the line (a terminal), or say so every 30 s.
      if [ $tty = 1 ]; then
        show tick
      elif [ $((SECONDS - since - said)) -ge 30 ]; then
        said=$((SECONDS - since))
        show tick
      fi
    fi
  done
  [ $tty = 1 ] && [ $n -gt 0 ] && printf '\n'
  case $n in
  0) echo "  up to date (nothing to compile)" ;;
  1) echo "  compiled 1 package" ;;
  *) echo "  compiled $n packages" ;;
  esac
}

# step <what> <output> <go build args...>
step() {
  local what=$1 out=$2
  shift 2
  # The packages the binary needs (at most that many compile: the rest are cached).
  local total cgo
  total=$($GO list -deps "$@" 2>/dev/null | wc -l || echo '?')
  # The packages with C code that are not compiled yet: the slow ones.
  cgo=$($GO list -deps -f '{{if .CgoFiles}}{{if .Stale}}{{.ImportPath}}{{end}}{{end}}' "$@" 2>/dev/null | tr '\n' ' ' || true)
  echo "Building $what ($out; up to $total packages)"
  local start=$SECONDS
  # `go build -v` writes the package names and any errors to stderr.
  $GO build -v -o "$out" "$@" 2>&1 | progress "$total" "$cgo"
  echo "  done in $((SECONDS - start)) s"
}

# GLFW (cgo) is the long part of a first build: say so before it starts.
if [ "$(cd app && $GO list -tags "$tags" -f '{{.Stale}}' github.com/go-gl/glfw/v3.3/glfw 2>/dev/null)" = true ]; then
  echo "First build on this machine: expect about 10 minutes on 2 cores (Fyne's C code is compiled once; later builds take seconds)."
fi
step "the sync server" bin/syncserver ./syncserver
step "the tablet app" bin/smallwins -tags "$tags" ./app
