# The project's commands. `make test` is what CI runs (.ci/run calls it).
SHELL := bash
.SHELLFLAGS := -euo pipefail -c
CARGO ?= cargo

.PHONY: test check setup fmt lint test-cache-on test-cache-off bench demo clean-data

## Everything CI checks: formatting, lints, the whole suite with caching on, and the
## till's suites again with caching off (answers must be identical either way).
test: setup fmt lint test-cache-on test-cache-off

## Fast inner loop: format check, lints on libraries, core and store tests.
check: setup
	$(CARGO) fmt --all --check
	$(CARGO) clippy --workspace -- -D warnings
	$(CARGO) nextest run -p pos-core -p pos-store --no-fail-fast

## Installs what a fresh machine lacks. Rust comes from rust-toolchain.toml.
setup:
	@command -v cargo-nextest >/dev/null 2>&1 || $(CARGO) install cargo-nextest --locked

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
