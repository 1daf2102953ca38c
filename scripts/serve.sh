#!/usr/bin/env bash
# Runs the web server (gunicorn) and the job consumer (Huey) until Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
HOST="${XINFANG_HOST:-127.0.0.1}"
PORT="${XINFANG_PORT:-8000}"
mkdir -p var/log

$BIN/xinfang run_huey --workers 2 >> var/log/huey.log 2>&1 &
CONSUMER=$!
trap 'kill $CONSUMER 2>/dev/null || true' EXIT INT TERM

echo
echo "信访工作平台已启动: http://$HOST:$PORT/"
echo "  (job consumer pid $CONSUMER, log var/log/huey.log; Ctrl-C stops both)"
echo
$BIN/gunicorn config.wsgi:application --bind "$HOST:$PORT" --workers "${XINFANG_WEB_WORKERS:-3}" \
  --access-logfile var/log/access.log --error-logfile - --capture-output
