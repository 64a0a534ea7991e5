"""Reads: courses and sessions, coverage, expiring certificates, staffing warnings."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import User
from django.db.models import Q, QuerySet
from django.utils import timezone

from akrim.audit.services import record
from akrim.core.actor import Actor, Role, role_label
from akrim.core.errors import NotFound
from akrim.organisation.models import Centre, Staff
from akrim.training.models import Course, Enrolment, Session, StaffingRule
from akrim.training.policies import is_centre_coordinator, may_record

EXPIRY_WINDOW_DAYS = 60


def _own(actor: Actor) -> list[int]:
    """The actor's own user id, as a list (empty for the system)."""
    return [actor.user_id] if actor.user_id is not None else []


def today() -> dt.date:
    return timezone.localdate()


def valid_completions(day: dt.date) -> QuerySet[Enrolment]:
    return Enrolment.objects.filter(completed_on__lte=day, valid_until__gt=day)


def courses() -> QuerySet[Course]:
    return Course.objects.prefetch_related("agencies")


def sessions(*, actor: Actor) -> QuerySet[Session]:
    """Sessions of the actor's centres (all for administrators)."""
    qs = Session.objects.select_related("course", "centre")
    if actor.has_role(Role.ADMIN):
        return qs
    return qs.filter(centre__code__in=actor.centres)


@dataclass(frozen=True)
class SessionPage:
    session: Session
    enrolments: list[Enrolment]
    may_record: bool
    enrolled: bool
    free_places: int


def session_page(*, actor: Actor, id: int) -> SessionPage:
    session = sessions(actor=actor).filter(pk=id).first()
    if session is None:
        raise NotFound("No such training session.")
    recorder = may_record(actor, session)
    all_enrolments = list(session.enrolments.select_related("user"))
    shown = (
        all_enrolments if recorder else [e for e in all_enrolments if e.user_id == actor.user_id]
    )
    _audit_names(actor, "training.session_read", f"session {session.pk}", shown)
    return SessionPage(
        session=session,
        enrolments=shown,
        may_record=recorder,
        enrolled=any(e.user_id == actor.user_id for e in all_enrolments),
        free_places=max(session.capacity - len(all_enrolments), 0),
    )


@dataclass(frozen=True)
class CoverageRow:
    agency: str
    role: str
    course: Course
    holders: int
    staff: int

    @property
    def percent(self) -> int:
        return round(100 * self.holders / self.staff) if self.staff else 0

    @property
    def role_label(self) -> str:
        return role_label(self.role)


@dataclass(frozen=True)
class Coverage:
    centre: str
    day: dt.date
    rows: list[CoverageRow]
    expiring: list[Enrolment]  # named: only for the centre's coordinators, else own only
    centre_name: str = ""


def coverage_centres(*, actor: Actor) -> list[Centre]:
    """The centres whose coverage the actor may read, by name: their own; every centre for
    national readers and administrators."""
    centres = Centre.objects.order_by("name")
    if not actor.has_role(Role.ADMIN, Role.NATIONAL_READER):
        centres = centres.filter(code__in=actor.centres)
    return list(centres)


def coverage(*, actor: Actor, centre: str, day: dt.date | None = None) -> Coverage:
    """Per agency and role, how many of the centre's staff hold a valid completion of each
    course required for the role. Aggregates for the centre's staff; names for coordinators."""
    centre_row = next((c for c in coverage_centres(actor=actor) if c.code == centre), None)
    if centre_row is None:
        raise NotFound("No such centre.")
    day = day or today()
    staff = list(
        Staff.objects.filter(centres__code=centre, user__is_active=True).select_related("agency")
    )
    valid = valid_completions(day)
    holders: dict[int, set[int]] = {}
    for course_id, user_id in valid.values_list("session__course_id", "user_id"):
        holders.setdefault(course_id, set()).add(user_id)
    rows = []
    for course in courses():
        for role in course.target_roles:
            by_agency: dict[str, list[int]] = {}
            for member in staff:
                if role in member.roles:
                    by_agency.setdefault(member.agency.code, []).append(member.user_id)
            for agency, users in sorted(by_agency.items()):
                held = len(set(users) & holders.get(course.pk, set()))
                rows.append(CoverageRow(agency, role, course, held, len(users)))
    expiring = (
        valid.filter(valid_until__lte=day + dt.timedelta(days=EXPIRY_WINDOW_DAYS))
        .filter(user__staff__centres__code=centre)
        .select_related("user", "session__course")
        .order_by("valid_until", "user__username")
        .distinct()
    )
    if not is_centre_coordinator(actor, centre):
        expiring = expiring.filter(user_id__in=_own(actor))
    listed = list(expiring)
    _audit_names(actor, "training.coverage_read", f"centre {centre}", listed)
    return Coverage(centre=centre, day=day, rows=rows, expiring=listed, centre_name=centre_row.name)


def _audit_names(actor: Actor, action: str, where: str, shown: list[Enrolment]) -> None:
    """A page that names other members of staff with their training is in the audit log
    (one's own record is not)."""
    others = sorted({e.user.username for e in shown if e.user_id != actor.user_id})
    if others:
        record(
            actor=actor,
            action=action,
            object_type="training.enrolment",
            object_id=where,
            fields=["name", "course", "attended", "completed_on", "valid_until"],
            detail={"users": others},
        )


def my_training(*, actor: Actor) -> list[Enrolment]:
    return list(
        Enrolment.objects.filter(user_id__in=_own(actor))
        .select_related("session__course", "session__centre")
        .order_by("-session__held_on")
    )


def certificate(*, actor: Actor, id: int) -> Enrolment:
    """A completion, for the person themself and the coordinators of their centre."""
    enrolment = (
        Enrolment.objects.filter(pk=id, completed_on__isnull=False)
        .select_related("user", "user__staff__agency", "session__course", "session__centre")
        .first()
    )
    if enrolment is None:
        raise NotFound("No such certificate.")
    if enrolment.user_id != actor.user_id:
        centres = Staff.objects.filter(user_id=enrolment.user_id).values_list(
            "centres__code", flat=True
        )
        if not any(is_centre_coordinator(actor, c) for c in centres if c):
            raise NotFound("No such certificate.")
    # A certificate names a member of staff: who read it is in the audit log.
    record(
        actor=actor,
        action="training.certificate_read",
        object_type="training.enrolment",
        object_id=str(enrolment.pk),
        fields=["name", "course", "completed_on", "valid_until"],
        detail={"user": enrolment.user.username},
    )
    return enrolment


def staffing_rules(*, centre: str) -> QuerySet[StaffingRule]:
    return StaffingRule.objects.filter(centre__code=centre).select_related("course")


@dataclass(frozen=True)
class Warning:
    rule: str
    course: str
    who_meets: list[str]  # names of the centre's staff who hold a valid completion
    named: bool = True  # False: who would meet it is not shown to this reader


def staffing_warnings(control: Any, *, names: bool = True) -> list[Warning]:
    """The centre's staffing rules the control's team breaks, each with who would meet it.

    A rule is met when someone on the team holds a valid completion on the control's day.
    ``names`` False leaves out who would meet it (for readers who cannot change the team).
    """
    day = timezone.localtime(control.starts_at).date()
    team = set(control.team.values_list("user_id", flat=True))
    warnings = []
    for rule in StaffingRule.objects.filter(centre_id=control.centre_id).select_related("course"):
        holders = set(
            valid_completions(day)
            .filter(session__course=rule.course)
            .values_list("user_id", flat=True)
        )
        if team & holders:
            continue
        course = rule.course.title
        if not names:
            warnings.append(Warning(rule=rule.name, course=course, who_meets=[], named=False))
            continue
        people = User.objects.filter(
            Q(pk__in=holders),
            staff__centres=control.centre_id,
            is_active=True,
        ).order_by("username")
        warnings.append(
            Warning(
                rule=rule.name,
                course=course,
                who_meets=[u.get_full_name() or u.username for u in people.distinct()],
            )
        )
    return warnings
