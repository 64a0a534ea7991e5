from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "akrim.registry"
    label = "registry"
    verbose_name = "Registers"

    def ready(self) -> None:
        from akrim.registry.policies import register_with_access

        register_with_access()
