from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from xinfang.cases.access import cases_visible_to
from xinfang.core.errors import ErrorCode, XinfangError
from xinfang.orgs.roles import CAN_AUDIT
from xinfang.people.models import PersonalDataView
from xinfang.web.views.common import current_user, login_required


@login_required
def personal_data_log(request: HttpRequest) -> HttpResponse:
    """Who saw which petitioner's full data, for cases in the auditor's scope."""
    user = current_user(request)
    if user.role not in CAN_AUDIT:
        raise XinfangError(ErrorCode.NOT_ALLOWED)
    views = (
        PersonalDataView.objects.filter(case__in=cases_visible_to(user))
        .select_related("user", "case", "petitioner")
        .order_by("-at")
    )
    number = request.GET.get("case", "").strip()
    if number:
        views = views.filter(case__number=number)
    return render(request, "web/personal_data_log.html", {"views": views[:500], "number": number})
