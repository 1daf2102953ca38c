"""Daily hot spots of each petition bureau's territory (its last 30 days of cases) and their
early warnings, kept as HotspotEntry rows for the dashboard and the screening board.

Accusations are left out: they are confidential (条例 Art.30) and never a public matter of a
place. Only users whose scope is the whole territory see its hot spots (`hotspots_for`), and
the case links they follow are filtered through cases.access again.
"""

from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from xinfang.analysis.interfaces import Message
from xinfang.analysis.registry import backend
from xinfang.cases.models import Case, Category
from xinfang.orgs.models import Organisation, OrgKind, User
from xinfang.orgs.scoping import scope_root
from xinfang.stats.models import HotspotEntry

WINDOW_DAYS = 30
BASELINE_WINDOWS = 3  # earlier windows each cluster's growth is measured against (analysis.hotspots)
TOP = 10
TIME_FORMAT = "%Y-%m-%d %H:%M:%S"


def territories() -> list[Organisation]:
    """The territories a petition bureau answers for (the bureau's parent)."""
    parents = Organisation.objects.filter(kind=OrgKind.PETITION_BUREAU).values_list("parent_id", flat=True)
    return list(Organisation.objects.filter(pk__in=[p for p in parents if p]))


def history_start(start: date, end: date) -> date:
    """The first day read: the baseline windows before the window, and a day to spare."""
    return start - timedelta(days=BASELINE_WINDOWS * ((end - start).days + 1) + 1)


def territory_messages(
    territory: Organisation, start: date, end: date
) -> tuple[list[Message], dict[str, int]]:
    """The territory's cases received in [start, end] as messages (id = case number), and their ids.

    The finder compares the window with up to BASELINE_WINDOWS windows before it, so the cases
    of those are read too."""
    subtree = Q(receiving_org__path__startswith=territory.path) | Q(
        responsible_org__path__startswith=territory.path
    )
    since = timezone.make_aware(datetime.combine(history_start(start, end), time.min))
    until = timezone.make_aware(datetime.combine(end + timedelta(days=1), time.min))
    return case_messages(Case.objects.filter(subtree, received_at__gte=since, received_at__lt=until))


def case_messages(cases: QuerySet[Case]) -> tuple[list[Message], dict[str, int]]:
    """Cases as the hot-spot finder's messages (id = case number, the first petitioner as the
    writer, place, facts and request as the text), oldest first, and each number's case id.
    Accusations are left out: confidential (条例 Art.30), never a public matter of a place."""
    rows = (
        cases.exclude(category=Category.ACCUSATION)
        .order_by("received_at")
        .values_list(
            "pk",
            "number",
            "title",
            "facts",
            "request",
            "place_address",
            "received_at",
            "parties__petitioner_id",
        )
    )
    messages: dict[str, Message] = {}
    ids: dict[str, int] = {}
    for pk, number, title, facts, request, address, received_at, petitioner in rows.iterator():
        if number not in messages:
            ids[number] = pk
            messages[number] = Message(
                id=number,
                title=title,
                text=f"{address}\n{facts}\n{request}",
                user=str(petitioner or number),
                time=timezone.localtime(received_at).strftime(TIME_FORMAT),
            )
    return list(messages.values()), ids


def do_refresh_hotspots(territory: Organisation, today: date) -> list[HotspotEntry]:
    """Find the territory's hot spots of the WINDOW_DAYS up to yesterday and store them."""
    end = today - timedelta(days=1)
    start = end - timedelta(days=WINDOW_DAYS - 1)
    messages, ids = territory_messages(territory, start, end)
    found = []
    if messages:
        now = datetime.combine(end, time.max).strftime(TIME_FORMAT)
        since = datetime.combine(history_start(start, end), time.min).strftime(TIME_FORMAT)
        found = backend("hotspots").hotspots(
            messages, now=now, window_days=WINDOW_DAYS, top=TOP, history_from=since
        )
    entries = [
        HotspotEntry(
            territory=territory,
            computed_on=today,
            window_start=start,
            window_end=end,
            rank=spot.rank,
            place=spot.place[:100],
            period=spot.period[:40],
            heat=spot.heat,
            count=spot.count,
            persons=spot.persons,
            growth=spot.growth,
            early_warning=spot.early_warning,
            warning_reason=spot.warning_reason[:300],
            summary=spot.summary,
            terms=list(spot.terms[:8]),
            case_ids=[ids[number] for number in spot.ids if number in ids],
        )
        for spot in found
    ]
    with transaction.atomic():
        HotspotEntry.objects.filter(territory=territory, computed_on=today).delete()
        HotspotEntry.objects.bulk_create(entries)
    return entries


def hotspots_for(user: User) -> list[HotspotEntry]:
    """The newest hot spots of the user's territory, if the user's scope is the whole territory."""
    root = scope_root(user)
    if root is None:
        return []
    newest = (
        HotspotEntry.objects.filter(territory=root)
        .order_by("-computed_on")
        .values_list("computed_on", flat=True)
        .first()
    )
    if newest is None:
        return []
    return list(HotspotEntry.objects.filter(territory=root, computed_on=newest).order_by("rank"))
