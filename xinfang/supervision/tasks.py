"""Periodic jobs of supervision (run by the Huey consumer)."""

from typing import Any

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from xinfang.supervision.sweep import sweep_deadlines


@db_periodic_task(crontab(minute="*/5"))
def sweep_deadlines_every_five_minutes() -> dict[str, Any]:
    """Safe with several consumers: the alerts' unique constraint keeps each warning single,
    and on PostgreSQL the sweep's advisory lock makes a second one skip."""
    return sweep_deadlines().as_json()
