"""Attachment checks and storage.

The type is decided by the content (magic bytes, and for Office files the
parts inside the ZIP), never by the name; the name's extension must agree.
Files are stored outside the web root under a random name with no extension.
"""

import hashlib
import io
import secrets
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePath
from typing import IO

from django.conf import settings

from xinfang.core.errors import ErrorCode, XinfangError

OLE2_MAGIC = bytes.fromhex("d0cf11e0a1b11ae1")

# extension -> the content type its content must show
ALLOWED_EXTENSIONS: dict[str, str] = {
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "png": "image/png",
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "doc": "application/x-ole-storage",
    "xls": "application/x-ole-storage",
}
# Types safe to show in the browser (everything else is sent as a download).
INLINE_TYPES = frozenset({"image/jpeg", "image/png", "application/pdf"})
SERVED_TYPES = {"application/x-ole-storage": "application/octet-stream"}


@dataclass(frozen=True)
class StoredFile:
    original_name: str
    storage_name: str
    content_type: str
    size: int
    sha256: str


def sniff_content_type(head: bytes, data: IO[bytes]) -> str | None:
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head.startswith(OLE2_MAGIC):
        return "application/x-ole-storage"
    if head.startswith(b"PK\x03\x04"):
        data.seek(0)
        try:
            with zipfile.ZipFile(data) as archive:
                names = set(archive.namelist())
        except zipfile.BadZipFile:
            return None
        if "[Content_Types].xml" in names and "word/document.xml" in names:
            return ALLOWED_EXTENSIONS["docx"]
        if "[Content_Types].xml" in names and "xl/workbook.xml" in names:
            return ALLOWED_EXTENSIONS["xlsx"]
    return None


def check_upload(name: str, data: IO[bytes], size: int) -> str:
    """Return the content type, or raise XinfangError naming the file."""
    short_name = PurePath(name).name[:80]
    if size == 0:
        raise XinfangError(ErrorCode.UPLOAD_EMPTY, short_name, field="attachments")
    limit = settings.ATTACHMENT_MAX_BYTES
    if size > limit:
        raise XinfangError(
            ErrorCode.UPLOAD_TOO_LARGE,
            f"{short_name}：不得超过 {limit // (1024 * 1024)} MB",
            field="attachments",
        )
    extension = PurePath(name).suffix.lower().lstrip(".")
    if extension not in ALLOWED_EXTENSIONS:
        raise XinfangError(ErrorCode.UPLOAD_TYPE_NOT_ALLOWED, short_name, field="attachments")
    data.seek(0)
    head = data.read(16)
    detected = sniff_content_type(head, data)
    data.seek(0)
    if detected != ALLOWED_EXTENSIONS[extension]:
        raise XinfangError(ErrorCode.UPLOAD_TYPE_MISMATCH, short_name, field="attachments")
    return detected


def storage_path(storage_name: str) -> Path:
    root = Path(settings.ATTACHMENT_ROOT)
    return root / storage_name[:2] / storage_name


def store_upload(name: str, data: IO[bytes], content_type: str) -> StoredFile:
    storage_name = secrets.token_hex(16)
    path = storage_path(storage_name)
    path.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    size = 0
    data.seek(0)
    with open(path, "xb") as out:
        for chunk in iter(lambda: data.read(1024 * 1024), b""):
            digest.update(chunk)
            size += len(chunk)
            out.write(chunk)
    return StoredFile(PurePath(name).name[:255], storage_name, content_type, size, digest.hexdigest())


def check_and_store(name: str, content: bytes) -> StoredFile:
    """For callers holding bytes (imports, tests)."""
    stream = io.BytesIO(content)
    content_type = check_upload(name, stream, len(content))
    return store_upload(name, stream, content_type)
