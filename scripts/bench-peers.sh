#!/usr/bin/env bash
# make bench-peers: the same workload on pouchdb-server (installed with npm
# into a temp dir), PocketBase (built from the Go module proxy into a temp
# dir; nothing of either is committed) and on our sync server (bbolt, and
# PostgreSQL when initdb/pg_ctl are installed), on loopback. Then a fresh
# bbolt server takes a 100,000-record push and its memory is read.
# Extra arguments go to benchpeers (e.g. --n 20000).
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  [ -n "${pgdata:-}" ] && runas "$pgctl" -D "$pgdata" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
runas() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
freeport() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# BENCH_PEERS_CACHE=DIR keeps the npm install and the PocketBase build
# between runs (outside the repository); by default both go in the temp dir.
cache=${BENCH_PEERS_CACHE:-$work}
mkdir -p "$cache"
if [ ! -x "$cache/npm/node_modules/.bin/pouchdb-server" ]; then
  echo "Installing pouchdb-server into $cache (npm)…"
  npm install --silent --prefix "$cache/npm" pouchdb-server >/dev/null 2>&1
fi
go build -o "$work/syncserver" ./syncserver
go build -o "$work/benchpeers" ./syncserver/cmd/benchpeers

# PocketBase v0.36.8 (the newest that builds with Go 1.26): a tiny main in a
# temp module. SQLite in WAL with synchronous=NORMAL (its default).
pbversion=v0.36.8
mkdir -p "$work/pb"
printf '%s\n' 'package main' '' 'import (' '	"log"' '' '	"github.com/pocketbase/pocketbase"' ')' '' 'func main() {' \
  '	if err := pocketbase.New().Start(); err != nil {' '		log.Fatal(err)' '	}' '}' >"$work/pb/main.go"
pbflags=()
echo "Building PocketBase $pbversion into $work/pb (Go module proxy)…"
if [ -x "$cache/pocketbase-$pbversion" ] && cp "$cache/pocketbase-$pbversion" "$work/pb/pocketbase" ||
  (cd "$work/pb" && export GOWORK=off GOFLAGS=-mod=mod CGO_ENABLED=0 && go mod init pbbench >/dev/null 2>&1 &&
    go get "github.com/pocketbase/pocketbase@$pbversion" >"$work/pb/build.log" 2>&1 && go build -o pocketbase . >>"$work/pb/build.log" 2>&1 && cp pocketbase "$cache/pocketbase-$pbversion"); then
  pbport=$(freeport)
  "$work/pb/pocketbase" superuser upsert bench@example.com bench-password-123 --dir "$work/pb/data" >/dev/null
  "$work/pb/pocketbase" serve --http "127.0.0.1:$pbport" --dir "$work/pb/data" >"$work/pb/log" 2>&1 &
  pids+=($!)
  for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$pbport/api/health" >/dev/null && break; sleep 0.1; done
  pbflags=(--pocketbase "http://127.0.0.1:$pbport")
else
  echo "PocketBase $pbversion could not be built: skipping it. $(tail -3 "$work/pb/build.log" 2>/dev/null)"
fi

pport=$(freeport)
mkdir -p "$work/pouchdata"
(cd "$work/pouchdata" && "$cache/npm/node_modules/.bin/pouchdb-server" --port "$pport" --dir "$work/pouchdata" >"$work/pouch.log" 2>&1) &
pids+=($!)

start_ours() { # name, store flags...
  local name=$1; shift
  "$work/syncserver" school add --slug bench --name Bench "$@" >/dev/null
  echo "bench-password" | "$work/syncserver" user add --school bench --username bench --name Bench --role admin "$@" >/dev/null
  : >"$work/$name.out"
  # One client pushes the whole workload: no per-device records per minute.
  "$work/syncserver" serve --listen 127.0.0.1:0 --push-records-per-minute 0 "$@" >"$work/$name.out" 2>"$work/$name.log" &
  pids+=($!)
  ourpids="$ourpids,$name=$!"
  for _ in $(seq 1 100); do grep -q '^listening on' "$work/$name.out" && break; sleep 0.1; done
  ours="$ours,$name=$(sed -n 's/^listening on //p' "$work/$name.out")"
}
ours=""; ourpids=""
start_ours "smallwins-bbolt" --db "$work/bench.db"

initdb=$(command -v initdb || ls /usr/lib/postgresql/*/bin/initdb 2>/dev/null | tail -1 || true)
pgctl=$(command -v pg_ctl || ls /usr/lib/postgresql/*/bin/pg_ctl 2>/dev/null | tail -1 || true)
if [ -n "$initdb" ] && [ -n "$pgctl" ]; then
  pgdata=$work/pg/data; mkdir -p "$work/pg"; [ "$(id -u)" -eq 0 ] && chown postgres "$work/pg" && chmod 755 "$work"
  runas "$initdb" -D "$pgdata" -U postgres --auth=trust >/dev/null
  pgport=$(freeport)
  runas "$pgctl" -D "$pgdata" -o "-p $pgport -k $work/pg -c listen_addresses=127.0.0.1" -l "$work/pg/log" -w start >/dev/null
  psql -h 127.0.0.1 -p "$pgport" -U postgres -c 'CREATE DATABASE bench' >/dev/null
  start_ours "smallwins-postgres" --postgres "postgres://postgres@127.0.0.1:$pgport/bench?sslmode=disable"
else
  echo "PostgreSQL not installed: skipping the PostgreSQL row."
fi
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$pport/" >/dev/null && break; sleep 0.2; done
echo "Machine: $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p')"
echo "Load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
"$work/benchpeers" --pouch "http://127.0.0.1:$pport" "${pbflags[@]}" --ours "${ours#,}" --pids "${ourpids#,}" "$@"
echo "Load average after: $(cut -d' ' -f1-3 /proc/loadavg)"

# Memory after a 100,000-record push into a fresh bbolt server.
ours=""; ourpids=""
start_ours "smallwins-bbolt-100k" --db "$work/bench100k.db"
"$work/benchpeers" --ours "${ours#,}" --pids "${ourpids#,}" --n 100000 --only push
