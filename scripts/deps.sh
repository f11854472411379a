#!/usr/bin/env bash
# Installs the system packages Small Wins needs, idempotently: only what is
# missing, with apt when run as root (or through sudo when available);
# otherwise prints the exact command to run.
set -euo pipefail

# build: cgo toolchain and the X11/GL headers Fyne's desktop driver needs;
# tests: PostgreSQL server binaries (initdb, pg_ctl), Xvfb for screenshots,
# poppler-utils (pdftoppm) for looking at report PDFs.
packages=(gcc pkg-config libgl1-mesa-dev libx11-dev libxcursor-dev libxrandr-dev
  libxinerama-dev libxi-dev libxxf86vm-dev postgresql xvfb xauth poppler-utils)

missing=()
for p in "${packages[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" -eq 0 ]; then
  sudo=""
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  sudo="sudo"
else
  echo "Missing system packages: ${missing[*]}"
  echo "Install them with:"
  echo "  sudo apt-get update && sudo apt-get install -y ${missing[*]}"
  exit 1
fi
echo "Installing: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -q
$sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
