#!/usr/bin/env bash
# Prints the release WASM bundle size raw, gzip -9 and brotli, and fails over the budget.
set -euo pipefail
cd "$(dirname "$0")/.."
BUDGET_BROTLI_BYTES=${BUDGET_BROTLI_BYTES:-256000}   # 250 KB for the shell (issue #2)
wasm=target/site/pkg/hashinsight.wasm
[ -f "$wasm" ] || wasm=target/site/pkg/hashinsight_bg.wasm
raw=$(stat -c %s "$wasm")
gz=$(gzip -9 -c "$wasm" | wc -c)
br=$(brotli -c -q 11 "$wasm" | wc -c)
printf 'wasm %s: raw %d B, gzip %d B, brotli %d B (budget %d B brotli)\n' "$wasm" "$raw" "$gz" "$br" "$BUDGET_BROTLI_BYTES"
[ "$br" -le "$BUDGET_BROTLI_BYTES" ] || { echo "WASM over budget"; exit 1; }
