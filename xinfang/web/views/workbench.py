from datetime import date, datetime, time, timedelta

from django.db.models import Count, QuerySet
from django.db.models.functions import TruncDate
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from xinfang.cases import states
from xinfang.cases.access import cases_visible_to
from xinfang.cases.models import Case
from xinfang.cases.selectors import unit_inbox
from xinfang.supervision.selectors import workbench_warnings
from xinfang.web.views.common import current_user, login_required

DAILY_CHART_DAYS = 30


def daily_registrations(visible: QuerySet[Case], today: date) -> list[dict[str, object]]:
    """Cases received on each of the last 30 days, each linked to that day's ledger."""
    first = today - timedelta(days=DAILY_CHART_DAYS - 1)
    start = timezone.make_aware(datetime.combine(first, time.min))
    counted = dict(
        visible.filter(received_at__gte=start)
        .annotate(day=TruncDate("received_at", tzinfo=timezone.get_current_timezone()))
        .order_by()
        .values_list("day")
        .annotate(n=Count("id"))
        .values_list("day", "n")
    )
    days = [first + timedelta(days=offset) for offset in range(DAILY_CHART_DAYS)]
    return [
        {
            "name": f"{day.month}/{day.day}",
            "value": counted.get(day, 0),
            "link": reverse("web:ledger") + f"?date_from={day.isoformat()}&date_to={day.isoformat()}",
        }
        for day in days
    ]


@login_required
def workbench(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    visible = cases_visible_to(user)
    today = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    month_start = today.replace(day=1)
    figures = {
        "today": visible.filter(received_at__gte=today).count(),
        "open": visible.filter(status__in=list(states.OPEN)).count(),
        "awaiting_routing": visible.filter(status=states.Status.REGISTERED).count(),
        "collective_month": visible.filter(received_at__gte=month_start, is_collective=True).count(),
        "repeat_month": visible.filter(received_at__gte=month_start, is_repeat=True).count(),
        "last_7_days": visible.filter(received_at__gte=today - timedelta(days=6)).count(),
    }
    mine = (
        visible.filter(registrar=user).select_related("topic", "place_region").order_by("-received_at")[:10]
    )
    waiting = (
        visible.filter(status=states.Status.REGISTERED)
        .select_related("topic", "place_region")
        .order_by("received_at")[:10]
    )
    context = {
        "figures": figures,
        "charts": {"daily": daily_registrations(visible, today.date())},
        "mine": mine,
        "waiting": waiting,
        "warnings": workbench_warnings(user),
        "inbox": unit_inbox(user),
    }
    return render(request, "web/workbench.html", context)
