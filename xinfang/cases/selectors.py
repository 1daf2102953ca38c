"""Reusable reads over cases a user may see: the ledger query and the workbench."""

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from django.db.models import F, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from xinfang.cases import search
from xinfang.cases.access import cases_visible_to
from xinfang.cases.models import Case, CaseParty, StagedUpload
from xinfang.cases.states import Status
from xinfang.core import crypto
from xinfang.deadlines import rules
from xinfang.deadlines.models import Deadline, DeadlineState
from xinfang.orgs.models import Organisation, User
from xinfang.orgs.scoping import scope_root
from xinfang.people.identity import normalise_id_number, normalise_phone
from xinfang.people.models import Petitioner

if TYPE_CHECKING:
    from xinfang.documents.models import CaseDocument

ID_NUMBER_SHAPE = re.compile(r"^\d{17}[\dXx]$")
PHONE_SHAPE = re.compile(r"^(\+?86)?(1\d{10}|0\d{9,11})$")

SORTS = {
    "-received_at": ("-received_at", "-id"),
    "received_at": ("received_at", "id"),
    "number": ("number",),
    "-number": ("-number",),
    "-head_count": ("-head_count", "-received_at"),
    "status": ("status", "-received_at"),
}
DEFAULT_SORT = "-received_at"


@dataclass
class LedgerFilter:
    date_from: date | None = None
    date_to: date | None = None
    channels: list[str] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)
    statuses: list[str] = field(default_factory=list)
    topic_id: int | None = None
    region_id: int | None = None
    region_exact: bool = False  # the place is the region itself, not a place under it
    unit_id: int | None = None  # received by or responsible: the unit's whole workload
    responsible_id: int | None = None  # 责任单位 only (statistics by unit drill down here)
    unassigned: bool = False  # no responsible unit yet
    collective: bool | None = None
    repeat: bool | None = None
    skip_level: bool | None = None
    text: str = ""
    petitioner: str = ""
    sort: str = DEFAULT_SORT


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def ledger_cases(user: User, filters: LedgerFilter) -> QuerySet[Case]:
    cases = cases_visible_to(user)
    if filters.date_from:
        cases = cases.filter(received_at__gte=_start_of(filters.date_from))
    if filters.date_to:
        cases = cases.filter(received_at__lt=_start_of(filters.date_to + timedelta(days=1)))
    if filters.channels:
        cases = cases.filter(channel__in=filters.channels)
    if filters.categories:
        cases = cases.filter(category__in=filters.categories)
    if filters.statuses:
        cases = cases.filter(status__in=filters.statuses)
    if filters.topic_id:
        cases = cases.filter(
            Q(topic_id=filters.topic_id)
            | Q(topic__parent_id=filters.topic_id)
            | Q(topic__parent__parent_id=filters.topic_id)
        )
    if filters.region_id and filters.region_exact:
        cases = cases.filter(place_region_id=filters.region_id)
    elif filters.region_id:
        region = Organisation.objects.filter(pk=filters.region_id).first()
        if region is not None:
            region_ids = Organisation.objects.filter(path__startswith=region.path).values_list(
                "id", flat=True
            )
            cases = cases.filter(place_region_id__in=list(region_ids))
    if filters.unit_id:
        cases = cases.filter(Q(responsible_org_id=filters.unit_id) | Q(receiving_org_id=filters.unit_id))
    if filters.responsible_id:
        cases = cases.filter(responsible_org_id=filters.responsible_id)
    if filters.unassigned:
        cases = cases.filter(responsible_org__isnull=True)
    if filters.collective is not None:
        cases = cases.filter(is_collective=filters.collective)
    if filters.repeat is not None:
        cases = cases.filter(is_repeat=filters.repeat)
    if filters.skip_level is not None:
        cases = cases.filter(is_skip_level=filters.skip_level)
    if filters.text.strip():
        cases = search.filter_by_text(cases, filters.text)
    if filters.petitioner.strip():
        parties = CaseParty.objects.filter(petitioner__in=petitioners_matching(filters.petitioner))
        cases = cases.filter(id__in=parties.values("case_id"))
    return cases.order_by(*SORTS.get(filters.sort, SORTS[DEFAULT_SORT]))


def petitioners_matching(query: str) -> QuerySet[Petitioner]:
    """Petitioners by ID number or phone (exact, through the blind index) or by name (exact).

    Personal data is encrypted, so a partial ID number or phone cannot be searched;
    a whole one can, without ever decrypting."""
    text = query.strip()
    compact = re.sub(r"[\s-]", "", text)
    if ID_NUMBER_SHAPE.match(compact):
        return Petitioner.objects.filter(id_number_digest=crypto.blind_index(normalise_id_number(compact)))
    if PHONE_SHAPE.match(compact):
        return Petitioner.objects.filter(phones__digest=crypto.phone_index(normalise_phone(text)))
    return Petitioner.objects.filter(name=text)


def with_list_relations(cases: QuerySet[Case]) -> QuerySet[Case]:
    return cases.select_related("topic", "place_region", "receiving_org", "responsible_org").prefetch_related(
        "parties__petitioner"
    )


def capped_count(cases: QuerySet[Case], cap: int = 10_000) -> tuple[int, bool]:
    """Exact count up to `cap`; beyond it the ledger says "more than" (a full count of a
    million rows costs more than the page itself)."""
    count = cases.order_by()[: cap + 1].count()
    return min(count, cap), count > cap


def staged_uploads_of(user: User, tokens: list[str]) -> list[StagedUpload]:
    """The user's own staged uploads among `tokens` (another user's token finds nothing)."""
    return list(StagedUpload.objects.filter(owner=user, token__in=tokens).order_by("created_at"))


@dataclass(frozen=True)
class DeadlineRow:
    """A clock as the case page shows it."""

    label: str
    article: str
    deadline: Deadline
    days_left: int | None  # negative when overdue; None once closed


def deadline_rows(case: Case) -> list[DeadlineRow]:
    today = timezone.localdate()
    rows = []
    for deadline in Deadline.objects.filter(case=case).select_related("responsible_org").order_by("id"):
        period = rules.BY_CODE.get(deadline.kind)
        left = None if deadline.state == DeadlineState.CLOSED else (deadline.due_on - today).days
        rows.append(
            DeadlineRow(
                period.label if period else deadline.kind, period.article if period else "", deadline, left
            )
        )
    return rows


def case_documents(case: Case) -> "QuerySet[CaseDocument]":
    from xinfang.documents.models import CaseDocument

    return (
        CaseDocument.objects.filter(case=case)
        .only("id", "kind", "number", "issued_at", "issuing_org", "addressee")
        .select_related("issuing_org")
        .order_by("issued_at", "id")
    )


# Statuses in which the responsible unit owes the next step (accept, object, handle, reply).
UNIT_ACTION_STATUSES = (
    Status.ROUTED,
    Status.SENT_TO_DISCIPLINE,
    Status.ACCEPTED,
    Status.IN_PROGRESS,
    Status.EXTENDED,
)


@dataclass(frozen=True)
class InboxRow:
    case: Case
    step: str  # what is owed, in Chinese
    due_on: date | None  # the nearest running clock of the unit


def unit_inbox(user: User, limit: int = 10) -> list[InboxRow]:
    """待本单位办理: cases whose next step is the user's unit's, nearest deadline first —
    as the responsible unit, or as the body deciding an open review or re-review."""
    org = user.organisation
    if org is None:
        return []
    visible = cases_visible_to(user)
    owed = Q(responsible_org=org, status__in=UNIT_ACTION_STATUSES)
    root = scope_root(user)
    if root is not None:
        owed |= Q(
            status__in=(Status.REVIEW_REQUESTED, Status.RE_REVIEW_REQUESTED),
            appeals__body=root,
            appeals__decided_on__isnull=True,
        )
    due = (
        Deadline.objects.filter(case=OuterRef("pk"), petitioner_window=False)
        .exclude(state=DeadlineState.CLOSED)
        .order_by("due_on")
        .values("due_on")[:1]
    )
    cases = (
        visible.filter(owed)
        .exclude(responsible_org=org, status__in=(Status.REVIEW_REQUESTED, Status.RE_REVIEW_REQUESTED))
        .annotate(next_due=Subquery(due))
        .select_related("responsible_org")
        .order_by(F("next_due").asc(nulls_last=True), "received_at")
        .distinct()[:limit]
    )
    return [InboxRow(case, case.status_label, case.next_due) for case in cases]  # type: ignore[attr-defined]
