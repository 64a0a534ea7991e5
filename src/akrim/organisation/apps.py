from django.apps import AppConfig


class OrganisationConfig(AppConfig):
    name = "akrim.organisation"
    label = "organisation"
    verbose_name = "Organisation"
