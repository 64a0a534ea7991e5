from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "akrim.audit"
    label = "audit"
    verbose_name = "Audit"
