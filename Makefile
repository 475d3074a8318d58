# The project's commands. `make test` is what CI runs (.ci/run calls it).
SHELL := bash
.SHELLFLAGS := -euo pipefail -c
CARGO ?= cargo

.PHONY: test check setup setup-desktop ui ui-test run fmt lint test-cache-on test-cache-off test-suites bench demo clean-data server

# What the desktop till needs from Debian: WebKitGTK and friends to build and run it, Xvfb
# for a headless display, and WebKitWebDriver for the end-to-end tests.
APT_PACKAGES := libwebkit2gtk-4.1-dev build-essential libxdo-dev libssl-dev \
	libayatana-appindicator3-dev librsvg2-dev xvfb xauth webkit2gtk-driver

## Everything CI checks: formatting, lints, the UI's unit tests, the whole suite with
## caching on (including the desktop app driven through WebDriver under Xvfb), and the
## till's and the server's suites again with caching off (answers must be identical either way).
## The server tests need PostgreSQL: a private cluster is started in target/pg-test on a
## free port for this run only (DATABASE_URL points at it; every test creates its own
## database) and stopped when the run ends, pass or fail.
test: setup ui fmt lint ui-test
	@url=$$(PG_TEST=1 scripts/pg.sh start target/pg-test); \
	trap 'scripts/pg.sh stop target/pg-test' EXIT INT TERM; \
	DATABASE_URL=$$url $(MAKE) --no-print-directory test-suites

test-suites: test-cache-on test-cache-off

## Builds the UI and opens the desktop till on the demo restaurant. Data lives in the OS
## app-data directory unless DATA_DIR=dir is given. Without a display it runs under Xvfb.
run: setup ui
	@if [ -z "$${DISPLAY:-}" ]; then \
		echo "No DISPLAY: running the till under Xvfb (xvfb-run)"; \
		xvfb-run -a -s "-screen 0 1280x800x24" $(CARGO) run -p pos-desktop -- $(if $(DATA_DIR),--data-dir $(DATA_DIR)); \
	else \
		$(CARGO) run -p pos-desktop -- $(if $(DATA_DIR),--data-dir $(DATA_DIR)); \
	fi

## Fast inner loop: format check, lints on libraries, core and store tests.
check: setup ui
	$(CARGO) fmt --all --check
	$(CARGO) clippy --workspace -- -D warnings
	$(CARGO) nextest run -p pos-core -p pos-store --no-fail-fast

## Installs what a fresh machine lacks. Rust comes from rust-toolchain.toml; Node.js (20.19
## or newer) must be on the machine.
setup: setup-desktop ui/node_modules/.package-lock.json
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

## Debian packages (only those missing) and tauri-driver for the WebDriver tests.
setup-desktop:
	@missing="$$(for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done)"; \
	if [ -n "$$missing" ]; then \
		echo "Installing Debian packages:" $$missing; \
		apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $$missing; \
	fi
	@command -v tauri-driver >/dev/null 2>&1 || $(CARGO) install tauri-driver --version '^2' --locked
	@command -v npm >/dev/null 2>&1 || { echo "npm is missing: install Node.js 20.19+"; exit 1; }

ui/node_modules/.package-lock.json: ui/package-lock.json
	# npm install, not npm ci: npm 11 refuses this lock in `ci` (it lists rollup's optional
	# per-platform packages as missing) although `install` resolves it without a change.
	cd ui && npm install --no-audit --no-fund
	@touch $@

## The web UI, type-checked and bundled into ui/dist (embedded by the desktop build).
ui: ui/node_modules/.package-lock.json
	cd ui && npm run --silent build

## The UI's unit tests (Vitest).
ui-test: ui/node_modules/.package-lock.json
	cd ui && npm run --silent test

fmt:
	$(CARGO) fmt --all --check

lint:
	$(CARGO) clippy --workspace --all-targets -- -D warnings

test-cache-on:
	POS_CACHE=on $(CARGO) nextest run --workspace --no-fail-fast

test-cache-off:
	POS_CACHE=off $(CARGO) nextest run -p pos-app -p pos-server -p pos-e2e --no-fail-fast

## The standard benchmarks (see docs/PERFORMANCE.md; about 30 minutes): criterion means,
## then pos-bench: the till's paths beside plain SQLite and a Redis GET (redis-server from
## Debian, installed when missing) and a till with a million paid orders; the replayed
## days; 100 tills syncing with the server on a private PostgreSQL (fsync on) in
## target/bench/pg. Tables on screen, JSON in target/bench/.
bench:
	@command -v redis-server >/dev/null 2>&1 || { echo "Installing redis-server (Debian)"; \
	  apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends redis-server; }
	@command -v initdb >/dev/null 2>&1 || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || \
	  { apt-get update && apt-get install -y postgresql-15; }
	$(CARGO) bench -p pos-app --bench till
	$(CARGO) run --release -p pos-bench -- till --history 1000000
	$(CARGO) run --release -p pos-bench -- replay
	env -u DATABASE_URL $(CARGO) run --release -p pos-bench -- server

## Opens (or creates) a demo till in ./data and prints what it holds.
demo:
	$(CARGO) run -p pos-app --example demo -- data/till.db

clean-data:
	rm -rf data
