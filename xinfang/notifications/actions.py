"""Queueing and sending the messages that tell petitioners of their case (issue 6).

Two steps, both run by the job queue (tasks.py):

1. `do_queue_notifications` writes one Delivery per recipient and channel for an occurrence (a
   step of the lifecycle, or a review window about to close), with the message rendered then.
   The idempotency key is unique: a signal received twice, or a job run again, finds the rows
   already there and queues nothing.
2. `do_deliver` makes one attempt. It first claims the row with one conditional UPDATE (pending,
   due, not held by another job), so two jobs for the same row never both send; then it decrypts
   the address, sends, and records the outcome: sent; failed (refused, or out of attempts); or
   pending with the next attempt due after an exponential backoff.

Phones and email addresses are decrypted only in `do_deliver`, for the attempt, and never
logged. A petitioner with both is told on each (one Delivery per recipient, routed to the channel
that can reach it); another email recipient can be passed explicitly (`email_recipient`).
"""

import logging
from dataclasses import dataclass, replace
from datetime import date, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone

from xinfang.cases import states
from xinfang.cases.models import Case, CaseEvent, Category, PartyRole
from xinfang.core import clock, crypto
from xinfang.core.errors import ErrorCode, XinfangError
from xinfang.deadlines.models import Deadline, DeadlineState
from xinfang.notifications.channels import (
    EMAIL,
    PHONE,
    DeliveryResult,
    Message,
    Recipient,
    configured_channels,
    route,
)
from xinfang.notifications.models import Delivery, DeliveryStatus, Event
from xinfang.notifications.templates import MessageContext, notify_message
from xinfang.orgs.models import User

logger = logging.getLogger(__name__)

# Lifecycle steps (cases.states transition codes, and "registered") the petitioner is told of.
EVENT_FOR_CODE: dict[str, Event] = {
    "registered": Event.REGISTERED,
    "accept": Event.ACCEPTED,
    "reject": Event.REJECTED,
    "guide_to_legal_route": Event.GUIDED,
    "transfer": Event.TRANSFERRED,
    "assign": Event.TRANSFERRED,
    "send_to_discipline": Event.TRANSFERRED,
    "extend": Event.EXTENDED,
    "reply": Event.REPLIED,
    "decide_review": Event.REVIEW_DECIDED,
    "decide_re_review": Event.RE_REVIEW_DECIDED,
}
_VERBS = {"assign": "交办"}  # otherwise 转送
_WINDOWS = {"review_request": "复查", "rereview_request": "复核"}

# How long a job may hold a delivery while sending: well above the channels' timeouts.
LEASE = timedelta(minutes=5)
# A queued attempt that no job has made this long after it fell due was lost (a consumer
# restarted with an in-memory queue, say); the periodic sweep queues it again.
STALL_GRACE = timedelta(minutes=10)


# -- recipients ------------------------------------------------------------------------------------


def petitioner_recipients(case: Case) -> list[Recipient]:
    """The phones and email addresses of the case's petitioners and representatives; co-signers
    only when none of those gave one (a collective visit is answered through its representatives,
    条例 Art.20). The same number or address twice is one recipient. Nothing is decrypted here: the
    stored cipher, blind index and mask are the recipient."""
    parties = list(case.parties.select_related("petitioner").prefetch_related("petitioner__phones"))
    leading = [party for party in parties if party.role != PartyRole.COSIGNER]
    cosigners = [party for party in parties if party.role == PartyRole.COSIGNER]
    for group in (leading, cosigners):
        recipients: dict[str, Recipient] = {}
        for party in group:
            for phone in party.petitioner.phones.all():
                recipients.setdefault(
                    phone.digest,
                    Recipient(PHONE, phone.cipher, phone.digest, phone.mask, party.petitioner_id),
                )
            petitioner = party.petitioner
            if petitioner.email_cipher:
                recipients.setdefault(
                    petitioner.email_digest,
                    Recipient(
                        EMAIL,
                        petitioner.email_cipher,
                        petitioner.email_digest,
                        petitioner.email_mask,
                        petitioner.pk,
                    ),
                )
        if recipients:
            return list(recipients.values())
    return []


def mask_email(address: str) -> str:
    """z***@example.com"""
    local, _, domain = address.partition("@")
    return f"{local[:1]}***@{domain}"


def email_recipient(address: str, *, petitioner_id: int | None = None) -> Recipient:
    """An email address as a recipient, encrypted like a phone number."""
    address = address.strip()
    return Recipient(
        EMAIL,
        crypto.encrypt(address),
        crypto.blind_index(address.lower()),
        mask_email(address),
        petitioner_id,
    )


# -- queueing --------------------------------------------------------------------------------------


def idempotency_key(case_id: int, event: str, occurrence: str, channel: str, recipient_digest: str) -> str:
    """One key per message: keyed, so it tells the gateway nothing about the number."""
    value = f"{case_id}|{event}|{occurrence}|{channel}|{recipient_digest}"
    return crypto.keyed_digest(value, purpose="notification-idempotency")


def _handling_due(case: Case) -> date | None:
    handling = Deadline.objects.filter(case=case, kind="handling").order_by("-id").first()
    return handling.due_on if handling else None


def message_context(
    case: Case, event: Event, case_event: CaseEvent | None, deadline: Deadline | None
) -> MessageContext:
    """What the event's text needs, read from the case, the step's history event or the window."""
    data = case_event.data if case_event else {}
    base = MessageContext(event, case.number, accusation=case.category == Category.ACCUSATION)
    unit = case.responsible_org or case.receiving_org
    match event:
        case Event.REGISTERED:
            day = timezone.localtime(case_event.at).date() if case_event else None
            return replace(base, org_name=case.receiving_org.full_name, day=day)
        case Event.ACCEPTED:
            return replace(base, org_name=unit.full_name, day=_handling_due(case))
        case Event.TRANSFERRED:
            code = case_event.kind if case_event else ""
            return replace(base, org_name=str(data.get("to_org_name", "")), verb=_VERBS.get(code, "转送"))
        case Event.EXTENDED:
            return replace(base, day=_handling_due(case), reason=str(data.get("reason", "")))
        case Event.GUIDED:
            return replace(base, legal_route=str(data.get("legal_route", "")))
        case Event.WINDOW_CLOSING:
            assert deadline is not None
            return replace(base, day=deadline.due_on, window=_WINDOWS.get(deadline.kind, "复查"))
    return base


def do_queue_notifications(
    *,
    actor: User | None,
    case: Case,
    event: Event,
    case_event: CaseEvent | None = None,
    deadline: Deadline | None = None,
    recipients: list[Recipient] | None = None,
) -> list[Delivery]:
    """Write the deliveries of one occurrence (`case_event` or `deadline`) not written before and
    return them; the caller queues their sending. `recipients` defaults to the petitioners' phones.

    `actor` is whose step it was (None for the periodic reminders). Nothing is queued for an
    imported historical case, or while no channel is configured."""
    assert (case_event is None) != (deadline is None), "one occurrence: a history event or a window"
    channels = configured_channels()
    if case.imported or not channels:
        return []
    occurrence = f"event:{case_event.pk}" if case_event else f"deadline:{deadline.pk}"  # type: ignore[union-attr]
    rendered = notify_message(message_context(case, event, case_event, deadline))
    now = clock.now()
    created = []
    for recipient in petitioner_recipients(case) if recipients is None else recipients:
        channel = route(recipient, channels)
        if channel is None:
            continue  # a landline, with no channel for it
        delivery = Delivery(
            case=case,
            event=event,
            case_event=case_event,
            deadline=deadline,
            requested_by=actor,
            channel=channel,
            petitioner_id=recipient.petitioner_id,
            recipient_cipher=recipient.cipher,
            recipient_digest=recipient.digest,
            recipient_mask=recipient.mask,
            subject=rendered.subject,
            text=rendered.text,
            idempotency_key=idempotency_key(case.pk, event, occurrence, channel, recipient.digest),
            next_attempt_at=now,
        )
        try:
            with transaction.atomic():
                delivery.save()
        except IntegrityError:
            continue  # queued before: the signal came twice, or the job ran again
        created.append(delivery)
    return created


def do_queue_case_event_notifications(*, actor: User | None, case_id: int, seq: int) -> list[Delivery]:
    """The deliveries for the step recorded as the case's history event `seq`."""
    case_event = CaseEvent.objects.filter(case_id=case_id, seq=seq).first()
    event = EVENT_FOR_CODE.get(case_event.kind) if case_event else None
    if case_event is None or event is None:
        return []
    case = Case.objects.select_related("receiving_org", "responsible_org").get(pk=case_id)
    return do_queue_notifications(actor=actor, case=case, event=event, case_event=case_event)


def do_queue_closing_windows(*, today: date | None = None) -> list[Delivery]:
    """Remind petitioners of a review or re-review window (复查/复核申请期限) that closes within
    settings.NOTIFY_WINDOW_DAYS days: once per window, however often this runs."""
    today = today or timezone.localdate()
    windows = (
        Deadline.objects.filter(
            petitioner_window=True,
            state=DeadlineState.RUNNING,
            due_on__gte=today,
            due_on__lte=today + timedelta(days=settings.NOTIFY_WINDOW_DAYS),
            case__status__in=states.OPEN,
        )
        .exclude(Exists(Delivery.objects.filter(deadline=OuterRef("pk"))))
        .select_related("case__receiving_org", "case__responsible_org")
        .order_by("due_on", "id")
    )
    created = []
    for window in windows:
        created += do_queue_notifications(
            actor=None, case=window.case, event=Event.WINDOW_CLOSING, deadline=window
        )
    return created


# -- sending ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Attempt:
    status: str  # a DeliveryStatus
    retry_in: int | None = None  # seconds until the next attempt is due, if one is


def retry_delay(attempts: int) -> int:
    """Seconds to wait after the `attempts`-th failed attempt: the base, doubled after each failure."""
    return int(settings.NOTIFY_RETRY_BASE_SECONDS * 2 ** (attempts - 1))


def do_deliver(*, delivery_id: int) -> Attempt | None:
    """One attempt at sending; None when there is nothing to do (sent, failed, not yet due, or
    another job is sending it right now).

    The queue's retry is scheduled a moment after the due time written here, so it finds the row
    due; a job that comes early (a duplicate) does nothing, and one lost is queued again by the
    stalled-delivery sweep."""
    now = clock.now()
    claimed = (
        Delivery.objects.filter(pk=delivery_id, status=DeliveryStatus.PENDING, next_attempt_at__lte=now)
        .filter(Q(lease_until__isnull=True) | Q(lease_until__lt=now))
        .update(lease_until=now + LEASE, attempts=F("attempts") + 1, last_attempt_at=now, updated_at=now)
    )
    if not claimed:
        return None
    delivery = Delivery.objects.get(pk=delivery_id)
    channel = dict(configured_channels()).get(delivery.channel)
    if channel is None:
        result = DeliveryResult(
            ok=False, error=str(XinfangError(ErrorCode.NOTIFY_CHANNEL_DISABLED)), permanent=True
        )
    else:
        result = channel.send(
            Message(
                to=crypto.decrypt(delivery.recipient_cipher),
                subject=delivery.subject,
                text=delivery.text,
                idempotency_key=delivery.idempotency_key,
            )
        )
    return _record(delivery, result)


def _record(delivery: Delivery, result: DeliveryResult) -> Attempt:
    now = clock.now()
    # Only the job holding this attempt writes its outcome.
    mine = Delivery.objects.filter(pk=delivery.pk, attempts=delivery.attempts)
    if result.ok:
        mine.update(
            status=DeliveryStatus.SENT,
            provider_message_id=result.provider_message_id,
            sent_at=now,
            last_error="",
            lease_until=None,
            next_attempt_at=None,
            updated_at=now,
        )
        logger.info("notification %s sent to %s", delivery.pk, delivery.recipient_mask)
        return Attempt(DeliveryStatus.SENT)
    final = result.permanent or delivery.attempts >= settings.NOTIFY_MAX_ATTEMPTS
    delay = None if final else retry_delay(delivery.attempts)
    mine.update(
        status=DeliveryStatus.FAILED if final else DeliveryStatus.PENDING,
        last_error=result.error[:300],
        lease_until=None,
        next_attempt_at=None if delay is None else now + timedelta(seconds=delay),
        updated_at=now,
    )
    logger.warning(
        "notification %s to %s, attempt %s: %s%s",
        delivery.pk,
        delivery.recipient_mask,
        delivery.attempts,
        result.error,
        "" if delay is None else f" (retry in {delay}s)",
    )
    return Attempt(DeliveryStatus.FAILED if final else DeliveryStatus.PENDING, delay)
