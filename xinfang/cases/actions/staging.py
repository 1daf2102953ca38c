"""Uploads checked and stored before their form is valid (see StagedUpload)."""

import secrets
from dataclasses import dataclass, field

from django.core.files.uploadedfile import UploadedFile

from xinfang.cases.models import StagedUpload
from xinfang.cases.uploads import check_upload, store_upload
from xinfang.core.errors import XinfangError
from xinfang.orgs.models import User


@dataclass
class StageResult:
    staged: list[StagedUpload] = field(default_factory=list)
    errors: list[XinfangError] = field(default_factory=list)


def do_stage_uploads(*, actor: User, files: list[UploadedFile]) -> StageResult:
    result = StageResult()
    for upload in files:
        name = upload.name or "附件"
        try:
            content_type = check_upload(name, upload, upload.size or 0)
        except XinfangError as error:
            result.errors.append(error)
            continue
        stored = store_upload(name, upload, content_type)
        result.staged.append(
            StagedUpload.objects.create(
                token=secrets.token_urlsafe(24),
                owner=actor,
                original_name=stored.original_name,
                storage_name=stored.storage_name,
                content_type=stored.content_type,
                size=stored.size,
                sha256=stored.sha256,
            )
        )
    return result
