"""Audited Django admin: every change an administrator makes there leaves an audit entry.

Sharing rules, legal bases, data categories and staff roles decide who may see what, so
their changes must be as traceable as reads of personal data.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.contrib import admin
from django.db.models import Model
from django.http import HttpRequest

from akrim.audit import services as audit
from akrim.core.requests import actor_from_request

M = TypeVar("M", bound=Model)


class AuditedModelAdmin(admin.ModelAdmin[M]):
    """Writes ``admin_add``/``admin_change``/``admin_delete`` entries in the same transaction."""

    def _record(self, request: HttpRequest, action: str, obj: M, fields: list[str]) -> None:
        audit.record(
            actor=actor_from_request(request),
            action=action,
            object_type=obj._meta.label_lower,
            object_id=str(obj.pk),
            fields=fields,
            detail={"repr": str(obj)[:200]},
        )

    def save_model(self, request: HttpRequest, obj: M, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        self._record(
            request, "admin_change" if change else "admin_add", obj, list(form.changed_data)
        )

    def delete_model(self, request: HttpRequest, obj: M) -> None:
        self._record(request, "admin_delete", obj, [])
        super().delete_model(request, obj)

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        """Inline rows (e.g. a centre's memberships) are audited one by one too."""
        super().save_formset(request, form, formset, change)
        for obj in formset.new_objects:
            self._record(request, "admin_add", obj, [])
        for obj, fields in formset.changed_objects:
            self._record(request, "admin_change", obj, list(fields))
        for obj in formset.deleted_objects:
            self._record(request, "admin_delete", obj, [])
