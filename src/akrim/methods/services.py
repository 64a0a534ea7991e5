"""Writes: methods and their versions, status moves, lessons, adoption. Each audited.

Order inside every service: authorize → validate → write in one transaction → audit.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from akrim.audit.services import record
from akrim.campaigns.models import ExperienceEntry
from akrim.campaigns.policies import may_read as may_read_campaigns
from akrim.controls.models import Checklist
from akrim.controls.services.common import text
from akrim.core.actor import Actor
from akrim.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from akrim.methods import policies
from akrim.methods.models import (
    STATUS_MOVES,
    Adoption,
    AdoptionStatus,
    Lesson,
    LessonStatus,
    Method,
    MethodStatus,
    MethodVersion,
)
from akrim.organisation.models import Agency, Staff

MAX_TITLE = 200
MAX_SUMMARY = 500
MAX_BODY = 50_000
MAX_LESSON_TEXT = 5_000
MAX_EVIDENCE = 2_000
MAX_REASON = 500
MAX_LINKS = 30  # checklists, lessons or methods given at once
# Method addresses that are the handbook's own pages.
RESERVED_SLUGS = frozenset({"new", "lessons", "adoption", "adoption-csv"})


def _user_id(actor: Actor) -> int:
    if actor.user_id is None:
        raise Forbidden("Only members of staff write in the handbook.")
    return actor.user_id


def _ids(values: Sequence[int], what: str) -> list[int]:
    unique = sorted(set(values))
    if len(unique) > MAX_LINKS:
        raise InvalidInput("Choose at most %(max)s %(what)s.", max=MAX_LINKS, what=what)
    return unique


def _checklists(ids: Sequence[int]) -> list[Checklist]:
    wanted = _ids(ids, "checklists")
    rows = list(Checklist.objects.filter(pk__in=wanted))
    if len(rows) != len(wanted):
        raise InvalidInput("Unknown checklist.")
    return rows


def _owner(agency: str, username: str) -> tuple[Agency, User]:
    staff = (
        Staff.objects.select_related("user", "agency")
        .filter(user__username=username[:150], user__is_active=True)
        .first()
    )
    if staff is None:
        raise InvalidInput("No active member of staff is called %(name)s.", name=username[:150])
    if staff.agency.code != agency:
        raise InvalidInput(
            "%(name)s works for %(theirs)s, not for the owning agency %(agency)s.",
            name=staff.user.username,
            theirs=staff.agency.code,
            agency=agency[:8],
        )
    return staff.agency, staff.user


def _slug(title: str) -> str:
    base = slugify(title)[:70].strip("-") or "method"
    if base in RESERVED_SLUGS:
        base = f"{base}-method"
    slug, n = base, 2
    while Method.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def create_method(
    *,
    actor: Actor,
    title: str,
    body: str,
    summary: str = "",
    owner_agency: str = "",
    owner: str = "",
    checklists: Sequence[int] = (),
) -> Method:
    """A new method (status draft) with its first version. Coordinators and administrators.
    The owner (a member of staff of ``owner_agency``) defaults to the actor.
    Raises Forbidden, InvalidInput, Conflict (a method with the same title exists)."""
    if not policies.may_create(actor):
        raise Forbidden("Only coordinators may add methods to the handbook.")
    title = text(title, field="the title", max_length=MAX_TITLE, required=True)
    body = text(body, field="the text", max_length=MAX_BODY, required=True)
    summary = text(summary, field="the summary", max_length=MAX_SUMMARY) or "First version."
    agency_row, owner_user = _owner(
        (owner_agency or actor.agency or "").upper(), owner or actor.username
    )
    checklist_rows = _checklists(checklists)
    with transaction.atomic():
        if Method.objects.filter(title__iexact=title).exists():
            raise Conflict("The handbook already has a method called %(title)s.", title=title)
        method = Method.objects.create(
            title=title,
            slug=_slug(title),
            owner_agency=agency_row,
            owner=owner_user,
            status=MethodStatus.DRAFT,
            status_changed_at=timezone.now(),
        )
        version = MethodVersion.objects.create(
            method=method,
            number=1,
            summary=summary,
            body=body,
            status=method.status,
            author_id=_user_id(actor),
        )
        version.checklists.set(checklist_rows)
        record(
            actor=actor,
            action="methods.method_created",
            object_type="methods.method",
            object_id=str(method.pk),
            fields=["title", "owner", "body", "checklists"],
            detail={
                "title": title,
                "owner": owner_user.username,
                "owner_agency": agency_row.code,
                "checklists": [c.pk for c in checklist_rows],
            },
        )
    return method


def _locked_method(actor: Actor, method_id: int) -> Method:
    policies.check_may_read(actor)
    method = Method.objects.select_for_update().filter(pk=method_id).first()
    if method is None:
        raise NotFound("No such method.")
    return method


def _citable_lessons(actor: Actor, ids: Sequence[int]) -> list[Lesson]:
    wanted = _ids(ids, "lessons")
    rows = list(
        policies.visible_lessons(Lesson.objects.select_for_update(), actor=actor).filter(
            pk__in=wanted
        )
    )
    if len(rows) != len(wanted):
        raise InvalidInput("Unknown lesson.")
    if any(lesson.status == LessonStatus.DISMISSED for lesson in rows):
        raise InvalidInput("A dismissed lesson cannot be cited.")
    return rows


def _citable_experience(actor: Actor, ids: Sequence[int]) -> list[ExperienceEntry]:
    from akrim.campaigns.queries import search_experience

    wanted = _ids(ids, "experience")
    if not wanted:
        return []
    readable = search_experience(actor=actor) if may_read_campaigns(actor) else None
    rows = list(readable.filter(pk__in=wanted)) if readable is not None else []
    if len(rows) != len(wanted):
        raise InvalidInput("Unknown experience entry.")
    return rows


def revise_method(
    *,
    actor: Actor,
    method_id: int,
    base: int,
    body: str,
    summary: str,
    checklists: Sequence[int] = (),
    lessons: Sequence[int] = (),
    experience: Sequence[int] = (),
) -> MethodVersion:
    """Save the next version of a method. ``base`` is the version the reviser started
    from: if someone saved another version meanwhile, Conflict. Cited ``lessons`` (open or
    already used, visible to the actor) are marked used and linked to the method; cited
    ``experience`` entries of campaigns the actor sees are linked to the version.
    Coordinators and the method's owner. Raises NotFound, Forbidden, InvalidInput,
    Conflict."""
    body = text(body, field="the text", max_length=MAX_BODY, required=True)
    summary = text(summary, field="the summary", max_length=MAX_SUMMARY, required=True)
    checklist_rows = _checklists(checklists)
    with transaction.atomic():
        method = _locked_method(actor, method_id)
        policies.check_may_revise(actor, method)
        current = method.versions.order_by("-number").first()
        number = current.number if current else 0
        if base != number:
            raise Conflict(
                "Version %(number)s was saved while you were writing; start again from it.",
                number=number,
            )
        lesson_rows = _citable_lessons(actor, lessons)
        experience_rows = _citable_experience(actor, experience)
        if (
            current is not None
            and current.body == body
            and not lesson_rows
            and not experience_rows
            and set(current.checklists.values_list("pk", flat=True))
            == {c.pk for c in checklist_rows}
        ):
            raise InvalidInput("Nothing changed: the text and checklists are as before.")
        version = MethodVersion.objects.create(
            method=method,
            number=number + 1,
            summary=summary,
            body=body,
            status=method.status,
            author_id=_user_id(actor),
        )
        version.checklists.set(checklist_rows)
        version.from_lessons.set(lesson_rows)
        version.from_experience.set(experience_rows)
        for lesson in lesson_rows:
            lesson.methods.add(method)
        Lesson.objects.filter(pk__in=[lesson.pk for lesson in lesson_rows]).update(
            status=LessonStatus.USED
        )
        record(
            actor=actor,
            action="methods.method_revised",
            object_type="methods.method",
            object_id=str(method.pk),
            fields=["body", "summary", "checklists", "from_lessons", "from_experience"],
            detail={
                "version": version.number,
                "checklists": [c.pk for c in checklist_rows],
                "lessons": [lesson.pk for lesson in lesson_rows],
            },
        )
    return version


def move_method_status(*, actor: Actor, method_id: int, to: str) -> Method:
    """Draft → tested → established. Coordinators and the method's owner.
    Raises NotFound, Forbidden, InvalidInput (unknown status), Conflict (not the next)."""
    if to not in STATUS_MOVES:
        raise InvalidInput("A method can only be marked tested or established.")
    with transaction.atomic():
        method = _locked_method(actor, method_id)
        policies.check_may_revise(actor, method)
        if method.status != STATUS_MOVES[to]:
            raise Conflict(
                "The method is %(status)s; it can be marked %(to)s only when it is %(from)s.",
                status=method.status_label,
                to=MethodStatus(to).label,
                **{"from": MethodStatus(STATUS_MOVES[to]).label},
            )
        previous = method.status
        method.status = to
        method.status_changed_at = timezone.now()
        moment = "tested_at" if to == MethodStatus.TESTED else "established_at"
        setattr(method, moment, method.status_changed_at)
        method.save(update_fields=["status", "status_changed_at", moment])
        record(
            actor=actor,
            action="methods.status_moved",
            object_type="methods.method",
            object_id=str(method.pk),
            fields=["status"],
            detail={"from": previous, "to": to},
        )
    return method


def _methods(ids: Sequence[int]) -> list[Method]:
    wanted = _ids(ids, "methods")
    rows = list(Method.objects.filter(pk__in=wanted))
    if len(rows) != len(wanted):
        raise InvalidInput("Unknown method.")
    return rows


def record_lesson(
    *,
    actor: Actor,
    control_id: int,
    worked: str = "",
    did_not_work: str = "",
    methods: Sequence[int] = (),
) -> Lesson:
    """What worked and what did not in a control, linked to the methods it concerns.
    Anyone in the control's team and the centre's coordinators, once the control is
    carried out. Raises NotFound (control outside scope), Forbidden, Conflict (not yet
    carried out or cancelled), InvalidInput."""
    policies.check_may_read(actor)
    worked = text(worked, field="what worked", max_length=MAX_LESSON_TEXT)
    did_not_work = text(did_not_work, field="what did not work", max_length=MAX_LESSON_TEXT)
    if not worked and not did_not_work:
        raise InvalidInput("Write what worked, what did not work, or both.")
    method_rows = _methods(methods)
    with transaction.atomic():
        control = (
            policies.visible_controls(actor).select_related("centre").filter(pk=control_id).first()
        )
        if control is None:
            raise NotFound("No such control.")
        if not policies.may_record_lesson(actor, control):
            raise Forbidden("Only the control's team may record lessons from it.")
        if control.status not in policies.LESSON_STATUSES:
            raise Conflict(
                "Lessons can be recorded once the control has been carried out; "
                "control %(control)s is %(status)s.",
                control=control.pk,
                status=control.status_label,
            )
        lesson = Lesson.objects.create(
            control=control, author_id=_user_id(actor), worked=worked, did_not_work=did_not_work
        )
        lesson.methods.set(method_rows)
        record(
            actor=actor,
            action="methods.lesson_recorded",
            object_type="methods.lesson",
            object_id=str(lesson.pk),
            fields=["control", "worked", "did_not_work", "methods"],
            detail={"control": control.pk, "methods": [m.pk for m in method_rows]},
        )
    return lesson


def dismiss_lesson(*, actor: Actor, lesson_id: int, reason: str) -> Lesson:
    """An open lesson that will not lead to a revision, with the reason. Coordinators of
    the control's centre. Raises NotFound, Forbidden, InvalidInput, Conflict."""
    policies.check_may_read(actor)
    reason = text(reason, field="the reason", max_length=MAX_REASON, required=True)
    with transaction.atomic():
        lesson = (
            policies.visible_lessons(Lesson.objects.select_for_update(of=("self",)), actor=actor)
            .select_related("control__centre")
            .filter(pk=lesson_id)
            .first()
        )
        if lesson is None:
            raise NotFound("No such lesson.")
        if not policies.may_dismiss(actor, lesson):
            raise Forbidden("Only the coordinators of the control's centre may dismiss lessons.")
        if lesson.status != LessonStatus.OPEN:
            raise Conflict("Only an open lesson can be dismissed.")
        lesson.status = LessonStatus.DISMISSED
        lesson.dismissed_reason = reason
        lesson.save(update_fields=["status", "dismissed_reason"])
        record(
            actor=actor,
            action="methods.lesson_dismissed",
            object_type="methods.lesson",
            object_id=str(lesson.pk),
            fields=["status", "dismissed_reason"],
            detail={"reason": reason},
        )
    return lesson


def record_adoption(
    *,
    actor: Actor,
    method_id: int,
    agency: str,
    status: str,
    since: dt.date,
    evidence: str = "",
) -> Adoption:
    """An agency's adoption of an established method: not started, in progress, or part
    of its ordinary work (which needs evidence), from ``since`` (not in the future).
    The agency's coordinators. Adds a row: the history is kept.
    Raises NotFound, Forbidden, InvalidInput, Conflict (method not established)."""
    policies.check_may_read(actor)
    code = agency.upper()[:8]
    agency_row = Agency.objects.filter(code=code).first()
    if agency_row is None:
        raise InvalidInput("Unknown agency.")
    if not policies.may_record_adoption(actor, code):
        raise Forbidden("Only %(agency)s's coordinators may record its adoption.", agency=code)
    if status not in AdoptionStatus.values:
        raise InvalidInput("Unknown adoption status.")
    evidence = text(evidence, field="the evidence", max_length=MAX_EVIDENCE)
    if status == AdoptionStatus.ORDINARY and not evidence:
        raise InvalidInput("Say how the method is part of ordinary work (the evidence).")
    if since > timezone.localdate():
        raise InvalidInput("The date cannot be in the future.")
    with transaction.atomic():
        method = _locked_method(actor, method_id)
        if method.status != MethodStatus.ESTABLISHED:
            raise Conflict("Adoption is recorded for established methods only.")
        adoption = Adoption.objects.create(
            method=method,
            agency=agency_row,
            status=status,
            since=since,
            evidence=evidence,
            recorded_by_id=_user_id(actor),
        )
        record(
            actor=actor,
            action="methods.adoption_recorded",
            object_type="methods.adoption",
            object_id=str(adoption.pk),
            object_owner=code,
            fields=["status", "since", "evidence"],
            detail={"method": method.pk, "agency": code, "status": status},
        )
    return adoption
