#!/usr/bin/env bash
# make run: start the sync server on an embedded store with a demo school and
# open the tablet app enrolled against it. Without a display, say so and keep
# the server running. Expects bin/syncserver and bin/smallwins (make build).
#
#   SMALLWINS_RUN_DIR  where the server's db, its log, the tablet's data and the
#                      app's preferences live (default: tmp/run in the checkout;
#                      delete it to start over: nothing of the demo is kept
#                      elsewhere)
#   SMALLWINS_LISTEN   the server's address (default 127.0.0.1:8080, or a free
#                      port when 8080 is taken)
set -euo pipefail
cd "$(dirname "$0")/.."
state=${SMALLWINS_RUN_DIR:-$PWD/tmp/run}
mkdir -p "$state"
db=$state/syncserver.db
school=demo-school
password=smallwins-demo

for b in bin/syncserver bin/smallwins; do
  [ -x "$b" ] || { echo "$b is missing: run 'make run' (it builds both) or 'make build'"; exit 1; }
done

if [ ! -f "$db" ]; then
  # Built aside and moved in place, so an interrupted setup is redone next time.
  echo "Creating the demo school in $db"
  rm -f "$db.new"
  bin/syncserver school add --db "$db.new" --slug "$school" --name "Demo Elementary"
  echo "$password" | bin/syncserver user add --db "$db.new" --school "$school" --username coach --name "Casey Coach" --role admin
  echo "$password" | bin/syncserver user add --db "$db.new" --school "$school" --username rivera --name "Ana Rivera" --role interventionist
  mv "$db.new" "$db"
fi
# A second interventionist (a demo made before lee existed gets lee now). The
# demo's groups go to rivera and lee in turn: each sees a caseload.
userid() { bin/syncserver user list --db "$db" --school "$school" | awk -v u="$1" '$1 == u { print $NF }'; }
if [ -z "$(userid lee)" ]; then
  echo "$password" | bin/syncserver user add --db "$db" --school "$school" --username lee --name "Sam Lee" --role interventionist
fi
interventionists="$(userid rivera),$(userid lee)"

addr=${SMALLWINS_LISTEN:-}
if [ -z "$addr" ]; then
  addr=127.0.0.1:8080
  # Something already answers on 8080: let the server pick a free port.
  if (exec 3<>/dev/tcp/127.0.0.1/8080) 2>/dev/null; then
    echo "Port 8080 is taken: using a free port instead"
    addr=127.0.0.1:0
  fi
fi

out=$state/server.out
log=$state/server.log
: >"$out"
bin/syncserver serve --db "$db" --listen "$addr" >"$out" 2>"$log" &
server=$!
stop() { kill -TERM "$server" 2>/dev/null && wait "$server" 2>/dev/null; true; }
trap stop EXIT
trap 'exit 0' INT TERM # Ctrl-C is how the demo ends: not an error
for _ in $(seq 1 100); do
  grep -q '^listening on ' "$out" && break
  if ! kill -0 "$server" 2>/dev/null; then
    echo "The sync server did not start (log: $log):"
    tail -5 "$log"
    grep -q -i lock "$log" && echo "Is another 'make run' still running with $db? Stop it first."
    exit 1
  fi
  sleep 0.1
done
url=$(sed -n 's/^listening on //p' "$out")
[ -n "$url" ] || { echo "The sync server did not say where it listens (log: $log)"; exit 1; }
echo "Sync server: $url (school $school; users coach (admin), rivera and lee (interventionists), password $password; log $log)"

if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
  echo "No display found (\$DISPLAY is empty): the sync server keeps running at $url; press Ctrl-C to stop."
  wait "$server"
  exit 0
fi
echo "Opening Small Wins (demo data, enrolled as rivera; tablet data in $state/tablet, its preferences in $state/config)"
# Fyne cannot parse the POSIX "C" locale (it logs an error and falls back):
# give it a real one when the machine has none set.
case "${LANG:-C}" in C | C.* | POSIX) export LANG=en_US.UTF-8 ;; esac
# XDG_CONFIG_HOME: Fyne keeps the app's preferences (the session-resume hint,
# the file dialog's last folder) under it, so they live in $state too and go
# with it, instead of in ~/.config/fyne/org.smallwins.tablet/.
SMALLWINS_SERVER=$url SMALLWINS_SCHOOL=$school SMALLWINS_USERNAME=rivera SMALLWINS_PASSWORD=$password \
  SMALLWINS_DEMO=1 SMALLWINS_DEMO_INTERVENTIONISTS=$interventionists SMALLWINS_DATA=$state/tablet XDG_CONFIG_HOME=$state/config bin/smallwins
echo "Small Wins closed; stopping the sync server."
