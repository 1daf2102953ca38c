"""Startup check of the notification settings (`xinfang check`, and every command that runs checks)."""

from typing import Any

from django.conf import settings
from django.core import checks

from xinfang.core.errors import ErrorCode, XinfangError
from xinfang.notifications.channels import DEFAULT_BACKENDS
from xinfang.notifications.models import ChannelName


@checks.register()
def check_notification_settings(app_configs: Any, **kwargs: Any) -> list[checks.CheckMessage]:
    problems = []
    custom = getattr(settings, "NOTIFY_BACKENDS", {})
    for name in settings.NOTIFY_CHANNELS:
        if name not in ChannelName.values:
            problems.append(XinfangError(ErrorCode.NOTIFY_CHANNEL_UNKNOWN, name))
        elif name in custom and custom[name] != DEFAULT_BACKENDS[ChannelName(name)]:
            continue  # a deployment's own backend reads its own settings
        elif name == ChannelName.SMS and not settings.SMS_GATEWAY_URL.startswith(("http://", "https://")):
            problems.append(XinfangError(ErrorCode.NOTIFY_SMS_NOT_CONFIGURED))
        elif name == ChannelName.EMAIL and not (settings.SMTP_HOST and settings.SMTP_FROM):
            problems.append(XinfangError(ErrorCode.NOTIFY_SMTP_NOT_CONFIGURED))
    return [checks.Error(str(problem), id=f"notifications.{problem.code.value}") for problem in problems]
