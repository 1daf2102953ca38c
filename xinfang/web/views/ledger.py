"""台账: the staff list of cases, its filters, pagination and Excel export."""

import io
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from xinfang.cases.selectors import capped_count, ledger_cases, with_list_relations
from xinfang.core.errors import ErrorCode, XinfangError
from xinfang.web.forms import LedgerFilterForm
from xinfang.web.views.common import current_user, login_required

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _page_number(request: HttpRequest) -> int:
    try:
        return max(1, int(request.GET.get("page", "1")))
    except ValueError:
        return 1


@login_required
def ledger(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    form = LedgerFilterForm(request.GET or None, user=user)
    filters = form.to_filter()
    cases = ledger_cases(user, filters)
    page = _page_number(request)
    size = settings.LEDGER_PAGE_SIZE
    rows = list(with_list_relations(cases)[(page - 1) * size : page * size + 1])
    has_next = len(rows) > size
    # Counting every match of a common word costs more than the page; beyond a
    # couple of thousand the ledger says "more than" (statistics give exact figures).
    total, more = capped_count(cases, cap=2_000 if filters.text.strip() else 10_000)
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "rows": rows[:size],
        "page": page,
        "has_next": has_next,
        "total": total,
        "total_is_capped": more,
        "query": urlencode(query, doseq=True),
    }
    return render(request, "web/ledger.html", context)


@login_required
def ledger_export(request: HttpRequest) -> HttpResponse:
    from xinfang.documents.ledger_xlsx import export_ledger

    user = current_user(request)
    form = LedgerFilterForm(request.GET or None, user=user)
    if form.is_bound and not form.is_valid():
        # An export must hold exactly what was asked for, never more.
        raise XinfangError(ErrorCode.LEDGER_FILTER_INVALID)
    stream = io.BytesIO()
    export_ledger(stream, ledger_cases(user, form.to_filter()), max_rows=settings.LEDGER_EXPORT_MAX_ROWS)
    name = f"ledger-{timezone.localtime():%Y%m%d-%H%M}.xlsx"
    response = HttpResponse(stream.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
