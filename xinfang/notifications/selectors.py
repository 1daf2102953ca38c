"""Reads of deliveries. The case page passes a case it obtained through cases.access."""

from django.db.models import Q, QuerySet

from xinfang.cases.models import Case
from xinfang.core import clock
from xinfang.notifications.actions import STALL_GRACE
from xinfang.notifications.models import Delivery, DeliveryStatus


def deliveries_for_case(case: Case) -> QuerySet[Delivery]:
    """The case's notifications, oldest first (the 通知记录 panel: masks only, never the address)."""
    return Delivery.objects.filter(case=case).order_by("created_at", "id")


def stalled_delivery_ids(limit: int = 1000) -> list[int]:
    """Pending deliveries whose attempt fell due a while ago and that no job holds: their queued
    job was lost, so the periodic sweep queues them again (the claim in do_deliver keeps that safe)."""
    now = clock.now()
    return list(
        Delivery.objects.filter(status=DeliveryStatus.PENDING, next_attempt_at__lt=now - STALL_GRACE)
        .filter(Q(lease_until__isnull=True) | Q(lease_until__lt=now))
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )
