from django.apps import AppConfig


class DeadlinesConfig(AppConfig):
    name = "xinfang.deadlines"
    verbose_name = "期限与节假日"

    def ready(self) -> None:
        from xinfang.deadlines import signals

        signals.connect()
