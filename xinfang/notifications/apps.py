from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "xinfang.notifications"
    verbose_name = "信访人通知"

    def ready(self) -> None:
        # Connects the case_changed receiver and registers the configuration check.
        from xinfang.notifications import checks, receivers  # noqa: F401
