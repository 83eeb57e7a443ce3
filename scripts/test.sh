#!/usr/bin/env bash
# Every test HashInsight has, in the order that fails fastest: formatting, lints per target,
# unit and integration tests on SQLite and PostgreSQL, the release WASM build, and the
# end-to-end suite in headless Chromium. `make test` runs it after bootstrap.
#
# PostgreSQL: with CI=true the contract and HTTP tests always run against
# postgres://postgres@127.0.0.1:5432/test (override with TEST_POSTGRES_URL), and a missing
# server fails the run. Elsewhere they run when TEST_POSTGRES_URL is set and say so when skipped.
# Redis (market cache tests): REDIS_URL, default redis://127.0.0.1:6379; with CI=true a missing
# server fails the run, elsewhere those tests print "SKIPPED: no Redis".
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/.tools/bin:$HOME/.cargo/bin:$PATH"

if [ "${CI:-}" = true ] && [ -z "${TEST_POSTGRES_URL:-}" ]; then
  export TEST_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/test
fi

stage() {
  local name=$1; shift
  printf '\n\033[1m== %s\033[0m\n' "$name"
  local start=$SECONDS
  "$@"
  printf '\033[1m== %s: ok (%ss)\033[0m\n' "$name" $((SECONDS - start))
}

if [ -n "${TEST_POSTGRES_URL:-}" ]; then
  echo "PostgreSQL tests: ON (${TEST_POSTGRES_URL%%\?*})"
else
  echo "PostgreSQL tests: SKIPPED (set TEST_POSTGRES_URL=postgres://… or CI=true to run them)"
fi

stage "format" cargo fmt --all --check
# Per target, never one workspace run: that would build `app` with ssr and hydrate together.
stage "clippy (server, native)" cargo clippy --locked -p server -p app -p mining -p market -p sheets -p fleet -p auth -p minersim -p collector --all-targets -- -D warnings
stage "clippy (browser, wasm32)" cargo clippy --locked -p frontend -p mining --target wasm32-unknown-unknown -- -D warnings
stage "unit and integration tests" cargo test --locked -p mining -p market -p sheets -p fleet -p auth -p minersim -p collector -p app -p server
stage "release build (server + WASM)" cargo leptos build --release --split
stage "WASM size" scripts/wasm-size.sh
stage "end-to-end (Chromium)" scripts/e2e.sh
