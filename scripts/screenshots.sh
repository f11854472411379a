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
#     Every run goes through the real lock screen, as a person does (issue
#     22): the PIN is chosen on it at start, and a second run per orientation
#     locks (Ctrl+L, the header's menu) and unlocks around a deleted session
#     and its Undo.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-docs/screenshots}
mkdir -p "$out"
out=$(cd "$out" && pwd) # absolute: the headless test runs in its package's directory

echo "Rendering the screens headless into $out"
SMALLWINS_SCREENSHOTS=$out CGO_ENABLED=0 go test -count=1 -run '^TestScreenshots' ./app/internal/ui >/dev/null
echo "Rendering the screens headless in Spanish (*-es-<orientation>.png)"
SMALLWINS_SCREENSHOT_LANG=es SMALLWINS_SCREENSHOTS=$out CGO_ENABLED=0 go test -count=1 -run '^TestScreenshots' ./app/internal/ui >/dev/null

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

# start_app <display> <WxH> <name>: Xvfb is up; the app starts on a new
# tablet, whose lock screen asks for a PIN (shot), chosen as a person does:
# typed (the first box has the focus), Tab, typed again, Enter. The demo
# is loaded after that first unlock. The app's pid is left in $!.
# XDG_CONFIG_HOME: the app's Fyne preferences go to $tmp, not ~/.config.
start_app() {
  local disp=$1 size=$2 name=$3
  LANGUAGE=${APP_LANGUAGE:-en} SMALLWINS_DATA="$tmp/$name" XDG_CONFIG_HOME="$tmp/$name-config" SMALLWINS_DEMO=1 \
    SMALLWINS_DEMO_DATE=$demo_date SMALLWINS_WINDOW="$size" \
    DISPLAY=":$disp" bin/smallwins >"$tmp/$name.log" 2>&1 &
  pids+=($!)
  sleep 4
  snap "$disp" lock-choose "${name%-undo}"
  type_pin "$disp"
  DISPLAY=":$disp" xdotool key Tab
  type_pin "$disp"
  DISPLAY=":$disp" xdotool key Return
  sleep 5 # the key derivation, then the demo school
}

# type_pin <display>: the PIN typed where the focus is.
type_pin() { DISPLAY=":$1" xdotool type --delay 40 482916; }

# unlock <display>: the PIN typed on the lock screen, then Enter.
unlock() {
  type_pin "$1"
  DISPLAY=":$1" xdotool key Return
  sleep 3
}

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
  start_app "$disp" "$size" "$name"
  local app=$!
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
# shoot_undo <display> <WxH> <orientation> <start-session x y> <cancel x> <finish x> <their y>
#            <keep going x y> <delete session x y> <question's delete x y> <menu x> <its Lock now x y>
# ADR 0650 through the real lock screen: a session started, Ctrl+L, the PIN
# asked (shot), the session back (shot); the cancel question with its
# reason box focused (typed into, shot); the session finished and deleted
# (the question, shot); the undo bar (shot); "Lock now" in the header's
# menu (shot); after 11 s locked and the PIN, the undo bar still there.
shoot_undo() {
  local disp=$1 size=$2 name=$3 sx=$4 sy=$5 cx=$6 fx=$7 ty=$8 kx=$9 ky=${10} dx=${11} dy=${12} qx=${13} qy=${14}
  local mx=${15} lx=${16} ly=${17}
  Xvfb ":$disp" -screen 0 "${size}x24" >/dev/null 2>&1 &
  pids+=($!)
  sleep 1
  start_app "$disp" "$size" "$name-undo"
  local app=$!
  click "$disp" "$sx" "$sy"
  DISPLAY=":$disp" xdotool key ctrl+l
  sleep 1
  snap "$disp" lock-enter "$name"
  unlock "$disp"
  snap "$disp" session-after-unlock "$name"
  click "$disp" "$cx" "$ty"
  DISPLAY=":$disp" xdotool type --delay 40 assembly
  snap "$disp" session-cancel "$name"
  click "$disp" "$kx" "$ky"
  click "$disp" "$fx" "$ty" 2
  click "$disp" "$dx" "$dy"
  snap "$disp" session-delete "$name"
  click "$disp" "$qx" "$qy" 2
  snap "$disp" undo-after-unlock "$name"
  click "$disp" "$mx" 30
  snap "$disp" header-menu "$name"
  click "$disp" "$lx" "$ly"
  sleep 11 # longer than the undo bar's 10 s: its time does not run behind the lock
  unlock "$disp"
  snap "$disp" undo-after-lock "$name"
  kill "$app" 2>/dev/null || true
}
# shoot_es <display> <WxH> <orientation> <start-session x y>: a tablet whose device language is
# Spanish (LANGUAGE=es, as Fyne reads the device's): the lock screen, Today and a running session,
# saved as *-xvfb-es-<orientation>.png.
shoot_es() {
  local disp=$1 size=$2 name=$3 x=$4 y=$5
  Xvfb ":$disp" -screen 0 "${size}x24" >/dev/null 2>&1 &
  pids+=($!)
  sleep 1
  APP_LANGUAGE=es start_app "$disp" "$size" "es-$name"
  local app=$!
  snap "$disp" today "es-$name"
  click "$disp" "$x" "$y" 2
  snap "$disp" session "es-$name"
  kill "$app" 2>/dev/null || true
}
shoot_es 93 1280x800 landscape 1200 210
shoot_es 92 800x1280 portrait 720 230
shoot 97 1280x800 landscape 1200 210 371 640 771 957 206 321 958 256 384 639 443 1157 201
shoot 96 800x1280 portrait 720 230 350 400 1251 600 206 201 600 256 241 400 465 677 202
shoot_undo 95 1280x800 landscape 1188 230 1060 1205 143 505 486 947 730 775 480 1249 1199 81
shoot_undo 94 800x1280 portrait 707 251 580 725 143 265 725 587 741 535 720 769 720 81
echo "Screenshots in $out"
