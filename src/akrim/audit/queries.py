"""Reads of the audit log, for each agency's data-protection auditor."""

from __future__ import annotations

from django.db import transaction
from django.db.models import QuerySet

from akrim.audit import services as audit
from akrim.audit.models import AuditEntry
from akrim.core.actor import Actor, Role
from akrim.core.errors import Forbidden

PAGE_SIZE = 100


def list_entries(*, actor: Actor, username: str = "", object_id: str = "") -> list[AuditEntry]:
    """The newest entries about records the auditor's agency owns (filtered). Audited.

    Only data-protection auditors may call this; raises Forbidden for everyone else.
    """
    if not actor.has_role(Role.DP_AUDITOR) or not actor.agency:
        raise Forbidden()
    entries: QuerySet[AuditEntry] = AuditEntry.objects.filter(object_owner=actor.agency)
    if username:
        entries = entries.filter(username=username[:150])
    if object_id:
        entries = entries.filter(object_id=object_id[:120])
    with transaction.atomic():
        rows = list(entries.order_by("-seq")[:PAGE_SIZE])
        audit.record(
            actor=actor,
            action="read_audit_log",
            object_type="audit_log",
            detail={
                "username": username[:150],
                "object_id": object_id[:120],
                "entries_shown": len(rows),
            },
        )
    return rows
