from django.contrib import admin
from django.http import HttpRequest

from akrim.controls.models import Control


@admin.register(Control)
class ControlAdmin(admin.ModelAdmin[Control]):
    """Read-only: every change to a control goes through the services, which check the
    rules and write the audit entry."""

    list_display = ["pk", "centre", "lead_agency", "starts_at", "status"]
    list_filter = ["status", "centre"]
    readonly_fields = [f.name for f in Control._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Control | None = None) -> bool:
        return False
