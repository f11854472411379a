#!/usr/bin/env bash
# The six screens of docs/perf/app.md (BenchmarkScreens500: start to Today
# sealed, the Students list, a student, My week, Probes due, the lights; 500
# students, two years, GOMAXPROCS=1) on an older commit and on this working
# tree, in one session, the two alternating round by round so that both
# meet the same load. The older commit is given this tree's
# bench_screens_test.go, which uses only what the app has had since issue
# 16. Each test binary seeds its own school (a few minutes under load).
# Usage: scripts/bench-screens.sh [base-commit] [rounds] [benchtime]
#   base-commit defaults to 6cff86d, main before the date index (ADR 0652).
set -euo pipefail
cd "$(dirname "$0")/.."
base=${1:-6cff86d}
rounds=${2:-2}
benchtime=${3:-10x}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/base"
git archive "$base" | tar -x -C "$work/base"
cp app/internal/ui/bench_screens_test.go "$work/base/app/internal/ui/"
echo "Building the test binaries of $base and of this tree…"
(cd "$work/base" && CGO_ENABLED=0 go test -tags migrated_fynedo -c -o "$work/base.test" ./app/internal/ui)
CGO_ENABLED=0 go test -tags migrated_fynedo -c -o "$work/head.test" ./app/internal/ui
# What each binary was built from (the tree may change while they run).
label_base=$(git rev-parse --short "$base")
label_head=$(git rev-parse --short HEAD)$([ -n "$(git status --porcelain)" ] && echo ' with uncommitted changes' || true)
export GOMAXPROCS=1
# Each binary seeds its school (256 MB) under TMPDIR: older commits leave it
# there, so it goes with the work directory.
mkdir -p "$work/tmp"
export TMPDIR=$work/tmp
for r in $(seq "$rounds"); do
  for v in base head; do
    dir=app/internal/ui label=$label_head
    [ "$v" = base ] && dir="$work/base/app/internal/ui" label=$label_base
    echo "== round $r, $v: $label; $(uptime | sed 's/.*load/load/')"
    (cd "$dir" && "$work/$v.test" -test.run '^$' -test.bench '^BenchmarkScreens500$' -test.benchtime "$benchtime" -test.cpu 1 2>/dev/null) | grep -E '^Benchmark' || true
  done
done
