"""Downloading an issued document (.docx)."""

import io
import re

from django.http import FileResponse, HttpRequest

from xinfang.documents.access import access_document
from xinfang.documents.render import DOCX_CONTENT_TYPE
from xinfang.web.views.common import current_user, login_required

# Characters no file system or browser should see in a file name.
_UNSAFE = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]')


@login_required
def document_download(request: HttpRequest, document_id: int) -> FileResponse:
    document = access_document(current_user(request), document_id)
    response = FileResponse(
        io.BytesIO(bytes(document.content)),
        as_attachment=True,
        filename=_UNSAFE.sub("_", document.number) + ".docx",
        content_type=DOCX_CONTENT_TYPE,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
