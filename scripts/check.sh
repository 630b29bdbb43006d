#!/usr/bin/env bash
# README command 2 (and .ci/run): set up, then every check: format, lint, types, tests on SQLite,
# the tests again on a throwaway PostgreSQL server, and `loadwatch --help` without dev deps.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/setup.sh --dev  # sourced: puts the uv it finds or installs on PATH
run() { uv run --locked "$@"; }
run ruff format --check .
run ruff check .
# A bare machine (issue #13): no uv on PATH, a clean HOME, PATH reduced to the system's and the
# system's python3. setup.sh must install uv into a virtual environment of its own (no pip into
# the system Python), sync (a no-op here: the environment above is in sync), and reuse that uv
# on the next run instead of installing it again.
bare_machine() {
  mkdir "$tmp/home"
  bare() { env -i HOME="$tmp/home" PATH=/usr/bin:/bin LANG=C.UTF-8 CI="${CI:-}" bash -c "$1"; }
  bare '! command -v uv >/dev/null && command -v python3' >/dev/null \
    || { echo "bare-machine check: uv is on the system PATH or python3 is not"; exit 1; }
  first=$(bare '. scripts/setup.sh --dev && uv --version && uv run --locked --no-sync loadwatch --help >/dev/null')
  second=$(bare '. scripts/setup.sh --dev && command -v uv')
  case "$first" in *"installed uv into $tmp/home/.local/share/loadwatch/uv-venv"*) ;;
    *) echo "bare-machine check: setup.sh did not install uv into its own venv: $first"; exit 1 ;; esac
  case "$second" in *"installed uv"*) echo "bare-machine check: uv installed twice"; exit 1 ;; esac
  [ "$second" = "$tmp/home/.local/share/loadwatch/uv-venv/bin/uv" ] \
    || { echo "bare-machine check: second run used $second"; exit 1; }
  echo "setup.sh works on a bare machine ($(echo "$first" | grep '^uv '), reused on the next run)"
  # The installed CLI must work without the dev dependencies (sqlite-utils does this check).
  uv venv --quiet "$tmp/venv"
  uv pip install --quiet --python "$tmp/venv/bin/python" .
  "$tmp/venv/bin/loadwatch" --help >/dev/null && echo "loadwatch --help works without dev dependencies"
  # ... and it has the PostgreSQL driver: a closed port is "cannot connect", not "not installed".
  pg_out=$("$tmp/venv/bin/loadwatch" --db postgresql+psycopg://loadwatch@127.0.0.1:1/none athletes 2>&1) || true
  case "$pg_out" in "Error: cannot connect to the database"*) echo "the installed loadwatch has psycopg" ;;
    *) echo "installed loadwatch on a postgresql+psycopg:// URL: $pg_out"; exit 1 ;; esac
}
# Tests in parallel, one pytest-xdist worker per core (issue #19); slow ones start first. Then the
# browser tests in a run of their own, test by test, the slow ones first (a real Chromium per
# worker, a Streamlit server per test or one on the demo per worker: they time out when they
# share the cores with CPU-bound workers; run side by side with the PostgreSQL run below, both
# took as long as one after the other).
# Hypothesis: the CI profile (tests/conftest.py).
export HYPOTHESIS_PROFILE=ci
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
export LOADWATCH_TEST_CACHE_DIR="$tmp/tests"  # the demo database, built once for all three runs
status=0
run pytest -q -p no:cacheprovider -n auto --dist loadgroup -m "not browser" || status=$?
[ "$status" = 5 ] && { echo "pytest collected no tests"; exit 1; }
[ "$status" = 0 ] || exit "$status"
# mypy (~35 s of CPU on a fresh clone, no cache) and the bare-machine check with the installed CLI
# (defined above; ~45 s, mostly waiting on pip, uv and the disk) run in the background during the
# browser tests, which wait on Chromium and Streamlit and leave the cores half idle (issue #19:
# they ran one after the other before). Their output is printed once they are done; a failure
# fails the check.
run mypy >"$tmp/mypy.log" 2>&1 &
mypy_pid=$!
bare_machine >"$tmp/bare.log" 2>&1 &
bare_pid=$!
status=0
run pytest -q -p no:cacheprovider -n auto --dist loadgroup -m browser tests/browser || status=$?
wait "$mypy_pid" || status=1
cat "$tmp/mypy.log"
wait "$bare_pid" || status=1
cat "$tmp/bare.log"
[ "$status" = 0 ] || exit "$status"
# PostgreSQL: every database-backed test again against a real throwaway server (pg_virtualenv
# exports PGHOST/PGPORT/PGUSER/PGPASSWORD/PGDATABASE). Tests that touch no database fixture
# (rules, parsers, pages on the demo's SQLite file), corpus and browser tests give the same
# answer on either engine, so they run once, above (tests/conftest.py deselects them). The server
# is thrown away afterwards, so it need not survive a crash: no fsync (issue #19: each test
# creates a database from a template), and its files are in memory (/dev/shm) when there is
# room: on disk, each CREATE DATABASE (9 MB written) took 60-550 ms on this machine, 20-50 ms
# in memory. pytest itself keeps the usual temporary folder.
pg_dir=$(df -Pk /dev/shm 2>/dev/null | awk 'NR == 2 && $4 > 2097152 {print "/dev/shm"}') || pg_dir=""
TMPDIR="${pg_dir:-${TMPDIR:-/tmp}}" pg_virtualenv -t -o fsync=off -o synchronous_commit=off \
  -o full_page_writes=off -o max_wal_size=512MB env TMPDIR="${TMPDIR:-/tmp}" bash -c '
  export LOADWATCH_TEST_PG_URL="postgresql+psycopg://$PGUSER:$PGPASSWORD@$PGHOST:$PGPORT/$PGDATABASE";
  uv run --locked pytest -q -p no:cacheprovider -n auto --dist loadgroup -m "not browser and not corpus"'
# The fault test that stops a server mid-import (issue #23), alone on a durable one of its own:
# without fsync and synchronous commits, committed batches die with the server, as they should.
pg_virtualenv bash -c 'export LOADWATCH_TEST_PG_URL="postgresql+psycopg://$PGUSER:$PGPASSWORD@$PGHOST:$PGPORT/$PGDATABASE";
  LOADWATCH_TEST_PG_RESTART=1 uv run --locked pytest -q -p no:cacheprovider tests/cli/test_postgres_restart.py'

