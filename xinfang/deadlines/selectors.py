"""Reads of the holiday schedules: the working calendar and the missing-year warning."""

import threading
import time
from datetime import date

from xinfang.deadlines.calendar import WorkCalendar
from xinfang.deadlines.models import HolidayDay, HolidayKind, HolidayYear

# Signals clear the cache in the process that saved; other processes (app servers, job
# consumers) pick a new schedule up within this many seconds. Schedules change once a year.
CALENDAR_MAX_AGE_SECONDS = 300

_lock = threading.Lock()
_cached: tuple[float, WorkCalendar] | None = None


def load_calendar() -> WorkCalendar:
    """The working calendar from the holiday tables, built once per process and cached."""
    global _cached
    cached = _cached
    if cached is not None and time.monotonic() - cached[0] < CALENDAR_MAX_AGE_SECONDS:
        return cached[1]
    with _lock:
        calendar = _build_calendar()
        _cached = (time.monotonic(), calendar)
    return calendar


def forget_calendar() -> None:
    global _cached
    _cached = None


def _build_calendar() -> WorkCalendar:
    schedules: dict[int, tuple[set[date], set[date]]] = {
        year: (set(), set()) for year in HolidayYear.objects.values_list("year", flat=True)
    }
    for year, day, kind in HolidayDay.objects.values_list("holiday_year__year", "date", "kind"):
        holidays, workdays = schedules[year]
        (holidays if kind == HolidayKind.HOLIDAY else workdays).add(day)
    return WorkCalendar(schedules)


# The State Council publishes next year's schedule in late October or November.
WARN_FROM_MONTH = 11


def missing_schedule_warning(today: date) -> str | None:
    """A message for administrators when this year's or (from November) next year's schedule is missing."""
    wanted = [today.year]
    if today.month >= WARN_FROM_MONTH:
        wanted.append(today.year + 1)
    known = set(HolidayYear.objects.filter(year__in=wanted).values_list("year", flat=True))
    missing = [year for year in wanted if year not in known]
    if not missing:
        return None
    years = "、".join(f"{year}年" for year in missing)
    return (
        f"尚未录入{years}法定节假日安排……涉及{years}的期限暂按周末计算，并标为“暂定”。"
        "请在国务院办公厅公布安排后，到管理后台“节假日安排”中录入放假日和调休上班日。"
    )
