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
    transaction.on_commit(selectors.forget_calendar)


def connect() -> None:
    for model in (HolidayYear, HolidayDay):
        post_save.connect(_schedule_changed, sender=model, dispatch_uid=f"deadlines-save-{model.__name__}")
        post_delete.connect(
            _schedule_changed, sender=model, dispatch_uid=f"deadlines-delete-{model.__name__}"
        )
