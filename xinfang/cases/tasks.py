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
    cutoff = clock.now() - STAGED_UPLOAD_LIFETIME
    removed = 0
    for upload in StagedUpload.objects.filter(created_at__lt=cutoff):
        # The row goes first: only the call that deleted it removes the file, and a
        # registration holding the row (select_for_update) makes this delete wait.
        if StagedUpload.objects.filter(pk=upload.pk, created_at__lt=cutoff).delete()[0]:
            storage_path(upload.storage_name).unlink(missing_ok=True)
            removed += 1
    return removed


@db_periodic_task(crontab(minute="17"))
def purge_stale_staged_uploads_hourly() -> int:
    return purge_stale_staged_uploads()
