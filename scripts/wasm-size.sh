#!/usr/bin/env bash
# Prints the release WASM sizes raw, gzip -9 and brotli, and fails when the bundle every page
# loads first (the shell) is over its budget.
#
# Since `cargo leptos build --split`, the pages are separate chunks loaded with their page (with
# shared code in chunk_*.wasm). The shell held issue #2's 250 KB until accounts (issue #5): the
# header's account menu costs 14 KB, and wasm-split cannot move data out of the shell, so the
# read-only data (vtables, strings of both languages) of every page stays in it (+110 KB raw).
# The budget is now the measured 305 KB plus 1.5 %; docs/performance.md says what would win it
# back. The chunks are bounded too, so that no page silently grows past what a phone on a slow
# network should load.
set -euo pipefail
cd "$(dirname "$0")/.."
SHELL_BUDGET_BROTLI_BYTES=${SHELL_BUDGET_BROTLI_BYTES:-310000}
CHUNK_BUDGET_BROTLI_BYTES=${CHUNK_BUDGET_BROTLI_BYTES:-256000}
pkg=target/site/pkg
shell=$pkg/hashinsight.wasm
[ -f "$shell" ] || shell=$pkg/hashinsight_bg.wasm
status=0
for wasm in "$shell" $(ls "$pkg"/*.wasm | grep -v -e "$(basename "$shell")"); do
  raw=$(stat -c %s "$wasm")
  gz=$(gzip -9 -c "$wasm" | wc -c)
  br=$(brotli -c -q 11 "$wasm" | wc -c)
  if [ "$wasm" = "$shell" ]; then budget=$SHELL_BUDGET_BROTLI_BYTES; else budget=$CHUNK_BUDGET_BROTLI_BYTES; fi
  printf 'wasm %s: raw %d B, gzip %d B, brotli %d B (budget %d B brotli)\n' "$wasm" "$raw" "$gz" "$br" "$budget"
  [ "$br" -le "$budget" ] || { echo "  over budget"; status=1; }
done
exit $status
