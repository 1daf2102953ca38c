#!/usr/bin/env bash
# Benchmarks at the issue's sizes (PostgreSQL). BENCH_CASES defaults to 1,000,000.
set -euo pipefail
cd "$(dirname "$0")/.."
.venv/bin/python bench/run.py generate --cases "${BENCH_CASES:-1000000}" --fresh
.venv/bin/python bench/run.py pages --requests "${BENCH_REQUESTS:-200}"
.venv/bin/python bench/sweep.py --requests "${BENCH_SWEEP_REQUESTS:-50}"
# The citizens' portal: 50 users on gunicorn, its own database (xinfang_portal_bench), dropped after.
.venv/bin/python bench/portal_load.py --users 50 --think 1.0 --think 0
# Smart intake, duplicate groups: labelled pairs built from ../shared/data (skipped where it is absent).
if [ -d ../shared/data ]; then .venv/bin/python bench/duplicates.py --scale 30000; fi
# Smart intake, topic suggestions: train on the shared training file, measure on the dev file (and held out).
if [ -d ../shared/data ]; then .venv/bin/python bench/topic.py --cv; fi
