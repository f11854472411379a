#!/usr/bin/env bash
# make run: start the sync server on an embedded store with a demo school and
# open the tablet app enrolled against it. Without a display, say so and keep
# the server running.
set -euo pipefail
cd "$(dirname "$0")/.."
state=${SMALLWINS_RUN_DIR:-$PWD/tmp/run}
mkdir -p "$state"
db=$state/syncserver.db
school=demo-school
password=smallwins-demo
addr=${SMALLWINS_LISTEN:-127.0.0.1:8080}

if [ ! -f "$db" ]; then
  echo "Creating the demo school in $db"
  bin/syncserver school add --db "$db" --slug "$school" --name "Demo Elementary"
  echo "$password" | bin/syncserver user add --db "$db" --school "$school" --username coach --name "Casey Coach" --role admin
  echo "$password" | bin/syncserver user add --db "$db" --school "$school" --username rivera --name "Ana Rivera" --role interventionist
fi

out=$state/server.out
: > "$out"
bin/syncserver serve --db "$db" --listen "$addr" >"$out" 2>"$state/server.log" &
server=$!
trap 'kill -TERM $server 2>/dev/null; wait $server 2>/dev/null' EXIT INT TERM
for _ in $(seq 1 50); do
  grep -q '^listening on ' "$out" && break
  kill -0 $server 2>/dev/null || { echo "The sync server did not start:"; tail -5 "$state/server.log"; exit 1; }
  sleep 0.1
done
url=$(sed -n 's/^listening on //p' "$out")
echo "Sync server: $url (school $school; users coach/admin and rivera/interventionist, password $password; log $state/server.log)"

if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
  echo "No display found (\$DISPLAY is empty): the sync server keeps running at $url; press Ctrl-C to stop."
  wait $server
  exit 0
fi
echo "Opening Small Wins (demo data, enrolled as rivera)"
# Fyne cannot parse the POSIX "C" locale (it logs an error and falls back):
# give it a real one when the machine has none set.
case "${LANG:-C}" in C | C.* | POSIX) export LANG=en_US.UTF-8 ;; esac
SMALLWINS_SERVER=$url SMALLWINS_SCHOOL=$school SMALLWINS_USERNAME=rivera SMALLWINS_PASSWORD=$password \
SMALLWINS_DEMO=1 SMALLWINS_DATA=$state/tablet bin/smallwins
