#!/usr/bin/env bash
# The whole suite: ruff, mypy, pytest on SQLite, pytest on PostgreSQL when reachable.
# XINFANG_REQUIRE_POSTGRES=1 / XINFANG_REQUIRE_BROWSER=1 (set by CI) turn a skip into a failure.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
export XINFANG_TEST_DATABASE_URL="${XINFANG_TEST_DATABASE_URL:-postgresql://postgres@127.0.0.1:5432/test}"
# Tests never touch the demo's keys or database.
export XINFANG_VAR_DIR="${XINFANG_TEST_VAR_DIR:-$PWD/var/test}"
mkdir -p "$XINFANG_VAR_DIR"
export XINFANG_HUEY_IMMEDIATE=1

echo "== ruff"
$BIN/ruff check .
echo "== mypy"
$BIN/mypy .

echo "== pytest on SQLite"
unset XINFANG_DATABASE_URL
$BIN/pytest "$@"

if $BIN/python scripts/db_reachable.py "$XINFANG_TEST_DATABASE_URL"; then
  echo "== pytest on PostgreSQL ($XINFANG_TEST_DATABASE_URL)"
  XINFANG_DATABASE_URL="$XINFANG_TEST_DATABASE_URL" $BIN/pytest -m "not browser" "$@"
elif [ "${XINFANG_REQUIRE_POSTGRES:-0}" = "1" ]; then
  echo "PostgreSQL at $XINFANG_TEST_DATABASE_URL is required but not reachable" >&2
  exit 1
else
  echo "== PostgreSQL not reachable at $XINFANG_TEST_DATABASE_URL: PostgreSQL pass skipped"
fi
