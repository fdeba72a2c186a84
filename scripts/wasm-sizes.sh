#!/usr/bin/env bash
# Shows where the bytes of the release .wasm go. The shipped module has no
# function names. So this script optimises the wasm-bindgen output that trunk
# passed to wasm-opt (target/wasm-bindgen/release/) again, with the same -Oz
# plus -g to keep the name section. Then it runs twiggy (installed from
# crates.io on first use) to list:
#
#   the largest functions and data segments    twiggy top
#   the size of each crate                     tests/browser/bench/wasm-crates.mjs
#   the generic functions with the most copies twiggy monos
#   what keeps the most bytes alive            twiggy dominators
#
#   ./scripts/wasm-sizes.sh            after ./scripts/build.sh or ./scripts/bench.sh
#   ./scripts/wasm-sizes.sh 60         list 60 rows per table instead of 30
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=scripts/setup.sh
source "$ROOT/scripts/setup.sh"

TWIGGY_VERSION="0.8.0"
ROWS="${1:-30}"
TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
INPUT="$TARGET_DIR/wasm-bindgen/release/apm-secrets-wizard_bg.wasm"
OUT_DIR="$TARGET_DIR/bench/names"
NAMED="$OUT_DIR/apm-secrets-wizard_bg.names.wasm"

if ! [[ "$ROWS" =~ ^[0-9]+$ ]] || [ "$ROWS" -lt 1 ]; then
  setup_die "the row count must be a positive number (got '$ROWS'). Example: ./scripts/wasm-sizes.sh 60"
fi
[ -f "$INPUT" ] || setup_die "$INPUT is missing: build the release site first with ./scripts/build.sh"

ensure_wasm_opt
ensure_cargo_tool twiggy twiggy "$TWIGGY_VERSION" "twiggy-opt $TWIGGY_VERSION" --locked

mkdir -p "$OUT_DIR"
setup_log "wasm-opt -Oz -g $INPUT (the shipped build, with its function names)"
wasm-opt -Oz -g "$INPUT" -o "$NAMED"

printf '\n== Largest items (twiggy top; the name section exists only in this copy)\n'
twiggy top -n "$ROWS" "$NAMED"

printf '\n== Bytes by crate\n'
twiggy top -n 1000000 --format json "$NAMED" >"$OUT_DIR/top.json"
node "$ROOT/tests/browser/bench/wasm-crates.mjs" "$OUT_DIR/top.json"

printf '\n== Generic functions with the most bytes in copies (twiggy monos)\n'
twiggy monos -m "$ROWS" -n 3 "$NAMED"

printf '\n== What keeps the most bytes alive (twiggy dominators, 3 levels)\n'
twiggy dominators -d 3 -r "$ROWS" "$NAMED"
