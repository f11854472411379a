#!/usr/bin/env bash
# make cross: cross-builds the app for every target in fyne-cross.yml with
# fyne-cross, which runs the builds in containers (Docker or Podman). Without
# a running container engine it says why it cannot, and fails.
set -euo pipefail
cd "$(dirname "$0")/.."
version=${FYNE_CROSS_VERSION:-v1.6.1}

engine=""
if command -v docker >/dev/null 2>&1 && docker info >/dev/null 2>&1; then
  engine=docker
elif command -v podman >/dev/null 2>&1 && podman info >/dev/null 2>&1; then
  engine=podman
fi
if [ -z "$engine" ]; then
  if command -v docker >/dev/null 2>&1; then
    why="the docker command is installed but no Docker daemon answers (docker info fails)"
  else
    why="neither Docker nor Podman is installed"
  fi
  echo "make cross cannot run: fyne-cross builds inside containers, and $why."
  echo "Start Docker (or install Podman) and run make cross again. Meanwhile, the native build:"
  echo "  go build -tags migrated_fynedo -o bin/smallwins ./app"
  exit 1
fi

fc=$(command -v fyne-cross || true)
if [ -z "$fc" ]; then
  GOBIN=$PWD/bin/tools go install "github.com/fyne-io/fyne-cross@$version"
  fc=$PWD/bin/tools/fyne-cross
fi
flags=$(sed -n 's/^flags: *//p' fyne-cross.yml)
[ -n "$flags" ] || { echo "fyne-cross.yml has no flags: line"; exit 1; }
targets=$(sed -nE 's/^[[:space:]]*- \{os: *([a-z0-9]+), *arch: *([a-z0-9]+)\}.*/\1 \2/p' fyne-cross.yml)
[ -n "$targets" ] || { echo "fyne-cross.yml lists no targets"; exit 1; }
while read -r os arch; do
  echo "fyne-cross $os -engine $engine -arch=$arch $flags ./app"
  # shellcheck disable=SC2086
  "$fc" "$os" -engine "$engine" -arch="$arch" $flags ./app
done <<<"$targets"
echo "Packages are in fyne-cross/dist/"
