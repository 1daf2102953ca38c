"""Listens to cases.signals.case_changed (sent after the step has committed) and queues the job
that writes and sends the petitioner's messages; the request does no more than one indexed read."""

import logging
from typing import Any

from django.conf import settings
from django.dispatch import receiver

from xinfang.cases.models import CaseEvent
from xinfang.cases.signals import case_changed
from xinfang.notifications import tasks
from xinfang.notifications.actions import EVENT_FOR_CODE

logger = logging.getLogger(__name__)


@receiver(case_changed, dispatch_uid="xinfang.notifications.queue")
def queue_notifications_for_step(
    sender: object, *, case_id: int, code: str, actor_id: int | None, **kwargs: Any
) -> None:
    if code not in EVENT_FOR_CODE or not settings.NOTIFY_CHANNELS:
        return
    # The step's own history event, found now (just after its commit), names the occurrence: a
    # second signal for it finds the same event, and the job's unique keys send nothing twice.
    seq = (
        CaseEvent.objects.filter(case_id=case_id, kind=code)
        .order_by("-seq")
        .values_list("seq", flat=True)
        .first()
    )
    if seq is None:
        return
    try:
        tasks.queue_case_event_notifications(case_id, seq, actor_id)
    except Exception:
        # The step has committed; a queue that is down must not turn it into an error page.
        logger.exception("could not queue the notifications of case %s, %s", case_id, code)
