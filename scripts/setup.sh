#!/usr/bin/env bash
# Shared setup for the two README commands: uv, the locked environment, and (for checks) the
# Debian packages the browser and PostgreSQL tests need. Safe to run again.
#
# Arguments: --dev (checks: dev dependencies, chromium, postgresql) or --no-dev (the app only).
# The two README commands SOURCE this file (`. scripts/setup.sh --dev`), so the `uv` it finds or
# installs is on their PATH afterwards; `bash scripts/setup.sh --no-dev` works too.
#
# uv: the one on PATH if any; else the one this script installed before; else a new one, put in
# a virtual environment of its own under the user's data directory. Never `pip install` into the
# system Python: Debian 12 and Ubuntu 23.04+ refuse it (PEP 668, "externally-managed-
# environment"), and a bare machine may have no pip at all (issue #13).
set -euo pipefail
export UV_PYTHON_DOWNLOADS=never
unset PYTHONDONTWRITEBYTECODE
cd "$(dirname "${BASH_SOURCE[0]}")/.."

LOADWATCH_UV_VENV="${LOADWATCH_UV_VENV:-${XDG_DATA_HOME:-$HOME/.local/share}/loadwatch/uv-venv}"

_loadwatch_sudo() {
  if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
}

_loadwatch_install_uv() {
  local python
  python="$(command -v python3)" || { echo "setup: python3 is needed (3.11 or newer)" >&2; return 1; }
  mkdir -p "$(dirname "$LOADWATCH_UV_VENV")"
  # Debian and Ubuntu ship venv's pip bootstrap (ensurepip) separately, in python3-venv.
  if ! "$python" -m venv "$LOADWATCH_UV_VENV" >/dev/null 2>&1; then
    rm -rf "$LOADWATCH_UV_VENV"
    echo "setup: installing python3-venv (Debian/Ubuntu) to create a virtual environment for uv"
    _loadwatch_sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive _loadwatch_sudo apt-get install -y -qq --no-install-recommends \
      python3-venv >/dev/null
    "$python" -m venv "$LOADWATCH_UV_VENV"
  fi
  "$LOADWATCH_UV_VENV/bin/python" -m pip install --quiet --disable-pip-version-check "uv>=0.9"
  echo "setup: installed uv into $LOADWATCH_UV_VENV"
}

if ! command -v uv >/dev/null 2>&1; then
  if [ ! -x "$LOADWATCH_UV_VENV/bin/uv" ]; then
    _loadwatch_install_uv
  fi
  export PATH="$LOADWATCH_UV_VENV/bin:$PATH"
fi

if [ "${1:-}" = "--dev" ]; then
  need=()
  [ -x /usr/bin/chromium ] || need+=(chromium)
  command -v pg_virtualenv >/dev/null 2>&1 || need+=(postgresql postgresql-common)
  if [ ${#need[@]} -gt 0 ]; then
    _loadwatch_sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive _loadwatch_sudo apt-get install -y -qq --no-install-recommends \
      "${need[@]}" >/dev/null
  fi
  uv sync --locked --quiet
else
  uv sync --locked --quiet --no-dev
fi
