"""Realistic demo petitions, made in memory: same catalogue + seed + anchor ⇒ the same cases.

Nothing here touches the database; `demo.writer` stores what this yields.
Cases come out in the order they were received, so the writer can number
them the way registration would have.

Time window: the 548 days (about 18 months) before the anchor date, in
Asia/Shanghai; the anchor day itself is excluded so no case lies in the future.
"""

import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from itertools import accumulate
from zoneinfo import ZoneInfo

from xinfang.cases.actions.register import is_collective
from xinfang.cases.models import MAX_REPRESENTATIVES, Category, Channel, PartyRole
from xinfang.cases.states import Status
from xinfang.demo import templates
from xinfang.demo.catalogue import Catalogue, Office, Place
from xinfang.demo.people import PersonSpec, make_person
from xinfang.demo.templates import Matter

SHANGHAI = ZoneInfo("Asia/Shanghai")
WINDOW_DAYS = 548

CHANNEL_WEIGHTS: dict[str, int] = {
    Channel.VISIT: 30,
    Channel.WEB: 25,
    Channel.LETTER: 14,
    Channel.PHONE: 15,
    Channel.EMAIL: 3,
    Channel.FAX: 2,
    Channel.LEADER_RECEPTION: 4,
    Channel.HANDED_DOWN: 7,
}
# Channels staffed in office hours; web and e-mail arrive at any hour.
OFFICE_HOURS_CHANNELS = frozenset(set(Channel) - {Channel.WEB, Channel.EMAIL})
CATEGORY_WEIGHTS: dict[str, int] = {Category.APPEAL: 72, Category.SUGGESTION: 11, Category.ACCUSATION: 17}
MATTERS: dict[str, list[Matter]] = {
    Category.APPEAL: templates.APPEALS,
    Category.SUGGESTION: templates.SUGGESTIONS,
    Category.ACCUSATION: templates.ACCUSATIONS,
}

REPEAT_RATE = 0.15  # share of petitions from someone who petitioned before
COLLECTIVE_RATE = 0.12  # share of in-person visits that are collective
ANONYMOUS_RATE = 0.35  # share of accusations without a name
REPEATER_POOL_SIZE = 2000  # earlier petitions a repeat petitioner may come back about

# Status mix by the case's age in days: older cases are mostly finished.
S = Status
STATUS_BY_AGE: list[tuple[int, dict[Status, int]]] = [
    (3, {S.REGISTERED: 65, S.ROUTED: 20, S.ACCEPTED: 8, S.GUIDED_TO_LEGAL_ROUTE: 5, S.SENT_TO_DISCIPLINE: 2}),
    (
        15,
        {
            S.REGISTERED: 12,
            S.ROUTED: 30,
            S.ACCEPTED: 25,
            S.IN_PROGRESS: 15,
            S.GUIDED_TO_LEGAL_ROUTE: 6,
            S.SENT_TO_DISCIPLINE: 4,
            S.NOT_ACCEPTED: 4,
            S.OBJECTED: 4,
        },
    ),
    (
        60,
        {
            S.ROUTED: 4,
            S.ACCEPTED: 8,
            S.IN_PROGRESS: 40,
            S.EXTENDED: 8,
            S.REPLIED: 20,
            S.RATED: 8,
            S.GUIDED_TO_LEGAL_ROUTE: 4,
            S.NOT_ACCEPTED: 3,
            S.OBJECTED: 1,
            S.SENT_TO_DISCIPLINE: 2,
            S.MERGED: 2,
        },
    ),
    (
        180,
        {
            S.IN_PROGRESS: 4,
            S.EXTENDED: 4,
            S.REPLIED: 10,
            S.RATED: 15,
            S.REVIEW_REQUESTED: 4,
            S.REVIEW_DECIDED: 4,
            S.CONCLUDED: 45,
            S.GUIDED_TO_LEGAL_ROUTE: 5,
            S.NOT_ACCEPTED: 3,
            S.MERGED: 2,
            S.ARCHIVED: 4,
        },
    ),
    (
        365,
        {
            S.RATED: 5,
            S.REVIEW_DECIDED: 5,
            S.RE_REVIEW_REQUESTED: 2,
            S.RE_REVIEW_DECIDED: 3,
            S.CONCLUDED: 38,
            S.ARCHIVED: 38,
            S.REFUSED_AFTER_RE_REVIEW: 1,
            S.GUIDED_TO_LEGAL_ROUTE: 4,
            S.NOT_ACCEPTED: 2,
            S.MERGED: 2,
        },
    ),
    (
        10**6,
        {
            S.CONCLUDED: 15,
            S.ARCHIVED: 74,
            S.RE_REVIEW_DECIDED: 2,
            S.REFUSED_AFTER_RE_REVIEW: 2,
            S.GUIDED_TO_LEGAL_ROUTE: 4,
            S.NOT_ACCEPTED: 2,
            S.MERGED: 1,
        },
    ),
]
# Review and re-review belong to appeals; a suggestion or accusation in such a state is simply concluded.
REVIEW_STATUSES = frozenset(
    {
        S.REVIEW_REQUESTED,
        S.REVIEW_DECIDED,
        S.RE_REVIEW_REQUESTED,
        S.RE_REVIEW_DECIDED,
        S.REFUSED_AFTER_RE_REVIEW,
    }
)
# Statuses in which the case has not yet been sent to anyone.
UNROUTED = frozenset({S.REGISTERED})


@dataclass(frozen=True)
class CaseSpec:
    """One petition ready to store; parties refer to people by their index in this run."""

    index: int
    token: str
    receiving_org_id: int
    registrar_id: int
    channel: str
    received_at: datetime  # UTC, whole seconds (as event hashes see it after a round trip)
    category: str
    topic_id: int
    place_region_id: int
    place_address: str
    title: str
    facts: str
    request: str
    head_count: int
    is_collective: bool
    is_repeat: bool
    status: str
    responsible_org_id: int | None
    accused: str = ""
    accused_org_id: int | None = None
    handed_down_from: str = ""
    handed_down_doc_no: str = ""
    reception_leader: str = ""
    letter_sender_postmark: str = ""
    source_reference: str = ""
    parties: tuple[tuple[int, str], ...] = ()
    new_persons: tuple[PersonSpec, ...] = ()


@dataclass(frozen=True)
class _Earlier:
    """A petition someone may come back about: same person, office, matter and place."""

    person: int
    office: Office
    category: str
    matter: Matter
    place: Place


@dataclass
class DemoGenerator:
    catalogue: Catalogue
    seed: int
    anchor: date
    _rng: random.Random = field(init=False)
    _persons: int = field(init=False, default=0)
    _earlier: list[_Earlier] = field(init=False, default_factory=list)

    def __post_init__(self) -> None:
        self._rng = random.Random(self.seed)
        # Each seed draws ID numbers from its own stretch of the permutation.
        self._id_offset = random.Random(f"ids-{self.seed}").randrange(10**9)

    # -- time ---------------------------------------------------------------------------

    def _days(self) -> list[date]:
        first = self.anchor - timedelta(days=WINDOW_DAYS)
        return [first + timedelta(days=d) for d in range(WINDOW_DAYS)]

    @staticmethod
    def _day_weight(day: date, position: float) -> float:
        """Fewer petitions at weekends; a slow rise over the window, as offices see."""
        return (0.35 if day.weekday() >= 5 else 1.0) * (0.85 + 0.3 * position)

    def _per_day(self, count: int) -> list[int]:
        days = self._days()
        cumulative = list(accumulate(self._day_weight(d, i / len(days)) for i, d in enumerate(days)))
        total = cumulative[-1]
        bounds = [round(count * c / total) for c in cumulative]
        return [b - a for a, b in zip([0, *bounds[:-1]], bounds, strict=True)]

    def _moment(self, day: date, channel: str) -> datetime:
        rng = self._rng
        if channel in OFFICE_HOURS_CHANNELS:
            seconds = rng.randrange(8 * 3600 + 30 * 60, 17 * 3600 + 30 * 60)
        else:
            seconds = rng.randrange(7 * 3600, 24 * 3600)
        local = datetime.combine(day, time(), SHANGHAI) + timedelta(seconds=seconds)
        return local.astimezone(UTC)

    # -- cases --------------------------------------------------------------------------

    def cases(self, count: int) -> Iterator[CaseSpec]:
        """`count` cases in order of receipt."""
        rng = self._rng
        channels, channel_weights = list(CHANNEL_WEIGHTS), list(CHANNEL_WEIGHTS.values())
        index = 0
        for day, today_count in zip(self._days(), self._per_day(count), strict=True):
            slots = sorted(
                (self._moment(day, channel), channel)
                for channel in rng.choices(channels, channel_weights, k=today_count)
            )
            for received_at, channel in slots:
                index += 1
                yield self._case(index, received_at, channel)

    def _case(self, index: int, received_at: datetime, channel: str) -> CaseSpec:
        rng = self._rng
        earlier = (
            self._earlier[rng.randrange(len(self._earlier))]
            if self._earlier and rng.random() < REPEAT_RATE
            else None
        )
        if earlier is not None:
            office, category, matter, place = earlier.office, earlier.category, earlier.matter, earlier.place
        else:
            office = rng.choices(self.catalogue.offices, [o.weight for o in self.catalogue.offices])[0]
            category = rng.choices(list(CATEGORY_WEIGHTS), list(CATEGORY_WEIGHTS.values()))[0]
            matters = MATTERS[category]
            matter = rng.choices(matters, [m.weight for m in matters])[0]
            place = rng.choice(office.places)
        slots = self._slots(office, place, matter)
        new_persons: list[PersonSpec] = []
        parties, head_count = self._parties(channel, category, earlier, slots, place, new_persons)
        principal = parties[0][0]
        if earlier is None and not (new_persons and new_persons[0].is_anonymous):
            self._remember(_Earlier(principal, office, category, matter, place))
        facts = rng.choice(matter.facts)
        follow_up = rng.choice(templates.REPEAT_PHRASES if earlier else templates.FOLLOW_UPS)
        status = self._status(received_at, category)
        accused, accused_org_id = "", None
        if category == Category.ACCUSATION:
            accused = rng.choice(matter.accused).format_map(slots)
            accused_org_id = office.county.departments.get(matter.accused_department)
        return CaseSpec(
            index=index,
            token=f"demo:{self.seed}:{index}",
            receiving_org_id=office.org_id,
            registrar_id=office.registrar_id,
            channel=channel,
            received_at=received_at,
            category=category,
            topic_id=self.catalogue.topics[matter.topic],
            place_region_id=place.id,
            place_address=self._place_address(matter.place, place, slots),
            title=rng.choice(matter.titles).format_map(slots),
            facts=(facts + follow_up).format_map(slots),
            request=rng.choice(matter.requests).format_map(slots),
            head_count=head_count,
            is_collective=is_collective(channel, head_count),
            is_repeat=earlier is not None,
            status=status,
            responsible_org_id=self._responsible(status, category, matter, office, place),
            accused=accused,
            accused_org_id=accused_org_id,
            parties=tuple(parties),
            new_persons=tuple(new_persons),
            **self._channel_details(channel, office, received_at, index),
        )

    def _remember(self, earlier: _Earlier) -> None:
        """A bounded pool: later entries replace random earlier ones, so repeats span the whole window."""
        if len(self._earlier) < REPEATER_POOL_SIZE:
            self._earlier.append(earlier)
        elif self._rng.random() < 0.3:
            self._earlier[self._rng.randrange(REPEATER_POOL_SIZE)] = earlier

    # -- people -------------------------------------------------------------------------

    def _new_person(
        self, slots: dict[str, str], place: Place, out: list[PersonSpec], *, anonymous: bool = False
    ) -> int:
        index = self._persons
        self._persons += 1
        if anonymous:
            out.append(PersonSpec(index, is_anonymous=True))
        else:
            out.append(
                make_person(
                    self._rng,
                    index,
                    offset=self._id_offset,
                    address=self._home_address(place, slots),
                    region_id=place.id,
                )
            )
        return index

    def _parties(
        self,
        channel: str,
        category: str,
        earlier: _Earlier | None,
        slots: dict[str, str],
        place: Place,
        out: list[PersonSpec],
    ) -> tuple[list[tuple[int, str]], int]:
        """(person index, role) pairs with the head count."""
        rng = self._rng
        in_person = channel in (Channel.VISIT, Channel.LEADER_RECEPTION)
        if in_person and rng.random() < COLLECTIVE_RATE:
            head_count = rng.choice((5, 6, 8, 10, 12, 15, 20, 30, 45, 60))
            first = earlier.person if earlier else self._new_person(slots, place, out)
            others = [
                self._new_person(slots, place, out) for _ in range(rng.randint(0, MAX_REPRESENTATIVES - 1))
            ]
            return [(p, PartyRole.REPRESENTATIVE) for p in [first, *others]], head_count
        if category == Category.ACCUSATION and earlier is None and rng.random() < ANONYMOUS_RATE:
            return [(self._new_person(slots, place, out, anonymous=True), PartyRole.PRINCIPAL)], 1
        principal = earlier.person if earlier else self._new_person(slots, place, out)
        parties: list[tuple[int, str]] = [(principal, PartyRole.PRINCIPAL)]
        if channel == Channel.LETTER and rng.random() < 0.08:  # a letter signed jointly (联名信)
            parties += [
                (self._new_person(slots, place, out), PartyRole.COSIGNER) for _ in range(rng.randint(1, 3))
            ]
        head_count = len(parties) if not in_person else rng.choice((1, 1, 1, 2, 3))
        return parties, max(head_count, len(parties))

    # -- text ---------------------------------------------------------------------------

    def _slots(self, office: Office, place: Place, matter: Matter) -> dict[str, str]:
        rng = self._rng
        county = office.county
        village = place.name if place.is_village_level else place.township_name
        unit_key = matter.accused_department or matter.department
        return {
            "estate": rng.choice(templates.ESTATES[county.name]),
            "road": rng.choice(templates.ROADS[county.name]),
            "village": village,
            "township": place.township_name,
            "company": rng.choice(templates.COMPANIES),
            "amount": str(rng.randrange(6, 240) * 500),
            "months": str(rng.randint(2, 18)),
            "years": str(rng.randint(2, 15)),
            "n": str(rng.randint(3, 16)),
            "school": rng.choice(templates.SCHOOLS),
            "hospital": rng.choice(templates.HOSPITALS),
            "cadre": rng.choice(templates.CADRES) + rng.choice(templates.SURNAMES) + "某",
            "official": rng.choice(templates.OFFICIALS) + rng.choice(templates.SURNAMES) + "某",
            "unit": county.department_names.get(unit_key, f"{county.name}有关部门"),
        }

    def _place_address(self, kind: str, place: Place, slots: dict[str, str]) -> str:
        rng = self._rng
        township = place.township_name
        if kind == templates.ROAD:
            return f"{township}{slots['road']}{rng.randint(1, 400)}号附近"
        if kind == templates.COMPANY:
            return f"{township}{slots['road']}{rng.randint(1, 400)}号{slots['company']}"
        if kind == templates.SCHOOL:
            return f"{township}{slots['school']}"
        if kind == templates.HOSPITAL:
            return slots["hospital"]
        if kind == templates.VILLAGE and place.name.endswith("村"):
            return f"{township}{place.name}{rng.randint(1, 12)}组"
        return f"{township}{slots['estate']}{rng.randint(1, 30)}幢"

    def _home_address(self, place: Place, slots: dict[str, str]) -> str:
        rng = self._rng
        county = place.county_name
        if place.name.endswith("村"):
            return f"{county}{place.township_name}{place.name}{rng.randint(1, 12)}组{rng.randint(1, 99)}号"
        return (
            f"{county}{place.township_name}{slots['estate']}{rng.randint(1, 30)}幢"
            f"{rng.randint(1, 4)}单元{rng.randint(1, 18)}0{rng.randint(1, 4)}室"
        )

    def _channel_details(
        self, channel: str, office: Office, received_at: datetime, index: int
    ) -> dict[str, str]:
        rng = self._rng
        local = received_at.astimezone(SHANGHAI)
        if channel == Channel.HANDED_DOWN:
            return {
                "handed_down_from": rng.choice(templates.HIGHER_OFFICES),
                "handed_down_doc_no": f"信交〔{local.year}〕{rng.randint(1, 999)}号",
            }
        if channel == Channel.LEADER_RECEPTION:
            return {"reception_leader": rng.choice(templates.LEADERS) + rng.choice(templates.SURNAMES) + "某"}
        if channel == Channel.LETTER:
            return {"letter_sender_postmark": f"浙江杭州{office.county.name}"}
        if channel == Channel.WEB:
            return {"source_reference": f"WS{local:%Y%m%d}{index:07d}"}
        if channel == Channel.PHONE:
            return {"source_reference": f"12345-{local:%Y%m%d}-{rng.randint(1, 9999):04d}"}
        return {}

    # -- handling -----------------------------------------------------------------------

    def _status(self, received_at: datetime, category: str) -> str:
        age = (self.anchor - received_at.astimezone(SHANGHAI).date()).days
        weights = next(w for limit, w in STATUS_BY_AGE if age <= limit)
        status = self._rng.choices(list(weights), list(weights.values()))[0]
        if category != Category.APPEAL and status in REVIEW_STATUSES:
            return S.CONCLUDED
        if category == Category.ACCUSATION and status == S.GUIDED_TO_LEGAL_ROUTE:
            return S.SENT_TO_DISCIPLINE
        if category != Category.ACCUSATION and status == S.SENT_TO_DISCIPLINE:
            return S.ROUTED
        return status

    def _responsible(
        self, status: str, category: str, matter: Matter, office: Office, place: Place
    ) -> int | None:
        """Accusations go to discipline inspection, never to the accused unit; others to the competent one."""
        if status in UNROUTED:
            return None
        if status == S.GUIDED_TO_LEGAL_ROUTE:
            return office.org_id
        if category == Category.ACCUSATION:
            return office.county.discipline_id
        return office.county.departments.get(matter.department, place.township_id)
