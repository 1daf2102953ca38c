from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from xinfang.orgs.roles import CAN_ADMINISTER, CAN_AUDIT, CAN_IMPORT_LEDGER
from xinfang.orgs.scoping import scope_root
from xinfang.web.views.common import current_user, login_required


@login_required
def settings_page(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    context = {
        "scope_root": scope_root(user),
        "can_administer": user.role in CAN_ADMINISTER,
        "can_import_ledger": user.role in CAN_IMPORT_LEDGER,
        "can_audit": user.role in CAN_AUDIT,
    }
    return render(request, "web/settings.html", context)
