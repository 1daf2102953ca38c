"""The deadline sweep (期限预警): set every clock's warning level and warn each unit once.

A handful of set-based statements, whatever the number of clocks; Python never
walks the rows:

1. running work clocks past their date become overdue (red);
2. those due between today and N working days ahead become due soon (yellow);
3. any other clock still marked is set back to normal (an extension moved its date,
   a hearing paused it, or it closed);
4. every running clock at a warning level without an alert for that level gets one
   (INSERT … SELECT … ON CONFLICT DO NOTHING).

Each UPDATE touches only rows whose level changes, so a repeat sweep writes nothing.
The unique (deadline, level) constraint makes each alert exist once even when sweeps
run at the same time on several job consumers; on PostgreSQL a transaction-scoped
advisory lock also makes a second sweep skip instead of repeating the work (on SQLite
writers are serialised anyway). Correctness never depends on that lock.

Invariant used by step 3: a clock's level is set only here, in the transaction that
also writes its alert, so a clock marked due soon or overdue always has an alert at
that level, and finding stale marks on paused and closed clocks (millions of rows)
starts from the alerts.
"""

import time
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from django.conf import settings
from django.db import OperationalError, connection, transaction
from django.db.models import Q
from django.utils import timezone

from xinfang.deadlines.calendar import Unit
from xinfang.deadlines.models import Deadline, DeadlineState, WarningLevel
from xinfang.deadlines.selectors import load_calendar
from xinfang.supervision.models import DeadlineAlert

# Windows that close a door rather than owe work: besides the petitioner's windows
# (Deadline.petitioner_window), a receiving unit's right to object to a transfer
# (退回, Art.23). Their lapse is never a unit's overdue work, so they never warn.
NOT_WORK_KINDS: tuple[str, ...] = ("objection",)

# pg_try_advisory_xact_lock key: any constant the project uses for nothing else.
ADVISORY_LOCK_KEY = 7_101_0001
# A sweep that meets a deadlock (possible only without the lock) starts again this often.
ATTEMPTS = 3


@dataclass(frozen=True)
class SweepResult:
    today: date
    soon_until: date  # due on or before this (and not yet past) is "due soon"
    overdue: int  # clocks that became overdue in this sweep
    due_soon: int  # clocks that became due soon
    normal: int  # clocks set back to normal
    alerts: int  # alerts written
    skipped: bool = False  # another sweep held the lock
    seconds: float = 0.0

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["today"] = self.today.isoformat()
        data["soon_until"] = self.soon_until.isoformat()
        return data


def warning_horizon(today: date, working_days: int | None = None) -> date:
    """The last day that counts as "due soon": N working days after today (holidays skipped)."""
    days = settings.DEADLINE_WARNING_DAYS if working_days is None else working_days
    return load_calendar().due(today, days, Unit.WORKING).due


def work_clocks() -> Q:
    """Running clocks that are a unit's work: the only ones that ever warn."""
    return Q(state=DeadlineState.RUNNING, petitioner_window=False) & ~Q(kind__in=NOT_WORK_KINDS)


def sweep_deadlines(today: date | None = None, *, lock: bool = True) -> SweepResult:
    """One sweep as of `today` (default: today in Asia/Shanghai). `lock=False` skips the
    advisory lock (tests use it to show the constraint alone keeps alerts single)."""
    today = today or timezone.localdate()
    soon_until = warning_horizon(today)
    started = time.perf_counter()
    for attempt in range(1, ATTEMPTS + 1):
        try:
            result = _sweep_once(today, soon_until, lock=lock)
            break
        except OperationalError as error:
            if attempt == ATTEMPTS or not _is_deadlock(error):
                raise
    return SweepResult(**{**asdict(result), "seconds": round(time.perf_counter() - started, 3)})


def _sweep_once(today: date, soon_until: date, *, lock: bool) -> SweepResult:
    with transaction.atomic():
        if lock and not _take_lock():
            return SweepResult(today, soon_until, 0, 0, 0, 0, skipped=True)
        work = work_clocks()
        overdue = (
            Deadline.objects.filter(work, due_on__lt=today)
            .exclude(level=WarningLevel.OVERDUE)
            .update(level=WarningLevel.OVERDUE)
        )
        due_soon = (
            Deadline.objects.filter(work, due_on__gte=today, due_on__lte=soon_until)
            .exclude(level=WarningLevel.DUE_SOON)
            .update(level=WarningLevel.DUE_SOON)
        )
        warned = work & Q(due_on__lte=soon_until)
        # Running clocks (an index range) that no longer qualify …
        normal = (
            Deadline.objects.filter(state=DeadlineState.RUNNING)
            .exclude(level=WarningLevel.NORMAL)
            .exclude(warned)
            .update(level=WarningLevel.NORMAL)
        )
        # … and paused or closed ones, found through their alerts (see the module's invariant).
        alerted = DeadlineAlert.objects.values("deadline_id")
        normal += (
            Deadline.objects.filter(pk__in=alerted)
            .exclude(state=DeadlineState.RUNNING)
            .exclude(level=WarningLevel.NORMAL)
            .update(level=WarningLevel.NORMAL)
        )
        alerts = _insert_alerts(soon_until)
    return SweepResult(today, soon_until, overdue, due_soon, normal, alerts)


def _insert_alerts(soon_until: date) -> int:
    """One alert per running clock and level reached; an existing one (or one a concurrent
    sweep is writing) is left alone by the unique constraint."""
    quote = connection.ops.quote_name
    alert_table = quote(DeadlineAlert._meta.db_table)
    deadline_table = quote(Deadline._meta.db_table)
    now = DeadlineAlert._meta.get_field("created_at").get_db_prep_value(
        timezone.now(), connection, prepared=False
    )
    # The WHERE clause is also what lets SQLite parse ON CONFLICT after a SELECT.
    sql = f"""
        INSERT INTO {alert_table} (deadline_id, level, created_at, responsible_org_id)
        SELECT d.id, d.level, %s, d.responsible_org_id
        FROM {deadline_table} d
        WHERE d.state = %s AND d.due_on <= %s AND d.level IN (%s, %s)
          AND NOT EXISTS (
            SELECT 1 FROM {alert_table} a WHERE a.deadline_id = d.id AND a.level = d.level
          )
        ON CONFLICT (deadline_id, level) DO NOTHING
    """  # noqa: S608 - table names from model metadata, values bound
    params = [now, DeadlineState.RUNNING, soon_until, WarningLevel.DUE_SOON, WarningLevel.OVERDUE]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return max(cursor.rowcount, 0)


def _take_lock() -> bool:
    """PostgreSQL: True if this transaction got the sweep's advisory lock (released at commit)."""
    if connection.vendor != "postgresql":
        return True  # SQLite: IMMEDIATE transactions already let one writer in at a time
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [ADVISORY_LOCK_KEY])
        return bool(cursor.fetchone()[0])


def _is_deadlock(error: OperationalError) -> bool:
    return getattr(error.__cause__, "sqlstate", None) == "40P01"
