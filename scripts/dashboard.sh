#!/usr/bin/env bash
# README command 1: set up, load the demo squad into the default SQLite database, start the app.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export UV_PYTHON_DOWNLOADS=never
unset PYTHONDONTWRITEBYTECODE
exec uv run --locked --no-dev loadwatch dashboard --demo "$@"
