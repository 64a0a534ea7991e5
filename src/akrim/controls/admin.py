from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from akrim.audit.admin_log import AuditedModelAdmin
from akrim.controls.models import Checklist, ChecklistVersion, Control, Target


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


@admin.register(Target)
class TargetAdmin(AuditedModelAdmin[Target]):
    """Yearly targets for the number of joint controls, national (no centre) or per
    centre; the statistics set the actual count against them."""

    list_display = ["year", "centre", "controls", "note"]
    list_filter = ["year", "centre"]


class ChecklistVersionInline(admin.StackedInline[ChecklistVersion, Checklist]):
    model = ChecklistVersion
    extra = 0

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # a published version is never changed: add a new version instead

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # answers point at the version they answered


@admin.register(Checklist)
class ChecklistAdmin(AuditedModelAdmin[Checklist]):
    """An agency's checklists for its part of a control, as versioned data. Items of a
    version: a JSON list of {"key", "sv", "en", "kind": "yes_no" | "text"}."""

    list_display = ["owner", "code", "title_sv", "title_en"]
    list_filter = ["owner"]
    inlines = [ChecklistVersionInline]
