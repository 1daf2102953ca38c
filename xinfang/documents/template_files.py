"""Which template a kind uses, and whether an uploaded one may be used at all.

An uploaded template must really be a .docx (a zip holding word/document.xml
that python-docx opens), be small, and use only the placeholders its kind
fills: a misspelt `{{case_numbr}}` would otherwise print as it is on every
document.
"""

import io
import zipfile

from xinfang.core.errors import ErrorCode, XinfangError
from xinfang.documents.defaults import default_template
from xinfang.documents.kinds import spec_for
from xinfang.documents.models import BUILT_IN, DocumentTemplate
from xinfang.documents.render import placeholders_in

MAX_TEMPLATE_BYTES = 5 * 1024 * 1024
# Unpacked, to refuse a zip bomb before python-docx inflates it.
MAX_UNPACKED_BYTES = 50 * 1024 * 1024


def check_template(kind: str, content: bytes) -> list[XinfangError]:
    spec = spec_for(kind)
    if len(content) > MAX_TEMPLATE_BYTES:
        return [XinfangError(ErrorCode.TEMPLATE_TOO_LARGE, field="upload")]
    if not _looks_like_docx(content):
        return [XinfangError(ErrorCode.TEMPLATE_NOT_DOCX, field="upload")]
    try:
        found = placeholders_in(content)
    except Exception:  # python-docx raises many kinds of error on a broken package
        return [XinfangError(ErrorCode.TEMPLATE_NOT_DOCX, field="upload")]
    unknown = sorted(found - spec.placeholders.keys())
    if unknown:
        detail = "无法识别：" + "、".join(f"{{{{{name}}}}}" for name in unknown)
        return [XinfangError(ErrorCode.TEMPLATE_PLACEHOLDER_UNKNOWN, detail, field="upload")]
    return []


def _looks_like_docx(content: bytes) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, ValueError):
        return False
    names = {info.filename for info in infos}
    return (
        "word/document.xml" in names
        and "[Content_Types].xml" in names
        and sum(info.file_size for info in infos) <= MAX_UNPACKED_BYTES
    )


def template_for(kind: str) -> tuple[bytes, str]:
    """The active uploaded template of the kind (and its id), else the built-in one."""
    uploaded = DocumentTemplate.objects.filter(kind=kind, active=True).first()
    if uploaded is not None:
        return bytes(uploaded.content), str(uploaded.pk)
    return default_template(kind), BUILT_IN
