"""The petitioner's rating (满意度评价) and the archive (归档) that freezes a finished case."""

import hashlib
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction

from xinfang.cases import events, workflow
from xinfang.cases.archive import build_archive
from xinfang.cases.models import Case, CaseArchive, Rating, RatingSource, Satisfaction
from xinfang.core import clock
from xinfang.core.errors import ErrorCode, XinfangError
from xinfang.orgs.models import User


@dataclass
class RatingInput:
    level: str  # Satisfaction
    comment: str = ""
    source: str = RatingSource.STAFF_CALL
    expected_seq: int | None = None


def do_rate(*, actor: User | None, case: Case, data: RatingInput) -> Rating:
    """Staff record a rating from a call (回访); `actor` None is the petitioner rating online."""
    with transaction.atomic():
        case = workflow.begin(case, "rate", actor=actor, expected_seq=data.expected_seq)
        if data.level not in Satisfaction.values:
            raise XinfangError(ErrorCode.RATING_LEVEL_INVALID, field="level")
        if Rating.objects.filter(case=case).exists():
            raise XinfangError(ErrorCode.ALREADY_RATED)
        source = RatingSource.ONLINE if actor is None else RatingSource(data.source)
        rating = Rating.objects.create(
            case=case,
            level=data.level,
            comment=data.comment.strip(),
            source=source,
            recorded_by=actor,
            rated_at=clock.now(),
        )
        workflow.apply(
            case,
            "rate",
            actor=actor,
            data={"level": data.level, "source": source, "comment": rating.comment[:200]},
        )
    return rating


def do_archive(*, actor: User, case: Case, expected_seq: int | None = None) -> CaseArchive:
    """归档: the case is frozen (no transition leaves ARCHIVED) and its complete file is kept as one
    ZIP whose SHA-256 is written into the hash-chained history."""
    storage_name = secrets.token_hex(16) + ".zip"
    path = settings.ARCHIVE_ROOT / storage_name
    settings.ARCHIVE_ROOT.mkdir(parents=True, exist_ok=True)
    try:
        with transaction.atomic():
            case = workflow.begin(case, "archive", actor=actor, expected_seq=expected_seq)
            now = clock.now()
            workflow.apply(case, "archive", actor=actor, changes={"archived_at": now})
            content, files = build_archive(case)
            path.write_bytes(content)
            digest = hashlib.sha256(content).hexdigest()
            archive = CaseArchive.objects.create(
                case=case,
                storage_name=storage_name,
                size=len(content),
                sha256=digest,
                archived_by=actor,
                archived_at=now,
            )
            events.record_archive_built(case, actor, digest, len(content), files)
    except BaseException:
        path.unlink(missing_ok=True)  # nothing committed: leave no stray file
        raise
    return archive
