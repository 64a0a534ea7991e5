from django.apps import AppConfig


class PartnersConfig(AppConfig):
    name = "akrim.partners"
    label = "partners"
    verbose_name = "Social partners"
