"""Jobs of the notifications app (run by the Huey consumer; at once under XINFANG_HUEY_IMMEDIATE=1).

A failed attempt is retried by raising RetryTask with the backoff do_deliver computed, so the
delay doubles after each failure; do_deliver counts the attempts in the database and marks the
delivery failed after settings.NOTIFY_MAX_ATTEMPTS, after which a run of the job does nothing.
"""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task
from huey.exceptions import RetryTask

from xinfang.notifications.actions import (
    do_deliver,
    do_queue_case_event_notifications,
    do_queue_closing_windows,
)
from xinfang.notifications.selectors import stalled_delivery_ids
from xinfang.orgs.models import User


@db_task()
def queue_case_event_notifications(case_id: int, seq: int, actor_id: int | None) -> int:
    actor = User.objects.filter(pk=actor_id).first() if actor_id else None
    created = do_queue_case_event_notifications(actor=actor, case_id=case_id, seq=seq)
    for delivery in created:
        deliver_notification(delivery.pk)
    return len(created)


@db_task()
def deliver_notification(delivery_id: int) -> str:
    attempt = do_deliver(delivery_id=delivery_id)
    if attempt is None:
        return "nothing to do"
    if attempt.retry_in is not None:
        raise RetryTask(
            f"notification {delivery_id}: next attempt in {attempt.retry_in}s", delay=attempt.retry_in
        )
    return attempt.status


# 09:30 in Asia/Shanghai: Huey's crontab reads UTC. Reminders go out in the morning, not at night.
@db_periodic_task(crontab(hour="1", minute="30"))
def remind_closing_windows_daily() -> int:
    created = do_queue_closing_windows()
    for delivery in created:
        deliver_notification(delivery.pk)
    return len(created)


@db_periodic_task(crontab(minute="*/10"))
def requeue_stalled_deliveries() -> int:
    ids = stalled_delivery_ids()
    for delivery_id in ids:
        deliver_notification(delivery_id)
    return len(ids)
