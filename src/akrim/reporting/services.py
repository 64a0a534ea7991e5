"""Writes of reports: create a report, save a section's narrative (a new version, which
clears the sign-offs), sign off for one's agency. Each: authorize → validate → write in one
transaction → audit entry.

Who: the national steering group writes (national readers and administrators); each
participating agency's coordinator signs off for the agency. Coordinators do not write the
narrative (they can ask the steering group to change it before they sign).
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Max, Q
from django.utils.translation import gettext as _

from akrim.audit.services import record
from akrim.core.actor import Actor, Role
from akrim.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from akrim.organisation.models import Agency, Membership
from akrim.reporting.figures import check_may_read, parse_period
from akrim.reporting.models import NarrativeVersion, Report, ReportKind, SignOff
from akrim.reporting.sections import BY_SLUG

MAX_TEXT = 20_000
WRITERS = (Role.NATIONAL_READER, Role.ADMIN)


def check_may_write(*, actor: Actor) -> None:
    if not actor.has_role(*WRITERS):
        raise Forbidden(_("Only the national steering group writes the reports."))


def check_period(kind: str, period: str) -> tuple[dt.date, dt.date]:
    """An interim report covers a half year (2022H1), an annual report a year (2025)."""
    if kind not in ReportKind.values:
        raise InvalidInput(_("The kind of report is interim or annual."))
    start, end = parse_period(period)
    half = "H" in period.upper()
    if kind == ReportKind.INTERIM and not half:
        raise InvalidInput(_("An interim report covers a half year, e.g. 2022H1."))
    if kind == ReportKind.ANNUAL and half:
        raise InvalidInput(_("An annual report covers a year, e.g. 2025."))
    return start, end


def participants(report: Report) -> list[str]:
    """The agencies that were members of a centre at some time in the report's period."""
    start, end = parse_period(report.period)
    return sorted(
        set(
            Membership.objects.filter(joined_on__lt=end)
            .filter(Q(left_on__isnull=True) | Q(left_on__gt=start))
            .values_list("agency__code", flat=True)
        )
    )


def get_report(*, actor: Actor, report_id: int) -> Report:
    check_may_read(actor=actor)
    report = Report.objects.filter(pk=report_id).first()
    if report is None:
        raise NotFound(_("No such report."))
    return report


def create_report(*, actor: Actor, kind: str, period: str, cutoff: dt.date) -> Report:
    check_may_write(actor=actor)
    kind = (kind or "").strip().lower()
    period = (period or "").strip().upper()
    start, _end = check_period(kind, period)
    if cutoff < start:
        raise InvalidInput(_("The cut-off date must not be before the period starts."))
    with transaction.atomic():
        if Report.objects.filter(kind=kind, period=period).exists():
            raise Conflict(_("That report already exists."))
        report = Report.objects.create(
            kind=kind, period=period, cutoff=cutoff, created_by_id=actor.user_id
        )
        record(
            actor=actor,
            action="report.create",
            object_type="report",
            object_id=str(report.pk),
            fields=["kind", "period", "cutoff"],
            detail={"kind": kind, "period": period, "cutoff": cutoff.isoformat()},
        )
    return report


def save_narrative(*, actor: Actor, report_id: int, section: str, text: str) -> NarrativeVersion:
    """A new version of a section's narrative; every sign-off of the report is cleared."""
    check_may_write(actor=actor)
    if section not in BY_SLUG:
        raise InvalidInput(_("Unknown section."))
    value = (text or "").replace("\r\n", "\n").strip()
    if "\x00" in value:
        raise InvalidInput(_("The text holds a character that is not allowed."))
    if len(value) > MAX_TEXT:
        raise InvalidInput(_("The text may be at most %(n)s characters."), n=MAX_TEXT)
    with transaction.atomic():
        report = Report.objects.select_for_update().filter(pk=report_id).first()
        if report is None:
            raise NotFound(_("No such report."))
        last = report.narratives.filter(section=section).aggregate(n=Max("number"))["n"] or 0
        version = NarrativeVersion.objects.create(
            report=report,
            section=section,
            number=last + 1,
            text=value,
            author_id=actor.user_id,
            author_name=actor.username,
        )
        cleared = sorted(report.signoffs.values_list("agency__code", flat=True))
        report.signoffs.all().delete()
        record(
            actor=actor,
            action="report.narrative",
            object_type="report",
            object_id=str(report.pk),
            fields=["narrative"],
            detail={"section": section, "version": version.number, "cleared_signoffs": cleared},
        )
    return version


def sign_off(*, actor: Actor, report_id: int) -> SignOff:
    """The actor's agency signs the report: a coordinator of a participating agency."""
    check_may_read(actor=actor)
    if not actor.has_role(Role.COORDINATOR) or not actor.agency:
        raise Forbidden(_("Only an agency's coordinator signs off for the agency."))
    with transaction.atomic():
        report = Report.objects.select_for_update().filter(pk=report_id).first()
        if report is None:
            raise NotFound(_("No such report."))
        if actor.agency not in participants(report):
            raise Forbidden(_("Your agency does not take part in this report's period."))
        if report.signoffs.filter(agency__code=actor.agency).exists():
            raise Conflict(_("Your agency has already signed this report."))
        signed = SignOff.objects.create(
            report=report,
            agency=Agency.objects.get(code=actor.agency),
            user_id=actor.user_id,
            username=actor.username,
        )
        record(
            actor=actor,
            action="report.sign_off",
            object_type="report",
            object_id=str(report.pk),
            object_owner=actor.agency,
            detail={"agency": actor.agency},
        )
    return signed


def latest_narratives(report: Report) -> dict[str, NarrativeVersion]:
    """The newest version of each section's narrative."""
    out: dict[str, NarrativeVersion] = {}
    for version in report.narratives.order_by("section", "-number"):
        out.setdefault(version.section, version)
    return out
