from django.apps import AppConfig


class AnalysisConfig(AppConfig):
    """Smart intake: suggestions, duplicates, risk signals, reply checks. No tables of its own:
    an app so that its management command (`xinfang analysis …`) and jobs (tasks.py) are found."""

    name = "xinfang.analysis"
    verbose_name = "智能辅助"
