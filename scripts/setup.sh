#!/usr/bin/env bash
# Shared setup for the two README commands: uv, the locked environment, and (for checks) the
# Debian packages the browser and PostgreSQL tests need. Safe to run again.
set -euo pipefail
export UV_PYTHON_DOWNLOADS=never
unset PYTHONDONTWRITEBYTECODE
cd "$(dirname "$0")/.."
if ! command -v uv >/dev/null 2>&1; then
  python3 -m pip install --quiet --disable-pip-version-check uv
fi
if [ "${1:-}" = "--dev" ]; then
  need=()
  [ -x /usr/bin/chromium ] || need+=(chromium)
  command -v pg_virtualenv >/dev/null 2>&1 || need+=(postgresql postgresql-common)
  if [ ${#need[@]} -gt 0 ]; then
    SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  fi
  uv sync --locked --quiet
else
  uv sync --locked --quiet --no-dev
fi
