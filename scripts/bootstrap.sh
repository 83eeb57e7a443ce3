#!/usr/bin/env bash
# Installs what building, running and testing HashInsight needs, and nothing that is already
# there: safe to run every time, and a second run takes about a second.
#
# Everything comes from the registries reachable here (crates.io, npm, Debian); nothing is
# downloaded from GitHub, so cargo-leptos must find wasm-bindgen and wasm-opt on PATH.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
tools="$root/.tools"
mkdir -p "$tools/bin"

CARGO_LEPTOS_VERSION=0.3.10   # 0.3.11 needs rustc 1.96
ECHARTS_VERSION=5.6.0          # the option schema charming 0.6 writes
BINARYEN_VERSION=132          # Debian's binaryen 108 emits a wasm that fails to hydrate
# wasm-bindgen-cli must be exactly the wasm-bindgen that Cargo.lock resolved.
WASM_BINDGEN_VERSION=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)

# The tools are built once per machine, so their build is tuned for time, not for peak speed:
# cargo-leptos's own profile asks for fat LTO on one codegen unit (about 15 minutes on 2 cores).
quick_install() {
  CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 \
    CARGO_PROFILE_RELEASE_OPT_LEVEL=1 CARGO_PROFILE_RELEASE_DEBUG=false \
    CARGO_PROFILE_RELEASE_STRIP=true cargo install "$@"
}
say() { printf '\033[1mbootstrap:\033[0m %s\n' "$*"; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

# Rust toolchain and the wasm target (rust-toolchain.toml pins both; rustup installs on demand).
if ! rustup target list --installed 2>/dev/null | grep -q '^wasm32-unknown-unknown$'; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

if ! cargo leptos --version 2>/dev/null | grep -q " $CARGO_LEPTOS_VERSION\$"; then
  say "installing cargo-leptos $CARGO_LEPTOS_VERSION (a few minutes, once per machine)"
  # no_downloads: it must use the wasm-bindgen, wasm-opt and sass found on PATH, never GitHub.
  quick_install cargo-leptos --version "$CARGO_LEPTOS_VERSION" --locked --features no_downloads
fi

if ! wasm-bindgen --version 2>/dev/null | grep -q " $WASM_BINDGEN_VERSION\$"; then
  say "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (about 3 minutes)"
  # Without --locked: its own lock pins a webpki-roots this registry does not have.
  quick_install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --force
fi

# The test runner of scripts/test.sh (machines here usually have it already).
if ! cargo nextest --version >/dev/null 2>&1; then
  say "installing cargo-nextest (a few minutes, once per machine)"
  quick_install cargo-nextest --locked
fi

if ! "$tools/bin/wasm-opt" --version 2>/dev/null | grep -q "version $BINARYEN_VERSION"; then
  say "installing wasm-opt from npm binaryen@$BINARYEN_VERSION"
  npm install --silent --no-audit --no-fund --prefix "$tools/binaryen" "binaryen@$BINARYEN_VERSION"
  ln -sf "$tools/binaryen/node_modules/.bin/wasm-opt" "$tools/bin/wasm-opt"
fi

# ECharts, which draws the charts charming describes, served from public/vendor (not in git).
if [ ! -s public/vendor/echarts.min.js ] || ! grep -qs "\"version\": \"$ECHARTS_VERSION\"" "$tools/echarts/node_modules/echarts/package.json"; then
  say "installing echarts $ECHARTS_VERSION from npm"
  npm install --silent --no-audit --no-fund --prefix "$tools/echarts" "echarts@$ECHARTS_VERSION"
  mkdir -p public/vendor
  cp "$tools/echarts/node_modules/echarts/dist/echarts.min.js" public/vendor/echarts.min.js
fi

# Chromium drives the end-to-end tests; brotli measures the WASM budget.
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v brotli >/dev/null || missing+=(brotli)
# Chinese glyphs, so the zh screenshots of the end-to-end run are readable.
fc-list :lang=zh 2>/dev/null | grep -q . || missing+=(fonts-noto-cjk)
if [ ${#missing[@]} -gt 0 ]; then
  say "installing from Debian: ${missing[*]}"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
fi

# End-to-end test packages, reinstalled only when the lock file changed.
stamp=end2end/node_modules/.installed-lock
if ! cmp -s end2end/package-lock.json "$stamp" 2>/dev/null; then
  say "installing the end-to-end test packages"
  (cd end2end && npm ci --silent --no-audit --no-fund)
  cp end2end/package-lock.json "$stamp"
fi

say "ready (cargo-leptos $CARGO_LEPTOS_VERSION, wasm-bindgen $WASM_BINDGEN_VERSION, wasm-opt $BINARYEN_VERSION)"
