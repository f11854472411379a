#!/usr/bin/env bash
# make cross: cross-builds the app for the targets in fyne-cross.yml.
#
#   scripts/cross.sh            every target
#   scripts/cross.sh windows    only the targets of these systems (.ci/run builds windows)
#   CROSS_NO_CONTAINERS=1       the host builds even where a container engine runs (CI)
#
# With a running container engine (Docker or Podman) every target is built by
# fyne-cross in its containers, as before. Without one (this build machine,
# CI), the two desktop targets are built on the host instead
# (docs/decisions/0005-cross-builds-without-containers.md):
#   windows/amd64  go build with cgo and the distribution's mingw-w64 cross
#                  compiler -> bin/cross/windows-amd64/smallwins.exe, checked
#                  to be an x86-64 PE executable
#   linux/amd64    go build, packed by the fyne tool's `fyne package -os linux`
#                  -> bin/cross/linux-amd64/SmallWins.tar.xz
# Android needs the NDK that only fyne-cross's image brings: without a
# container engine it is skipped, said loudly, and the exit status is 0 only
# if every target that was asked for was built.
set -euo pipefail
cd "$(dirname "$0")/.."
fyne_cross_version=${FYNE_CROSS_VERSION:-v1.6.1}
# The fyne tool release built against the Fyne 2.7 line of app/go.mod
# (fyne.io/tools v1.7.2 requires fyne.io/fyne/v2 v2.7.0; v1.7.3 moved to 2.8).
fyne_tool_version=${FYNE_TOOL_VERSION:-v1.7.2}
mingw_cc=${MINGW_CC:-x86_64-w64-mingw32-gcc}
out=bin/cross

flags=$(sed -n 's/^flags: *//p' fyne-cross.yml)
[ -n "$flags" ] || { echo "fyne-cross.yml has no flags: line"; exit 1; }
targets=$(sed -nE 's/^[[:space:]]*- \{os: *([a-z0-9]+), *arch: *([a-z0-9]+)\}.*/\1 \2/p' fyne-cross.yml)
[ -n "$targets" ] || { echo "fyne-cross.yml lists no targets"; exit 1; }
if [ $# -gt 0 ]; then
  want=" $* "
  targets=$(while read -r os arch; do if [[ $want == *" $os "* ]]; then echo "$os $arch"; fi; done <<<"$targets")
  [ -n "$targets" ] || { echo "cross: fyne-cross.yml has no target for: $*"; exit 1; }
fi
# flag NAME: the value of -NAME in fyne-cross.yml's flags, so the host builds
# use the same app id, version, build, name, icon and tags as the containers.
flag() { sed -nE "s/.*(^| )-$1 +([^ ]+).*/\2/p" <<<"$flags"; }
tags=$(flag tags)

engine=""
if [ "${CROSS_NO_CONTAINERS:-}" = 1 ]; then
  :
elif command -v docker >/dev/null 2>&1 && docker info >/dev/null 2>&1; then
  engine=docker
elif command -v podman >/dev/null 2>&1 && podman info >/dev/null 2>&1; then
  engine=podman
fi

if [ -n "$engine" ]; then
  fc=$(command -v fyne-cross || true)
  if [ -z "$fc" ]; then
    GOBIN=$PWD/bin/tools go install "github.com/fyne-io/fyne-cross@$fyne_cross_version"
    fc=$PWD/bin/tools/fyne-cross
  fi
  while read -r os arch; do
    echo "fyne-cross $os -engine $engine -arch=$arch $flags ./app"
    # shellcheck disable=SC2086
    "$fc" "$os" -engine "$engine" -arch="$arch" $flags ./app
  done <<<"$targets"
  echo "Packages are in fyne-cross/dist/"
  exit 0
fi

if [ "${CROSS_NO_CONTAINERS:-}" = 1 ]; then
  why="CROSS_NO_CONTAINERS=1"
elif command -v docker >/dev/null 2>&1; then
  why="the docker command is installed but no Docker daemon answers (docker info fails)"
else
  why="neither Docker nor Podman is installed"
fi
echo "cross: no container engine ($why): building the desktop targets on this host."

# checkpe FILE: the file is a Windows x86-64 executable: "MZ", then at the
# offset stored at 0x3c the "PE\0\0" signature and machine 0x8664 (AMD64).
checkpe() {
  local f=$1 off sig
  [ "$(head -c 2 "$f")" = MZ ] || { echo "cross: $f does not start with MZ"; return 1; }
  off=$(od -An -t u4 -j 60 -N 4 "$f" | tr -d ' ')
  sig=$(od -An -t x1 -j "$off" -N 6 "$f" | tr -d ' \n')
  [ "$sig" = 504500006486 ] || { echo "cross: $f has no PE x86-64 header at $off (found $sig)"; return 1; }
}

windows() {
  command -v "$mingw_cc" >/dev/null 2>&1 || {
    echo "cross: $mingw_cc is missing (make deps installs gcc-mingw-w64-x86-64)"
    return 1
  }
  mkdir -p "$out/windows-amd64"
  local exe=$out/windows-amd64/smallwins.exe start=$SECONDS
  # -H=windowsgui: no console window behind the app, as fyne-cross builds it.
  echo "CGO_ENABLED=1 GOOS=windows GOARCH=amd64 CC=$mingw_cc go build -tags $tags -ldflags '-s -w -H=windowsgui' -o $exe ./app"
  CGO_ENABLED=1 GOOS=windows GOARCH=amd64 CC=$mingw_cc \
    go build -tags "$tags" -ldflags "-s -w -H=windowsgui" -o "$exe" ./app
  checkpe "$exe"
  echo "cross: $exe: PE x86-64 executable, $(($(wc -c <"$exe") / 1024)) KiB, built in $((SECONDS - start)) s"
}

linux() {
  local fyne=$PWD/bin/tools/fyne start=$SECONDS name dir src
  if ! { [ -x "$fyne" ] && "$fyne" version 2>/dev/null | grep -q "$fyne_tool_version"; }; then
    GOBIN=$PWD/bin/tools go install "fyne.io/tools/cmd/fyne@$fyne_tool_version"
  fi
  command -v xz >/dev/null 2>&1 || { echo "cross: xz is missing (make deps installs xz-utils)"; return 1; }
  name=$(flag name) dir=$out/linux-amd64
  mkdir -p "$dir"
  # The binary is built here, like the Windows one, and fyne only packs it:
  # left to build from app/, `fyne package` writes a metadata file into app/
  # for the build and raises Build in app/FyneApp.toml after every run, which
  # would put it out of step with fyne-cross.yml. fyne insists on a source
  # directory with Go code, so it gets an empty package outside the tree.
  echo "CGO_ENABLED=1 go build -tags $tags -ldflags '-s -w' -o $dir/$name ./app"
  CGO_ENABLED=1 GOOS=linux GOARCH=amd64 go build -tags "$tags" -ldflags "-s -w" -o "$dir/$name" ./app
  src=$(mktemp -d)
  echo "package main" >"$src/main.go"
  # fyne package writes NAME.tar.xz into the current directory.
  (root=$PWD && cd "$dir" && "$fyne" package -os linux --exe "$root/$dir/$name" --src "$src" --icon "$root/$(flag icon)" \
    --name "$name" --app-id "$(flag app-id)" --app-version "$(flag app-version)" --app-build "$(flag app-build)") ||
    { rm -rf "$src"; return 1; }
  rm -rf "$src"
  local pkg=$dir/$name.tar.xz
  tar -tJf "$pkg" | grep -q "/bin/$name$" || { echo "cross: $pkg holds no bin/$name"; return 1; }
  echo "cross: $pkg: $(($(wc -c <"$pkg") / 1024)) KiB, built in $((SECONDS - start)) s"
}

skipped=()
while read -r os arch; do
  case "$os/$arch" in
  windows/amd64) windows ;;
  linux/amd64) linux ;;
  *) skipped+=("$os/$arch") ;;
  esac
done <<<"$targets"
if [ ${#skipped[@]} -gt 0 ]; then
  echo "*** cross: NOT BUILT: ${skipped[*]}: these need fyne-cross's containers (Docker or Podman) ***"
  exit 1
fi
