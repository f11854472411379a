#!/usr/bin/env bash
# Cross-builds the app for the targets in fyne-cross.yml (needs fyne-cross and Docker).
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v docker >/dev/null 2>&1 || ! docker info >/dev/null 2>&1; then
  echo "make cross needs a running Docker (or Podman) engine for fyne-cross; none is available here."
  echo "Native build instead: go build -tags migrated_fynedo -o bin/smallwins ./app"
  exit 1
fi
command -v fyne-cross >/dev/null 2>&1 || go install github.com/fyne-io/fyne-cross@latest
flags=$(sed -n 's/^flags: *//p' fyne-cross.yml)
grep -E '^\s*- \{os:' fyne-cross.yml | sed -E 's/.*os: *([a-z0-9]+), *arch: *([a-z0-9]+).*/\1 \2/' |
while read -r os arch; do
  echo "fyne-cross $os -arch=$arch $flags ./app"
  # shellcheck disable=SC2086
  fyne-cross "$os" -arch="$arch" $flags ./app
done
