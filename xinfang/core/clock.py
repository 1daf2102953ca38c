"""The current time, in one place so tests and the generator can reason about it."""

from datetime import date, datetime

from django.utils import timezone


def now() -> datetime:
    return timezone.now()


def local_now() -> datetime:
    return timezone.localtime(timezone.now())


def chinese_date(day: date) -> str:
    """2026年3月4日, as official documents write dates."""
    return f"{day.year}年{day.month}月{day.day}日"
