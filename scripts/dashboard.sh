#!/usr/bin/env bash
# README command 1: set up, load the demo squad into a database of its own (its path is printed;
# your own database never receives demo athletes), start the app.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/setup.sh --no-dev  # sourced: puts the uv it finds or installs on PATH
echo "dashboard: the command line is scripts/loadwatch (README, Command line): scripts/loadwatch --help"
exec uv run --locked --no-dev loadwatch dashboard --demo "$@"
