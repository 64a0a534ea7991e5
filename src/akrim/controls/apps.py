from django.apps import AppConfig


class ControlsConfig(AppConfig):
    name = "akrim.controls"
    label = "controls"
    verbose_name = "Joint controls"

    def ready(self) -> None:
        from akrim.controls.policies import register_with_access

        register_with_access()
