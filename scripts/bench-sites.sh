#!/usr/bin/env bash
# The sites page at farm scale, over real HTTP against the release server (SQLite): a site of
# MINERS miners (default 10,000) imported from CSV and approved with the real CLI, one reading
# each sent through the collector ingest API, then an admin's requests timed with curl:
# the server-rendered page, the sites list with its overview, miner-table pages and the
# inventory export.
# Prints p50 / p95 / max of each. Run after `cargo leptos build --release --split`.
set -euo pipefail
cd "$(dirname "$0")/.."
miners=${MINERS:-10000}
runs=${RUNS:-40}
port=${BENCH_PORT:-3927}
dir=$(mktemp -d)
db="sqlite://$dir/bench.db"
bin=./target/release/hashinsight
hi() { "$bin" --database-url "$db" --log warn "$@"; }
trap 'kill "${pid:-}" 2>/dev/null || true; rm -rf "$dir"' EXIT

echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%FT%TZ); $miners miners"
hi site create --name Benchdale --capacity-mw 40 --usd-kwh 0.045 >/dev/null
link=$(hi user create --role admin --email bench@example.com | tail -n 1)
python3 - "$miners" >"$dir/inventory.csv" <<'EOF'
import sys
n = int(sys.argv[1])
print("model,serial,ip,rack")
for i in range(n):
    print(f"Antminer S21,BENCH{i:07d},10.{i // 65536}.{i // 256 % 256}.{i % 256},R{i // 40:03d}")
EOF
start=$(date +%s%N)
hi site import --site 1 --file "$dir/inventory.csv" --approve-as bench@example.com >/dev/null
echo "import + approval of $miners rows (CLI, whole command): $((($(date +%s%N) - start) / 1000000)) ms"
key=$(hi site key --site 1 --label bench | tail -n 1)

"$bin" serve --addr "127.0.0.1:$port" --database-url "$db" --log warn >/dev/null 2>&1 &
pid=$!
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
base="http://127.0.0.1:$port"
# Setting the password signs the admin in; the session cookie goes into the jar.
jar="$dir/cookies"
status=$(curl -s -o "$dir/reset.out" -w '%{http_code}' -c "$jar" "$base/api/reset_password" \
  --data-urlencode "token=${link#*token=}" --data-urlencode "password=farm scale passphrase 7" \
  --data-urlencode "password_again=farm scale passphrase 7")
[ "$status" = 200 ] || { echo "setting the admin's password: HTTP $status $(cat "$dir/reset.out")"; exit 1; }

# One reading per miner (nine in ten online, realistic spreads), in batches of 5,000.
curl -sf -H "x-collector-key: $key" "$base/api/v1/collector/targets" >"$dir/targets.json"
python3 - "$dir" <<'EOF'
import json, random, sys, time
d = sys.argv[1]
targets = json.load(open(f"{d}/targets.json"))
targets = targets["miners"]
now = int(time.time() * 1000) - 20_000
rng = random.Random(7)
samples = []
for t in targets:
    online = rng.random() < 0.9
    s = {"miner_id": t["miner_id"], "taken_at_ms": now, "online": online}
    if online:
        s.update(is_mining=True, hashrate_hs=rng.gauss(200e12, 8e12), expected_hashrate_hs=200e12,
                 power_w=rng.gauss(3500, 60), temp_max_c=rng.gauss(68, 6))
    samples.append(s)
for i in range(0, len(samples), 5000):
    json.dump(samples[i:i + 5000], open(f"{d}/batch-{i // 5000:03d}.json", "w"))
EOF
for batch in "$dir"/batch-*.json; do
  curl -sf -o /dev/null -H "x-collector-key: $key" -H 'content-type: application/json' \
    --data-binary "@$batch" "$base/api/v1/collector/telemetry"
done

timed() {
  local name=$1; shift
  for _ in 1 2 3; do curl -s -o /dev/null -b "$jar" "$@"; done
  for _ in $(seq "$runs"); do curl -s -o /dev/null -b "$jar" -w '%{time_total}\n' "$@"; done |
    sort -n | awk -v name="$name" '{ t[NR] = $1 } END {
      printf "%-46s p50 %6.1f ms  p95 %6.1f ms  max %6.1f ms\n", name,
        t[int(NR * 0.5 + 0.5)] * 1000, t[int(NR * 0.95 + 0.5)] * 1000, t[NR] * 1000 }'
}
timed "GET /sites?site=1 (SSR page, admin)" "$base/sites?site=1"
timed "GET /sites?site=1&sort=hashrate&desc=1" "$base/sites?site=1&sort=hashrate&desc=1"
timed "POST /api/list_sites (overview)" -X POST "$base/api/list_sites"
timed "POST /api/list_site_miners (page 1, serial)" "$base/api/list_site_miners" \
  --data-urlencode "filter[site_id]=1"
timed "POST /api/list_site_miners (hashrate desc)" "$base/api/list_site_miners" \
  --data-urlencode "filter[site_id]=1" --data-urlencode "filter[sort]=hashrate" \
  --data-urlencode "filter[descending]=true"
timed "POST /api/list_site_miners (offline, search)" "$base/api/list_site_miners" \
  --data-urlencode "filter[site_id]=1" --data-urlencode "filter[online]=false" \
  --data-urlencode "filter[search]=BENCH00012"
# The whole inventory as the CSV the import reads, every miner in one ordered read.
timed "GET /api/v1/miners/export (every miner, CSV)" "$base/api/v1/miners/export?site_id=1"
echo "export size: $(curl -s -b "$jar" "$base/api/v1/miners/export?site_id=1" | wc -c) bytes"
echo "server RSS: $(awk '/VmRSS/ {print $2, $3}' "/proc/$pid/status")"
