# The project's commands. `make test` is what CI runs (.ci/run calls it).
SHELL := bash
.SHELLFLAGS := -euo pipefail -c
CARGO ?= cargo

.PHONY: test check setup fmt lint test-cache-on test-cache-off test-suites bench demo clean-data server

## Everything CI checks: formatting, lints, the whole suite with caching on, and the
## till's suites again with caching off (answers must be identical either way).
## The server tests need PostgreSQL: a private cluster is started in target/pg-test on a
## free port for this run only (DATABASE_URL points at it; every test creates its own
## database) and stopped when the run ends, pass or fail.
test: setup fmt lint
	@url=$$(PG_TEST=1 scripts/pg.sh start target/pg-test); \
	trap 'scripts/pg.sh stop target/pg-test' EXIT INT TERM; \
	DATABASE_URL=$$url $(MAKE) --no-print-directory test-suites

test-suites: test-cache-on test-cache-off

## Fast inner loop: format check, lints on libraries, core and store tests.
check: setup
	$(CARGO) fmt --all --check
	$(CARGO) clippy --workspace -- -D warnings
	$(CARGO) nextest run -p pos-core -p pos-store --no-fail-fast

## Installs what a fresh machine lacks. Rust comes from rust-toolchain.toml.
setup:
	@command -v cargo-nextest >/dev/null 2>&1 || $(CARGO) install cargo-nextest --locked
	@command -v initdb >/dev/null 2>&1 || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || \
	  { apt-get update && apt-get install -y postgresql-15; }

## A local server for a new user: PostgreSQL in ./data/pg (as the postgres user when run
## as root, on a free port), then pos-server on $${POS_SERVER_PORT:-8080}. Ctrl-C stops both.
server: setup
	@url=$$(scripts/pg.sh start data/pg); \
	trap 'scripts/pg.sh stop data/pg' EXIT INT TERM; \
	echo "PostgreSQL: $$url"; \
	DATABASE_URL=$$url $(CARGO) run -p pos-server -- serve

fmt:
	$(CARGO) fmt --all --check

lint:
	$(CARGO) clippy --workspace --all-targets -- -D warnings

test-cache-on:
	POS_CACHE=on $(CARGO) nextest run --workspace --no-fail-fast

test-cache-off:
	POS_CACHE=off $(CARGO) nextest run -p pos-app -p pos-e2e --no-fail-fast

## Criterion benchmarks and the percentile table (see docs/PERFORMANCE.md).
bench:
	$(CARGO) bench -p pos-app --bench till
	$(CARGO) run --release -p pos-app --example latency

## Opens (or creates) a demo till in ./data and prints what it holds.
demo:
	$(CARGO) run -p pos-app --example demo -- data/till.db

clean-data:
	rm -rf data
