"""Excel imports and exports on the settings pages: the historical ledger and the organisation tree."""

import io

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from xinfang.cases.actions.import_ledger import do_import_ledger, write_ledger_template
from xinfang.cases.uploads import ALLOWED_EXTENSIONS, check_upload
from xinfang.core.errors import ErrorCode, XinfangError
from xinfang.orgs.actions.import_tree import do_import_tree
from xinfang.orgs.roles import CAN_ADMINISTER, CAN_IMPORT_LEDGER
from xinfang.orgs.scoping import regions_in_scope, scope_root
from xinfang.orgs.tree_xlsx import export_tree
from xinfang.web.views.common import current_user, login_required
from xinfang.web.views.ledger import XLSX_TYPE


def _xlsx_response(content: bytes, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _uploaded_workbook(request: HttpRequest) -> tuple[io.BytesIO, str]:
    """The posted .xlsx, checked by content like any attachment."""
    upload = request.FILES.get("file")
    if upload is None:
        raise XinfangError(ErrorCode.IMPORT_FILE_INVALID, "请选择要导入的 Excel 文件")
    name = upload.name or "import.xlsx"
    if not name.lower().endswith(".xlsx"):
        raise XinfangError(ErrorCode.IMPORT_FILE_INVALID, name)
    content_type = check_upload(name, upload, upload.size or 0)
    if content_type != ALLOWED_EXTENSIONS["xlsx"]:
        raise XinfangError(ErrorCode.IMPORT_FILE_INVALID, name)
    upload.seek(0)
    return io.BytesIO(upload.read()), name


@login_required
def ledger_import(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    if user.role not in CAN_IMPORT_LEDGER:
        raise XinfangError(ErrorCode.NOT_ALLOWED)
    context: dict[str, object] = {}
    if request.method == "POST":
        try:
            stream, name = _uploaded_workbook(request)
            context["report"] = do_import_ledger(actor=user, stream=stream, source=name)
            context["file_name"] = name
        except XinfangError as error:
            context["error"] = error
    return render(request, "web/ledger_import.html", context, status=400 if "error" in context else 200)


@login_required
def ledger_template(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    if user.role not in CAN_IMPORT_LEDGER:
        raise XinfangError(ErrorCode.NOT_ALLOWED)
    region = regions_in_scope(user).order_by("-depth").first()
    stream = io.BytesIO()
    write_ledger_template(stream, place_example=region.name if region else "北山街道")
    return _xlsx_response(stream.getvalue(), "ledger-template.xlsx")


@login_required
def org_tree(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    if user.role not in CAN_ADMINISTER:
        raise XinfangError(ErrorCode.NOT_ALLOWED)
    context: dict[str, object] = {}
    if request.method == "POST":
        try:
            stream, name = _uploaded_workbook(request)
            context["report"] = do_import_tree(actor=user, stream=stream)
            context["file_name"] = name
        except XinfangError as error:
            context["error"] = error
    return render(request, "web/org_tree.html", context, status=400 if "error" in context else 200)


@login_required
def org_tree_export(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    if user.role not in CAN_ADMINISTER:
        raise XinfangError(ErrorCode.NOT_ALLOWED)
    stream = io.BytesIO()
    export_tree(stream, scope_root(user))
    return _xlsx_response(stream.getvalue(), "org-tree.xlsx")
