"""Screening periods (排查周期): a week runs Monday to Sunday, a month from its first to its
last day. Pure; no Django."""

import calendar
from datetime import date, timedelta

WEEKLY = "weekly"
MONTHLY = "monthly"


def period_for(kind: str, day: date) -> tuple[date, date]:
    """The week or month holding `day`, as (first day, last day); ValueError for another kind."""
    if kind == WEEKLY:
        start = day - timedelta(days=day.weekday())
        return start, start + timedelta(days=6)
    if kind == MONTHLY:
        last = calendar.monthrange(day.year, day.month)[1]
        return day.replace(day=1), day.replace(day=last)
    raise ValueError(kind)


def period_label(kind: str, start: date, end: date) -> str:
    """2026年3月 for a month, 2026-03-02 至 2026-03-08 for a week."""
    if kind == MONTHLY:
        return f"{start.year}年{start.month}月"
    return f"{start:%Y-%m-%d} 至 {end:%Y-%m-%d}"
