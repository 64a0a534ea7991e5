from django.apps import AppConfig


class TipsConfig(AppConfig):
    name = "akrim.tips"
    label = "tips"
    verbose_name = "Tips"
