from django.apps import AppConfig


class StatsConfig(AppConfig):
    name = "xinfang.stats"
    verbose_name = "统计分析"
