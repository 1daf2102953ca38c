"""What a seasoned colleague would tell the registrar about a petition being registered.

`suggest_for_draft(user, draft)` gathers, within a blink:
- topics (内容分类) and kinds (问题性质, with the legal-route flag) from the chosen backends;
- responsible units, from which unit handled the most similar earlier cases (more weight to
  those in the same place), or, before there is such history, from the topic's usual
  department in the matter's county;
- the same person's earlier cases (ID number, phone, or name and address alike, people.selectors);
- earlier cases on the same matter by anyone (text similarity with place and accused);
- the answers given then and the legal consequence (still being handled: not accepted again;
  concluded after re-review: 不再受理, 条例第三十六条);
- risk signals (matters and places, never a person's score).

Every case it names comes through cases.access for this user: a suggestion never reveals a
case the user may not see, confidential accusations included. Nothing here writes anything;
accepting a suggestion is analysis.actions.do_record_accepted_suggestions.
"""

import re
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import QuerySet
from django.utils import timezone
from rapidfuzz import fuzz

from xinfang.analysis.backends.risk import CaseFacts, case_signals
from xinfang.analysis.interfaces import RiskSignal, Suggestion
from xinfang.analysis.registry import backend
from xinfang.analysis.text import fold, place_names
from xinfang.cases import states
from xinfang.cases.access import cases_visible_to
from xinfang.cases.models import IN_PERSON_CHANNELS, Case, CaseParty
from xinfang.documents.kinds import DocumentKind
from xinfang.documents.models import CaseDocument
from xinfang.orgs.models import Organisation, OrgKind, User
from xinfang.orgs.scoping import competent_territory, is_skip_level, scope_root
from xinfang.people.selectors import PHONE_SCORE

# Same matter: similar enough on its own, or similar and about the same place or accused.
SAME_MATTER_ALONE = 0.55
SAME_MATTER_WITH_PLACE = 0.35
# Two addresses that name different places (兰苑 and 文鼎苑 of one street): the same words about
# another estate are another matter, unless the texts are near copies (an address typed otherwise).
SAME_MATTER_ELSEWHERE = 0.9
SIMILAR_AT_LEAST = 0.15  # below this, two texts share a common word or two, not a matter
CANDIDATES = 300  # from the index, before scoping
DETAILED = 20  # candidates looked at closely (place, accused, answers); the unit vote uses them all
SHOWN = 5
PERSON_CASES = 50  # earlier cases of the people found, read per tier of certainty
EXACT_PERSON_SCORE = PHONE_SCORE  # an ID number or a phone: the first tier
UNIT_NEIGHBOURS = 20
UNIT_SUGGESTIONS = 3
SAME_PLACE_WEIGHT = 1.5
UNIT_VERSION = "unit-neighbours-1"
UNIT_RULES_VERSION = "unit-topic-rules-1"
MATTER_VERSION = "same-matter-2"  # the rules over the similar-case search's scores (SAME_MATTER_*)
# Before any history: the department that usually handles each first-level topic, by the words
# its name contains (the taxonomy's classes; shared/data/category_taxonomy.csv).
TOPIC_DEPARTMENTS = {
    "城乡建设": ("住房和城乡建设", "住建", "城管", "自然资源"),
    "劳动和社会保障": ("人力资源和社会保障", "人社"),
    "教育文体": ("教育", "文化", "体育"),
    "商贸旅游": ("商务", "市场监督", "市场监管", "文旅", "旅游"),
    "环境保护": ("生态环境", "环保"),
    "卫生计生": ("卫生健康", "卫健", "卫生"),
    "交通运输": ("交通运输", "交通"),
}
ANSWER_KINDS = (DocumentKind.REPLY, DocumentKind.REVIEW_DECISION, DocumentKind.RE_REVIEW_DECISION)


@dataclass
class PersonDraft:
    name: str = ""
    id_number: str = ""
    phones: list[str] = field(default_factory=list)
    address: str = ""


@dataclass
class Draft:
    """A petition as typed so far (registration form), or a registered case (case page)."""

    title: str = ""
    facts: str = ""
    request: str = ""
    place_region: Organisation | None = None
    place_address: str = ""
    accused: str = ""
    channel: str = ""
    head_count: int = 1
    people: list[PersonDraft] = field(default_factory=list)
    case_id: int | None = None  # the case itself, left out of its own results
    skip_level: bool | None = None  # a registered case's own flag; None: judged from the user's office

    @property
    def text(self) -> str:
        return "\n".join(part for part in (self.facts, self.request) if part)

    @property
    def has_text(self) -> bool:
        return len((self.title + self.text).strip()) >= 4


@dataclass
class EarlierCase:
    case_id: int
    number: str
    title: str
    received_at: datetime
    status: str
    status_label: str
    unit: str
    similarity: float
    reasons: list[str]
    same_place: bool = False  # same region, a shared place name, or the same accused
    elsewhere: bool = False  # its address names another place than the draft's
    re_reviewed: bool = False  # a 复核意见书 was issued: the matter is closed for good
    answer: str = ""  # the decision of the newest 答复 / 复查 / 复核 document
    answer_kind: str = ""
    consequence: str = ""


@dataclass
class IntakeSuggestions:
    topics: list[Suggestion] = field(default_factory=list)
    topic_version: str = ""
    kinds: list[Suggestion] = field(default_factory=list)
    kind_version: str = ""
    units: list[Suggestion] = field(default_factory=list)
    unit_version: str = ""
    same_person: list[EarlierCase] = field(default_factory=list)
    person_version: str = ""
    same_matter: list[EarlierCase] = field(default_factory=list)
    matter_version: str = ""
    similar: list[EarlierCase] = field(default_factory=list)
    risks: list[RiskSignal] = field(default_factory=list)
    elapsed_ms: float = 0.0

    @property
    def consequence(self) -> str:
        """The weightiest legal consequence among the earlier cases on the same matter."""
        for earlier in self.same_matter:
            if earlier.re_reviewed or earlier.status in RE_REVIEWED:
                return earlier.consequence
        for earlier in self.same_matter:
            if earlier.consequence:
                return earlier.consequence
        return ""


RE_REVIEWED = frozenset({states.Status.RE_REVIEW_DECIDED, states.Status.REFUSED_AFTER_RE_REVIEW})


def consequence_of(status: str, re_reviewed: bool) -> str:
    if re_reviewed or status in RE_REVIEWED:
        return "该事项已经复核终结：同一事项不再受理（《信访工作条例》第三十六条），应出具不再受理告知书。"
    if status in (states.Status.REPLIED, states.Status.RATED, states.Status.REVIEW_DECIDED):
        return "该事项已答复：如不服，应告知信访人在期限内申请复查或复核，答复口径应与前次一致。"
    if status in states.OPEN and status != states.Status.MERGED:
        return "该事项尚在办理期限内：同一事项不重复受理，应告知信访人等候办理结果（可并入原件）。"
    return ""


def suggest_for_draft(user: User, draft: Draft, *, earlier_only: bool = False) -> IntakeSuggestions:
    """Everything the panel shows; with earlier_only, only the earlier cases and their answers
    (the reply page: classification, routing and risk are behind it)."""
    started = time.perf_counter()
    result = IntakeSuggestions()
    if draft.has_text and not earlier_only:
        topic_backend = backend("topic")
        if hasattr(topic_backend, "suggest_versioned"):
            result.topic_version, result.topics = topic_backend.suggest_versioned(draft.title, draft.text)
        else:
            result.topic_version, result.topics = (
                topic_backend.version,
                topic_backend.suggest(draft.title, draft.text),
            )
        kind_backend = backend("kind")
        result.kind_version = kind_backend.version
        result.kinds = kind_backend.suggest(draft.title, draft.text)
    visible = cases_visible_to(user)
    if draft.case_id is not None:
        visible = visible.exclude(pk=draft.case_id)
    similar = _similar_cases(visible, draft) if draft.has_text else []
    person_cases = _same_person_cases(visible, draft)
    result.person_version = backend("person").version
    result.matter_version = f"{MATTER_VERSION}/{backend('similar').version}"
    similarity_of = {earlier.case_id: earlier.similarity for earlier in similar}
    for earlier in person_cases:
        earlier.similarity = similarity_of.get(earlier.case_id, 0.0)
    result.same_person = person_cases[:SHOWN]
    same_matter = [earlier for earlier in similar if _is_same_matter(earlier)]
    # The same person's earlier case on a similar text is the same matter, whatever the place.
    same_matter += [
        earlier
        for earlier in person_cases
        if earlier.similarity >= SAME_MATTER_WITH_PLACE
        and earlier.case_id not in {e.case_id for e in same_matter}
    ]
    same_matter.sort(key=lambda e: -e.similarity)
    result.same_matter = same_matter[:SHOWN]
    matter_ids = {earlier.case_id for earlier in result.same_matter}
    result.similar = [earlier for earlier in similar if earlier.case_id not in matter_ids][:SHOWN]
    _attach_answers(result.same_person + result.same_matter + result.similar)
    if not earlier_only:
        result.units, result.unit_version = _units(user, draft, similar, result.topics)
        earlier_cases = len({e.case_id for e in result.same_person + result.same_matter})
        result.risks = _risks(user, draft, earlier_cases)
    result.elapsed_ms = round((time.perf_counter() - started) * 1000, 1)
    return result


# What the panel shows of an earlier case: read without its long texts or its units' rows (a
# panel reads up to ~90 cases; whole rows with joined units cost it a third of its time).
EARLIER_FIELDS = (
    "id",
    "number",
    "title",
    "received_at",
    "status",
    "place_region_id",
    "place_address",
    "accused",
    "responsible_org_id",
    "receiving_org_id",
)


def _unit_names(cases: list[Case]) -> dict[int, str]:
    """Full names of the units handling these cases, in one query."""
    ids = {case.responsible_org_id or case.receiving_org_id for case in cases}
    units = Organisation.objects.filter(pk__in=ids).select_related("parent")
    return {unit.pk: unit.full_name for unit in units}


def _earlier(case: Case, similarity: float, reasons: list[str], unit_names: dict[int, str]) -> EarlierCase:
    return EarlierCase(
        case_id=case.pk,
        number=case.number,
        title=case.title,
        received_at=timezone.localtime(case.received_at),
        status=case.status,
        status_label=case.get_status_display(),
        unit=unit_names.get(case.responsible_org_id or case.receiving_org_id, ""),
        similarity=round(similarity, 3),
        reasons=reasons,
    )


def _similar_cases(visible: QuerySet[Case], draft: Draft) -> list[EarlierCase]:
    found = backend("similar").search(
        title=draft.title,
        facts=draft.facts,
        request=draft.request,
        place_address=draft.place_address,
        accused=draft.accused,
        limit=CANDIDATES,
    )
    found = [(pk, score) for pk, score in found if score >= SIMILAR_AT_LEAST]
    if not found:
        return []
    score_of = dict(found)
    # The best candidates the user may see, read in one query per round: most users see most of
    # what is similar, so one round of DETAILED * 2 usually fills the list.
    cases: list[Case] = []
    ranked = [pk for pk, _ in found]
    for start in range(0, len(ranked), 2 * DETAILED):
        cases += visible.filter(pk__in=ranked[start : start + 2 * DETAILED]).only(*EARLIER_FIELDS)
        if len(cases) >= DETAILED:
            break
    cases = sorted(cases, key=lambda case: -score_of[case.pk])[:DETAILED]
    unit_names = _unit_names(cases)
    draft_places = set(place_names(f"{draft.place_address}\n{draft.title}\n{draft.text}"))
    earlier = []
    for case in cases:
        reasons = [f"内容相似度{score_of[case.pk]:.0%}"]
        same_place = False
        if draft.place_region is not None and case.place_region_id == draft.place_region.pk:
            reasons.append(f"同在{draft.place_region.name}")
            same_place = True
        # The draft's place names written in the earlier case's place or title (a substring test:
        # cutting twenty earlier texts again would cost more than the rest of the search).
        shared = {place for place in draft_places if place in f"{case.place_address}\n{case.title}"}
        if shared:
            reasons.append("同一地点：" + "、".join(sorted(shared)[:2]))
            same_place = True
        if draft.accused and case.accused and fuzz.token_set_ratio(draft.accused, case.accused) >= 80:
            reasons.append(f"反映对象相同：{case.accused}")
            same_place = True
        elsewhere = addresses_differ(draft.place_address, case.place_address)
        if elsewhere:
            reasons.append(f"地点不同：{case.place_address}")
        item = _earlier(case, score_of[case.pk], reasons, unit_names)
        item.same_place = same_place and not elsewhere
        item.elsewhere = elsewhere
        earlier.append(item)
    earlier.sort(key=lambda e: -e.similarity)
    return earlier


def _is_same_matter(earlier: EarlierCase) -> bool:
    if earlier.elsewhere:
        return earlier.similarity >= SAME_MATTER_ELSEWHERE
    return earlier.similarity >= SAME_MATTER_ALONE or (
        earlier.same_place and earlier.similarity >= SAME_MATTER_WITH_PLACE
    )


# Where an address stops naming a place and starts naming a door: 3幢201室, 100号, 5组.
_DOOR = re.compile(r"\d+\s*[号幢栋楼座单元室层组户].*$")


def address_place(address: str) -> str:
    """The place an address names, without its building, door or room (文三路100号3幢 -> 文三路)."""
    return _DOOR.sub("", fold(address).replace(" ", ""))


def addresses_differ(first: str, second: str) -> bool:
    """Whether two addresses name different places: neither place contains the other
    (转塘街道 and 转塘街道兰苑 may be one place; 转塘街道兰苑 and 转塘街道文鼎苑 are not)."""
    one, other = address_place(first), address_place(second)
    return bool(one and other) and one not in other and other not in one


def _same_person_cases(visible: QuerySet[Case], draft: Draft) -> list[EarlierCase]:
    reasons_of: dict[int, tuple[float, tuple[str, ...]]] = {}
    for person in draft.people:
        if not (person.name.strip() or person.id_number or person.phones):
            continue
        for candidate in backend("person").candidates(
            name=person.name, address=person.address, id_number=person.id_number, phones=person.phones
        ):
            known = reasons_of.get(candidate.petitioner_id)
            if known is None or known[0] < candidate.score:
                reasons_of[candidate.petitioner_id] = (candidate.score, candidate.reasons)
    if not reasons_of:
        return []
    # The surest matches first (an ID number or a phone before a sound-alike name), each tier
    # read apart, so a common sound-alike's many cases cannot push a certain match out.
    exact = [pk for pk, (score, _) in reasons_of.items() if score >= EXACT_PERSON_SCORE]
    fuzzy = [pk for pk, (score, _) in reasons_of.items() if score < EXACT_PERSON_SCORE]
    cases: list[Case] = []
    for tier in (exact, fuzzy):
        if not tier:
            continue
        cases += (
            visible.filter(parties__petitioner_id__in=tier)
            .exclude(pk__in=[case.pk for case in cases])
            .only(*EARLIER_FIELDS)
            .order_by("-received_at")
            .distinct()[:PERSON_CASES]
        )
        if len(cases) >= PERSON_CASES:
            break
    matched: dict[int, list[int]] = defaultdict(list)
    for case_id, petitioner_id in CaseParty.objects.filter(
        case_id__in=[case.pk for case in cases], petitioner_id__in=list(reasons_of)
    ).values_list("case_id", "petitioner_id"):
        matched[case_id].append(petitioner_id)
    unit_names = _unit_names(cases)
    scored = []
    for case in cases:
        score, reasons = max(reasons_of[pk] for pk in matched[case.pk])
        reasons_shown = ["可能为同一信访人：" + "、".join(reasons), f"匹配度{score:.0%}"]
        scored.append((score, _earlier(case, 0.0, reasons_shown, unit_names)))
    # The surest person first (an ID number before a sound-alike name), then the newest case.
    scored.sort(key=lambda pair: (-pair[0], -pair[1].received_at.timestamp()))
    return [item for _, item in scored]


def _attach_answers(items: list[EarlierCase]) -> None:
    ids = {item.case_id for item in items}
    if not ids:
        return
    answers: dict[int, tuple[str, str]] = {}
    re_reviewed: set[int] = set()
    documents = CaseDocument.objects.filter(case_id__in=ids, kind__in=ANSWER_KINDS).order_by(
        "issued_at", "id"
    )
    for case_id, kind, fields in documents.values_list("case_id", "kind", "fields"):
        decision = str((fields or {}).get("decision", "")).strip()
        if decision:
            answers[case_id] = (decision, DocumentKind(kind).label)
        if kind == DocumentKind.RE_REVIEW_DECISION:
            re_reviewed.add(case_id)
    for item in items:
        item.answer, item.answer_kind = answers.get(item.case_id, ("", ""))
        item.re_reviewed = item.case_id in re_reviewed
        item.consequence = consequence_of(item.status, item.re_reviewed)


def _units(
    user: User, draft: Draft, similar: list[EarlierCase], topics: list[Suggestion]
) -> tuple[list[Suggestion], str]:
    neighbours = similar[:UNIT_NEIGHBOURS]
    if neighbours:
        rows = dict(
            Case.objects.filter(
                pk__in=[e.case_id for e in neighbours], responsible_org__isnull=False
            ).values_list("pk", "responsible_org_id")
        )
        weight: dict[int, float] = defaultdict(float)
        count: dict[int, int] = defaultdict(int)
        for earlier in neighbours:
            unit = rows.get(earlier.case_id)
            if unit is None:
                continue
            weight[unit] += earlier.similarity * (SAME_PLACE_WEIGHT if earlier.same_place else 1.0)
            count[unit] += 1
        total = sum(weight.values())
        if total:
            names = {
                org.pk: org
                for org in Organisation.objects.filter(pk__in=list(weight)).select_related("parent")
            }
            ranked = sorted(weight, key=lambda unit: -weight[unit])[:UNIT_SUGGESTIONS]
            suggestions = [
                Suggestion(
                    str(unit),
                    names[unit].full_name,
                    round(weight[unit] / total, 3),
                    f"最相似的{len(neighbours)}件中有{count[unit]}件由该单位办理",
                )
                for unit in ranked
            ]
            return suggestions, UNIT_VERSION
    return _units_from_topic(user, draft, topics), UNIT_RULES_VERSION


def _units_from_topic(user: User, draft: Draft, topics: list[Suggestion]) -> list[Suggestion]:
    if not topics:
        return []
    first_level = topics[0].value.split(" › ")[0]
    words = TOPIC_DEPARTMENTS.get(first_level, ())
    territory = competent_territory(draft.place_region) if draft.place_region else scope_root(user)
    if not words or territory is None:
        return []
    departments = Organisation.objects.filter(
        path__startswith=territory.path, kind=OrgKind.DEPARTMENT, depth__lte=territory.depth + 1
    ).select_related("parent")
    for word in words:
        for department in departments:
            if word in department.name:
                reason = f"尚无可参照的历史案件：“{first_level}”类事项通常由{department.full_name}办理"
                return [Suggestion(str(department.pk), department.full_name, 0.3, reason)]
    return []


def _risks(user: User, draft: Draft, earlier_cases: int) -> list[RiskSignal]:
    words = backend("risk").signals(draft.title, draft.text) if draft.has_text else []
    place = " ".join(
        part for part in (draft.place_region.name if draft.place_region else "", draft.place_address) if part
    )
    facts = CaseFacts(
        place=place,
        head_count=draft.head_count if draft.channel in IN_PERSON_CHANNELS else 0,
        collective=draft.channel in IN_PERSON_CHANNELS and draft.head_count >= 5,
        skip_level=draft.skip_level
        if draft.skip_level is not None
        else (
            draft.channel in IN_PERSON_CHANNELS
            and draft.place_region is not None
            and user.organisation is not None
            and is_skip_level(user.organisation, draft.place_region)
        ),
        earlier_cases=earlier_cases,
    )
    return case_signals(facts, words)


def draft_of_case(case: Case) -> Draft:
    """A registered case as a draft, without its people (the caller adds them if it needs them)."""
    return Draft(
        title=case.title,
        facts=case.facts,
        request=case.request,
        place_region=case.place_region,
        place_address=case.place_address,
        accused=case.accused,
        channel=case.channel,
        head_count=case.head_count,
        case_id=case.pk,
        skip_level=case.is_skip_level,
    )


def unit_suggestions_for_case(user: User, case: Case) -> tuple[list[Suggestion], str]:
    """Responsible units for routing a registered case (转送/交办 page), with the version."""
    draft = draft_of_case(case)
    visible = cases_visible_to(user).exclude(pk=case.pk)
    similar = _similar_cases(visible, draft) if draft.has_text else []
    topics = [Suggestion(case.topic.full_name, case.topic.full_name, 1.0)]
    return _units(user, draft, similar, topics)
