#!/usr/bin/env bash
# End-to-end tests: the release server (built by `cargo leptos build --release`) on a fresh
# SQLite database, driven by Playwright in Debian's Chromium. We start and stop the server
# ourselves rather than through `cargo leptos end-to-end`, whose 0.3.10 panics while dropping
# the server process and so cannot report success reliably.
set -euo pipefail
cd "$(dirname "$0")/.."
port=${E2E_PORT:-3107}
work=target/e2e
# The release binary, wherever the build put it (CI keeps its build cache outside the clone).
bin="${CARGO_TARGET_DIR:-target}/release/hashinsight"
rm -rf "$work" && mkdir -p "$work"
rm -rf end2end/artifacts end2end/test-results end2end/.auth

# Ten days of network history, filled by the real `market backfill` command from a local
# server (Python's http.server) answering with the providers' recorded responses.
fixtures=crates/market/tests/fixtures
providers=$work/providers
for period in 3d 1w 1m 3m 6m 1y 2y 3y all; do
  mkdir -p "$providers/api/v1/mining/hashrate"
  cp "$fixtures/mempool_hashrate_1y.json" "$providers/api/v1/mining/hashrate/$period"
done
mkdir -p "$providers/api/v3"
cp "$fixtures/binance_klines_1d.json" "$providers/api/v3/klines"
provider_port=$((port + 1))
python3 -m http.server "$provider_port" --bind 127.0.0.1 --directory "$providers" >"$work/providers.log" 2>&1 &
provider_server=$!
trap 'kill "$provider_server" 2>/dev/null || true' EXIT
for _ in $(seq 50); do
  curl -sf "http://127.0.0.1:$provider_port/api/v3/klines" >/dev/null && break
  sleep 0.1
done
APP__MARKET__FEED__ENDPOINTS__MEMPOOL="http://127.0.0.1:$provider_port" \
  APP__MARKET__FEED__ENDPOINTS__BINANCE="http://127.0.0.1:$provider_port" \
  "$bin" --database-url "sqlite://$work/hashinsight.db" \
  market backfill --days 10 --to-day 2026-11-24
kill "$provider_server" 2>/dev/null || true

# The simulated miners below live on 127.1.0.1-3, a loopback range no real miner has: opened on
# purpose, as a lab would, for the server, the CLI import and the collector's targets alike.
export APP__POLL__ALLOW_NETWORKS='["127.1.0.0/16"]'

# The first-run link to create the owner, as an operator would run it on a new install; the
# setup project of the suite opens it.
setup_link=$("$bin" --database-url "sqlite://$work/hashinsight.db" \
  user create --role owner | tail -n 1)
export E2E_SETUP_PATH="/${setup_link#http*://*/}"
export E2E_DB="$PWD/$work/hashinsight.db"

# Market refresh off: the run must not depend on reaching the providers, and the calculator
# then starts from the shipped snapshot, which the tests check is labelled as such.
APP__MARKET__ENABLED=false "$bin" serve --addr "127.0.0.1:$port" \
  --database-url "sqlite://$work/hashinsight.db" >"$work/server.log" 2>&1 &
server=$!
stop_server() {
  kill -TERM "$server" 2>/dev/null || true
  wait "$server" 2>/dev/null || true
}
trap stop_server EXIT

for _ in $(seq 150); do
  curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break
  kill -0 "$server" 2>/dev/null || { cat "$work/server.log"; exit 1; }
  sleep 0.2
done

# Three simulated stock Antminers on 127.1.0.1-3 for the whole run, the second overheating:
# the sites spec sets up its site and collects from them with the real collector
# (scripts/e2e-site.sh), which raises that miner's temperature alert.
"$bin" minersim --count 3 --overheat 2 >"$work/minersim.log" 2>&1 &
minersim=$!
trap 'kill "$minersim" 2>/dev/null || true; stop_server' EXIT

cd end2end
BASE_URL="http://127.0.0.1:$port" npx playwright test -c playwright.config.mjs
echo "screenshots kept in end2end/artifacts/"
