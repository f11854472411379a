#!/usr/bin/env bash
# Screenshots of the tablet app into docs/screenshots/.
#  1. Headless: every screen of the demo school rendered by the Fyne test
#     driver at 1280x800 and 800x1280 (TestScreenshots in app/internal/ui).
#  2. The real app under Xvfb (if Xvfb, xdotool and ImageMagick's import are
#     installed: make deps, or scripts/deps.sh screenshots): Today, a running
#     session, the self-managed CICO card and its chart, both orientations,
#     saved as *-xvfb-<orientation>.png. The demo is made for, and the app
#     takes as today, Wednesday 2025-03-19 (SMALLWINS_DEMO_DATE), the date of
#     the headless screens: on a weekend the real date has no session to run.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-docs/screenshots}
mkdir -p "$out"
out=$(cd "$out" && pwd) # absolute: the headless test runs in its package's directory

echo "Rendering the screens headless into $out"
SMALLWINS_SCREENSHOTS=$out CGO_ENABLED=0 go test -count=1 -run '^TestScreenshots' ./app/internal/ui >/dev/null

if ! command -v Xvfb >/dev/null || ! command -v xdotool >/dev/null || ! command -v import >/dev/null; then
  echo "Xvfb, xdotool or import missing: skipping the real-app screenshots"
  exit 0
fi
go build -tags migrated_fynedo -o bin/smallwins ./app
tmp=$(mktemp -d)
pids=()
# The app and Xvfb are stopped and waited for before their files are
# removed (a dying app may still be writing its preferences).
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT

# The app's screens take this date as today (a Wednesday: groups meet).
demo_date=2025-03-19

# click <display> <x> <y>: one tap, then time for the frame to be drawn.
click() { DISPLAY=":$1" xdotool mousemove "$2" "$3" click 1; sleep "${4:-1}"; }
snap() { DISPLAY=":$1" import -window root "$out/$2-xvfb-$3.png"; }

# shoot <display> <WxH> <orientation> <start-session x> <start-session y> <a student's row y>
#       <CICO tab x> <nav y> <second student x> <picker's first row y> <student rates x> <I rate x>
#       <raters' row y> <first cell x> <second cell x> <first row y> <chart button x> <chart button y>
# (positions in the window as laid out at that size: change them with the layout)
shoot() {
  local disp=$1 size=$2 name=$3 x=$4 y=$5 absent=$6 cico=$7 nav=$8 ben=$9
  local pick=${10} srate=${11} arate=${12} rates=${13} c1=${14} c2=${15} r1=${16} cx=${17} cy=${18}
  Xvfb ":$disp" -screen 0 "${size}x24" >/dev/null 2>&1 &
  pids+=($!)
  sleep 1
  # XDG_CONFIG_HOME: the app's Fyne preferences go to $tmp, not ~/.config.
  # SMALLWINS_DEMO_PIN: the demo tablet opens past its lock screen (ADR 0611).
  SMALLWINS_DATA="$tmp/$name" XDG_CONFIG_HOME="$tmp/$name-config" SMALLWINS_DEMO=1 SMALLWINS_DEMO_PIN=482916 \
    SMALLWINS_DEMO_DATE=$demo_date SMALLWINS_WINDOW="$size" \
    DISPLAY=":$disp" bin/smallwins >"$tmp/$name.log" 2>&1 &
  local app=$!
  pids+=($app)
  sleep 5
  snap "$disp" today "$name"
  click "$disp" "$x" "$y"
  click "$disp" 300 "$absent" 2 # one student absent
  snap "$disp" session "$name"
  # CICO: the second demo student is on a self-managed card (the student
  # rates, then the adult; the match is shown), then the chart with its
  # phase line.
  click "$disp" "$cico" "$nav"
  click "$disp" "$ben" "$pick"
  click "$disp" "$srate" "$rates" 0.3
  click "$disp" "$c1" "$r1" 0.3
  click "$disp" "$c2" "$r1" 0.3
  click "$disp" "$arate" "$rates" 0.3
  click "$disp" "$c1" "$r1" 0.3
  click "$disp" "$c2" "$r1" 0.3
  click "$disp" "$c2" "$r1"
  snap "$disp" cico-self-managed "$name"
  click "$disp" "$cx" "$cy"
  snap "$disp" cico-progress "$name"
  kill "$app" 2>/dev/null || true
}
shoot 97 1280x800 landscape 1200 210 371 640 771 957 206 321 958 256 384 639 443 1157 201
shoot 96 800x1280 portrait 720 230 350 400 1251 600 206 201 600 256 241 400 465 677 202
echo "Screenshots in $out"
