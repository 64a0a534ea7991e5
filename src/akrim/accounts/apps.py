from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "akrim.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from akrim.accounts import signals  # noqa: F401  (connects login audit receivers)
