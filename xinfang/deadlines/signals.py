"""Changing a holiday schedule drops this process's cached calendar."""

from typing import Any

from django.db import transaction
from django.db.models.signals import post_delete, post_save

from xinfang.deadlines import selectors
from xinfang.deadlines.models import HolidayDay, HolidayYear


def _schedule_changed(**kwargs: Any) -> None:
    # Now, so the saving request sees its own change; and again after commit, in case another
    # thread rebuilt the cache from the old rows while the transaction was open.
    selectors.forget_calendar()
    transaction.on_commit(_after_schedule_commit)


def _after_schedule_commit() -> None:
    selectors.forget_calendar()
    # Clocks computed on weekends only while the year was missing get their real due dates.
    from xinfang.deadlines.clocks import recompute_provisional

    with transaction.atomic():
        recompute_provisional()


def connect() -> None:
    for model in (HolidayYear, HolidayDay):
        post_save.connect(_schedule_changed, sender=model, dispatch_uid=f"deadlines-save-{model.__name__}")
        post_delete.connect(
            _schedule_changed, sender=model, dispatch_uid=f"deadlines-delete-{model.__name__}"
        )
