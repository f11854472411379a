#!/usr/bin/env bash
# Installs the system packages Small Wins needs, idempotently: only what is
# missing (checked with dpkg first; apt-get update only then).
#
#   scripts/deps.sh         everything: building, running, testing, cross-building
#   scripts/deps.sh build   only what `make run` needs to build (the test
#                           packages that are missing are listed, not required)
#   scripts/deps.sh test    what `make test` uses: building, PostgreSQL,
#                           pdftotext and Chromium (no cross compiler, no Xvfb)
#   scripts/deps.sh cross   what `make cross` needs without a container engine
#   scripts/deps.sh screenshots  what `make screenshots` needs for the real app
#                           under Xvfb (the headless screens need nothing)
#
# As root it installs with apt-get. Otherwise, with DEPS_SUDO=1 (set by
# .ci/run) it uses sudo when sudo exists; without it, it prints the exact
# command to run and fails.
set -euo pipefail

# build: make, the cgo toolchain and the X11/GL headers of Fyne's desktop driver
# (the parts of xorg-dev it uses).
build=(make gcc libc6-dev pkg-config libgl1-mesa-dev libx11-dev libxcursor-dev libxrandr-dev
  libxinerama-dev libxi-dev libxxf86vm-dev)
# tests: PostgreSQL server binaries (initdb, pg_ctl) for the PostgreSQL store
# tests, poppler-utils: reportdoc's tests read the report PDF back with
# pdftotext (they fail without it when CI=true), and pdftoppm renders it for
# docs/; chromium: the school console's end-to-end tests drive it headless
# with chromedp (CONSOLE.md §5; they fail without it when CI=true). No test
# needs Xvfb (the screens are tested headless) or the cross compiler.
tests=(postgresql poppler-utils chromium)
# screenshots: the real app under Xvfb, driven by xdotool and captured by
# ImageMagick's import (scripts/screenshots.sh), and pdftoppm (poppler-utils)
# for the rendered example PDFs.
screenshots=(xvfb xauth xdotool imagemagick poppler-utils)
# cross: without Docker or Podman, `make cross` (and .ci/run's Windows step)
# builds the Windows .exe with cgo and the mingw-w64 cross compiler; `fyne
# package -os linux` packs the Linux build with tar -J (xz-utils).
cross=(gcc-mingw-w64-x86-64 xz-utils)

installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }

if ! command -v dpkg-query >/dev/null 2>&1; then
  echo "deps: no dpkg here (not Debian/Ubuntu); install by hand: a C compiler, pkg-config, the OpenGL and X11"
  echo "      development headers (Fyne's list: https://docs.fyne.io/started/), PostgreSQL, Xvfb, poppler-utils, Chromium,"
  echo "      the mingw-w64 x86-64 cross compiler and xz."
  exit 0
fi

want=("${build[@]}")
if [ "${1:-all}" = cross ]; then
  want+=("${cross[@]}")
elif [ "${1:-all}" = test ]; then
  want+=("${tests[@]}")
elif [ "${1:-all}" = screenshots ]; then
  want=("${build[@]}" "${screenshots[@]}")
elif [ "${1:-all}" = build ]; then
  later=()
  for p in "${tests[@]}"; do installed "$p" || later+=("$p"); done
  if [ ${#later[@]} -gt 0 ]; then
    echo "deps: not needed to run, but make test wants: ${later[*]} (make deps installs them)"
  fi
else
  want+=("${tests[@]}" "${screenshots[@]}" "${cross[@]}")
fi

missing=()
for p in "${want[@]}"; do installed "$p" || missing+=("$p"); done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ]; then
  sudo=()
elif [ "${DEPS_SUDO:-}" = 1 ] && command -v sudo >/dev/null 2>&1; then
  sudo=(sudo)
else
  echo "deps: missing system packages: ${missing[*]}"
  echo "Install them with:"
  echo "  sudo apt-get update && sudo apt-get install -y --no-install-recommends ${missing[*]}"
  exit 1
fi
echo "deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -q
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
