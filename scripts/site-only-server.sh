#!/usr/bin/env bash
# Stands in for `cargo` in cargo-leptos's server step when scripts/test.sh builds only the
# site (the release WASM, CSS and assets) through LEPTOS_BIN_CARGO_COMMAND. The end-to-end
# suite runs the server binary that the test run builds (test profile, on the dependencies the
# tests compiled anyway), so the suite compiles the native dependencies twice (clippy, tests)
# rather than three times (plus release): about a quarter of a cold run's CPU time.
#
# cargo-leptos hashes the executable it would have built once its step ends, so an empty file
# marks its place when there is none. An existing file is left alone: it is a real release
# build, and cargo, which tracks its own outputs, would not rebuild one it had overwritten.
set -euo pipefail
cd "$(dirname "$0")/.."
exe="${CARGO_TARGET_DIR:-target}/release/hashinsight"
if [ ! -e "$exe" ]; then
  mkdir -p "$(dirname "$exe")"
  : >"$exe"
fi
echo "server: not built here; the end-to-end suite runs the test run's binary"
