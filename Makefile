# Small Wins: the entry points. `make run` and `make test` are the two that matter.
# The root is not a Go module: go.work ties app/, shared/, syncserver/ (and
# reportdoc/) together, and the scripts list their packages (scripts/pkgs.sh).
GO      ?= go
TAGS    := migrated_fynedo
# Newest on the module proxy (go list -m -versions honnef.co/go/tools); supports Go 1.26.
STATICCHECK_VERSION := v0.8.2
# 1s: micro-benchmarks get enough iterations; the 100k-record ones run once or twice (about 2 min in all).
BENCHTIME ?= 1s
# make crash: server kill -9 rounds per store, which stores, PostgreSQL immediate-stop rounds.
CRASH_ROUNDS   ?= 200
CRASH_STORE    ?= both
CRASH_PG_STOPS ?= 20
# make cross: only the targets of these systems (e.g. CROSS_OS=windows); empty: all of fyne-cross.yml.
CROSS_OS ?=

.PHONY: help run test bench lint deps build cross bench-peers soak crash attack-memory screenshots clean

## help: this list: every target, from the `## target:` line above each rule
help:
	@awk '/^## [a-z-]+: / { name = $$2; sub(/:$$/, "", name); text = $$0; sub(/^## [a-z-]+: /, "", text); printf "make %-14s %s\n", name, text }' $(firstword $(MAKEFILE_LIST))
	@echo "Variables: BENCHTIME=$(BENCHTIME) CRASH_ROUNDS=$(CRASH_ROUNDS) CRASH_STORE=$(CRASH_STORE) CRASH_PG_STOPS=$(CRASH_PG_STOPS) CROSS_OS=$(CROSS_OS) SOAK_DURATION (5m)"

## deps: install missing system packages: building, testing, screenshots, cross builds (apt as root; otherwise prints the sudo command)
deps:
	@scripts/deps.sh

## build: bin/syncserver and bin/smallwins, with a line per compiled package (the first build: about 10 min on 2 cores)
build:
	@scripts/deps.sh build
	@GO=$(GO) TAGS=$(TAGS) scripts/build.sh

## run: build, start the sync server with a demo school, open the tablet app against it (tmp/run; delete it to start over)
run: build
	@scripts/run.sh

## test: every test of every module, race detector on; says whether PostgreSQL tests run
test:
	@scripts/deps.sh test || echo "make test: continuing without the missing packages (tests that need them skip or fail)"
	@scripts/test.sh

## bench: the benchmarks (results go in docs/PERFORMANCE.md)
bench:
	$(GO) test -run '^$$' -bench . -benchtime $(BENCHTIME) -timeout 60m -tags $(TAGS) $(shell scripts/pkgs.sh)

## lint: gofmt, go vet, staticcheck, the dependency rules of STYLE.md §2 and the formatting check (ADR 0015)
lint:
	@scripts/lint.sh $(STATICCHECK_VERSION)

## cross: the targets of fyne-cross.yml (CROSS_OS=windows: only those), by fyne-cross with Docker/Podman, else on this host
## Without a container engine: the Windows .exe (cgo + mingw-w64) and the Linux .tar.xz (fyne
## package) on this host, Android not (docs/decisions/0005-cross-builds-without-containers.md).
cross:
	@scripts/deps.sh cross || echo "make cross: continuing without the missing packages (fyne-cross needs none of them)"
	@scripts/cross.sh $(CROSS_OS)

## bench-peers: the same workload on pouchdb-server and on our server (docs/PERFORMANCE.md)
bench-peers:
	@scripts/bench-peers.sh

## soak: 200 simulated tablets against one server (SOAK_DURATION, default 5m)
soak:
	$(GO) build -o bin/syncserver ./syncserver
	$(GO) run ./app/cmd/soak --server-bin bin/syncserver

## crash: kill -9 campaign on bolt and PostgreSQL; fails if one acknowledged version is lost (docs/RELIABILITY.md)
## CRASH_ROUNDS rounds per store (CRASH_STORE=bolt|postgres|both) of kill -9 of the server during
## concurrent pushes, plus CRASH_PG_STOPS rounds of `pg_ctl stop -m immediate` of PostgreSQL itself (0: none).
crash:
	$(GO) build -o bin/syncserver ./syncserver
	$(GO) run ./syncserver/cmd/crash --server-bin bin/syncserver --store $(CRASH_STORE) --rounds $(CRASH_ROUNDS) --pg-stops $(CRASH_PG_STOPS) $(CRASH_FLAGS)
## attack-memory: the memory attack of issue 11 against the real binary, alone and verbose
## (it also runs in `make test`; figures in docs/RELIABILITY.md)
attack-memory:
	$(GO) test -count 1 -v -run 'TestAttackMemory$$' ./syncserver

## screenshots: every screen into docs/screenshots/ (headless, and the real app under Xvfb)
screenshots:
	@scripts/deps.sh screenshots || echo "make screenshots: continuing without the missing packages (only the headless screens)"
	@scripts/screenshots.sh

## clean: remove bin/ and tmp/ (the builds, make run's demo server and tablet data)
clean:
	rm -rf bin tmp
