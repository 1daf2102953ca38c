#!/usr/bin/env bash
# Benchmarks at the issue's sizes (PostgreSQL). BENCH_CASES defaults to 1,000,000.
set -euo pipefail
cd "$(dirname "$0")/.."
.venv/bin/python bench/run.py generate --cases "${BENCH_CASES:-1000000}" --fresh
.venv/bin/python bench/run.py pages --requests "${BENCH_REQUESTS:-200}"
