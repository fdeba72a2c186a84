#!/usr/bin/env bash
# Runs every check of the project, in order, and stops at the first failure:
#
#   setup (Rust components, wasm32 target, Debian packages)
#   cargo fmt --all --check
#   ShellCheck lint of the scripts
#   cargo clippy --workspace --all-targets -- -D warnings              (host)
#   cargo clippy -p apm-secrets-wizard --target wasm32-unknown-unknown  (wasm32)
#   cargo clippy -p apm-secrets-renderer --lib --target wasm32-unknown-unknown
#   cargo test --workspace
#   tests/validate/install.sh then tests/validate/run.sh                (if present)
#   setup (trunk, wasm-bindgen-cli, wasm-opt), trunk build --release --offline -> dist/
#   setup (browser test packages), node --test in tests/browser          (Chromium)
#
# Each stage prints its elapsed time; a summary follows at the end.
# Installs what is missing the same way as ./scripts/serve.sh (scripts/setup.sh).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=scripts/setup.sh
source "$ROOT/scripts/setup.sh"
cd "$ROOT"

STAGE_NAMES=()
STAGE_RESULTS=()
STAGE_TIMES=()
RUN_START="${EPOCHREALTIME//[.,]/}"

now_us() { printf '%s' "${EPOCHREALTIME//[.,]/}"; }
fmt_secs() { awk -v us="$1" 'BEGIN { s = us / 1e6; if (s >= 60) printf "%dm%04.1fs", s / 60, s - 60 * int(s / 60); else printf "%.1fs", s }'; }

summary() {
  local i
  printf '\n==================== test summary ====================\n'
  for i in "${!STAGE_NAMES[@]}"; do
    printf '  %-8s %9s  %s\n' "${STAGE_RESULTS[$i]}" "${STAGE_TIMES[$i]}" "${STAGE_NAMES[$i]}"
  done
  printf '  %-8s %9s\n' "total" "$(fmt_secs $(($(now_us) - RUN_START)))"
}

# The command a person types to run a stage alone.
command_for() {
  case "$1" in
    setup_rust | setup_system | setup_web | setup_browser) printf 'scripts/setup.sh %s' "${1#setup_}" ;;
    shell_scripts) printf 'shellcheck --external-sources scripts/*.sh .ci/run' ;;
    browser_tests) printf '(cd tests/browser && node --test)' ;;
    *) printf '%s' "$*" ;;
  esac
}

# stage NAME COMMAND...: runs COMMAND in a subshell with `set -e`, times it,
# and on failure prints the summary and exits with the command's status.
stage() {
  local name="$1" start rc elapsed
  shift
  printf '\n==> %s\n    $ %s\n' "$name" "$(command_for "$@")"
  start="$(now_us)"
  set +e
  (
    set -e
    "$@"
  )
  rc=$?
  set -e
  elapsed="$(fmt_secs $(($(now_us) - start)))"
  STAGE_NAMES+=("$name")
  STAGE_TIMES+=("$elapsed")
  if [ "$rc" -ne 0 ]; then
    STAGE_RESULTS+=("FAILED")
    printf '<== %s: FAILED (exit %d) after %s\n' "$name" "$rc" "$elapsed"
    summary
    printf '\nFAILED at stage "%s" (exit %d). Later stages did not run.\n' "$name" "$rc"
    printf 'Re-run that stage alone with: %s\n' "$(command_for "$@")"
    exit "$rc"
  fi
  STAGE_RESULTS+=("ok")
  printf '<== %s: ok in %s\n' "$name" "$elapsed"
}

skip() {
  printf '\n==> %s: skipped (%s)\n' "$1" "$2"
  STAGE_NAMES+=("$1 ($2)")
  STAGE_TIMES+=("-")
  STAGE_RESULTS+=("skipped")
}

shell_scripts() {
  local files=(scripts/*.sh .ci/run)
  shellcheck --external-sources "${files[@]}"
}

browser_tests() {
  cd tests/browser
  node --test --test-reporter=spec
}

stage "setup: rustfmt, clippy, wasm32 target" setup_rust
stage "setup: Debian packages (${APT_PACKAGES[*]})" setup_system
stage "cargo fmt" cargo fmt --all --check
stage "shellcheck" shell_scripts
stage "clippy (host)" cargo clippy --workspace --all-targets -- -D warnings
stage "clippy (wasm32: app)" cargo clippy -p apm-secrets-wizard --target "$WASM_TARGET" -- -D warnings
stage "clippy (wasm32: renderer lib)" cargo clippy -p apm-secrets-renderer --lib --target "$WASM_TARGET" -- -D warnings
stage "cargo test" cargo test --workspace

if [ -f tests/validate/run.sh ]; then
  if [ -f tests/validate/install.sh ]; then
    stage "validation suite: install" bash tests/validate/install.sh
  fi
  stage "validation suite" bash tests/validate/run.sh
else
  skip "validation suite" "tests/validate/run.sh does not exist yet"
fi

stage "setup: trunk, wasm-bindgen-cli, wasm-opt" setup_web
stage "trunk build --release -> dist/" trunk build --release --offline
stage "setup: browser test packages" setup_browser
stage "browser tests" browser_tests

summary
printf '\nAll stages passed.\n'
