"""Documents are obtained through the cases the user may see (cases.access), never directly."""

from xinfang.cases.access import cases_visible_to
from xinfang.core.errors import ErrorCode, XinfangError
from xinfang.documents.models import CaseDocument
from xinfang.orgs.models import User


def access_document(user: User, document_id: int | str) -> CaseDocument:
    """The document, or CASE_NOT_FOUND: missing and forbidden look the same."""
    try:
        pk = int(document_id)
    except (TypeError, ValueError):
        raise XinfangError(ErrorCode.CASE_NOT_FOUND) from None
    document = CaseDocument.objects.filter(pk=pk, case__in=cases_visible_to(user)).first()
    if document is None:
        raise XinfangError(ErrorCode.CASE_NOT_FOUND)
    return document
