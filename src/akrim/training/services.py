"""Writes: sessions, enrolment, attendance and completion, staffing rules. Each audited."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Q

from akrim.audit.services import record
from akrim.core.actor import Actor
from akrim.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from akrim.organisation.models import Centre
from akrim.training.models import Course, Enrolment, Session, StaffingRule, add_months
from akrim.training.policies import is_centre_coordinator, may_record

MAX_CAPACITY = 500


def create_session(
    *,
    actor: Actor,
    course: str,
    centre: str,
    held_on: dt.date,
    capacity: int,
    place: str = "",
    online: bool = False,
    trainers: Sequence[str] = (),
) -> Session:
    if not is_centre_coordinator(actor, centre):
        raise Forbidden("Only the centre's coordinators may plan training sessions.")
    course_row = Course.objects.filter(code=course).first()
    centre_row = Centre.objects.filter(code=centre).first()
    if course_row is None or centre_row is None:
        raise InvalidInput("Unknown course or centre.")
    if not 0 < capacity <= MAX_CAPACITY:
        raise InvalidInput("Capacity must be between 1 and %(max)s.", max=MAX_CAPACITY)
    if len(place) > 200:
        raise InvalidInput("The place is too long.")
    if not place.strip() and not online:
        raise InvalidInput("Give a place or mark the session as online.")
    trainer_users = list(User.objects.filter(username__in=trainers, staff__isnull=False))
    if len(trainer_users) != len(set(trainers)):
        raise InvalidInput("Unknown trainer.")
    with transaction.atomic():
        session = Session.objects.create(
            course=course_row,
            centre=centre_row,
            held_on=held_on,
            capacity=capacity,
            place=place.strip(),
            online=online,
        )
        session.trainers.set(trainer_users)
        record(
            actor=actor,
            action="training.session_created",
            object_type="training.session",
            object_id=str(session.pk),
            fields=["course", "centre", "held_on", "capacity", "place", "online", "trainers"],
            detail={"course": course, "centre": centre, "trainers": sorted(trainers)},
        )
    return session


def enrol(*, actor: Actor, session_id: int) -> Enrolment:
    """Enrol the actor in a session of one of their centres, within its capacity."""
    if actor.user_id is None:
        raise Forbidden("Only staff may enrol.")
    with transaction.atomic():
        session = (
            Session.objects.select_for_update()
            .select_related("centre")
            .filter(pk=session_id, centre__code__in=actor.centres)
            .first()
        )
        if session is None:
            raise NotFound("No such training session.")
        if session.enrolments.filter(user_id=actor.user_id).exists():
            raise Conflict("You are already enrolled in this session.")
        if session.enrolments.count() >= session.capacity:
            raise Conflict("The session is full.")
        enrolment = Enrolment.objects.create(session=session, user_id=actor.user_id)
        record(
            actor=actor,
            action="training.enrolled",
            object_type="training.enrolment",
            object_id=str(enrolment.pk),
            fields=["session", "user"],
            detail={"session": session.pk},
        )
    return enrolment


def record_result(
    *,
    actor: Actor,
    enrolment_id: int,
    attended: bool,
    completed_on: dt.date | None,
    session_id: int | None = None,
) -> Enrolment:
    """Record attendance and (optionally) completion; completion sets the validity.
    ``session_id``, when given (the page's URL), must be the enrolment's session."""
    with transaction.atomic():
        enrolment = (
            Enrolment.objects.select_for_update()
            .select_related("session__course", "session__centre")
            .filter(pk=enrolment_id)
            .filter(Q() if session_id is None else Q(session_id=session_id))
            .first()
        )
        if enrolment is None or not may_record(actor, enrolment.session):
            raise NotFound("No such enrolment.")
        if completed_on is not None:
            if not attended:
                raise InvalidInput("Only someone who attended can complete the course.")
            if completed_on < enrolment.session.held_on:
                raise InvalidInput("The completion date is before the session.")
        enrolment.attended = attended
        enrolment.completed_on = completed_on
        enrolment.valid_until = (
            add_months(completed_on, enrolment.session.course.validity_months)
            if completed_on
            else None
        )
        enrolment.save(update_fields=["attended", "completed_on", "valid_until"])
        record(
            actor=actor,
            action="training.result_recorded",
            object_type="training.enrolment",
            object_id=str(enrolment.pk),
            fields=["attended", "completed_on", "valid_until"],
            detail={
                "attended": attended,
                "completed_on": completed_on.isoformat() if completed_on else None,
            },
        )
    return enrolment


def add_staffing_rule(*, actor: Actor, centre: str, course: str, name: str) -> StaffingRule:
    if not is_centre_coordinator(actor, centre):
        raise Forbidden("Only the centre's coordinators may set staffing rules.")
    name = name.strip()
    if not name or len(name) > 200:
        raise InvalidInput("The rule needs a name of at most 200 characters.")
    course_row = Course.objects.filter(code=course).first()
    centre_row = Centre.objects.filter(code=centre).first()
    if course_row is None or centre_row is None:
        raise InvalidInput("Unknown course or centre.")
    with transaction.atomic():
        if StaffingRule.objects.filter(centre=centre_row, course=course_row).exists():
            raise Conflict("The centre already has a rule for this course.")
        rule = StaffingRule.objects.create(centre=centre_row, course=course_row, name=name)
        record(
            actor=actor,
            action="training.staffing_rule_added",
            object_type="training.staffing_rule",
            object_id=str(rule.pk),
            fields=["centre", "course", "name"],
            detail={"centre": centre, "course": course},
        )
    return rule
