from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "akrim.registry"
    label = "registry"
    verbose_name = "Registers"
