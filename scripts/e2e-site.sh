#!/usr/bin/env bash
# Called by end2end/tests/sites.spec.mjs before it reads the sites page: the first time, sets
# up the e2e hosting site as an operator would from the shell (site, four miners imported from
# CSV and approved by OWNER_EMAIL, a collector key); every time, two real collection cycles of
# the standalone collector against the simulated miners that scripts/e2e.sh started, so the
# readings are fresh (a miner counts as offline 5 minutes after its last one) and the
# overheating second miner holds its temperature long enough to open an alert. The fourth
# miner's address answers nothing, so it is never seen.
# Usage: scripts/e2e-site.sh SERVER_URL OWNER_EMAIL
set -euo pipefail
cd "$(dirname "$0")/.."
server=$1 owner_email=$2
work=target/e2e
# The release binary, wherever the build put it (CI keeps its build cache outside the clone).
bin="${CARGO_TARGET_DIR:-target}/release/hashinsight"
hi() { "$bin" --database-url "sqlite://$work/hashinsight.db" "$@"; }
if [ ! -s "$work/collector-key" ]; then
  hi site create --name Rockdale --location "Texas, US" --capacity-mw 12 --usd-kwh 0.045
  printf 'model,serial,ip,rack\n' >"$work/inventory.csv"
  for i in 1 2 3 4; do
    printf 'Antminer S19 Pro,E2E-%04d,127.1.0.%d,A-%d\n' "$i" "$i" "$i" >>"$work/inventory.csv"
  done
  hi site import --site 1 --file "$work/inventory.csv" --approve-as "$owner_email"
  hi site key --site 1 --label e2e | tail -n 1 >"$work/collector-key"
fi
for _ in $(seq 100); do
  (exec 3<>/dev/tcp/127.1.0.3/4028) 2>/dev/null && break
  sleep 0.1
done
HASHINSIGHT_COLLECTOR_KEY=$(cat "$work/collector-key") hi collect --server "$server" --site 1 \
  --spool-dir "$work/spool" --cycles 2 --interval-s 1 --timeout-s 5
