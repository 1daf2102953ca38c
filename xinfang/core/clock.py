"""The current time, in one place so tests and the generator can reason about it."""

from datetime import datetime

from django.utils import timezone


def now() -> datetime:
    return timezone.now()


def local_now() -> datetime:
    return timezone.localtime(timezone.now())
