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

# CI keeps its build cache outside the clone, one target directory per Cargo.lock and toolchain:
# a machine that ran CI before starts warm, a new machine builds everything (the budget for that
# cold run is 45 minutes on 2 cores; docs/performance.md has the figures). Caches of other locks
# are removed after 7 days unused.
if [ "${CI:-}" = true ] && [ -z "${CARGO_TARGET_DIR:-}" ]; then
  cache=${HASHINSIGHT_BUILD_CACHE:-$HOME/.cache/hashinsight}
  key=$(cat Cargo.lock rust-toolchain.toml | sha256sum | cut -c1-16)
  export CARGO_TARGET_DIR="$cache/target-$key"
  mkdir -p "$CARGO_TARGET_DIR" && touch "$CARGO_TARGET_DIR"
  find "$cache" -mindepth 1 -maxdepth 1 -name 'target-*' -mtime +7 -exec rm -rf {} + 2>/dev/null || true
  echo "build cache: $CARGO_TARGET_DIR"
fi

# Crates that are built for the server (native) and those also built for the browser (wasm32).
native=(-p server -p app -p domain -p store -p mining -p market -p sheets -p fleet -p auth -p minersim -p collector)
browser=(-p frontend -p mining -p domain)

stage "format" cargo fmt --all --check

# The release build (server + WASM) runs beside the lints and tests: its long single-threaded
# steps (fat LTO of the WASM, linking) leave a core free that they use. It builds into its own
# profile directories, so the two never wait for each other's lock.
release_log=$(mktemp)
cargo leptos build --release --split >"$release_log" 2>&1 &
release=$!
stop_release() { kill "$release" 2>/dev/null || true; }
trap stop_release EXIT
release_start=$SECONDS

# Per target, never one workspace run: that would build `app` with ssr and hydrate together.
stage "clippy (server, native)" cargo clippy --locked "${native[@]}" --all-targets -- -D warnings
stage "clippy (browser, wasm32)" cargo clippy --locked "${browser[@]}" --target wasm32-unknown-unknown -- -D warnings
# nextest runs the tests of every binary side by side, each in its own process. It does not run
# doctests; we have none, and the day one appears, cargo test --doc runs it.
stage "unit and integration tests" cargo nextest run --locked "${native[@]}" --profile ci
if grep -rqE '^\s*//[/!]\s*```(rust)?\s*$' --include='*.rs' app crates server frontend; then
  stage "doctests" cargo test --locked --doc "${native[@]}"
fi

wait_release() {
  if ! wait "$release"; then
    cat "$release_log"
    echo "the release build failed"
    return 1
  fi
  tail -n 3 "$release_log"
  echo "(built beside the tests; $((SECONDS - release_start)) s since it started)"
}
stage "release build (server + WASM)" wait_release
trap - EXIT
stage "WASM size" scripts/wasm-size.sh
stage "end-to-end (Chromium)" scripts/e2e.sh
