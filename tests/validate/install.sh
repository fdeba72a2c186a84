#!/usr/bin/env bash
# Install the tools that tests/validate/run.sh checks rendered files with.
#
# Meant for a Debian machine, run as root, non-interactively. It is
# idempotent: a tool already present at the expected version is left alone.
#   apt:  shellcheck, jq
#   pip:  moto[server], awscli, cfn-lint, parliament (pinned in
#         requirements.txt), into tests/validate/.venv
#   npm:  serverless@3, @cdktf/hcl2json, @cdktf/hcl-tools (pinned in
#         package.json and package-lock.json), into tests/validate/node_modules
# A tool that is missing or at the wrong version after installing stops the
# script with the expected version and the command that fixes it.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
venv="$here/.venv"

# Lowest versions of the Debian tools that the suite was written against
# (Debian 12 ships these).
shellcheck_min="0.9.0"
jq_min="1.6"

# Exact versions of the tools the suite calls; requirements.txt and
# package.json pin the same versions.
declare -A pip_expected=(
  [moto]="5.2.5"
  [awscli]="1.46.3"
  [cfn-lint]="1.58.0"
  [parliament]="1.6.4"
)
declare -A npm_expected=(
  [serverless]="3.40.0"
  [@cdktf/hcl2json]="0.21.0"
  [@cdktf/hcl-tools]="0.21.0"
)

export DEBIAN_FRONTEND=noninteractive
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
export NPM_CONFIG_UPDATE_NOTIFIER=false NPM_CONFIG_FUND=false NPM_CONFIG_AUDIT=false

fail() {
  printf 'install.sh: %s\n' "$*" >&2
  exit 1
}

# Print "yes" when version $1 is at least version $2 (dotted numbers).
version_at_least() {
  if [ "$(printf '%s\n%s\n' "$2" "$1" | sort -V | head -n 1)" = "$2" ]; then
    echo yes
  else
    echo no
  fi
}

apt_updated=no
apt_install() {
  if [ "$(id -u)" -ne 0 ]; then
    fail "$* is missing and installing it needs root; fix: sudo apt-get update && sudo apt-get install -y $*"
  fi
  if [ "$apt_updated" = no ]; then
    apt-get update -qq
    apt_updated=yes
  fi
  apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

shellcheck_version() {
  shellcheck --version 2>/dev/null | sed -n 's/^version: //p'
}

jq_version() {
  jq --version 2>/dev/null | sed 's/^jq-//'
}

# Install a Debian tool when absent, then check its version.
ensure_apt_tool() {
  local tool="$1" minimum="$2" version_command="$3" found
  found="$("$version_command" || true)"
  if [ -z "$found" ]; then
    echo "installing $tool (apt)"
    apt_install "$tool"
    found="$("$version_command" || true)"
  fi
  if [ -z "$found" ]; then
    fail "$tool not found after apt-get install; expected $minimum or newer; fix: apt-get update && apt-get install -y $tool"
  fi
  if [ "$(version_at_least "$found" "$minimum")" = no ]; then
    fail "$tool $found found, $minimum or newer expected; fix: apt-get update && apt-get install -y $tool"
  fi
  echo "ok: $tool $found"
}

ensure_apt_tool shellcheck "$shellcheck_min" shellcheck_version
ensure_apt_tool jq "$jq_min" jq_version

# Python virtualenv. Debian's python3 needs the python3-venv package for
# `python3 -m venv`; it is installed only when venv creation fails.
command -v python3 >/dev/null || fail "python3 not found; expected Python 3.9 or newer; fix: apt-get install -y python3 python3-venv"
python_version="$(python3 -c 'import sys; print("%d.%d" % sys.version_info[:2])')"
if [ "$(version_at_least "$python_version" 3.9)" = no ]; then
  fail "python3 $python_version found, 3.9 or newer expected; fix: apt-get install -y python3 python3-venv"
fi
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c 'import sys' 2>/dev/null; then
  echo "creating $venv"
  rm -rf "$venv"
  if ! python3 -m venv "$venv" 2>/dev/null; then
    rm -rf "$venv"
    apt_install python3-venv
    python3 -m venv "$venv" || fail "python3 -m venv failed; fix: apt-get install -y python3-venv"
  fi
fi

# Print the installed version of a Python distribution in the venv, or nothing.
pip_version() {
  "$venv/bin/python" - "$1" <<'PY'
import sys
from importlib import metadata

try:
    print(metadata.version(sys.argv[1]))
except metadata.PackageNotFoundError:
    pass
PY
}

pip_current=yes
for package in "${!pip_expected[@]}"; do
  if [ "$(pip_version "$package")" != "${pip_expected[$package]}" ]; then
    pip_current=no
  fi
done
# Only the four tools are compared here. requirements.txt pins their
# dependencies as well, and pip installs all of it when any tool differs.
if [ "$pip_current" = no ]; then
  echo "installing Python tools into $venv"
  "$venv/bin/python" -m pip install --quiet --require-virtualenv -r "$here/requirements.txt"
fi
for package in "${!pip_expected[@]}"; do
  found="$(pip_version "$package")"
  if [ "$found" != "${pip_expected[$package]}" ]; then
    fail "$package ${found:-not installed}, ${pip_expected[$package]} expected; fix: $venv/bin/python -m pip install -r $here/requirements.txt"
  fi
  echo "ok: $package $found (pip)"
done

# Node.js tools. The install scripts of these packages only print banners,
# so they are skipped.
command -v node >/dev/null || fail "node not found; expected Node.js 18 or newer; fix: apt-get install -y nodejs npm"
command -v npm >/dev/null || fail "npm not found; fix: apt-get install -y npm"
node_major="$(node -p 'process.versions.node.split(".")[0]')"
if [ "$node_major" -lt 18 ]; then
  fail "node $(node --version) found, 18 or newer expected; install Node.js 18 or newer"
fi

# Print the installed version of a package in tests/validate/node_modules, or nothing.
npm_version() {
  local manifest="$here/node_modules/$1/package.json"
  if [ -f "$manifest" ]; then
    node -p 'require(process.argv[1]).version' "$manifest"
  fi
}

npm_current=yes
for package in "${!npm_expected[@]}"; do
  if [ "$(npm_version "$package")" != "${npm_expected[$package]}" ]; then
    npm_current=no
  fi
done
if [ "$npm_current" = no ]; then
  echo "installing Node.js tools into $here/node_modules"
  (cd "$here" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
fi
for package in "${!npm_expected[@]}"; do
  found="$(npm_version "$package")"
  if [ "$found" != "${npm_expected[$package]}" ]; then
    fail "$package ${found:-not installed}, ${npm_expected[$package]} expected; fix: cd $here && npm ci --ignore-scripts"
  fi
  echo "ok: $package $found (npm)"
done

echo "install.sh: all validation tools are installed"
