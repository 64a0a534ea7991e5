from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "akrim.api"
    label = "api"
    verbose_name = "API"
