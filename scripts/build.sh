#!/usr/bin/env bash
# Builds the static site into dist/ for hosting: release mode, wasm-opt -Oz,
# relative asset URLs (works from any sub-path). Installs whatever is missing
# first (see scripts/setup.sh web). Extra arguments go to `trunk build`, e.g.
#
#   ./scripts/build.sh
#   ./scripts/build.sh --public-url /docs/apm/lambda-secrets/
#   ./scripts/build.sh --dist /tmp/site
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=scripts/setup.sh
source "$ROOT/scripts/setup.sh"

setup_web
cd "$ROOT"
trunk build --release --offline "$@"
