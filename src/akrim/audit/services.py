"""Writing to the audit log. Every service that reads or writes personal data calls
``record`` inside its own transaction, so the entry and the change commit together —
and if the entry cannot be written, nothing is served (fail closed)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone

from akrim.audit.models import AuditEntry, AuditHead
from akrim.core.actor import Actor


def record(
    *,
    actor: Actor,
    action: str,
    object_type: str = "",
    object_id: str = "",
    object_owner: str = "",
    fields: Iterable[str] = (),
    detail: Mapping[str, Any] | None = None,
) -> AuditEntry:
    """Append one entry to the chain. Callable by any service; raises on failure."""
    with transaction.atomic():
        head, _ = AuditHead.objects.select_for_update().get_or_create(id=1)
        entry = AuditEntry(
            seq=head.seq + 1,
            at=timezone.now(),
            user_id=actor.user_id,
            username=actor.username,
            agency=actor.agency or "",
            purpose=str(actor.purpose),
            action=action,
            object_type=object_type,
            object_id=str(object_id),
            object_owner=object_owner,
            fields=sorted(fields),
            detail=dict(detail or {}),
            request_id=actor.request_id,
            prev_hash=head.hash,
        )
        # Normalise the timestamp to what the database will give back (microseconds, UTC).
        entry.at = entry.at.astimezone(dt.UTC)
        entry.hash = entry.compute_hash()
        entry.save(force_insert=True)
        head.seq, head.hash = entry.seq, entry.hash
        head.save(update_fields=["seq", "hash"])
    return entry
