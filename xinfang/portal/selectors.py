"""What the public pages read. Nothing here takes a case id from a request: the case of a tracking
session comes from `tracking.access_tracked_case`, and everything shown of it is chosen from
whitelists (public step labels, the petitioner's clocks, documents addressed to the petitioner),
never the staff's names, notes or internal papers."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db.models import Count, Max, QuerySet
from django.utils import timezone

from xinfang.cases import states
from xinfang.cases.actions.appeal import appeal_body
from xinfang.cases.events import EventKind
from xinfang.cases.models import AppealLevel, Case, Rating, Satisfaction, Topic
from xinfang.core.errors import ErrorCode, XinfangError
from xinfang.deadlines.models import Deadline, DeadlineState
from xinfang.documents.kinds import BY_KIND, Addressee, DocumentKind
from xinfang.documents.models import CaseDocument
from xinfang.orgs.models import TERRITORIAL_KINDS, Organisation, OrgKind

# -- the submission form's choices -----------------------------------------------------------------


def receiving_office_for(place: Organisation) -> Organisation | None:
    """The petition bureau that receives an online petition about `place`: the bureau of the
    nearest territorial unit at or above it that has one (a street's matter goes to its county's
    信访局)."""
    ids = place.ancestor_ids()
    bureaus = {
        bureau.parent_id: bureau
        for bureau in Organisation.objects.filter(kind=OrgKind.PETITION_BUREAU, parent_id__in=ids)
    }
    for org_id in reversed(ids):
        if org_id in bureaus:
            return bureaus[org_id]
    return None


# Villages are many and are named in the address; the place is chosen down to the street or town.
PLACE_KINDS = tuple(kind for kind in TERRITORIAL_KINDS if kind != OrgKind.VILLAGE)

Options = list[tuple[Any, Any]]  # (value, label) or (group label, [(value, label), …])
_cache: dict[str, tuple[object, Options]] = {}


def _cached(name: str, version: object, build: Callable[[], Options]) -> Options:
    """The long option lists of the public form, built once per process and version of their data
    (the topic tree and the organisation tree change rarely; one aggregate query tells)."""
    hit = _cache.get(name)
    if hit is None or hit[0] != version:
        hit = (version, build())
        _cache[name] = hit
    return hit[1]


def org_options() -> tuple[Options, Options]:
    """The places a citizen may choose (territorial units down to streets and towns, under some
    unit that has a petition bureau) and every unit (for naming the unit an accusation is
    against), each indented as the tree."""

    def build_places() -> Options:
        served = list(
            Organisation.objects.filter(
                pk__in=Organisation.objects.filter(kind=OrgKind.PETITION_BUREAU).values("parent_id")
            ).values_list("path", flat=True)
        )
        return [
            (org.pk, "\u3000" * org.depth + org.name)
            for org in Organisation.objects.filter(kind__in=PLACE_KINDS).order_by("path")
            if any(org.path.startswith(path) for path in served)
        ]

    def build_units() -> Options:
        return [
            (org.pk, "\u3000" * org.depth + org.name)
            for org in Organisation.objects.order_by("path").only("id", "name", "path", "depth")
        ]

    version = tuple(Organisation.objects.aggregate(n=Count("id"), at=Max("updated_at")).values())
    return _cached("places", version, build_places), _cached("units", version, build_units)


def topic_choices() -> Options:
    """Level-3 topics grouped under "一级 › 二级" for one <select>."""

    def build() -> Options:
        groups: dict[str, list[tuple[int, str]]] = {}
        for topic in Topic.objects.filter(level=3).select_related("parent").order_by("full_name"):
            assert topic.parent is not None
            groups.setdefault(topic.parent.full_name, []).append((topic.pk, topic.name))
        return list(groups.items())

    version = tuple(Topic.objects.aggregate(n=Count("id"), last=Max("id")).values())
    return _cached("topics", version, build)


# -- a tracked case ------------------------------------------------------------------------------

# The steps a petitioner is told of, in their words. Anything else in the history (internal
# notes, reminders, supervision, leaders' work, attachments, other cases merged in) is not shown.
PUBLIC_STEPS: dict[str, str] = {
    EventKind.REGISTERED: "已收到并登记",
    "transfer": "已转送有关单位办理",
    "assign": "已交办有关单位办理",
    "send_to_discipline": "已转纪检监察机关办理",
    "guide_to_legal_route": "告知通过法定途径解决",
    "refuse_again": "不再受理（同一事项已作出复核意见）",
    "accept": "已受理",
    "reject": "不予受理",
    "start_handling": "正在办理",
    "extend": "延长办理期限",
    "reply": "已出具信访处理意见书",
    "report_assigned": "已办结",
    "rate": "已评价",
    "request_review": "已申请复查",
    "decide_review": "已出具复查意见书",
    "request_re_review": "已申请复核",
    "open_hearing": "举行听证",
    "close_hearing": "听证结束",
    "decide_re_review": "已出具复核意见书",
    "conclude": "已办结",
    "merge": "与反映同一事项的信访合并办理",
    "archive": "已归档",
}
# Event data a petitioner may read (what they were told in writing anyway), and its label.
PUBLIC_DETAILS: tuple[tuple[str, str], ...] = (
    ("to_org_name", "办理单位"),
    ("legal_route", "途径"),
    ("days", "延长天数"),
    ("body_name", "复查/复核机关"),
    ("level", "评价"),
    ("outcome", "结论"),
)
_LEVEL_LABELS = dict(Satisfaction.choices)

# The clocks shown, in the petitioner's words; an objection between offices and the report an
# assigning office asked for are the offices' business.
PUBLIC_CLOCKS: dict[str, str] = {
    "route": "转送、交办（15日内）",
    "acceptance_notice": "告知是否受理（15日内）",
    "handling": "办理并出具信访处理意见书（60日内，可延长30日）",
    "review_request": "您可以申请复查的期限（30日）",
    "review_decision": "出具复查意见（30日内）",
    "rereview_request": "您可以申请复核的期限（30日）",
    "rereview_decision": "出具复核意见（30日内）",
}


@dataclass(frozen=True)
class PublicStep:
    at: datetime
    label: str
    detail: str


@dataclass(frozen=True)
class PublicClock:
    label: str
    started_on: date
    due_on: date
    state: str  # running / paused / closed
    state_label: str
    provisional: bool


@dataclass(frozen=True)
class AppealWindow:
    """The petitioner's window to ask for review (复查) or re-review (复核)."""

    level: str
    label: str  # 复查 / 复核
    due_on: date
    open: bool
    body_name: str


@dataclass(frozen=True)
class TrackedCase:
    case: Case
    status_label: str
    steps: list[PublicStep]
    clocks: list[PublicClock]
    documents: list[CaseDocument]
    rating: Rating | None
    can_rate: bool
    window: AppealWindow | None


def petitioner_document_kinds() -> list[str]:
    return [kind for kind, spec in BY_KIND.items() if spec.addressed_to == Addressee.PETITIONER]


def petitioner_documents(case: Case) -> QuerySet[CaseDocument]:
    return (
        CaseDocument.objects.filter(case=case, kind__in=petitioner_document_kinds())
        .only("id", "case_id", "kind", "number", "issued_at", "issuing_org")
        .select_related("issuing_org")
        .order_by("issued_at", "id")
    )


def access_petitioner_document(case: Case, document_id: int | str) -> CaseDocument:
    """A document addressed to the petitioner of the tracked case; any other id (another case's,
    one addressed to an office, none) gets the same answer."""
    try:
        pk = int(document_id)
    except (TypeError, ValueError):
        raise XinfangError(ErrorCode.PORTAL_DOCUMENT_NOT_FOUND) from None
    document = CaseDocument.objects.filter(pk=pk, case=case, kind__in=petitioner_document_kinds()).first()
    if document is None:
        raise XinfangError(ErrorCode.PORTAL_DOCUMENT_NOT_FOUND)
    return document


def public_steps(case: Case) -> list[PublicStep]:
    steps = []
    document_labels = dict(DocumentKind.choices)
    petitioner_kinds = set(petitioner_document_kinds())
    events = case.events.filter(kind__in=[*PUBLIC_STEPS, EventKind.DOCUMENT_ISSUED]).order_by("seq")
    for event in events.only("case_id", "seq", "kind", "at", "data"):
        data = event.data or {}
        if event.kind == EventKind.DOCUMENT_ISSUED:
            if data.get("kind") not in petitioner_kinds:
                continue
            label = f"出具{document_labels.get(str(data.get('kind')), '文书')}"
            detail = f"文号：{data.get('number', '')}"
        else:
            label = PUBLIC_STEPS[event.kind]
            detail = "；".join(
                f"{name}：{_LEVEL_LABELS.get(str(data[key]), data[key]) if key == 'level' else data[key]}"
                for key, name in PUBLIC_DETAILS
                if data.get(key) not in (None, "")
            )
        steps.append(PublicStep(timezone.localtime(event.at), label, detail))
    return steps


def public_clocks(case: Case) -> list[PublicClock]:
    labels = dict(DeadlineState.choices)
    return [
        PublicClock(
            PUBLIC_CLOCKS[d.kind],
            d.started_on,
            d.due_on,
            d.state,
            labels.get(d.state, d.state),
            d.provisional,
        )
        for d in Deadline.objects.filter(case=case, kind__in=PUBLIC_CLOCKS).order_by("id")
    ]


_WINDOWS = {
    states.Status.REPLIED: AppealLevel.REVIEW,
    states.Status.RATED: AppealLevel.REVIEW,
    states.Status.REVIEW_DECIDED: AppealLevel.RE_REVIEW,
}
_WINDOW_CLOCK = {AppealLevel.REVIEW: "review_request", AppealLevel.RE_REVIEW: "rereview_request"}


def appeal_window(case: Case) -> AppealWindow | None:
    """The window the petitioner may ask in now (open), or the one that has lapsed (with its end),
    or None when the case is not at that point."""
    level = _WINDOWS.get(states.Status(case.status))
    if level is None:
        return None
    clock = (
        Deadline.objects.filter(case=case, kind=_WINDOW_CLOCK[level])
        .exclude(state=DeadlineState.CLOSED)
        .first()
    )
    if clock is None:
        return None
    is_open = clock.due_on >= timezone.localdate()
    body = appeal_body(case, level) if is_open else None  # where to ask: only while one may
    return AppealWindow(
        level=level,
        label=AppealLevel(level).label,
        due_on=clock.due_on,
        open=is_open,
        body_name=f"{body.name}人民政府"
        if body and body.kind in TERRITORIAL_KINDS
        else (body.name if body else ""),
    )


def tracked_case(case: Case) -> TrackedCase:
    rating = Rating.objects.filter(case=case).first()
    return TrackedCase(
        case=case,
        status_label=states.LABELS[states.Status(case.status)],
        steps=public_steps(case),
        clocks=public_clocks(case),
        documents=list(petitioner_documents(case)),
        rating=rating,
        can_rate=rating is None and case.status == states.Status.REPLIED,
        window=appeal_window(case),
    )
