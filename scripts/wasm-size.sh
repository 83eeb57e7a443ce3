#!/usr/bin/env bash
# Prints the release WASM bundle size raw, gzip -9 and brotli, and fails over the budget.
set -euo pipefail
cd "$(dirname "$0")/.."
# The shell alone met its 250 KB budget at 234,944 B (issue #2). The calculator and the batch
# page (issue #3) add the projection, heatmap, comparison, CSV and batch code (~112 KB brotli);
# the whole app must stay under 360 KB brotli until routes are split into separately loaded
# bundles (docs/performance.md).
BUDGET_BROTLI_BYTES=${BUDGET_BROTLI_BYTES:-360000}
wasm=target/site/pkg/hashinsight.wasm
[ -f "$wasm" ] || wasm=target/site/pkg/hashinsight_bg.wasm
raw=$(stat -c %s "$wasm")
gz=$(gzip -9 -c "$wasm" | wc -c)
br=$(brotli -c -q 11 "$wasm" | wc -c)
printf 'wasm %s: raw %d B, gzip %d B, brotli %d B (budget %d B brotli)\n' "$wasm" "$raw" "$gz" "$br" "$BUDGET_BROTLI_BYTES"
[ "$br" -le "$BUDGET_BROTLI_BYTES" ] || { echo "WASM over budget"; exit 1; }
