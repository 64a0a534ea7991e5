from django.apps import AppConfig


class TargetingConfig(AppConfig):
    name = "akrim.targeting"
    label = "targeting"
    verbose_name = "Targeting"
