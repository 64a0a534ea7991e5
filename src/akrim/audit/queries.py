"""Reads of the audit log, for each agency's data-protection auditor.

Only data-protection auditors call these (Forbidden for everyone else), and each sees only
entries about records their own agency owns (``policies.about_agency``). Every read that
shows entries, or figures drawn from them, is itself audited (``read_audit_log``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone

from akrim.audit import services as audit
from akrim.audit.models import AuditEntry, AuditSubject, LogCheck
from akrim.audit.policies import about_agency, auditor_agency
from akrim.core.actor import Actor, Purpose, purpose_label
from akrim.core.errors import InvalidInput, NotFound
from akrim.core.text import looks_like_key

PAGE_SIZE = 100
READ_ACTION = "read_audit_log"
EXPORT_ACTION = "export_audit_log"
BREAK_THE_GLASS = "break_the_glass"  # the action that opens an emergency access
ALERT_DAYS = 30  # alerts look this far back
ALERT_PERSONS_PER_DAY = 50  # default of settings.AKRIM_ALERT_PERSONS_PER_DAY
ALERT_LIMIT = 200


@dataclass(frozen=True)
class EntryFilters:
    """Filters of the audit log page; empty strings and False mean "any"."""

    username: str = ""
    object_id: str = ""  # a record's key: org. number, person id, workplace id, …
    purpose: str = ""
    action: str = ""
    break_glass_only: bool = False  # emergency accesses and the reads made under them


def _clean(value: str, *, max_length: int) -> str:
    value = value.strip()
    if value and not looks_like_key(value, max_length=max_length):
        raise InvalidInput("A filter is too long or contains characters that are not allowed.")
    return value


def _clean_filters(filters: EntryFilters) -> EntryFilters:
    if filters.purpose and filters.purpose not in Purpose.__members__.values():
        raise InvalidInput("Unknown purpose.")
    return EntryFilters(
        username=_clean(filters.username, max_length=150),
        object_id=_clean(filters.object_id, max_length=120),
        purpose=filters.purpose,
        action=_clean(filters.action, max_length=40),
        break_glass_only=filters.break_glass_only,
    )


def break_glass_q() -> Q:
    """Entries that open an emergency access or read under one (``detail.break_glass`` set)."""
    flagged = Q(detail__has_key="break_glass") & ~Q(detail__break_glass=None)
    return Q(action=BREAK_THE_GLASS) | flagged


def list_entries(*, actor: Actor, filters: EntryFilters | None = None) -> list[AuditEntry]:
    """The newest 100 entries about records the auditor's agency owns, filtered. Audited.

    Raises Forbidden for everyone but data-protection auditors, InvalidInput for a filter
    that is too long, holds control characters or names an unknown purpose.
    """
    agency = auditor_agency(actor)
    filters = _clean_filters(filters or EntryFilters())
    entries: QuerySet[AuditEntry] = AuditEntry.objects.filter(about_agency(agency))
    if filters.username:
        entries = entries.filter(username=filters.username)
    if filters.object_id:
        entries = entries.filter(object_id=filters.object_id)
    if filters.purpose:
        entries = entries.filter(purpose=filters.purpose)
    if filters.action:
        entries = entries.filter(action=filters.action)
    if filters.break_glass_only:
        entries = entries.filter(break_glass_q())
    with transaction.atomic():
        rows = list(entries.order_by("-seq")[:PAGE_SIZE])
        audit.record(
            actor=actor,
            action=READ_ACTION,
            object_type="audit_log",
            detail={**asdict(filters), "entries_shown": len(rows)},
        )
    return rows


@dataclass(frozen=True)
class PersonAccess:
    """One access to a person's data, as the per-person extract shows it."""

    seq: int
    at: dt.datetime
    username: str
    agency: str
    purpose: str
    legal_basis: str  # as recorded by the read; "" when the entry records none (searches)
    action: str
    object_type: str
    object_id: str
    break_glass: bool

    @property
    def purpose_label(self) -> str:
        return purpose_label(self.purpose)

    @classmethod
    def of(cls, entry: AuditEntry) -> PersonAccess:
        detail = entry.detail if isinstance(entry.detail, dict) else {}
        return cls(
            seq=entry.seq,
            at=entry.at,
            username=entry.username,
            agency=entry.agency,
            purpose=entry.purpose,
            legal_basis=str(detail.get("legal_basis") or ""),
            action=entry.action,
            object_type=entry.object_type,
            object_id=entry.object_id,
            break_glass=entry.action == BREAK_THE_GLASS or detail.get("break_glass") is not None,
        )


def _names(entry: AuditEntry, person_id: str, agency: str) -> bool:
    """Whether the entry's hashed content names the person of ``agency``: as its object,
    or among the subjects ``record`` wrote into its detail."""
    if (entry.object_type, entry.object_id, entry.object_owner) == ("person", person_id, agency):
        return True
    detail = entry.detail if isinstance(entry.detail, dict) else {}
    return [person_id, agency] in detail.get(audit.SUBJECTS, [])


def _person_accesses(actor: Actor, person_id: str, action: str) -> list[PersonAccess]:
    agency = auditor_agency(actor)
    person_id = person_id.strip()
    if not looks_like_key(person_id, max_length=21):
        raise NotFound()
    indexed = AuditSubject.objects.filter(owner=agency, person_id=person_id).values("entry_id")
    # Entries written before the subject index existed are found by their object only.
    as_object = Q(object_type="person", object_id=person_id, object_owner=agency)
    with transaction.atomic():
        entries = AuditEntry.objects.filter(Q(pk__in=indexed) | as_object).order_by("-seq")
        rows = [PersonAccess.of(e) for e in entries if _names(e, person_id, agency)]
        audit.record(
            actor=actor,
            action=action,
            object_type="audit_person_extract",
            object_id=person_id,
            object_owner=agency,
            detail={"entries_shown": len(rows)},
        )
    return rows


def list_person_accesses(*, actor: Actor, person_id: str) -> list[PersonAccess]:
    """Every access to the data of the auditor's agency's person ``person_id``, newest
    first: reads of the person, of companies whose roles showed them, searches that showed
    them, emergency accesses to them. Audited.

    Raises Forbidden for everyone but data-protection auditors, NotFound for a malformed id.
    Another agency's records of the same person are never included.
    """
    return _person_accesses(actor, person_id, READ_ACTION)


def export_person_accesses(*, actor: Actor, person_id: str) -> list[PersonAccess]:
    """As ``list_person_accesses``, audited as an export (the CSV download)."""
    return _person_accesses(actor, person_id, EXPORT_ACTION)


@dataclass(frozen=True)
class Alert:
    """An unusual pattern: many persons looked up by one user in one day, or an emergency
    access (``entry`` set)."""

    day: dt.date
    username: str
    agency: str
    persons: int = 0
    entry: AuditEntry | None = None

    @property
    def is_break_glass(self) -> bool:
        return self.entry is not None


def alert_threshold() -> int:
    """Distinct persons per user and day above which an alert fires."""
    return int(getattr(settings, "AKRIM_ALERT_PERSONS_PER_DAY", ALERT_PERSONS_PER_DAY))


def _many_persons(agency: str, since: dt.datetime, threshold: int) -> list[Alert]:
    days = (
        AuditSubject.objects.filter(owner=agency, entry__at__gte=since)
        .annotate(day=TruncDate("entry__at"))
        .values("entry__user_id", "entry__username", "entry__agency", "day")
        .annotate(persons=Count("person_id", distinct=True))
        .filter(persons__gt=threshold)
        .order_by("-day", "-persons", "entry__username")[:ALERT_LIMIT]
    )
    return [
        Alert(row["day"], row["entry__username"], row["entry__agency"], persons=row["persons"])
        for row in days
    ]


def _break_glass(agency: str, since: dt.datetime) -> list[Alert]:
    entries = AuditEntry.objects.filter(about_agency(agency), break_glass_q(), at__gte=since)
    return [
        Alert(timezone.localdate(e.at), e.username, e.agency, entry=e)
        for e in entries.order_by("-seq")[:ALERT_LIMIT]
    ]


def list_alerts(*, actor: Actor) -> list[Alert]:
    """Unusual accesses to the auditor's agency's records in the last 30 days, newest day
    first: each user (of any agency) who was shown more than ``AKRIM_ALERT_PERSONS_PER_DAY``
    (default 50) distinct persons of the agency in one day, and every emergency access and
    read under one. Audited.

    Raises Forbidden for everyone but data-protection auditors.
    """
    agency = auditor_agency(actor)
    threshold = alert_threshold()
    since = timezone.now() - dt.timedelta(days=ALERT_DAYS)
    with transaction.atomic():
        alerts = _many_persons(agency, since, threshold) + _break_glass(agency, since)
        alerts.sort(key=lambda alert: alert.day, reverse=True)
        audit.record(
            actor=actor,
            action=READ_ACTION,
            object_type="audit_alerts",
            detail={"threshold": threshold, "alerts_shown": len(alerts)},
        )
    return alerts


def list_log_checks(*, actor: Actor) -> QuerySet[LogCheck]:
    """The auditor's agency's log checks, newest week first. Shows no entries.

    Raises Forbidden for everyone but data-protection auditors.
    """
    agency = auditor_agency(actor)
    return (
        LogCheck.objects.filter(agency__code=agency).select_related("signed_by").order_by("-week")
    )


@dataclass(frozen=True)
class LogCheckDetail:
    check: LogCheck
    entries: list[AuditEntry]  # the sampled entries, in order


def get_log_check(*, actor: Actor, check_id: int) -> LogCheckDetail:
    """One log check of the auditor's agency with its sampled entries. Audited.

    Raises Forbidden for everyone but data-protection auditors, NotFound for another
    agency's check or one that does not exist.
    """
    agency = auditor_agency(actor)
    check = (
        LogCheck.objects.filter(pk=check_id, agency__code=agency)
        .select_related("signed_by")
        .first()
    )
    if check is None:
        raise NotFound()
    with transaction.atomic():
        entries = list(AuditEntry.objects.filter(seq__in=check.sampled_seqs).order_by("seq"))
        audit.record(
            actor=actor,
            action=READ_ACTION,
            object_type="log_check",
            object_id=str(check.pk),
            object_owner=agency,
            detail={"entries_shown": len(entries)},
        )
    return LogCheckDetail(check, entries)
