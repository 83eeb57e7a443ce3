# The two commands of the README, and a few helpers. Every target installs what it is missing.
SHELL := bash
.DEFAULT_GOAL := help
# Our wasm-opt (npm binaryen) must come before any other on PATH.
export PATH := $(CURDIR)/.tools/bin:$(HOME)/.cargo/bin:$(PATH)

.PHONY: help run test bootstrap bench clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

# The demo data includes a farm of simulated Antminers the server polls itself ([demo] miners);
# sites added in the browser are polled too, unless they get a collector key ([poll] auto).
DEMO_MINERS ?= 24

run: bootstrap ## build and serve the app at http://127.0.0.1:3000 (SQLite, demo data and farm)
	APP__DEMO__MINERS=$(DEMO_MINERS) APP__POLL__AUTO=true cargo leptos serve --release --split

test: bootstrap ## run every test: fmt, clippy, unit, integration (SQLite + PostgreSQL), wasm, end-to-end
	scripts/test.sh

bootstrap: ## install what is missing (cargo-leptos, wasm-bindgen, wasm-opt, Chromium, npm packages)
	@scripts/bootstrap.sh

bench: bootstrap ## measure the figures of docs/performance.md
	scripts/bench.sh

clean: ## remove build output and the local database
	cargo clean
	rm -rf data end2end/test-results end2end/artifacts
