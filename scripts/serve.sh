#!/usr/bin/env bash
# Builds the app in release mode (wasm-opt -Oz), serves it on
# http://127.0.0.1:${PORT:-8080}/ and rebuilds when a source file changes.
# Installs whatever is missing first (see scripts/setup.sh web). Extra
# arguments go to `trunk serve`.
#
#   ./scripts/serve.sh
#   PORT=9000 ./scripts/serve.sh
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=scripts/setup.sh
source "$ROOT/scripts/setup.sh"

PORT="${PORT:-8080}"
ADDRESS="127.0.0.1"

if ! [[ "$PORT" =~ ^[0-9]+$ ]] || [ "$PORT" -lt 1 ] || [ "$PORT" -gt 65535 ]; then
  setup_die "PORT must be a number from 1 to 65535 (got '$PORT'). Example: PORT=8081 ./scripts/serve.sh"
fi

# Refuse a busy port instead of silently serving somewhere else.
check_port_free() {
  local result
  result="$(node -e '
    const s = require("net").createServer();
    s.once("error", (e) => { console.log(e.code); process.exit(0); });
    s.listen(Number(process.argv[1]), process.argv[2], () => s.close(() => console.log("free")));
  ' "$PORT" "$ADDRESS")"
  case "$result" in
    free) ;;
    EADDRINUSE)
      setup_die "port $PORT on $ADDRESS is already in use (another server, or an earlier ./scripts/serve.sh).
  Stop that program, or pick another port: PORT=8081 ./scripts/serve.sh" ;;
    *)
      setup_die "cannot listen on $ADDRESS:$PORT ($result). Pick another port: PORT=8081 ./scripts/serve.sh" ;;
  esac
}

ensure_node
check_port_free
setup_web

cd "$ROOT"
setup_log "serving a release build on http://$ADDRESS:$PORT/ (Ctrl-C stops)"
# --no-autoreload: the live-reload script that trunk injects contains address
# placeholders that trunk fills in only inside index.html, but the post-build
# hook moves inline scripts into files (for the Content-Security-Policy), so
# the script would try to open `ws://{{__trunk_address__}}...` and log a CSP
# error. trunk still rebuilds on every change; reload the page to see it.
exec trunk serve --release --offline --no-autoreload --address "$ADDRESS" --port "$PORT" "$@"
