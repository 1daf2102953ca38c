"""统计分析: figures for a period with 同比/环比 (each linked to its cases), and unit
assessment with its formulas; Excel exports of both. Read-only, scoped like the ledger."""

import io

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from xinfang.cases.access import cases_visible_to
from xinfang.stats.assessment import RATE_LABELS, assess, formulas, ranked
from xinfang.stats.counting import DIMENSIONS, statistics
from xinfang.stats.export import assessment_headers, assessment_row, write_assessment, write_statistics
from xinfang.stats.forms import StatsForm
from xinfang.stats.hotspots import hotspots_for
from xinfang.stats.report import monthly_trend, render_report, report_data, report_filename
from xinfang.web.views.common import current_user, login_required
from xinfang.web.views.ledger import XLSX_TYPE

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _xlsx(content: bytes, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{name}-{timezone.localtime():%Y%m%d-%H%M}.xlsx"'
    return response


@login_required
def statistics_page(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    form = StatsForm(request.GET or None, user=user)
    stats = statistics(user, form.scope(), form.period())
    context = {
        "form": form,
        "stats": stats,
        "dimensions": [(key, title, stats.breakdowns[key]) for key, title in DIMENSIONS.items()],
        "query": request.GET.urlencode(),
    }
    return render(request, "web/stats.html", context)


@login_required
def statistics_export(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    form = StatsForm(request.GET or None, user=user)
    stream = io.BytesIO()
    write_statistics(stream, statistics(user, form.scope(), form.period()))
    return _xlsx(stream.getvalue(), "statistics")


@login_required
def assessment_page(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    form = StatsForm(request.GET or None, user=user)
    assessment = assess(user, form.period())
    order = request.GET.get("sort", "on_time")
    units = ranked(assessment, order)
    context = {
        "form": form,
        "assessment": assessment,
        "headers": assessment_headers(),
        "rows": [
            (position, figures, assessment_row(figures)) for position, figures in enumerate(units, start=1)
        ],
        "rate_labels": RATE_LABELS,
        "order": order if order in RATE_LABELS else "on_time",
        "formulas": formulas(),
        "query": request.GET.urlencode(),
    }
    return render(request, "web/stats_units.html", context)


@login_required
def assessment_export(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    form = StatsForm(request.GET or None, user=user)
    assessment = assess(user, form.period())
    stream = io.BytesIO()
    write_assessment(stream, assessment, ranked(assessment, request.GET.get("sort", "on_time")))
    return _xlsx(stream.getvalue(), "assessment")


@login_required
def report_download(request: HttpRequest) -> HttpResponse:
    """The period's report as Word, from the same figures as the statistics page."""
    user = current_user(request)
    form = StatsForm(request.GET or None, user=user)
    period = form.period()
    content = render_report(report_data(user, form.scope(), period))
    response = HttpResponse(content, content_type=DOCX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{report_filename(period)}"'
    return response


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """领导总览: the period's headline figures, the twelve-month trend, topics, places and the unit
    ranking as charts (ECharts, served locally). Every figure is the statistics page's."""
    user = current_user(request)
    form = StatsForm(request.GET or None, user=user)
    period, scope = form.period(), form.scope()
    stats = statistics(user, scope, period)
    assessment = assess(user, period)
    units = [f for f in ranked(assessment, "on_time") if f.rates["on_time"] is not None][:15]
    charts = {
        "trend": [
            {"month": label, "cases": cases, "persons": persons}
            for label, cases, persons in monthly_trend(user, scope, period)
        ],
        "topics": [
            {"name": row.label, "value": row.cases, "link": row.link}
            for row in stats.breakdowns["topic"][:10]
        ],
        "regions": [
            {"name": row.label, "value": row.cases, "link": row.link}
            for row in stats.breakdowns["region"][:15]
        ],
        "channels": [
            {"name": row.label, "value": row.cases, "link": row.link} for row in stats.breakdowns["channel"]
        ],
        "units": [{"name": f.unit.full_name, "value": f.rates["on_time"]} for f in units],
    }
    spots = hotspots_for(user)
    shown_ids = {pk for spot in spots for pk in spot.case_ids[:3]}
    visible = dict(cases_visible_to(user).filter(pk__in=shown_ids).values_list("pk", "number"))
    hotspots = [
        {"entry": spot, "cases": [(pk, visible[pk]) for pk in spot.case_ids[:3] if pk in visible]}
        for spot in spots
    ]
    context = {
        "form": form,
        "stats": stats,
        "hotspots": hotspots,
        "cards": [
            stats.headline[key]
            for key in ("total", "visit_batches", "visit_persons", "collective_batches", "repeat")
        ],
        "charts": charts,
        "query": request.GET.urlencode(),
    }
    return render(request, "web/stats_dashboard.html", context)
