"""Statistics of cases received in a period, with 同比 and 环比, every number linked to its cases.

Counting rules (docs/glossary.md, DOMAIN.md "Measures of the work"):
- a case counts in the period in which it was received (收到时间, Asia/Shanghai days), as the
  ledger's date filter counts it, whatever happened to it later;
- visits (来访, and 领导接待日, also in person) are counted in batches (批次: one registered
  visit) and persons (人次: its head count); collective visits (集体访) likewise;
- letters, calls, web messages, emails, faxes and cases handed down are counted in pieces (件);
- repeat petitions (重复信访) and each breakdown (channel, kind, topic, region, unit, status)
  count cases.

All numbers come from one grouped query per period over `ledger_cases` (so they are scoped
exactly as the ledger is), and each links to the ledger with the same filters: the list
behind a number has as many cases as the number says.
"""

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.db import connection
from django.db.models import Case as Case_
from django.db.models import Count, F, Q, QuerySet, Sum, Value, When
from django.urls import reverse

from xinfang.cases import states
from xinfang.cases.models import IN_PERSON_CHANNELS, Case, Category, Channel, Topic
from xinfang.cases.selectors import LedgerFilter, ledger_cases
from xinfang.orgs.models import Organisation, User
from xinfang.orgs.scoping import scope_root
from xinfang.stats.periods import Change, Period

PIECE_CHANNELS = (
    Channel.LETTER,
    Channel.PHONE,
    Channel.WEB,
    Channel.EMAIL,
    Channel.FAX,
    Channel.HANDED_DOWN,
)
DIMENSIONS = {
    "channel": "信访形式",
    "category": "问题性质",
    "topic": "内容分类（一级）",
    "region": "问题发生地",
    "unit": "责任单位",
    "status": "办理状态",
}
UNASSIGNED = 0  # the unit key of cases without a responsible unit yet


@dataclass(frozen=True)
class Scope:
    """What the statistics are about besides the period: optional narrowing filters."""

    region_id: int | None = None
    responsible_id: int | None = None
    categories: tuple[str, ...] = ()

    def ledger_filter(self, period: Period, **narrower: object) -> LedgerFilter:
        return LedgerFilter(
            date_from=period.start,
            date_to=period.end,
            region_id=self.region_id,
            responsible_id=self.responsible_id,
            categories=list(self.categories),
            **narrower,  # type: ignore[arg-type]
        )

    def ledger_link(self, period: Period, **narrower: object) -> str:
        query: list[tuple[str, object]] = [
            ("date_from", period.start.isoformat()),
            ("date_to", period.end.isoformat()),
        ]
        if self.region_id:
            query.append(("region", self.region_id))
        if self.responsible_id:
            query.append(("responsible", self.responsible_id))
        query += [("category", category) for category in self.categories]
        for key, value in narrower.items():
            values = value if isinstance(value, list | tuple) else [value]
            query += [(key, "true" if item is True else item) for item in values]
        # Names of the ledger filter form (web.forms.LedgerFilterForm).
        return reverse("web:ledger") + "?" + urlencode(query)


@dataclass
class Row:
    """One group of the query: the cases sharing these keys."""

    channel: str
    category: str
    topic: int | None  # first-level topic id
    region: int | None  # place region id (not rolled up)
    unit: int | None
    status: str
    collective: bool
    repeat: bool
    skip_level: bool
    cases: int
    persons: int


@dataclass
class Figure:
    """A number with its comparisons and the link to its cases."""

    label: str
    value: int
    unit: str  # 件, 批次, 人次
    link: str
    last_year: int = 0
    previous: int = 0

    @property
    def yoy(self) -> Change:
        return Change(self.value, self.last_year)

    @property
    def mom(self) -> Change:
        return Change(self.value, self.previous)


@dataclass
class BreakdownRow:
    key: str
    label: str
    cases: int
    persons: int
    link: str
    last_year: int = 0
    previous: int = 0

    @property
    def yoy(self) -> Change:
        return Change(self.cases, self.last_year)

    @property
    def mom(self) -> Change:
        return Change(self.cases, self.previous)


@dataclass
class Statistics:
    period: Period
    scope: Scope
    headline: dict[str, Figure] = field(default_factory=dict)
    breakdowns: dict[str, list[BreakdownRow]] = field(default_factory=dict)

    @property
    def total(self) -> Figure:
        return self.headline["total"]


def first_level_topics() -> dict[int, int]:
    """Each topic -> its first-level ancestor (the tree is small: read it, do not join it)."""
    parents = dict(Topic.objects.values_list("pk", "parent_id"))
    first = {}
    for topic in parents:
        current = topic
        while parents.get(current) is not None:
            current = parents[current]
        first[topic] = current
    return first


# The groupings the page needs, each over the period's cases. On PostgreSQL they come from one
# scan (GROUP BY GROUPING SETS); elsewhere (SQLite: one office's data) from one query each.
GROUPING_SETS: dict[str, tuple[str, ...]] = {
    "headline": ("channel", "is_collective", "is_repeat", "is_skip_level"),
    "category": ("category",),
    "topic": ("topic_id",),
    "region": ("place_region_id",),
    "unit": ("responsible_org_id",),
    "status": ("status",),
}
IN_PERSON_HEADS = Sum("head_count", filter=Q(channel__in=IN_PERSON_CHANNELS))
GROUPED_COLUMNS = tuple(dict.fromkeys(column for columns in GROUPING_SETS.values() for column in columns))


def _grouped(cases: QuerySet[Case]) -> Iterator[tuple[str, dict[str, object], int, int]]:
    """(grouping set, its key columns, cases, persons) for every group of every set."""
    if connection.vendor != "postgresql":
        for name, columns in GROUPING_SETS.items():
            for item in cases.values(*columns).annotate(n=Count("id"), persons=IN_PERSON_HEADS):
                yield name, {column: item[column] for column in columns}, item["n"], int(item["persons"] or 0)
        return
    # 人次 are people who came in person: a letter signed by thirty is one piece, not thirty visitors.
    inner_sql, params = (
        cases.annotate(
            visitors=Case_(When(channel__in=list(IN_PERSON_CHANNELS), then=F("head_count")), default=Value(0))
        )
        .values(*GROUPED_COLUMNS, "visitors")
        .query.sql_with_params()
    )
    column_list = ", ".join(GROUPED_COLUMNS)
    sets = ", ".join("(" + ", ".join(names) + ")" for names in GROUPING_SETS.values())
    # GROUPING(...) has a 1 bit for each column a row is not grouped by, leftmost column highest.
    width = len(GROUPED_COLUMNS)
    mask_of = {
        sum(1 << (width - 1 - i) for i, column in enumerate(GROUPED_COLUMNS) if column not in names): name
        for name, names in GROUPING_SETS.items()
    }
    # Only constant column names and Django's own compiled query go into the text; every value
    # is a parameter.
    sql = (
        f"SELECT {column_list}, GROUPING({column_list}) AS grouping_mask, COUNT(*), SUM(visitors) "  # noqa: S608
        f"FROM ({inner_sql}) AS period_cases GROUP BY GROUPING SETS ({sets})"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for *values, mask, count, persons in cursor.fetchall():
            name = mask_of[mask]
            row = dict(zip(GROUPED_COLUMNS, values, strict=True))
            yield name, {column: row[column] for column in GROUPING_SETS[name]}, count, int(persons or 0)


def period_rows(user: User, scope: Scope, period: Period) -> dict[str, list[Row]]:
    """The period's groups, by grouping set (columns outside a set are left empty)."""
    cases = ledger_cases(user, scope.ledger_filter(period)).order_by()
    first_level = first_level_topics()
    rows: dict[str, list[Row]] = {name: [] for name in GROUPING_SETS}
    for name, key, count, persons in _grouped(cases):
        topic = key.get("topic_id")
        rows[name].append(
            Row(
                channel=str(key.get("channel") or ""),
                category=str(key.get("category") or ""),
                topic=first_level.get(topic) if isinstance(topic, int) else None,
                region=key.get("place_region_id"),  # type: ignore[arg-type]
                unit=key.get("responsible_org_id"),  # type: ignore[arg-type]
                status=str(key.get("status") or ""),
                collective=bool(key.get("is_collective")),
                repeat=bool(key.get("is_repeat")),
                skip_level=bool(key.get("is_skip_level")),
                cases=count,
                persons=persons,
            )
        )
    return rows


@dataclass(frozen=True)
class HeadlineSpec:
    label: str
    unit: str  # 件, 批次, 人次
    keep: Callable[[Row], bool]
    persons: bool  # sum head counts (人次) instead of counting cases
    narrower: dict[str, object]  # the ledger filters that list these cases


def _channel_is(channel: str) -> Callable[[Row], bool]:
    return lambda row: row.channel == channel


IN_PERSON = sorted(IN_PERSON_CHANNELS)
HEADLINE: dict[str, HeadlineSpec] = {
    "total": HeadlineSpec("信访总量", "件", lambda row: True, False, {}),
    "visit_batches": HeadlineSpec(
        "来访", "批次", lambda row: row.channel in IN_PERSON_CHANNELS, False, {"channel": IN_PERSON}
    ),
    "visit_persons": HeadlineSpec(
        "来访", "人次", lambda row: row.channel in IN_PERSON_CHANNELS, True, {"channel": IN_PERSON}
    ),
    "collective_batches": HeadlineSpec(
        "集体访", "批次", lambda row: row.collective, False, {"channel": IN_PERSON, "collective": True}
    ),
    "collective_persons": HeadlineSpec(
        "集体访", "人次", lambda row: row.collective, True, {"channel": IN_PERSON, "collective": True}
    ),
    **{
        f"channel_{channel.value}": HeadlineSpec(
            channel.label, "件", _channel_is(channel.value), False, {"channel": [channel.value]}
        )
        for channel in PIECE_CHANNELS
    },
    "skip_level_batches": HeadlineSpec(
        "越级访", "批次", lambda row: row.skip_level, False, {"channel": IN_PERSON, "skip_level": True}
    ),
    "skip_level_persons": HeadlineSpec(
        "越级访", "人次", lambda row: row.skip_level, True, {"channel": IN_PERSON, "skip_level": True}
    ),
    "repeat": HeadlineSpec("重复信访", "件", lambda row: row.repeat, False, {"repeat": True}),
}


def _headline_values(rows: list[Row]) -> dict[str, int]:
    return {
        key: sum((row.persons if spec.persons else row.cases) for row in rows if spec.keep(row))
        for key, spec in HEADLINE.items()
    }


def _roll_up(user: User, region_ids: Iterable[int | None]) -> tuple[dict[int, int], set[int]]:
    """Each place region -> the part of the user's territory directly under its root (a county's
    townships), so the table has a row per township, not per village; and the regions that stand
    for themselves only (the territory itself, a place outside it), whose links list exactly."""
    root = scope_root(user)
    ids = {region for region in region_ids if region}
    if root is None or not ids:
        return {}, set()
    paths = dict(Organisation.objects.filter(pk__in=ids).values_list("pk", "path"))
    mapped, exact = {}, set()
    for region, path in paths.items():
        parts = [int(part) for part in path.strip("/").split("/")]
        if path.startswith(root.path) and len(parts) > root.depth + 1:
            mapped[region] = parts[root.depth + 1]
        else:
            mapped[region] = region
            exact.add(region)
    return mapped, exact


def _key(dimension: str, row: Row, regions: dict[int, int]) -> object:
    if dimension == "region":
        return regions.get(row.region or 0, row.region)
    if dimension == "unit":
        return row.unit if row.unit is not None else UNASSIGNED
    return getattr(row, dimension)


def _labels(dimension: str, keys: Iterable[object]) -> dict[object, str]:
    keys = list(keys)
    if dimension == "channel":
        return {key: Channel(str(key)).label for key in keys}
    if dimension == "category":
        return {key: Category(str(key)).label for key in keys}
    if dimension == "status":
        return {key: states.LABELS.get(states.Status(str(key)), str(key)) for key in keys}
    if dimension == "topic":
        return dict(Topic.objects.filter(pk__in=[k for k in keys if k]).values_list("pk", "name"))
    orgs = {
        org.pk: org
        for org in Organisation.objects.filter(pk__in=[k for k in keys if k]).select_related("parent")
    }
    labels: dict[object, str] = {
        key: orgs[key].full_name if dimension == "unit" else orgs[key].name for key in orgs
    }
    if dimension == "unit":
        labels[UNASSIGNED] = "尚无责任单位"
    return labels


def _narrower(dimension: str, key: object, exact_regions: set[int]) -> dict[str, object]:
    if dimension == "unit":
        return {"unassigned": "on"} if key == UNASSIGNED else {"responsible": key}
    if dimension == "region" and key in exact_regions:
        # Cases placed at the territory itself (the county), not under it: their own row.
        return {"region": key, "region_exact": "on"}
    return {dimension: key}


def statistics(user: User, scope: Scope, period: Period) -> Statistics:
    current = period_rows(user, scope, period)
    previous = period_rows(user, scope, period.previous())
    # A year's previous period is the same year before: read it once.
    same = period.same_last_year()
    last_year = previous if same == period.previous() else period_rows(user, scope, same)
    result = Statistics(period=period, scope=scope)
    values = [_headline_values(rows["headline"]) for rows in (current, previous, last_year)]
    for key, spec in HEADLINE.items():
        result.headline[key] = Figure(
            label=spec.label,
            value=values[0][key],
            unit=spec.unit,
            link=scope.ledger_link(period, **spec.narrower),
            previous=values[1][key],
            last_year=values[2][key],
        )
    regions, exact_regions = _roll_up(
        user, (row.region for rows in (current, previous, last_year) for row in rows["region"])
    )
    for dimension in DIMENSIONS:
        grouping = "headline" if dimension == "channel" else dimension
        tallies: list[dict[object, list[int]]] = []
        for rows in (current, previous, last_year):
            tally: dict[object, list[int]] = defaultdict(lambda: [0, 0])
            for row in rows[grouping]:
                counts = tally[_key(dimension, row, regions)]
                counts[0] += row.cases
                counts[1] += row.persons
            tallies.append(tally)
        keys = sorted(tallies[0], key=lambda k: -tallies[0][k][0])
        labels = _labels(dimension, keys)
        result.breakdowns[dimension] = [
            BreakdownRow(
                key=str(key),
                label=labels.get(key, "—"),
                cases=tallies[0][key][0],
                persons=tallies[0][key][1],
                link=scope.ledger_link(period, **_narrower(dimension, key, exact_regions)),
                previous=tallies[1].get(key, [0, 0])[0],
                last_year=tallies[2].get(key, [0, 0])[0],
            )
            for key in keys
        ]
    return result
