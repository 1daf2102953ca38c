"""Periodic jobs of the portal (run by the Huey consumer)."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from xinfang.core import clock
from xinfang.portal import statistics
from xinfang.portal.throttle import do_purge_lookup_failures


@db_periodic_task(crontab(minute="23"))
def purge_lookup_failures_hourly() -> int:
    return do_purge_lookup_failures()


@db_periodic_task(crontab(day_of_week="1", hour="2", minute="10"))
def publish_last_week() -> int:
    """Monday night: last week's figures for all cases and every region, so the first visitor
    of the week does not wait for them. Idempotent."""
    week = statistics.latest_complete_week(clock.local_now().date())
    regions = [None, *statistics.region_choices()]
    for region in regions:
        statistics.weekly_figures(week, region)
    return len(regions)


@db_periodic_task(crontab(hour="3", minute="41"))
def purge_expired_sessions_daily() -> None:
    """Every visitor of the public portal gets a session row (captcha, form token, tracking);
    expired ones are deleted nightly so the table does not grow without end."""
    from django.contrib.sessions.backends.db import SessionStore

    SessionStore.clear_expired()
