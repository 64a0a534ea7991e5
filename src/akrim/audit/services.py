"""Writing to the audit log. Every service that reads or writes personal data calls
``record`` inside its own transaction, so the entry and the change commit together —
and if the entry cannot be written, nothing is served (fail closed).

Also the data-protection auditor's weekly log check: drawing its sample and signing it off.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone

from akrim.audit.models import AuditEntry, AuditHead, AuditSubject, LogCheck
from akrim.audit.policies import about_agency, auditor_agency
from akrim.core.actor import Actor
from akrim.core.errors import Conflict, InvalidInput, NotFound
from akrim.organisation.models import Agency

SUBJECTS = "subjects"  # the key of ``detail`` that carries an entry's persons
NOTE_MAX = 2000


def record(
    *,
    actor: Actor,
    action: str,
    object_type: str = "",
    object_id: str = "",
    object_owner: str = "",
    fields: Iterable[str] = (),
    detail: Mapping[str, Any] | None = None,
    persons: Iterable[tuple[str, str]] = (),
) -> AuditEntry:
    """Append one entry to the chain. Callable by any service; raises on failure.

    ``persons``: (person id, owning agency code) of every person whose data the action
    showed. They are indexed as ``AuditSubject`` rows for per-person extracts and written,
    sorted, into ``detail["subjects"]``, so the entry's hash covers them. Entries without
    persons hash exactly as before subjects existed.
    """
    subjects = sorted({(str(person_id), str(owner)) for person_id, owner in persons})
    payload_detail = dict(detail or {})
    if subjects:
        if SUBJECTS in payload_detail:
            raise ValueError(f"detail[{SUBJECTS!r}] is written by record() from persons=")
        payload_detail[SUBJECTS] = [list(subject) for subject in subjects]
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
            detail=payload_detail,
            request_id=actor.request_id,
            prev_hash=head.hash,
        )
        # Normalise the timestamp to what the database will give back (microseconds, UTC).
        entry.at = entry.at.astimezone(dt.UTC)
        entry.hash = entry.compute_hash()
        entry.save(force_insert=True)
        AuditSubject.objects.bulk_create(
            AuditSubject(entry=entry, person_id=person_id, owner=owner)
            for person_id, owner in subjects
        )
        head.seq, head.hash = entry.seq, entry.hash
        head.save(update_fields=["seq", "hash"])
    return entry


def week_start(day: dt.date) -> dt.date:
    """The Monday of the week ``day`` falls in."""
    return day - dt.timedelta(days=day.weekday())


def sample_week(*, agency: str, week: dt.date) -> list[int]:
    """The sequence numbers of at most 20 entries about ``agency``'s records from the week
    starting on the Monday ``week``, in order.

    Deterministic: each entry is ranked by SHA-256 of (agency, week, seq) and the lowest
    ranks are taken, so anyone with the log can draw the same sample again, and an entry's
    chance does not depend on the others. Reads only; the caller checks permission.
    """
    start = timezone.make_aware(dt.datetime.combine(week, dt.time.min))
    end = timezone.make_aware(dt.datetime.combine(week + dt.timedelta(days=7), dt.time.min))
    seqs = AuditEntry.objects.filter(about_agency(agency), at__gte=start, at__lt=end).values_list(
        "seq", flat=True
    )

    def rank(seq: int) -> str:
        return hashlib.sha256(f"akrim-log-check/1|{agency}|{week}|{seq}".encode()).hexdigest()

    return sorted(sorted(seqs, key=rank)[: LogCheck.SAMPLE_SIZE])


def create_log_check(*, actor: Actor, week: dt.date) -> LogCheck:
    """The log check of the week ``week`` falls in, for the actor's agency, with its sample.

    Only a data-protection auditor, for their own agency (else Forbidden); the week must be
    over (else InvalidInput), so its entries, and with them the sample, are final. Returns
    the existing check when the week already has one (creating twice is harmless).
    """
    agency = auditor_agency(actor)
    monday = week_start(week)
    if monday + dt.timedelta(days=7) > timezone.localdate():
        raise InvalidInput("Only a week that is over can be checked.")
    with transaction.atomic():
        existing = LogCheck.objects.filter(agency__code=agency, week=monday).first()
        if existing is not None:
            return existing
        check = LogCheck.objects.create(
            agency=Agency.objects.get(code=agency),
            week=monday,
            sampled_seqs=sample_week(agency=agency, week=monday),
            created_at=timezone.now(),
        )
        record(
            actor=actor,
            action="create_log_check",
            object_type="log_check",
            object_id=str(check.pk),
            object_owner=agency,
            detail={"week": monday.isoformat(), "sampled_seqs": check.sampled_seqs},
        )
    return check


def sign_log_check(*, actor: Actor, check_id: int, outcome: str, note: str) -> LogCheck:
    """Sign off one log check of the actor's agency with ``outcome`` (ok or findings).

    Only that agency's data-protection auditor: Forbidden for non-auditors, NotFound for
    another agency's check, Conflict when already signed (a signed check never changes),
    InvalidInput for an unknown outcome or findings without a note.
    """
    agency = auditor_agency(actor)
    if outcome not in LogCheck.Outcome.values:
        raise InvalidInput("Choose no findings or findings.")
    note = note.strip()[:NOTE_MAX]
    if outcome == LogCheck.Outcome.FINDINGS and not note:
        raise InvalidInput("Describe the findings in the note.")
    with transaction.atomic():
        check = (
            LogCheck.objects.select_for_update().filter(pk=check_id, agency__code=agency).first()
        )
        if check is None:
            raise NotFound()
        if check.is_signed:
            raise Conflict("This log check has already been signed off.")
        check.outcome = LogCheck.Outcome(outcome)
        check.note = note
        check.signed_by_id = actor.user_id
        check.signed_at = timezone.now()
        check.save(update_fields=["outcome", "note", "signed_by", "signed_at"])
        record(
            actor=actor,
            action="sign_log_check",
            object_type="log_check",
            object_id=str(check.pk),
            object_owner=agency,
            detail={"week": check.week.isoformat(), "outcome": check.outcome, "note": note},
        )
    return check
