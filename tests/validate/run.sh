#!/usr/bin/env bash
# Build the renderer, render every state in tests/validate/states and check
# each rendered file with the tool that consumes it. Run install.sh first.
#
# Prints PASS or FAIL per state, file and validator, ends with
# "N passed, N failed" and exits 1 when anything failed.
# Arguments are passed to harness/main.py: --only TEXT runs only the states
# whose file name contains TEXT, --keep keeps the work folder.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
python="$here/.venv/bin/python"

for needed in "$python" "$here/node_modules/serverless/bin/serverless.js"; do
  if [ ! -e "$needed" ]; then
    echo "run.sh: $needed not found; run tests/validate/install.sh first" >&2
    echo "0 passed, 1 failed"
    exit 1
  fi
done

# Every tool runs offline. These variables switch off the features that would
# otherwise phone home: Serverless Framework telemetry and notices, npm's
# update check and the AWS SDKs' instance metadata lookup.
export SLS_TELEMETRY_DISABLED=1 SLS_TRACKING_DISABLED=1 SLS_NOTIFICATIONS_MODE=off
export SLS_DEPRECATION_DISABLE='*' NPM_CONFIG_UPDATE_NOTIFIER=false
export AWS_EC2_METADATA_DISABLED=true

echo "building apm-secrets-render"
if ! build_output="$(cd "$root" && cargo build --release --bin apm-secrets-render 2>&1)"; then
  echo "FAIL - - cargo build"
  printf '%s\n' "$build_output" | tail -n 40 | sed 's/^/    /'
  echo "0 passed, 1 failed"
  exit 1
fi
target_dir="${CARGO_TARGET_DIR:-$root/target}"
case "$target_dir" in
  /*) ;;
  *) target_dir="$root/$target_dir" ;;
esac
renderer="$target_dir/release/apm-secrets-render"

harness=("$python" "$here/harness/main.py" --renderer "$renderer" "$@")

# When this user may create a network namespace (root on Linux), the checks
# run inside one that has only a loopback interface. No tool can then reach
# any other host, and moto_server listens on 127.0.0.1 inside it.
if unshare --net true 2>/dev/null && command -v ip >/dev/null; then
  echo "network: isolated (loopback only)"
  exec unshare --net -- bash -c 'ip link set lo up && exec "$@"' isolated "${harness[@]}"
fi
echo "network: not isolated (unshare or ip unavailable); tools run with their network features switched off"
exec "${harness[@]}"
