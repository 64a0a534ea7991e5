"""The handbook's rules, through the services: methods, versions, status, lessons, adoption."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from akrim.audit.models import AuditEntry
from akrim.controls import services as controls
from akrim.controls.models import Checklist, Control
from akrim.core.actor import Actor
from akrim.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from akrim.methods import queries, services
from akrim.methods.models import (
    Adoption,
    AdoptionStatus,
    Lesson,
    LessonStatus,
    Method,
    MethodStatus,
)
from akrim.organisation.queries import actor_for_user
from tests.cast import PASSWORD, Cast
from tests.controls.conftest import World
from tests.methods.conftest import BODY, team_control

pytestmark = pytest.mark.django_db


def lesson(cast: Cast, control: Control, name: str = "skv_inspector", **kw: object) -> Lesson:
    arguments: dict[str, object] = {"worked": "The briefing the day before.", "did_not_work": ""}
    arguments.update(kw)
    return services.record_lesson(
        actor=cast.actor(name),
        control_id=control.pk,
        **arguments,  # type: ignore[arg-type]
    )


# --- methods and versions ---------------------------------------------------------------


def test_a_coordinator_adds_a_draft_method_with_its_first_version(cast: Cast) -> None:
    ledger = Checklist.objects.get(owner__code="SKV", code="personalliggare")
    method = services.create_method(
        actor=cast.actor("coordinator"),
        title="Staff-ledger check",
        body=BODY,
        checklists=[ledger.pk],
    )
    assert method.status == MethodStatus.DRAFT
    assert method.slug == "staff-ledger-check"
    assert method.owner.username == "coordinator"
    assert method.owner_agency.code == "AV"
    version = method.versions.get()
    assert version.number == 1
    assert version.summary == "First version."
    assert list(version.checklists.all()) == [ledger]
    entry = AuditEntry.objects.get(action="methods.method_created")
    assert entry.object_id == str(method.pk)
    assert entry.username == "coordinator"


@pytest.mark.parametrize("name", ["skv_inspector", "skv_analyst", "national_reader", "skv_auditor"])
def test_only_coordinators_add_methods(cast: Cast, name: str) -> None:
    with pytest.raises(Forbidden):
        services.create_method(actor=cast.actor(name), title="A method", body=BODY)
    assert not Method.objects.exists()


def test_the_owner_must_work_for_the_owning_agency(cast: Cast) -> None:
    with pytest.raises(InvalidInput, match="works for SKV"):
        services.create_method(
            actor=cast.actor("coordinator"),
            title="A method",
            body=BODY,
            owner_agency="POL",
            owner="skv_inspector",
        )
    with pytest.raises(InvalidInput, match="No active member"):
        services.create_method(
            actor=cast.actor("coordinator"), title="A method", body=BODY, owner="deactivated"
        )
    method = services.create_method(
        actor=cast.actor("coordinator"),
        title="A method",
        body=BODY,
        owner_agency="skv",
        owner="skv_inspector",
    )
    assert (method.owner_agency.code, method.owner.username) == ("SKV", "skv_inspector")


def test_titles_are_unique_and_slugs_avoid_the_handbooks_own_pages(cast: Cast) -> None:
    actor = cast.actor("coordinator")
    services.create_method(actor=actor, title="Lessons", body=BODY)
    assert Method.objects.get().slug == "lessons-method"
    with pytest.raises(Conflict):
        services.create_method(actor=actor, title="LESSONS", body=BODY)
    other = services.create_method(actor=actor, title="Lessons!", body=BODY)
    assert other.slug == "lessons-method-2"
    odd = services.create_method(actor=actor, title="???", body=BODY)
    assert odd.slug == "method"


@pytest.mark.parametrize(
    ("title", "body", "message"),
    [
        ("", BODY, "Fill in the title"),
        ("   ", BODY, "Fill in the title"),
        ("A method", "", "Fill in the text"),
        ("x" * 201, BODY, "too long"),
        ("A method", "x" * 50_001, "too long"),
        ("A\x00method", BODY, "control characters"),
        ("A method", "text\x1b[31m", "control characters"),
    ],
)
def test_bad_method_input_is_refused(cast: Cast, title: str, body: str, message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        services.create_method(actor=cast.actor("coordinator"), title=title, body=body)


def test_unknown_or_too_many_checklists_are_refused(cast: Cast) -> None:
    with pytest.raises(InvalidInput, match="Unknown checklist"):
        services.create_method(
            actor=cast.actor("coordinator"), title="A", body=BODY, checklists=[999999]
        )
    with pytest.raises(InvalidInput, match="at most 30"):
        services.create_method(
            actor=cast.actor("coordinator"), title="A", body=BODY, checklists=list(range(1, 40))
        )


def test_a_revision_adds_a_version_and_the_old_one_stays(cast: Cast, method: Method) -> None:
    version = services.revise_method(
        actor=cast.actor("coordinator"),
        method_id=method.pk,
        base=1,
        body=BODY + "\n5. Record lessons.",
        summary="Lessons after every control.",
    )
    assert version.number == 2
    assert version.status == MethodStatus.DRAFT
    first = method.versions.get(number=1)
    assert first.body == BODY
    assert AuditEntry.objects.filter(action="methods.method_revised").count() == 1


def test_a_stale_revision_is_a_conflict(cast: Cast, method: Method) -> None:
    actor = cast.actor("coordinator")
    services.revise_method(actor=actor, method_id=method.pk, base=1, body="New.", summary="s")
    with pytest.raises(Conflict, match="Version 2 was saved"):
        services.revise_method(actor=actor, method_id=method.pk, base=1, body="Mine.", summary="s")


def test_a_revision_that_changes_nothing_is_refused(cast: Cast, method: Method) -> None:
    with pytest.raises(InvalidInput, match="Nothing changed"):
        services.revise_method(
            actor=cast.actor("coordinator"), method_id=method.pk, base=1, body=BODY, summary="s"
        )
    with pytest.raises(InvalidInput, match="Fill in the summary"):
        services.revise_method(
            actor=cast.actor("coordinator"), method_id=method.pk, base=1, body="x", summary=""
        )


def test_the_owner_revises_and_other_staff_may_not(cast: Cast) -> None:
    method = services.create_method(
        actor=cast.actor("coordinator"),
        title="Ledger",
        body=BODY,
        owner_agency="SKV",
        owner="skv_inspector",
    )
    services.revise_method(
        actor=cast.actor("skv_inspector"), method_id=method.pk, base=1, body="v2", summary="s"
    )
    services.move_method_status(actor=cast.actor("skv_inspector"), method_id=method.pk, to="tested")
    for name in ("pol_inspector", "skv_analyst", "skv_auditor", "national_reader"):
        with pytest.raises(Forbidden):
            services.revise_method(
                actor=cast.actor(name), method_id=method.pk, base=2, body="v3", summary="s"
            )
        with pytest.raises(Forbidden):
            services.move_method_status(
                actor=cast.actor(name), method_id=method.pk, to="established"
            )


def test_status_moves_draft_tested_established_in_order(cast: Cast, method: Method) -> None:
    actor = cast.actor("coordinator")
    with pytest.raises(Conflict, match="only when it is tested"):
        services.move_method_status(actor=actor, method_id=method.pk, to="established")
    with pytest.raises(InvalidInput):
        services.move_method_status(actor=actor, method_id=method.pk, to="draft")
    services.move_method_status(actor=actor, method_id=method.pk, to="tested")
    moved = services.move_method_status(actor=actor, method_id=method.pk, to="established")
    assert moved.status == MethodStatus.ESTABLISHED
    with pytest.raises(Conflict):
        services.move_method_status(actor=actor, method_id=method.pk, to="established")
    with pytest.raises(NotFound):
        services.move_method_status(actor=actor, method_id=999999, to="tested")
    details = [e.detail for e in AuditEntry.objects.filter(action="methods.status_moved")]
    assert [(d["from"], d["to"]) for d in details] == [
        ("draft", "tested"),
        ("tested", "established"),
    ]


def test_a_revision_of_an_established_method_keeps_its_status(
    cast: Cast, established: Method
) -> None:
    version = services.revise_method(
        actor=cast.actor("coordinator"), method_id=established.pk, base=1, body="v2", summary="s"
    )
    assert version.status == MethodStatus.ESTABLISHED


# --- lessons ----------------------------------------------------------------------------


def test_a_team_member_records_a_lesson_after_the_control(
    cast: Cast, carried_out: Control, method: Method
) -> None:
    row = lesson(cast, carried_out, did_not_work="The interpreter came late.", methods=[method.pk])
    assert row.status == LessonStatus.OPEN
    assert row.author.username == "skv_inspector"
    assert list(row.methods.all()) == [method]
    assert AuditEntry.objects.get(action="methods.lesson_recorded").object_id == str(row.pk)
    # the coordinator of the centre may too, and so may another team member
    lesson(cast, carried_out, "coordinator")
    lesson(cast, carried_out, "pol_inspector")
    assert Lesson.objects.count() == 3


def test_no_lesson_before_the_control_is_carried_out(cast: Cast, world: World) -> None:
    control = team_control(world)
    with pytest.raises(Conflict, match="once the control has been carried out"):
        lesson(cast, control)
    controls.cancel_control(
        actor=cast.actor("coordinator"), control_id=control.pk, reason="Site closed."
    )
    with pytest.raises(Conflict):
        lesson(cast, control)


def test_lessons_may_follow_in_follow_up_and_after_closing(
    cast: Cast, carried_out: Control
) -> None:
    controls.start_follow_up(actor=cast.actor("coordinator"), control_id=carried_out.pk)
    assert lesson(cast, carried_out).pk


def test_outside_the_team_no_lesson(cast: Cast, carried_out: Control) -> None:
    # the SKV analyst sees the centre's controls but was not in the team
    with pytest.raises(Forbidden):
        lesson(cast, carried_out, "skv_analyst")
    # another centre does not see the control at all
    with pytest.raises(NotFound):
        lesson(cast, carried_out, "other_centre")
    # a national reader sees it but is no part of the team
    with pytest.raises(Forbidden):
        lesson(cast, carried_out, "national_reader")
    with pytest.raises(NotFound):
        lesson(cast, carried_out, "skv_auditor")
    assert not Lesson.objects.exists()


@pytest.mark.parametrize(
    ("worked", "did_not_work", "message"),
    [
        ("", "", "Write what worked"),
        ("  \n ", "", "Write what worked"),
        ("x" * 5001, "", "too long"),
        ("", "bad\x07bell", "control characters"),
    ],
)
def test_bad_lessons_are_refused(
    cast: Cast, carried_out: Control, worked: str, did_not_work: str, message: str
) -> None:
    with pytest.raises(InvalidInput, match=message):
        lesson(cast, carried_out, worked=worked, did_not_work=did_not_work)


def test_a_lesson_names_only_known_methods(cast: Cast, carried_out: Control) -> None:
    with pytest.raises(InvalidInput, match="Unknown method"):
        lesson(cast, carried_out, methods=[424242])


def test_citing_a_lesson_marks_it_used_and_links_the_method(
    cast: Cast, carried_out: Control, method: Method
) -> None:
    row = lesson(cast, carried_out, did_not_work="No exit was watched.")
    version = services.revise_method(
        actor=cast.actor("coordinator"),
        method_id=method.pk,
        base=1,
        body=BODY + "\n2b. Post a colleague at each exit.",
        summary="Watch the exits.",
        lessons=[row.pk],
    )
    row.refresh_from_db()
    assert row.status == LessonStatus.USED
    assert list(version.from_lessons.all()) == [row]
    assert list(row.methods.all()) == [method]
    # a used lesson may inform another revision too
    services.revise_method(
        actor=cast.actor("coordinator"),
        method_id=method.pk,
        base=2,
        body="Rewritten.",
        summary="s",
        lessons=[row.pk],
    )


def test_a_reviser_cites_only_lessons_they_may_see_and_not_dismissed(
    cast: Cast, carried_out: Control, method: Method, syd_coordinator: Actor
) -> None:
    row = lesson(cast, carried_out)
    with pytest.raises(InvalidInput, match="Unknown lesson"):
        services.revise_method(
            actor=syd_coordinator,
            method_id=method.pk,
            base=1,
            body="v2",
            summary="s",
            lessons=[row.pk],
        )
    services.dismiss_lesson(actor=cast.actor("coordinator"), lesson_id=row.pk, reason="Covered.")
    with pytest.raises(InvalidInput, match="dismissed"):
        services.revise_method(
            actor=cast.actor("coordinator"),
            method_id=method.pk,
            base=1,
            body="v2",
            summary="s",
            lessons=[row.pk],
        )
    row.refresh_from_db()
    assert row.status == LessonStatus.DISMISSED
    assert method.versions.count() == 1


def test_only_the_centres_coordinators_dismiss_open_lessons(
    cast: Cast, carried_out: Control, syd_coordinator: Actor
) -> None:
    row = lesson(cast, carried_out)
    with pytest.raises(Forbidden):
        services.dismiss_lesson(actor=cast.actor("skv_inspector"), lesson_id=row.pk, reason="r")
    with pytest.raises(NotFound):
        services.dismiss_lesson(actor=syd_coordinator, lesson_id=row.pk, reason="r")
    with pytest.raises(InvalidInput):
        services.dismiss_lesson(actor=cast.actor("coordinator"), lesson_id=row.pk, reason=" ")
    services.dismiss_lesson(actor=cast.actor("coordinator"), lesson_id=row.pk, reason="Known.")
    with pytest.raises(Conflict):
        services.dismiss_lesson(actor=cast.actor("coordinator"), lesson_id=row.pk, reason="x")


def test_lessons_are_seen_by_those_who_see_the_control(
    cast: Cast, carried_out: Control, syd_coordinator: Actor
) -> None:
    row = lesson(cast, carried_out)
    assert [x.pk for x in queries.list_lessons(actor=cast.actor("skv_analyst"))] == [row.pk]
    assert queries.list_lessons(actor=syd_coordinator) == []
    assert queries.list_lessons(actor=cast.actor("skv_auditor")) == []
    read = AuditEntry.objects.filter(action="methods.lessons_read").last()
    assert read is not None
    assert read.detail["lessons"] == [row.pk]


# --- adoption ---------------------------------------------------------------------------


def test_adoption_is_for_established_methods(cast: Cast, method: Method) -> None:
    with pytest.raises(Conflict, match="established methods only"):
        services.record_adoption(
            actor=cast.actor("coordinator"),
            method_id=method.pk,
            agency="AV",
            status=AdoptionStatus.IN_PROGRESS,
            since=dt.date(2025, 1, 1),
        )


def test_each_agency_records_its_own_adoption_and_history_is_kept(
    cast: Cast, established: Method
) -> None:
    actor = cast.actor("coordinator")  # AV
    services.record_adoption(
        actor=actor,
        method_id=established.pk,
        agency="AV",
        status=AdoptionStatus.IN_PROGRESS,
        since=dt.date(2025, 1, 1),
    )
    services.record_adoption(
        actor=actor,
        method_id=established.pk,
        agency="AV",
        status=AdoptionStatus.ORDINARY,
        since=dt.date(2025, 6, 1),
        evidence="In the inspection manual, chapter 4.",
    )
    assert Adoption.objects.filter(method=established).count() == 2
    matrix = queries.adoption_matrix(actor=cast.actor("skv_auditor"))
    codes = [a.code for a in matrix.agencies]
    assert len(codes) == 9
    cell = matrix.rows[0].cells[codes.index("AV")]
    assert cell is not None
    assert cell.status == AdoptionStatus.ORDINARY
    assert cell.since == dt.date(2025, 6, 1)
    assert matrix.rows[0].ordinary == 1
    entry = AuditEntry.objects.filter(action="methods.adoption_recorded").last()
    assert entry is not None
    assert entry.object_owner == "AV"


def test_adoption_for_another_agency_is_refused(cast: Cast, established: Method) -> None:
    for name, agency in [("coordinator", "SKV"), ("skv_inspector", "SKV"), ("skv_auditor", "SKV")]:
        with pytest.raises(Forbidden):
            services.record_adoption(
                actor=cast.actor(name),
                method_id=established.pk,
                agency=agency,
                status=AdoptionStatus.IN_PROGRESS,
                since=dt.date(2025, 1, 1),
            )
    # an administrator may record it for any agency
    services.record_adoption(
        actor=cast.actor("admin"),
        method_id=established.pk,
        agency="SKV",
        status=AdoptionStatus.IN_PROGRESS,
        since=dt.date(2025, 1, 1),
    )
    assert Adoption.objects.get().agency.code == "SKV"


@pytest.mark.parametrize(
    ("agency", "status", "since", "evidence", "message"),
    [
        ("XX", "ordinary", dt.date(2025, 1, 1), "e", "Unknown agency"),
        ("AV", "adopted", dt.date(2025, 1, 1), "e", "Unknown adoption status"),
        ("AV", "ordinary", dt.date(2025, 1, 1), "", "evidence"),
        ("AV", "ordinary", dt.date(2025, 1, 1), "x" * 2001, "too long"),
        ("AV", "in_progress", None, "", "future"),
    ],
)
def test_bad_adoption_input_is_refused(
    cast: Cast,
    established: Method,
    agency: str,
    status: str,
    since: dt.date | None,
    evidence: str,
    message: str,
) -> None:
    day = since or timezone.localdate() + dt.timedelta(days=1)
    with pytest.raises(InvalidInput, match=message):
        services.record_adoption(
            actor=cast.actor("coordinator"),
            method_id=established.pk,
            agency=agency,
            status=status,
            since=day,
            evidence=evidence,
        )
    assert not Adoption.objects.exists()


def test_staff_without_a_staff_row_see_no_handbook(cast: Cast, method: Method) -> None:
    from django.contrib.auth.models import User

    user = User.objects.create_user("plain", password=PASSWORD)
    with pytest.raises(NotFound):
        queries.list_methods(actor=actor_for_user(user))


# --- diffs and the CSV ------------------------------------------------------------------


def test_the_diff_shows_added_and_removed_lines(cast: Cast, method: Method) -> None:
    ledger = Checklist.objects.get(owner__code="SKV", code="personalliggare")
    services.revise_method(
        actor=cast.actor("coordinator"),
        method_id=method.pk,
        base=1,
        body=BODY.replace("2. Brief the team.", "2. Brief the whole team the day before."),
        summary="Brief earlier.",
        checklists=[ledger.pk],
    )
    diff = queries.version_diff(actor=cast.actor("skv_auditor"), slug=method.slug, old=1, new=2)
    kinds = {(line.kind, line.text) for line in diff.lines}
    assert ("removed", "2. Brief the team.") in kinds
    assert ("added", "2. Brief the whole team the day before.") in kinds
    assert ("same", "1. Plan.") in kinds
    assert diff.checklists_added == [ledger]
    with pytest.raises(NotFound):
        queries.version_diff(actor=cast.actor("coordinator"), slug=method.slug, old=1, new=3)


def test_the_csv_neutralises_formulas(cast: Cast) -> None:
    actor = cast.actor("coordinator")
    method = services.create_method(actor=actor, title='=HYPERLINK("x")', body=BODY)
    for to in ("tested", "established"):
        services.move_method_status(actor=actor, method_id=method.pk, to=to)
    text = queries.adoption_csv(queries.adoption_matrix(actor=actor))
    lines = text.splitlines()
    assert lines[0] == "method,owner_agency,agency,status,since"
    assert len(lines) == 1 + 9
    assert all(line.startswith("\"'=HYPERLINK") for line in lines[1:])
