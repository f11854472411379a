# Small Wins: the entry points. `make run` and `make test` are the two that matter.
GO      ?= go

TAGS    := migrated_fynedo
STATICCHECK_VERSION := v0.8.2

.PHONY: run test bench lint deps build cross bench-peers soak clean

deps:
	@scripts/deps.sh

build: deps
	$(GO) build -o bin/syncserver ./syncserver
	$(GO) build -tags $(TAGS) -o bin/smallwins ./app

## run: build, start the sync server with a demo school, open the tablet app against it
run: build
	@scripts/run.sh

## test: every test of every module, race detector on
test:
	@scripts/deps.sh || true
	$(GO) test -race -timeout 20m -tags $(TAGS) $(shell scripts/pkgs.sh)

## bench: the benchmarks (results go in docs/PERFORMANCE.md)
bench:
	$(GO) test -run '^$$' -bench . -benchtime 3x -timeout 60m $(shell scripts/pkgs.sh)

## lint: gofmt, go vet, staticcheck and the dependency rules of STYLE.md §2
lint:
	@scripts/lint.sh $(STATICCHECK_VERSION)

cross:
	@scripts/cross.sh

clean:
	rm -rf bin tmp

## bench-peers: the same workload on pouchdb-server and on our server (docs/PERFORMANCE.md)
bench-peers:
	@scripts/bench-peers.sh

## soak: 200 simulated tablets against one server (SOAK_DURATION, default 5m)
soak:
	$(GO) build -o bin/syncserver ./syncserver
	$(GO) run ./app/cmd/soak --server-bin bin/syncserver
