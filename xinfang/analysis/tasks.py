"""Periodic jobs of the analysis app (run by the Huey consumer)."""

import logging
from typing import Any

from huey import crontab
from huey.contrib.djhuey import HUEY, db_periodic_task, db_task
from huey.exceptions import TaskLockedException

from xinfang.analysis.training import train_topic_model_from_history
from xinfang.core.errors import ErrorCode, XinfangError

logger = logging.getLogger(__name__)


def retrain_topic_model() -> dict[str, Any] | None:
    """A new topic model from the office's history; None (and a log line) while it is too small.

    Two consumers running it at once make two versions, both complete (each is written
    apart and renamed into place); the newer one is used."""
    try:
        return train_topic_model_from_history().manifest
    except XinfangError as error:
        if error.code != ErrorCode.ANALYSIS_HISTORY_TOO_SMALL:
            raise
        logger.info("topic model not retrained: %s", error)
        return None


# Sunday night, when nobody registers: training reads up to ANALYSIS_TRAIN_MAX_CASES cases.
@db_periodic_task(crontab(day_of_week="0", hour="2", minute="40"))
def retrain_topic_model_weekly() -> dict[str, Any] | None:
    return retrain_topic_model()


def _rebuild_similar_index() -> str | None:
    from xinfang.analysis.case_index import rebuild_index

    # One rebuild at a time across consumers; a second request while one runs is dropped.
    try:
        with HUEY.lock_task("rebuild-similar-index"):
            return rebuild_index().name
    except TaskLockedException:
        logger.info("similar-case index rebuild already running")
        return None


@db_task()
def rebuild_similar_index() -> str | None:
    """Queued by a web process whose index fell too far behind (case_index.MAX_DELTA)."""
    return _rebuild_similar_index()


# Every night: the day's cases move from each process's delta into the shared snapshot.
@db_periodic_task(crontab(hour="3", minute="10"))
def rebuild_similar_index_nightly() -> str | None:
    return _rebuild_similar_index()
