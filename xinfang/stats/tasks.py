"""Periodic jobs of the statistics app (run by the Huey consumer)."""

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from xinfang.core import clock
from xinfang.stats.hotspots import do_refresh_hotspots, territories


# Each night, after the day's cases are in: the hot spots of every bureau's territory.
@db_periodic_task(crontab(hour="4", minute="10"))
def refresh_hotspots_daily() -> int:
    today = timezone.localdate(clock.now())
    return sum(len(do_refresh_hotspots(territory, today)) for territory in territories())
