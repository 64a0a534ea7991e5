from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "akrim.core"
    label = "core"
    verbose_name = "akrim core"
