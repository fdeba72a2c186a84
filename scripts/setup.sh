#!/usr/bin/env bash
# Installs and checks the tools this project builds and tests with.
#
# Every tool is detected by its version first and installed only when it is
# missing or has another version, so a second run takes a few seconds.
#
#   scripts/setup.sh all        everything below
#   scripts/setup.sh rust       rustfmt, clippy and the wasm32-unknown-unknown target (rustup)
#   scripts/setup.sh web        trunk, wasm-bindgen-cli and wasm-opt (binaryen from npm)
#   scripts/setup.sh system     Debian packages: chromium chromium-driver shellcheck brotli
#   scripts/setup.sh browser    system + the browser tests' npm packages (tests/browser)
#   scripts/setup.sh versions   print what is installed, change nothing
#
# Other scripts source this file to get the functions and PATH without running
# anything: `source scripts/setup.sh`. The PATH it sets puts the npm-installed
# wasm-opt (scripts/tools/node_modules/.bin) and cargo's bin directory first,
# so trunk finds the pinned tools and never Debian's binaryen.
#
# Any install that fails, or a tool whose version is wrong after the install,
# stops with the tool, the version expected and the command that fixes it.

# ---------------------------------------------------------------- settings --

SETUP_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
readonly SETUP_ROOT

TRUNK_VERSION="0.21.14"
WASM_TARGET="wasm32-unknown-unknown"
NODE_MIN_MAJOR=20
# Debian packages: the browser for the tests (and its driver for later
# WebDriver tests), shellcheck for the scripts, brotli for size measurements,
# and nginx to test the example server configuration.
APT_PACKAGES=(chromium chromium-driver shellcheck brotli nginx-light)
TOOLS_DIR="$SETUP_ROOT/scripts/tools"
BROWSER_TESTS_DIR="$SETUP_ROOT/tests/browser"
CARGO_BIN_DIR="${CARGO_HOME:-$HOME/.cargo}/bin"

# Always first, even when already on PATH further back.
PATH="$TOOLS_DIR/node_modules/.bin:$PATH"
case ":$PATH:" in
  *":$CARGO_BIN_DIR:"*) ;;
  *) PATH="$PATH:$CARGO_BIN_DIR" ;;
esac
export PATH

# No update checks, telemetry or audit calls from the tools.
export TRUNK_SKIP_VERSION_CHECK=true
export NPM_CONFIG_UPDATE_NOTIFIER=false
export NPM_CONFIG_FUND=false
export NPM_CONFIG_AUDIT=false

# ----------------------------------------------------------------- helpers --

setup_log() {
  printf '[setup] %s\n' "$*" >&2
}

# setup_fail TOOL EXPECTED FOUND FIX [DETAIL]: stops with a message naming the
# tool, the version expected, what was found and the command that fixes it.
setup_fail() {
  local tool="$1" expected="$2" found="$3" fix="$4" detail="${5:-}"
  {
    printf '\n[setup] ERROR: %s is missing or has the wrong version.\n' "$tool"
    printf '  tool:     %s\n' "$tool"
    printf '  expected: %s\n' "$expected"
    printf '  found:    %s\n' "$found"
    [ -n "$detail" ] && printf '  detail:   %s\n' "$detail"
    printf '  fix:      %s\n\n' "$fix"
  } >&2
  exit 1
}

# setup_die MESSAGE...: stops with a plain message.
setup_die() {
  printf '\n[setup] ERROR: %s\n\n' "$*" >&2
  exit 1
}

# setup_install TOOL VERSION FIX -- COMMAND...: runs an install command, and on
# failure stops naming the tool, the version and the command to run by hand.
setup_install() {
  local tool="$1" version="$2" fix="$3"
  shift 4
  setup_log "installing $tool $version: $*"
  local start=$SECONDS
  if ! "$@"; then
    {
      printf '\n[setup] ERROR: installing %s failed (its output is above).\n' "$tool"
      printf '  tool:     %s\n' "$tool"
      printf '  expected: %s\n' "$version"
      printf '  fix:      %s\n\n' "$fix"
    } >&2
    exit 1
  fi
  setup_log "installed $tool $version in $((SECONDS - start))s"
}

# Prints the first line of `CMD --version`, or nothing when CMD is missing.
tool_version_line() {
  command -v "$1" >/dev/null 2>&1 || return 0
  "$1" --version 2>/dev/null | head -n 1 || true
}

# Prints the version of CRATE pinned in Cargo.lock; fails if it appears
# with more than one version.
cargo_lock_version() {
  local crate="$1" versions
  versions="$(awk -v name="$crate" '
    $0 == "[[package]]" { in_pkg = 1; found = 0; next }
    in_pkg && $1 == "name" && $3 == "\"" name "\"" { found = 1; next }
    in_pkg && found && $1 == "version" { gsub(/"/, "", $3); print $3; found = 0 }
  ' "$SETUP_ROOT/Cargo.lock" | sort -u)"
  if [ -z "$versions" ]; then
    setup_die "Cargo.lock has no package '$crate'. Fix: cargo generate-lockfile (then commit Cargo.lock)"
  fi
  if [ "$(printf '%s\n' "$versions" | wc -l)" -ne 1 ]; then
    setup_die "Cargo.lock contains several versions of '$crate' ($(echo "$versions" | tr '\n' ' ')); keep one: cargo update -p $crate --precise <version>"
  fi
  printf '%s\n' "$versions"
}

# Prints KEY's string value from SECTION of a TOML file (simple `key = "value"` lines).
toml_string() {
  local file="$1" section="$2" key="$3"
  awk -v section="[$section]" -v key="$key" '
    /^[[:space:]]*\[/ { gsub(/[[:space:]]/, ""); in_section = ($0 == section); next }
    in_section {
      line = $0; sub(/#.*/, "", line)
      if (match(line, "^[[:space:]]*" key "[[:space:]]*=")) {
        value = substr(line, RLENGTH + 1); gsub(/^[[:space:]]*"|"[[:space:]]*$/, "", value); print value; exit
      }
    }
  ' "$file"
}

# Prints the binaryen version pinned in scripts/tools/package.json.
binaryen_pinned_version() {
  node -p 'require(process.argv[1]).dependencies.binaryen' "$TOOLS_DIR/package.json"
}

# ----------------------------------------------------- version consistency --

# The versions in Trunk.toml [tools] must be the ones installed here: trunk
# refuses (offline) a tool whose `--version` differs.
check_tool_pins() {
  local lock_wbg trunk_wbg trunk_opt binaryen
  lock_wbg="$(cargo_lock_version wasm-bindgen)"
  trunk_wbg="$(toml_string "$SETUP_ROOT/Trunk.toml" tools wasm_bindgen)"
  if [ "$trunk_wbg" != "$lock_wbg" ]; then
    setup_fail "wasm-bindgen (Trunk.toml [tools] wasm_bindgen)" "$lock_wbg (the wasm-bindgen version in Cargo.lock)" \
      "${trunk_wbg:-<not set>}" "set wasm_bindgen = \"$lock_wbg\" under [tools] in Trunk.toml" \
      "wasm-bindgen-cli must be exactly the version of the wasm-bindgen crate the app links"
  fi
  ensure_node
  binaryen="$(binaryen_pinned_version)"
  trunk_opt="$(toml_string "$SETUP_ROOT/Trunk.toml" tools wasm_opt)"
  if [ "$trunk_opt" != "version_${binaryen%%.*}" ]; then
    setup_fail "wasm-opt (Trunk.toml [tools] wasm_opt)" "version_${binaryen%%.*} (binaryen $binaryen in scripts/tools/package.json)" \
      "${trunk_opt:-<not set>}" "set wasm_opt = \"version_${binaryen%%.*}\" under [tools] in Trunk.toml"
  fi
}

# ------------------------------------------------------------------- tools --

ensure_node() {
  local version
  version="$(tool_version_line node)"
  if [ -z "$version" ] || ! command -v npm >/dev/null 2>&1; then
    setup_fail "Node.js and npm" "Node.js >= $NODE_MIN_MAJOR with npm" "${version:-not installed}" \
      "apt-get install -y nodejs npm (or install Node.js $NODE_MIN_MAJOR+ from your usual source)"
  fi
  local major="${version#v}"
  major="${major%%.*}"
  if [ "$major" -lt "$NODE_MIN_MAJOR" ]; then
    setup_fail "Node.js" ">= $NODE_MIN_MAJOR" "$version" "install Node.js $NODE_MIN_MAJOR or newer"
  fi
}

ensure_rustup() {
  if ! command -v rustup >/dev/null 2>&1 || ! command -v cargo >/dev/null 2>&1; then
    setup_fail "rustup and cargo" "a rustup-managed Rust toolchain (rust-version 1.88+)" "not on PATH" \
      "install rustup from the Rust project's instructions, then: rustup default stable"
  fi
}

ensure_rust_components() {
  ensure_rustup
  local missing=()
  cargo fmt --version >/dev/null 2>&1 || missing+=(rustfmt)
  cargo clippy --version >/dev/null 2>&1 || missing+=(clippy)
  if [ "${#missing[@]}" -gt 0 ]; then
    setup_install "${missing[*]}" "(toolchain component)" "rustup component add ${missing[*]}" -- \
      rustup component add "${missing[@]}"
  fi
}

ensure_wasm_target() {
  ensure_rustup
  if rustup target list --installed 2>/dev/null | grep -qx "$WASM_TARGET"; then
    setup_log "rust target $WASM_TARGET: installed"
    return 0
  fi
  setup_install "rust target $WASM_TARGET" "(current toolchain)" "rustup target add $WASM_TARGET" -- \
    rustup target add "$WASM_TARGET"
}

# ensure_cargo_tool BINARY CRATE VERSION EXPECTED_VERSION_LINE [cargo install flags...]
ensure_cargo_tool() {
  local bin="$1" crate="$2" version="$3" expected="$4"
  shift 4
  local found
  found="$(tool_version_line "$bin")"
  if [ "$found" = "$expected" ]; then
    setup_log "$bin: $found ($(command -v "$bin"))"
    return 0
  fi
  ensure_rustup
  local cmd=(cargo install "$crate" --version "$version" "$@")
  # --force replaces another installed version of the same crate.
  [ -n "$found" ] && cmd+=(--force)
  setup_log "$bin: ${found:-not installed}; want '$expected'"
  setup_install "$crate" "$version" "${cmd[*]}" -- "${cmd[@]}"
  found="$(tool_version_line "$bin")"
  if [ "$found" != "$expected" ]; then
    setup_fail "$bin" "$expected" "${found:-not found} at $(command -v "$bin" || echo '<nowhere on PATH>')" \
      "remove the other $bin from PATH, or run: ${cmd[*]} --force" \
      "cargo installed it into $CARGO_BIN_DIR, but another $bin comes first on PATH"
  fi
}

ensure_trunk() {
  ensure_cargo_tool trunk trunk "$TRUNK_VERSION" "trunk $TRUNK_VERSION" --locked
}

ensure_wasm_bindgen() {
  local version
  version="$(cargo_lock_version wasm-bindgen)"
  # Built from its own crate's latest compatible dependencies: no --locked.
  ensure_cargo_tool wasm-bindgen wasm-bindgen-cli "$version" "wasm-bindgen $version"
}

# Prints the direct dependencies pinned in DIR/package.json as name@version.
npm_pinned_packages() {
  node -p 'Object.entries(require(process.argv[1]).dependencies ?? {}).map(([n, v]) => n + "@" + v).join(" ")' \
    "$1/package.json"
}

# npm_ci_if_needed DIR: `npm ci` in DIR unless node_modules was installed from
# the same package-lock.json by the same Node.js version.
npm_ci_if_needed() {
  local dir="$1" rel="${1#"$SETUP_ROOT"/}" packages stamp want
  packages="$(npm_pinned_packages "$dir")"
  [ -f "$dir/package-lock.json" ] || setup_die "$rel/package-lock.json is missing. Create it with: cd $rel && npm install"
  want="$(node --version) $(sha256sum "$dir/package-lock.json" | cut -d' ' -f1)"
  stamp="$dir/node_modules/.setup-stamp"
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
    setup_log "npm packages in $rel: current ($packages)"
    return 0
  fi
  setup_install "npm packages $packages" "(as locked in $rel/package-lock.json)" "cd $rel && npm ci" -- \
    npm ci --prefix "$dir" --no-audit --no-fund --loglevel=error
  printf '%s\n' "$want" >"$stamp"
}

ensure_wasm_opt() {
  ensure_node
  local binaryen major found path
  binaryen="$(binaryen_pinned_version)"
  major="${binaryen%%.*}"
  npm_ci_if_needed "$TOOLS_DIR"
  local want_path="$TOOLS_DIR/node_modules/.bin/wasm-opt" fix
  found="$(tool_version_line wasm-opt)"
  path="$(command -v wasm-opt || true)"
  if [ "$path" != "$want_path" ] || [ "$found" != "wasm-opt version $major (version_$major)" ]; then
    if [ -n "$path" ] && [ "$path" != "$want_path" ]; then
      fix="remove $(dirname "$path") from PATH, or put scripts/tools/node_modules/.bin before it"
    else
      fix="rm -rf scripts/tools/node_modules && scripts/setup.sh web"
    fi
    setup_fail "wasm-opt" "version $major from the npm package binaryen@$binaryen ($want_path)" \
      "${found:-not found} at ${path:-<nowhere on PATH>}" "$fix" \
      "never use Debian's binaryen (wasm-opt 108): its output fails with 'WebAssembly.Table.set(): Argument 1 is invalid'"
  fi
  setup_log "wasm-opt: $found ($path)"
}

# ------------------------------------------------------------ apt and pip --

APT_UPDATED="${APT_UPDATED:-0}"

apt_installed() {
  dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'
}

# ensure_apt_packages PACKAGE...: installs the missing ones, non-interactively.
ensure_apt_packages() {
  local missing=() pkg
  for pkg in "$@"; do
    if command -v dpkg-query >/dev/null 2>&1 && apt_installed "$pkg"; then
      setup_log "apt package $pkg: installed ($(dpkg-query -W -f='${Version}' "$pkg"))"
    else
      missing+=("$pkg")
    fi
  done
  [ "${#missing[@]}" -eq 0 ] && return 0

  local fix="apt-get update && apt-get install -y ${missing[*]}"
  if ! command -v apt-get >/dev/null 2>&1; then
    setup_fail "${missing[*]}" "installed (Debian packages)" "missing, and this machine has no apt-get" \
      "install ${missing[*]} with your package manager (set CHROMIUM=/path/to/chromium for another browser binary)"
  fi
  local sudo=()
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
      sudo=(sudo -n)
    else
      setup_fail "${missing[*]}" "installed (Debian packages)" "missing; installing needs root" "sudo $fix"
    fi
  fi
  if [ "$APT_UPDATED" != 1 ]; then
    setup_log "apt-get update"
    if ! "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q </dev/null; then
      setup_fail "apt-get update" "package lists refreshed" "apt-get update failed (see above)" "$fix"
    fi
    APT_UPDATED=1
  fi
  setup_install "${missing[*]}" "(Debian's current version)" "$fix" -- \
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
    -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold "${missing[@]}" </dev/null
}

pip_installed_version() {
  { python3 -m pip show "$1" 2>/dev/null || true; } | awk '/^Version:/ { print $2 }'
}

# ensure_pip_package NAME VERSION: for suites that need a Python tool
# (e.g. tests/validate/install.sh can source this file and call it).
ensure_pip_package() {
  local name="$1" version="$2" found
  if ! command -v python3 >/dev/null 2>&1; then
    setup_fail "python3" "Python 3.11 with pip" "not installed" "apt-get install -y python3 python3-pip"
  fi
  found="$(pip_installed_version "$name")"
  if [ "$found" = "$version" ]; then
    setup_log "pip package $name: $found"
    return 0
  fi
  setup_install "$name (pip)" "$version" "python3 -m pip install $name==$version" -- \
    python3 -m pip install --quiet "$name==$version"
  found="$(pip_installed_version "$name")"
  [ "$found" = "$version" ] || setup_fail "$name (pip)" "$version" "${found:-not installed}" "python3 -m pip install $name==$version"
}

# ------------------------------------------------------------------ groups --

setup_rust() {
  ensure_rust_components
  ensure_wasm_target
}

setup_web() {
  check_tool_pins
  ensure_wasm_target
  ensure_trunk
  ensure_wasm_bindgen
  ensure_wasm_opt
}

setup_system() {
  if [ -n "${CHROMIUM:-}" ] && [ -x "${CHROMIUM}" ]; then
    setup_log "CHROMIUM=$CHROMIUM is set: not installing Debian's chromium"
    ensure_apt_packages shellcheck brotli
  else
    ensure_apt_packages "${APT_PACKAGES[@]}"
  fi
}

setup_browser() {
  setup_system
  ensure_node
  npm_ci_if_needed "$BROWSER_TESTS_DIR"
}

setup_all() {
  setup_rust
  setup_system
  setup_web
  setup_browser
}

setup_versions() {
  local t
  for t in cargo rustc trunk wasm-bindgen wasm-opt node npm chromium; do
    printf '%-13s %s\n' "$t" "$(tool_version_line "$t" 2>/dev/null | tr -d '\n' || true)"
  done
  # The first line of `shellcheck --version` is its name; the version follows.
  printf '%-13s %s\n' shellcheck "$({ shellcheck --version 2>/dev/null || true; } | awk '/^version:/ { print $2 }')"
  printf '%-13s %s\n' "wasm32" "$(rustup target list --installed 2>/dev/null | grep -x "$WASM_TARGET" || echo 'not installed')"
  printf '%-13s %s\n' "Cargo.lock" "wasm-bindgen $(cargo_lock_version wasm-bindgen)"
  printf '%-13s %s\n' "Trunk.toml" "wasm_bindgen $(toml_string "$SETUP_ROOT/Trunk.toml" tools wasm_bindgen), wasm_opt $(toml_string "$SETUP_ROOT/Trunk.toml" tools wasm_opt)"
}

# ------------------------------------------------------------------- main --

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  set -euo pipefail
  [ "$#" -gt 0 ] || set -- all
  for group in "$@"; do
    case "$group" in
      all | rust | web | system | browser | versions) "setup_$group" ;;
      -h | --help) sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
      *) setup_die "unknown group '$group' (use: all, rust, web, system, browser, versions)" ;;
    esac
  done
fi
