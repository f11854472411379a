#!/usr/bin/env bash
# gofmt, go vet, staticcheck, and the dependency rules of STYLE.md §2.
set -euo pipefail
cd "$(dirname "$0")/.."
version=${1:-v0.8.2}
pkgs=$(scripts/pkgs.sh)
fail=0

unformatted=$(gofmt -l shared syncserver app $( [ -d reportdoc ] && echo reportdoc ))
if [ -n "$unformatted" ]; then echo "gofmt would change:"; echo "$unformatted"; fail=1; fi

go vet -tags migrated_fynedo $pkgs || fail=1

if ! command -v staticcheck >/dev/null 2>&1 && [ ! -x "$(go env GOPATH)/bin/staticcheck" ]; then
  go install "honnef.co/go/tools/cmd/staticcheck@$version" || echo "staticcheck $version could not be installed; skipped"
fi
sc=$(command -v staticcheck || echo "$(go env GOPATH)/bin/staticcheck")
[ -x "$sc" ] && { "$sc" -tags migrated_fynedo $pkgs || fail=1; }

# STYLE.md §2: the shared module depends on nothing of the app or server.
bad=$(go list -deps ./shared/... | grep -E 'fyne.io|labstack/echo|go.etcd.io/bbolt|jackc/pgx|smallwins/(app|syncserver)' || true)
if [ -n "$bad" ]; then echo "shared imports what it must not:"; echo "$bad"; fail=1; fi
# UI packages declare interfaces; they never touch the app driver, disk or network.
if [ -d app/internal/ui ]; then
  bad=$(go list -f '{{.ImportPath}}: {{join .Imports " "}}' ./app/internal/ui/... |
    grep -E 'fyne.io/fyne/v2/app( |$)|go.etcd.io/bbolt|net/http|internal/localstore|internal/syncclient' || true)
  if [ -n "$bad" ]; then echo "ui imports what it must not:"; echo "$bad"; fail=1; fi
fi
# Each module builds on its own, as a release build would.
for m in shared syncserver app reportdoc; do
  [ -f "$m/go.mod" ] || continue
  (cd "$m" && GOWORK=off go build -tags migrated_fynedo ./...) || { echo "$m does not build with GOWORK=off"; fail=1; }
done
exit $fail
