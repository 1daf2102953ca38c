from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "xinfang.web"
    verbose_name = "工作台"
