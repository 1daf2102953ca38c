"""The deadline sweep and the 督查督办 pages at scale (issue: 1,000,000 cases on PostgreSQL).

    .venv/bin/python bench/run.py generate --cases 1000000 --fresh   # once: cases with their clocks
    .venv/bin/python bench/sweep.py [--today YYYY-MM-DD] [--requests 50]

Runs against the database `bench/run.py generate` filled (XINFANG_BENCH_DATABASE_URL,
default postgresql://postgres@127.0.0.1:5432/xinfang_bench), after applying any new
migrations. It first clears every warning (all levels back to normal, no alerts), then
times, printing one JSON object each:

- a cold sweep: every overdue and due-soon clock changes level and gets its alert;
- a warm sweep right after: nothing changes (the normal five-minute case);
- the next day's sweep: the clocks that lapse or come within the warning window overnight;
- two sweeps started at the same moment (two connections): one does the work, the other
  skips on the advisory lock, and no alert is written twice;
- the board's first page (all units; overdue only; one department) and the workbench with
  its warning panel, through Django's whole request stack in-process, as the demo county
  bureau's supervisor and the demo department head.

Results go into docs/benchmarks.md by hand, with the machine and the date.
"""

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import threading
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH_URL = os.environ.get("XINFANG_BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/xinfang_bench")
os.environ["XINFANG_DATABASE_URL"] = BENCH_URL
os.environ.setdefault("XINFANG_VAR_DIR", str(ROOT / "var" / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
sys.path.insert(0, str(ROOT))


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


def emit(data: dict[str, object]) -> None:
    print(json.dumps(data, ensure_ascii=False), flush=True)


def clear_warnings() -> None:
    from django.db import connection, transaction

    from xinfang.deadlines.models import Deadline
    from xinfang.supervision.models import DeadlineAlert

    with transaction.atomic():
        DeadlineAlert.objects.all().delete()
        Deadline.objects.exclude(level="normal").update(level="normal")
    with connection.cursor() as cursor:
        for model in (Deadline, DeadlineAlert):
            cursor.execute(f"VACUUM ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


def sizes() -> dict[str, object]:
    from django.db.models import Q

    from xinfang.cases.models import Case
    from xinfang.deadlines.models import Deadline
    from xinfang.supervision.sweep import work_clocks

    return {
        "cases": Case.objects.count(),
        "deadlines": Deadline.objects.count(),
        "running": Deadline.objects.filter(state="running").count(),
        "running_work": Deadline.objects.filter(work_clocks()).count(),
        "paused_or_petitioner_window": Deadline.objects.filter(
            Q(state="paused") | Q(state="running", petitioner_window=True)
        ).count(),
    }


def sweeps(today: date) -> None:
    from django.db import close_old_connections, connection
    from django.db.models import Count

    from xinfang.supervision.models import DeadlineAlert
    from xinfang.supervision.sweep import sweep_deadlines

    clear_warnings()
    emit({"benchmark": "sweep_cold", **sweep_deadlines(today).as_json()})
    emit({"benchmark": "sweep_warm", **sweep_deadlines(today).as_json()})
    emit({"benchmark": "sweep_next_day", **sweep_deadlines(today + timedelta(days=1)).as_json()})

    # Two consumers at the same moment, the day after: one sweeps, the other finds the lock taken.
    results: list[dict[str, object]] = []
    barrier = threading.Barrier(2)

    def consumer() -> None:
        try:
            barrier.wait()
            results.append(sweep_deadlines(today + timedelta(days=2)).as_json())
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=consumer) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    duplicates = (
        DeadlineAlert.objects.values("deadline_id", "level")
        .order_by()
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .count()
    )
    emit({"benchmark": "sweep_two_at_once", "results": results, "duplicate_alerts": duplicates})
    # Leave the database warned as of today, as the five-minute job would.
    clear_warnings()
    sweep_deadlines(today)


def pages(requests: int) -> None:
    from django.test import Client

    from xinfang.orgs.models import Organisation, OrgKind, User
    from xinfang.orgs.roles import Role
    from xinfang.supervision.selectors import workbench_warnings

    supervisor = (
        User.objects.filter(role=Role.SUPERVISOR, organisation__kind=OrgKind.PETITION_BUREAU)
        .order_by("-organisation__depth", "id")
        .first()
    )
    head = (
        User.objects.filter(role=Role.UNIT_HEAD, organisation__kind=OrgKind.DEPARTMENT).order_by("id").first()
    )
    assert supervisor is not None and head is not None, "run `bench/run.py generate` first"
    assert head.organisation is not None
    department: Organisation = head.organisation

    def timed(client: Client, url: str) -> float:
        started = time.perf_counter()
        response = client.get(url)
        elapsed = (time.perf_counter() - started) * 1000
        assert response.status_code == 200, (url, response.status_code)
        return elapsed

    board = Client()
    board.force_login(supervisor)
    board.get("/supervision/")  # warm caches and connections once
    for name, url in (
        ("board_first_page", "/supervision/"),
        ("board_overdue", "/supervision/?level=overdue"),
        ("board_due_soon", "/supervision/?level=due_soon"),
        ("board_one_unit", f"/supervision/?unit={department.pk}"),
        ("board_page_20", "/supervision/?page=20"),
    ):
        emit(
            summary(name, [timed(board, url) for _ in range(requests)], as_user=str(supervisor.organisation))
        )
    bench = Client()
    bench.force_login(head)
    bench.get("/")
    emit(
        summary("workbench_page", [timed(bench, "/") for _ in range(requests)], as_user=department.full_name)
    )
    # The 期限预警 panel alone (the rest of the workbench belongs to other parts of the system).
    for user in (head, supervisor):
        samples = []
        for _ in range(requests):
            started = time.perf_counter()
            workbench_warnings(user)
            samples.append((time.perf_counter() - started) * 1000)
        emit(summary("workbench_warning_panel", samples, as_user=str(user.organisation)))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--today", type=date.fromisoformat, default=None, help="sweep as of this day")
    parser.add_argument("--requests", type=int, default=50, help="requests per page measurement")
    parser.add_argument("--pages-only", action="store_true", help="skip the sweeps (the data stays as it is)")
    args = parser.parse_args()
    subprocess.run([str(ROOT / ".venv" / "bin" / "xinfang"), "migrate", "--noinput", "-v", "0"], check=True)

    import django

    django.setup()
    from django.utils import timezone

    today = args.today or timezone.localdate()
    emit(
        {
            "machine": f"{platform.node()} {os.cpu_count()} cores",
            "python": platform.python_version(),
            "database": BENCH_URL,
            "date": date.today().isoformat(),
            "sweep_today": today.isoformat(),
            **sizes(),
        }
    )
    if not args.pages_only:
        sweeps(today)
    pages(args.requests)


if __name__ == "__main__":
    main()
