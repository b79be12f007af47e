# The two commands of a fresh machine: `make run` and `make test`.
GO         ?= go
STATICCHECK = honnef.co/go/tools/cmd/staticcheck@v0.8.2
BENCHSTAT   = golang.org/x/perf/cmd/benchstat@v0.0.0-20260908200009-22c9c6c9d4da

.PHONY: run test lint vet fmt-check bench bench-packages load docs

# The example API on :8080, with its embedded defaults.
run:
	$(GO) run ./example_app

# The library, and beside it (go.work) the example app and the black-box
# tests, modules of their own so that the library's go.mod stays lean.
PKGS = ./... ./example_app/... ./tests/... ./tests/bench/...

# vet, the gofmt check, every test with the race detector, then the tests
# of allocation counts, which the race detector would skew.
test: vet fmt-check
	$(GO) test -race -count=1 $(PKGS)
	$(GO) test -count=1 -run 'Alloc' $(PKGS)

# The example app's swag files, from its annotations, with the swag CLI
# pinned in the library's go.mod (go tool swag; the command is in
# example_app/main.go).
# A test fails when they are stale.
docs:
	$(GO) generate ./example_app

lint: vet fmt-check
	$(GO) run $(STATICCHECK) $(PKGS)

vet:
	$(GO) vet $(PKGS)

fmt-check:
	@out=$$(gofmt -l .); \
	if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi

# The route protected five ways (tests/bench: bare, hand-written
# golang-jwt, gindepends with its cache off and on, gin-jwt,
# go-jwt-middleware), in interleaved rounds, with ratios to the
# hand-written middleware from the same round; benchstat summarises them.
BENCH_ROUNDS ?= 6
BENCH_TIME   ?= 300ms
bench:
	$(GO) run ./tests/bench/cmd/rounds -n $(BENCH_ROUNDS) -benchtime $(BENCH_TIME)

# The example app under load on 127.0.0.1 (tests/bench/cmd/load), beside a
# hand-written gin + golang-jwt server and FastAPI's scopes tutorial under
# uvicorn: wrk, rounds interleaved, about 4 minutes. Needs wrk; FastAPI is
# skipped without python3-fastapi python3-uvicorn python3-jwt python3-cryptography.
LOAD_ROUNDS   ?= 3
LOAD_DURATION ?= 10s
load:
	$(GO) run ./tests/bench/cmd/load -rounds $(LOAD_ROUNDS) -duration $(LOAD_DURATION)

# The packages' own benchmarks, each with its baseline, the same way.
bench-packages:
	$(GO) test -c -o bench-di.test ./di
	$(GO) test -c -o bench-ginauth.test ./ginauth
	rm -f bench.txt
	for i in $$(seq $(BENCH_ROUNDS)); do \
		./bench-di.test -test.run '^$$' -test.bench . -test.benchmem >> bench.txt && \
		./bench-ginauth.test -test.run '^$$' -test.bench . -test.benchmem >> bench.txt || exit 1; \
	done
	rm -f bench-di.test bench-ginauth.test
	$(GO) run $(BENCHSTAT) bench.txt
