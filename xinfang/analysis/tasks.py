"""Periodic jobs of the analysis app (run by the Huey consumer)."""

import logging
from typing import Any

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

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
