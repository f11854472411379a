#!/usr/bin/env bash
# Screenshots of the tablet app into docs/screenshots/.
#  1. Headless: every screen of the demo school rendered by the Fyne test
#     driver at 1280x800 and 800x1280 (TestScreenshots in app/internal/ui).
#  2. The real app under Xvfb (if Xvfb, xdotool and ImageMagick's import are
#     installed): Today and a running session, both orientations, saved as
#     *-xvfb-<orientation>.png.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-docs/screenshots}
mkdir -p "$out"

echo "Rendering the screens headless into $out"
SMALLWINS_SCREENSHOTS=$PWD/$out CGO_ENABLED=0 go test -count=1 -run '^TestScreenshots' ./app/internal/ui >/dev/null

if ! command -v Xvfb >/dev/null || ! command -v xdotool >/dev/null || ! command -v import >/dev/null; then
  echo "Xvfb, xdotool or import missing: skipping the real-app screenshots"
  exit 0
fi
go build -tags migrated_fynedo -o bin/smallwins ./app
tmp=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$tmp"; }
trap cleanup EXIT

# shoot <display> <WxH> <orientation> <start-session x> <start-session y>
shoot() {
  local disp=$1 size=$2 name=$3 x=$4 y=$5
  Xvfb ":$disp" -screen 0 "${size}x24" >/dev/null 2>&1 &
  pids+=($!)
  sleep 1
  SMALLWINS_DATA="$tmp/$name" SMALLWINS_DEMO=1 SMALLWINS_WINDOW="$size" DISPLAY=":$disp" bin/smallwins >"$tmp/$name.log" 2>&1 &
  local app=$!
  pids+=($app)
  sleep 5
  DISPLAY=":$disp" import -window root "$out/today-xvfb-$name.png"
  DISPLAY=":$disp" xdotool mousemove "$x" "$y" click 1
  sleep 1
  DISPLAY=":$disp" xdotool mousemove 300 "$((y + 120))" click 1   # one student absent
  sleep 2
  DISPLAY=":$disp" import -window root "$out/session-xvfb-$name.png"
  kill "$app" 2>/dev/null || true
}
shoot 97 1280x800 landscape 1200 175
shoot 96 800x1280 portrait 720 175
echo "Screenshots in $out"
