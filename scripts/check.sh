#!/usr/bin/env bash
# README command 2 (and .ci/run): set up, then every check: format, lint, types, tests on SQLite,
# the tests again on a throwaway PostgreSQL server, and `loadwatch --help` without dev deps.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --dev
export UV_PYTHON_DOWNLOADS=never
unset PYTHONDONTWRITEBYTECODE
run() { uv run --locked "$@"; }
run ruff format --check .
run ruff check .
run mypy
status=0
run pytest -q -p no:cacheprovider || status=$?
[ "$status" = 5 ] && { echo "pytest collected no tests"; exit 1; }
[ "$status" = 0 ] || exit "$status"
# PostgreSQL: every database-backed test again against a real throwaway server (pg_virtualenv
# exports PGHOST/PGPORT/PGUSER/PGPASSWORD/PGDATABASE). Corpus and browser tests do not touch
# the database engine choice, so they run once, above.
pg_virtualenv bash -c 'export LOADWATCH_TEST_PG_URL="postgresql+psycopg://$PGUSER:$PGPASSWORD@$PGHOST:$PGPORT/$PGDATABASE";
  uv run --locked pytest -q -p no:cacheprovider -m "not browser and not corpus"' 
# The installed CLI must work without the dev dependencies (sqlite-utils does this check).
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
uv venv --quiet "$tmp/venv"
uv pip install --quiet --python "$tmp/venv/bin/python" .
"$tmp/venv/bin/loadwatch" --help >/dev/null && echo "loadwatch --help works without dev dependencies"
