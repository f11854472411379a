#!/usr/bin/env bash
# Prints the package patterns of every module in go.work that exists.
cd "$(dirname "$0")/.."
for m in shared syncserver app reportdoc; do
  [ -f "$m/go.mod" ] && printf './%s/... ' "$m"
done
echo
