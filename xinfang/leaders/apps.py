from django.apps import AppConfig


class LeadersConfig(AppConfig):
    name = "xinfang.leaders"
    verbose_name = "领导接访与包案"
