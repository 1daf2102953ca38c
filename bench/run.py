"""Benchmarks of the foundation at scale (issue: 1,000,000 cases on PostgreSQL).

    .venv/bin/python bench/run.py generate --cases 1000000 --fresh
    .venv/bin/python bench/run.py pages --requests 200

`generate` times the demo generator writing N cases into an empty database.
`pages` measures, through Django's full request stack in-process (URL routing,
middleware, access scoping, queries, template rendering; no network), the
ledger's first page with a date and status filter, full-text search, and
registration through the form, as a county petition bureau's registrar who
sees the whole county. It prints one JSON object per measurement.

The database is XINFANG_BENCH_DATABASE_URL (default
postgresql://postgres@127.0.0.1:5432/xinfang_bench); `--fresh` drops and
recreates it. Results go into docs/benchmarks.md by hand, with the machine
and the date.
"""

import argparse
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH_URL = os.environ.get("XINFANG_BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/xinfang_bench")
os.environ["XINFANG_DATABASE_URL"] = BENCH_URL
os.environ.setdefault("XINFANG_VAR_DIR", str(ROOT / "var" / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
sys.path.insert(0, str(ROOT))

# Common words, a place, and words that match nothing (the worst case for a planner walking the newest cases).
SEARCH_QUERIES = [
    "拖欠工资",
    "物业",
    "噪音",
    "拆迁补偿",
    "学校",
    "污染",
    "社保",
    "医疗纠纷",
    "违建",
    "供暖",
    "蒋村花园",
    "电梯",
    "不存在的词语",
    "孙水辉",
]


def percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def summary(name: str, samples_ms: list[float], **extra: object) -> dict[str, object]:
    return {
        "benchmark": name,
        "requests": len(samples_ms),
        "p50_ms": round(percentile(samples_ms, 0.50), 1),
        "p95_ms": round(percentile(samples_ms, 0.95), 1),
        "max_ms": round(max(samples_ms), 1),
        "mean_ms": round(statistics.fmean(samples_ms), 1),
        **extra,
    }


def recreate_database() -> None:
    import dj_database_url
    import psycopg

    config = dj_database_url.parse(BENCH_URL)
    with psycopg.connect(
        host=config["HOST"] or "127.0.0.1",
        port=config["PORT"] or 5432,
        user=config["USER"],
        dbname="postgres",
        autocommit=True,
    ) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{config["NAME"]}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{config["NAME"]}"')


def xinfang(*args: str) -> None:
    subprocess.run([str(ROOT / ".venv" / "bin" / "xinfang"), *args], check=True)


def generate(cases: int, fresh: bool, seed: int) -> None:
    if fresh:
        recreate_database()
    xinfang("migrate", "--noinput", "-v", "0")
    xinfang("demo-setup", "--cases", "0")
    started = time.perf_counter()
    xinfang("demo-data", "--cases", str(cases), "--seed", str(seed))
    seconds = time.perf_counter() - started
    xinfang("dbshell", "--", "-c", "VACUUM ANALYZE")
    print(
        json.dumps(
            {
                "benchmark": "generate",
                "cases": cases,
                "seconds": round(seconds, 1),
                "cases_per_second": round(cases / seconds),
            }
        )
    )


def pages(requests: int) -> None:
    import django

    django.setup()
    from django.test import Client

    from xinfang.cases.models import Case, Topic
    from xinfang.orgs.models import Organisation, OrgKind, User
    from xinfang.orgs.roles import Role
    from xinfang.orgs.scoping import regions_in_scope

    total = Case.objects.count()
    user = (
        User.objects.filter(role=Role.REGISTRAR, organisation__kind=OrgKind.PETITION_BUREAU)
        .order_by("-organisation__depth")
        .first()
    )
    assert user is not None, "run `generate` first"
    client = Client()
    client.force_login(user)
    rng = random.Random(1)
    today = date.today()

    def timed(method: str, url: str, data: dict[str, object] | None = None) -> float:
        started = time.perf_counter()
        response = client.get(url) if method == "GET" else client.post(url, data or {})
        elapsed = (time.perf_counter() - started) * 1000
        assert response.status_code in (200, 302), (url, response.status_code)
        return elapsed

    client.get("/ledger/")  # warm caches and connections once
    ledger_ms = []
    statuses = ["registered", "in_progress", "concluded", "accepted", "replied"]
    for _ in range(requests):
        start = today - timedelta(days=rng.randint(30, 540))
        end = start + timedelta(days=rng.choice([7, 30, 90]))
        status = rng.choice(statuses)
        ledger_ms.append(timed("GET", f"/ledger/?date_from={start}&date_to={end}&status={status}"))
    print(json.dumps(summary("ledger_first_page_date_status", ledger_ms, cases=total)))

    search_ms = []
    for index in range(requests):
        query = SEARCH_QUERIES[index % len(SEARCH_QUERIES)]
        search_ms.append(timed("GET", f"/ledger/?q={query}"))
    print(json.dumps(summary("full_text_search", search_ms, cases=total, queries=SEARCH_QUERIES)))

    topic = Topic.objects.filter(level=3).order_by("id").first()
    region = regions_in_scope(user).exclude(kind=OrgKind.COUNTY).first() or Organisation.objects.first()
    assert topic is not None and region is not None
    register_ms = []
    run = int(time.time())
    for index in range(requests):
        data = {
            "channel": "visit",
            "received_at": time.strftime("%Y-%m-%dT%H:%M"),
            "category": "appeal",
            "topic": topic.pk,
            "place_region": region.pk,
            "title": "基准测试登记：小区物业拖欠维修",
            "facts": "小区电梯长期停运，物业不予维修。",
            "request": "请求督促物业维修电梯",
            "head_count": 1,
            "submission_token": f"bench-{run}-{index}",
            "p-TOTAL_FORMS": 1,
            "p-INITIAL_FORMS": 0,
            "p-MIN_NUM_FORMS": 0,
            "p-MAX_NUM_FORMS": 1000,
            "p-0-role": "principal",
            "p-0-name": f"基准{index}",
            "p-0-phones": f"139{run % 10000:04d}{index:04d}",
        }
        register_ms.append(timed("POST", "/register/", data))
    print(json.dumps(summary("registration", register_ms, cases=total)))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    sub = parser.add_subparsers(dest="command", required=True)
    gen = sub.add_parser("generate")
    gen.add_argument("--cases", type=int, default=1_000_000)
    gen.add_argument("--seed", type=int, default=1)
    gen.add_argument("--fresh", action="store_true")
    page = sub.add_parser("pages")
    page.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    print(
        json.dumps(
            {
                "machine": f"{platform.node()} {os.cpu_count()} cores",
                "python": platform.python_version(),
                "database": BENCH_URL,
                "date": date.today().isoformat(),
            }
        )
    )
    if args.command == "generate":
        generate(args.cases, args.fresh, args.seed)
    else:
        pages(args.requests)


if __name__ == "__main__":
    main()
