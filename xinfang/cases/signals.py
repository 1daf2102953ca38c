"""Signals other apps listen to, sent only after the change has committed.

`case_changed` carries the case id and what happened: "registered" or a transition code
of states.TRANSITIONS ("transfer", "accept", "extend", "reply" …). Listeners (notifications,
analysis indexing) must not assume they run in the request: they should queue work.
"""

from django.db import transaction
from django.dispatch import Signal

case_changed = Signal()  # kwargs: case_id: int, code: str, actor_id: int | None


def send_case_changed_on_commit(case_id: int, code: str, actor_id: int | None) -> None:
    transaction.on_commit(
        lambda: case_changed.send(sender=None, case_id=case_id, code=code, actor_id=actor_id)
    )
