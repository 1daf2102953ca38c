"""Statistics at scale (issue: 1,000,000 cases on PostgreSQL).

    .venv/bin/python bench/run.py generate --cases 1000000 --fresh     # once
    .venv/bin/python bench/stats.py --repeat 5

Through Django's whole request stack in-process (as bench/run.py pages), as the county
petition bureau's registrar who sees every case: the statistics page for a year (with its
同比 and 环比 years), the unit assessment page for a year, the leader overview for a month,
and the monthly Word report (statistics, assessment, twelve-month trend, hot spots over
the month's cases, charts). The first request of each is reported apart (the page's caches
cold; the process already started by one ledger request).
Prints one JSON object per measurement. The database is XINFANG_BENCH_DATABASE_URL.
"""

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH_URL = os.environ.get("XINFANG_BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/xinfang_bench")
os.environ["XINFANG_DATABASE_URL"] = BENCH_URL
os.environ.setdefault("XINFANG_VAR_DIR", str(ROOT / "var" / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument(
        "--year", type=int, default=None, help="the year counted (default: the newest case's)"
    )
    args = parser.parse_args()

    import django

    django.setup()
    from django.test import Client
    from django.utils import timezone

    from xinfang.cases.models import Case
    from xinfang.orgs.models import OrgKind, User
    from xinfang.orgs.roles import Role

    user = (
        User.objects.filter(role=Role.REGISTRAR, organisation__kind=OrgKind.PETITION_BUREAU)
        .order_by("organisation__depth", "pk")
        .first()
    )
    assert user is not None, "run `bench/run.py generate` first"
    newest = Case.objects.order_by("-received_at").values_list("received_at", flat=True).first()
    assert newest is not None
    newest_local = timezone.localtime(newest)
    year = args.year or newest_local.year
    # The last whole month before the newest case's month.
    month_year, month = (
        (newest_local.year, newest_local.month - 1) if newest_local.month > 1 else (newest_local.year - 1, 12)
    )
    client = Client()
    client.force_login(user)
    pages = {
        "statistics_year": f"/stats/?kind=year&year={year}",
        "assessment_year": f"/stats/units/?kind=year&year={year}",
        "dashboard_month": f"/stats/dashboard/?kind=month&year={month_year}&number={month}",
        "report_month_docx": f"/stats/report.docx?kind=month&year={month_year}&number={month}",
    }
    # Start-up once (URL configuration, every view module and what it imports), as bench/run.py
    # does: "first" below is then a page's first request in a running server.
    client.get("/ledger/")
    total = Case.objects.count()
    print(
        json.dumps(
            {"measurement": "machine", "cpus": os.cpu_count(), "cases": total, "user": str(user.organisation)}
        )
    )
    for name, url in pages.items():
        timings = []
        for _ in range(args.repeat + 1):
            started = time.perf_counter()
            response = client.get(url)
            timings.append(time.perf_counter() - started)
            assert response.status_code == 200, (url, response.status_code)
        print(
            json.dumps(
                {
                    "measurement": name,
                    "url": url,
                    "first_s": round(timings[0], 2),
                    "median_s": round(statistics.median(timings[1:]), 2),
                    "max_s": round(max(timings[1:]), 2),
                    "bytes": len(response.content),
                }
            ),
            flush=True,
        )


if __name__ == "__main__":
    main()
