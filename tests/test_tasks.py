from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile

from tests.helpers import PNG_BYTES
from xinfang.cases.actions.staging import do_stage_uploads
from xinfang.cases.models import StagedUpload
from xinfang.cases.tasks import purge_stale_staged_uploads
from xinfang.cases.uploads import storage_path
from xinfang.core import clock
from xinfang.orgs.roles import Role
from xinfang.testing.factories import OrgTree, make_user


def test_stale_staged_uploads_are_purged_once(tree: OrgTree) -> None:
    user = make_user(tree.bureau, Role.REGISTRAR)
    old, fresh = do_stage_uploads(
        actor=user,
        files=[SimpleUploadedFile("a.png", PNG_BYTES), SimpleUploadedFile("b.png", PNG_BYTES)],
    ).staged
    StagedUpload.objects.filter(pk=old.pk).update(created_at=clock.now() - timedelta(days=2))
    assert purge_stale_staged_uploads() == 1
    assert purge_stale_staged_uploads() == 0
    assert not storage_path(old.storage_name).exists()
    assert storage_path(fresh.storage_name).exists()
    assert list(StagedUpload.objects.values_list("pk", flat=True)) == [fresh.pk]
