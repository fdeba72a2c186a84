#!/usr/bin/env bash
# Benchmarks the release build: transfer size of every file, what a first
# visit downloads, time to the first rendered guide (unthrottled, and on slow
# 4G with 4x CPU throttling), time per keystroke, and the renderer's native
# throughput. Prints tables, then the whole result as JSON on the last line.
# BENCHMARKS.md explains the method and records the figures.
#
#   ./scripts/bench.sh                    build, then measure everything
#   ./scripts/bench.sh --no-build         measure the last build in target/bench/dist
#   ./scripts/bench.sh --no-native        skip cargo bench
#   ./scripts/bench.sh --trace DIR        also record Chromium traces into DIR and summarise them
#   ./scripts/bench.sh --sizes            also show where the .wasm's bytes go (scripts/wasm-sizes.sh)
#   ./scripts/bench.sh --profile DIR      also record V8 CPU profiles, with Rust function names, into DIR
#   ./scripts/bench.sh --loads N --keystrokes N   more samples (at least 7 loads and 200 keystrokes)
#
# The site is built with ./scripts/build.sh into target/bench/dist rather than
# dist/, so a build or test run of someone else cannot change the files while
# they are measured. The full result is also written to target/bench/result.json,
# and the --sizes report to target/bench/wasm-sizes.txt.
# It is not part of ./scripts/test.sh: timings depend on the machine and its load.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=scripts/setup.sh
source "$ROOT/scripts/setup.sh"

TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
BENCH_DIR="$TARGET_DIR/bench"
DIST="$BENCH_DIR/dist"
BUILD=1
NATIVE=1
SIZES=0
PROFILE_DIR=""
NODE_ARGS=()

usage() {
  sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'
}

while [ "$#" -gt 0 ]; do
  case "$1" in
    --no-build) BUILD=0 ;;
    --no-native) NATIVE=0 ;;
    --sizes) SIZES=1 ;;
    --trace)
      [ "$#" -ge 2 ] || setup_die "--trace needs a directory, e.g. --trace target/bench/traces"
      NODE_ARGS+=(--trace "$2")
      shift
      ;;
    --profile)
      [ "$#" -ge 2 ] || setup_die "--profile needs a directory, e.g. --profile target/bench/profiles"
      PROFILE_DIR="$2"
      shift
      ;;
    --loads | --keystrokes)
      [ "$#" -ge 2 ] || setup_die "$1 needs a number"
      NODE_ARGS+=("$1" "$2")
      shift
      ;;
    -h | --help)
      usage
      exit 0
      ;;
    *) setup_die "unknown argument '$1'. Run ./scripts/bench.sh --help for the options." ;;
  esac
  shift
done

# Setup messages go to stderr, so stdout carries only the tables and the JSON line.
setup_browser >&2
cd "$ROOT"

if [ "$BUILD" = 1 ]; then
  setup_log "building the release site into $DIST with ./scripts/build.sh"
  rm -rf "$DIST" "$BENCH_DIR/build.json"
  mkdir -p "$BENCH_DIR"
  # The commit is read before the build, since the sources may change while it runs.
  commit="$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)"
  changes="$(git -C "$ROOT" status --porcelain 2>/dev/null | wc -l)"
  "$ROOT/scripts/build.sh" --dist "$DIST" >&2
  printf '{"commit": "%s", "uncommittedChanges": %d, "builtAt": "%s"}\n' \
    "$commit" "$changes" "$(date -u +%Y-%m-%dT%H:%M:%SZ)" >"$BENCH_DIR/build.json"
elif [ ! -f "$DIST/index.html" ]; then
  setup_die "$DIST/index.html is missing: run ./scripts/bench.sh without --no-build first"
fi

# Right after the build, so that the copy with function names is of the
# same code (another build in this repository would replace the input).
if [ "$SIZES" = 1 ] || [ -n "$PROFILE_DIR" ]; then
  mkdir -p "$BENCH_DIR"
  "$ROOT/scripts/wasm-sizes.sh" 2>&1 | tee "$BENCH_DIR/wasm-sizes.txt" >&2
fi
if [ -n "$PROFILE_DIR" ]; then
  NODE_ARGS+=(--profile "$PROFILE_DIR" --named-wasm "$BENCH_DIR/names/apm-secrets-wizard_bg.names.wasm")
fi

if [ "$NATIVE" = 1 ]; then
  # Only the criterion results of this run are reported.
  NODE_ARGS+=(--criterion-since "$(date +%s)")
  setup_log "native renderer benchmark: cargo bench -p apm-secrets-renderer --bench render"
  cargo bench -p apm-secrets-renderer --bench render >&2
fi

node "$ROOT/tests/browser/bench/run.mjs" --dist "$DIST" --criterion "$TARGET_DIR/criterion" \
  --out "$BENCH_DIR/result.json" "${NODE_ARGS[@]}"
