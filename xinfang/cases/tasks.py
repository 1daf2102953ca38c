"""Periodic jobs of the cases app (run by the Huey consumer)."""

from datetime import timedelta

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from xinfang.cases.models import StagedUpload
from xinfang.cases.uploads import storage_path
from xinfang.core import clock

STAGED_UPLOAD_LIFETIME = timedelta(days=1)


def purge_stale_staged_uploads() -> int:
    """Remove uploads whose form was abandoned a day ago; idempotent, safe with several consumers."""
    stale = StagedUpload.objects.filter(created_at__lt=clock.now() - STAGED_UPLOAD_LIFETIME)
    removed = 0
    for upload in stale:
        storage_path(upload.storage_name).unlink(missing_ok=True)
        removed += StagedUpload.objects.filter(pk=upload.pk).delete()[0]
    return removed


@db_periodic_task(crontab(minute="17"))
def purge_stale_staged_uploads_hourly() -> int:
    return purge_stale_staged_uploads()
