#!/usr/bin/env bash
# make test: every test of every module with the race detector. Says loudly,
# before and after, whether the PostgreSQL tests and the PDF text tests
# (pdftotext) and the console's browser tests (Chromium) run or skip (go test hides skip messages without -v).
set -uo pipefail
cd "$(dirname "$0")/.."

findbin() { command -v "$1" 2>/dev/null || ls /usr/lib/postgresql/*/bin/"$1" 2>/dev/null | sort -V | tail -1; }
if [ -n "${SYNCSERVER_TEST_POSTGRES:-}" ]; then
  pg="PostgreSQL tests: RUN against \$SYNCSERVER_TEST_POSTGRES"
elif [ -n "$(findbin initdb)" ] && [ -n "$(findbin pg_ctl)" ]; then
  pg="PostgreSQL tests: RUN on a throwaway cluster ($(findbin initdb))"
elif [ "${CI:-}" = true ]; then
  pg="PostgreSQL tests: FAIL — PostgreSQL is not installed and CI=true (apt-get install postgresql, or set SYNCSERVER_TEST_POSTGRES)"
else
  pg="*** PostgreSQL tests: SKIPPED — PostgreSQL is not installed (make deps, or set SYNCSERVER_TEST_POSTGRES=postgres://...) ***"
fi
if command -v pdftotext >/dev/null 2>&1; then
  pdf="PDF text tests (pdftotext): RUN"
elif [ "${CI:-}" = true ]; then
  pdf="PDF text tests: FAIL — pdftotext is not installed and CI=true (apt-get install poppler-utils)"
else
  pdf="*** PDF text tests: SKIPPED — pdftotext is not installed (make deps installs poppler-utils) ***"
fi
browser=""
for b in chromium chromium-browser google-chrome; do command -v "$b" >/dev/null 2>&1 && browser=$(command -v "$b") && break; done
if [ -n "${SMALLWINS_CHROME:-}" ]; then
  web="Console browser tests: RUN with \$SMALLWINS_CHROME"
elif [ -n "$browser" ]; then
  web="Console browser tests (chromedp): RUN with $browser"
elif [ "${CI:-}" = true ]; then
  web="Console browser tests: FAIL — Chromium is not installed and CI=true (apt-get install chromium)"
else
  web="*** Console browser tests: SKIPPED — Chromium is not installed (make deps installs chromium) ***"
fi
echo "$pg"
echo "$pdf"
echo "$web"

pkgs=$(scripts/pkgs.sh)
# shellcheck disable=SC2086
go test -race -timeout 20m -tags migrated_fynedo "$@" $pkgs
rc=$?
echo "$pg"
echo "$pdf"
echo "$web"
if [ $rc -eq 0 ]; then echo "make test: all passed"; else echo "make test: FAILED (exit $rc)"; fi
exit $rc
