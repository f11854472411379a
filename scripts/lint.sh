#!/usr/bin/env bash
# make lint: gofmt, go vet, staticcheck (pinned), the dependency rules of
# STYLE.md §2, and the formatting check (ADR 0015). Runs every check, then
# fails if any failed.
set -uo pipefail
cd "$(dirname "$0")/.."
version=${1:-v0.8.2}
tags=migrated_fynedo
pkgs=$(scripts/pkgs.sh)
failed=()

step() { echo "== $*"; }

step gofmt
# shellcheck disable=SC2046
unformatted=$(gofmt -l $(for m in shared syncserver app reportdoc scripts; do [ -d "$m" ] && echo "$m"; done))
if [ -n "$unformatted" ]; then echo "gofmt would change:"; echo "$unformatted"; failed+=(gofmt); fi

step go vet
# shellcheck disable=SC2086
go vet -tags "$tags" $pkgs || failed+=("go vet")

step "staticcheck $version"
# Installed per version under bin/tools, so an older staticcheck on PATH is
# never used by mistake.
sc=bin/tools/staticcheck-$version/staticcheck
if [ ! -x "$sc" ]; then
  GOBIN=$PWD/bin/tools/staticcheck-$version go install "honnef.co/go/tools/cmd/staticcheck@$version" ||
    echo "staticcheck $version could not be installed (no module proxy?)"
fi
if [ -x "$sc" ]; then
  # shellcheck disable=SC2086
  "$sc" -tags "$tags" $pkgs || failed+=(staticcheck)
else
  failed+=("staticcheck (not installed)")
fi

step "floats formatted for people (ADR 0015)"
# A figure people read goes through shared/progress's one rule; floats
# formatted anywhere else must be in scripts/floatfmt/allow.txt with the
# reason (a number for machines, an exact one). The checker uses only the
# standard library and is built outside the workspace.
ff=$(mktemp -d)
if (cd scripts/floatfmt && GOWORK=off go vet main.go main_test.go && GOWORK=off go test -count=1 main.go main_test.go &&
  GOWORK=off go build -o "$ff/floatfmt" main.go); then
  # shellcheck disable=SC2086
  "$ff/floatfmt" -tags "$tags" $pkgs || failed+=("float formatting")
else
  failed+=("floatfmt (does not build)")
fi
rm -rf "$ff"

step "languages: complete catalogs, known ids, text through a catalog (ADR 0029)"
# Every catalog directory complete in Spanish, every id looked up in a catalog:
# always. Text shown without a catalog fails too (I18N_STRICT=0 only counts it
# per package, for a sweep in progress). The checker reads catalogs with shared/i18n, so it is its
# own module (replace ../../shared), built outside the workspace.
ic=$(mktemp -d)
if (cd scripts/i18ncheck && GOWORK=off go vet . && GOWORK=off go test -count=1 . &&
  GOWORK=off go build -o "$ic/i18ncheck" .); then
  strict=()
  [ "${I18N_STRICT:-1}" = 1 ] && strict=(-strict)
  # shellcheck disable=SC2086
  "$ic/i18ncheck" "${strict[@]}" -tags "$tags" $pkgs || failed+=("languages")
else
  failed+=("i18ncheck (does not build)")
fi
rm -rf "$ic"

step "dependency rules (STYLE.md §2)"
# The shared module depends on nothing of the app or the server.
bad=$(go list -deps ./shared/... | grep -E '^(fyne\.io/|github\.com/labstack/echo|go\.etcd\.io/bbolt|github\.com/jackc/pgx|smallwins/(app|syncserver))' || true)
if [ -n "$bad" ]; then echo "shared depends on what it must not:"; echo "$bad"; failed+=("shared deps"); fi
# UI packages declare interfaces; they never touch the app driver (cgo), disk
# or network.
if [ -d app/internal/ui ]; then
  bad=$(go list -f '{{.ImportPath}}: {{join .Imports " "}}' ./app/internal/ui/... |
    grep -E '(fyne\.io/fyne/v2/app|go\.etcd\.io/bbolt|net/http|internal/localstore|internal/syncclient)( |$)' || true)
  if [ -n "$bad" ]; then echo "ui imports what it must not:"; echo "$bad"; failed+=("ui imports"); fi
else
  echo "app/internal/ui does not exist yet: ui import rule skipped"
fi
# The console and the API are two surfaces over one service layer: the
# console never imports httpapi, and schooladmin (the admin rules both call)
# knows neither surface nor Echo (ADR 0016).
if [ -d syncserver/internal/schooladmin ]; then
  bad=$(go list -deps ./syncserver/internal/console | grep -E '^smallwins/syncserver/internal/httpapi$' || true)
  if [ -n "$bad" ]; then echo "console imports httpapi: call syncserver/internal/schooladmin (or another service package) instead"; failed+=("console imports"); fi
  bad=$(go list -deps ./syncserver/internal/schooladmin | grep -E '^(github\.com/labstack/echo|smallwins/syncserver/internal/(httpapi|console))' || true)
  if [ -n "$bad" ]; then echo "schooladmin imports what it must not:"; echo "$bad"; failed+=("schooladmin imports"); fi
fi

step "make help lists every target"
# Each rule of the Makefile needs a `## target: text` line: make help prints those.
missing_help=$(comm -23 <(grep -oE '^[a-z][a-z-]*:' Makefile | grep -v ':=' | tr -d : | sort -u) \
  <(grep -oE '^## [a-z][a-z-]*:' Makefile | sed 's/^## //; s/:$//' | sort -u))
if [ -n "$missing_help" ]; then echo "targets without a '## target:' help line: $missing_help"; failed+=("make help"); fi

step "README lists every SMALLWINS_ variable"
# The README's table of variables is the one place a person finds them.
for v in $(grep -rhoE 'SMALLWINS_[A-Z_]+' --include='*.go' --include='*.sh' --include=Makefile app shared syncserver reportdoc scripts Makefile | sort -u); do
  grep -q "\`$v\`" README.md || { echo "README.md does not list $v"; failed+=("README $v"); }
done

step "each module builds with GOWORK=off"
for m in shared syncserver app reportdoc; do
  [ -f "$m/go.mod" ] || continue
  (cd "$m" && GOWORK=off go build -tags "$tags" ./...) || { echo "$m does not build with GOWORK=off"; failed+=("$m GOWORK=off"); }
done

if [ ${#failed[@]} -gt 0 ]; then
  echo "make lint: FAILED: ${failed[*]}"
  exit 1
fi
echo "make lint: clean"
