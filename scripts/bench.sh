#!/usr/bin/env bash
# The figures of docs/performance.md for the foundation: release WASM size, server RSS at idle,
# and SSR throughput/latency of the home page (wrk, 64 connections, 20 s, loopback, SQLite).
# Build times are measured with `scripts/bench.sh build` (it runs `cargo clean` first!).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/.tools/bin:$HOME/.cargo/bin:$PATH"
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
command -v wrk >/dev/null || { as_root apt-get update -qq; as_root apt-get install -y -qq wrk; }

echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(uname -r), $(date -u +%F)"

if [ "${1:-}" = build ]; then
  cargo clean
  start=$SECONDS; cargo leptos build --release --split >/dev/null 2>&1
  echo "cold release build (server + wasm, deps cached in ~/.cargo): $((SECONDS - start)) s"
  touch app/src/lib.rs
  start=$SECONDS; cargo leptos build --release --split >/dev/null 2>&1
  echo "warm release build after touching app/src/lib.rs: $((SECONDS - start)) s"
fi

cargo leptos build --release --split >/dev/null 2>&1
scripts/wasm-size.sh

dir=$(mktemp -d)
port=3917
APP__AUTH__ATTEMPTS_PER_IP_PER_MINUTE=1000 ./target/release/hashinsight serve --addr "127.0.0.1:$port" --database-url "sqlite://$dir/bench.db" \
  --log warn >/dev/null 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; rm -rf "$dir"' EXIT
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
sleep 2
echo "server RSS at idle: $(awk '/VmRSS/ {print $2, $3}' /proc/$pid/status)"
wrk -t2 -c64 -d20s --latency "http://127.0.0.1:$port/" | sed -n '/Thread Stats/,$p'
echo "server RSS after load: $(awk '/VmRSS/ {print $2, $3}' /proc/$pid/status)"

# Sign-in latency over HTTP (argon2id at the default parameters): one account, 40 sequential
# logins, the median and the slowest of curl's total time.
link=$(./target/release/hashinsight --database-url "sqlite://$dir/bench.db" \
  user create --role client --email bench@example.com | tail -n 1)
curl -sf -o /dev/null "http://127.0.0.1:$port/api/reset_password" \
  --data-urlencode "token=${link#*token=}" --data-urlencode "password=quiet hashing 2026" \
  --data-urlencode "password_again=quiet hashing 2026"
for _ in $(seq 40); do
  curl -s -o /dev/null -w '%{time_total}\n' "http://127.0.0.1:$port/api/login" \
    --data-urlencode "email=bench@example.com" --data-urlencode "password=quiet hashing 2026"
done | sort -n | awk '{ t[NR] = $1 } END { printf "sign-in over HTTP (40 logins): median %.1f ms, max %.1f ms\n", t[int((NR + 1) / 2)] * 1000, t[NR] * 1000 }'
cargo bench -p server --bench guard -- --warm-up-time 1 --measurement-time 5 2>/dev/null | grep -E '^guard|time:'
scripts/bench-sites.sh
