from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "akrim.portal"
    label = "portal"
    verbose_name = "Public portal"
