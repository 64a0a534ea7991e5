from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "akrim.access"
    label = "access"
    verbose_name = "Information sharing"
