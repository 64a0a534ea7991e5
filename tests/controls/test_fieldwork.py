"""Work on site (carry out): the services and queries for people met, ILO indicators, the
staff-ledger check, checklists, observations, photos and documents, and drafts — who may
record when, own agency only, every write audited, reads of people met audited and
narrowed by the sharing rules."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from PIL import Image
from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    NameObject,
    NumberObject,
    StreamObject,
    TextStringObject,
)

from akrim.access.models import Condition, DataCategory, LegalBasis, SharingRule
from akrim.audit.models import AuditEntry, AuditSubject
from akrim.controls import fieldwork_queries as queries
from akrim.controls import services
from akrim.controls.models import (
    Attachment,
    ChecklistAnswer,
    Control,
    FormDraft,
    LedgerCheck,
    Observation,
    PersonIndicator,
    PersonMet,
)
from akrim.controls.services import fieldwork
from akrim.controls.services.fieldwork import PersonFacts
from akrim.core.actor import Actor, Purpose
from akrim.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from akrim.organisation.models import Agency
from tests.controls.conftest import World, at

pytestmark = pytest.mark.django_db


# --- the world on the day --------------------------------------------------------------


@pytest.fixture(autouse=True)
def attachment_dir(settings: Any, tmp_path: Path) -> Path:
    folder = tmp_path / "attachments"
    settings.AKRIM_ATTACHMENT_DIR = folder
    return folder


def prepared(world: World, *members: str) -> Control:
    """A control with the named members in its team, marked prepared (recording open)."""
    coordinator = world.actor("coordinator")
    control = world.plan()
    for name in members or ("skv_inspector", "pol_inspector"):
        services.assign_team_member(actor=coordinator, control_id=control.pk, username=name)
    return services.mark_prepared(actor=coordinator, control_id=control.pk)


def as_purpose(actor: Actor, purpose: Purpose) -> Actor:
    return Actor(actor.user_id, actor.username, actor.agency, actor.centres, actor.roles, purpose)


def share(category: str, fields: list[str] | None = None) -> SharingRule:
    """SKV → POL for ``category`` while carrying out a control POL is assigned to."""
    return SharingRule.objects.create(
        owner=Agency.objects.get(code="SKV"),
        recipient=Agency.objects.get(code="POL"),
        category=DataCategory.objects.get(code=category),
        purpose=Purpose.EXECUTION,
        legal_basis=LegalBasis.objects.get(code="joint_control_duty"),
        condition=Condition.ASSIGNED_TO_CONTROL,
        fields=fields or [],
    )


def facts(**changes: Any) -> PersonFacts:
    values: dict[str, Any] = {
        "name_as_written": "Jan Testowy",
        "birth_date": "1990-04-01",
        "stated_nationality": "pl",
        "id_document": "passport",
        "id_document_no": "ZZ0000001",
        "role": "carpenter",
        "stated_pay_sek": "12 500",
        "pay_period": "month",
        "stated_hours_per_week": "60",
        "housing_by_employer": "yes",
        "note": "Lives in a barrack on site.",
        "indicators": ["excessive_overtime", "abusive_conditions"],
    }
    values.update(changes)
    return PersonFacts(**values)


def last_entry(action: str) -> AuditEntry:
    entry = AuditEntry.objects.filter(action=action).order_by("-seq").first()
    assert entry is not None, f"no audit entry {action}"
    return entry


def skv_person(world: World, control: Control, **changes: Any) -> PersonMet:
    return services.record_person_met(
        actor=world.actor("skv_inspector"), control_id=control.pk, facts=facts(**changes)
    )


# --- people met ------------------------------------------------------------------------


def test_a_team_member_records_a_person_met_with_indicators_and_an_audit_entry(
    world: World,
) -> None:
    control = prepared(world)
    person = skv_person(world, control)

    person.refresh_from_db()
    assert person.owner.code == "SKV"
    assert person.name_as_written == "Jan Testowy"
    assert person.birth_date == dt.date(1990, 4, 1)
    assert person.stated_nationality == "PL"
    assert person.stated_pay_sek == 12500
    assert person.stated_hours_per_week == 60
    assert person.workplace_id == ""
    codes = set(PersonIndicator.objects.filter(person=person).values_list("indicator", flat=True))
    assert codes == {"excessive_overtime", "abusive_conditions"}
    assert set(PersonIndicator.objects.values_list("owner__code", flat=True)) == {"SKV"}

    entry = last_entry("record_person_met")
    assert entry.object_id == str(person.pk)
    assert entry.object_owner == "SKV"
    assert "name_as_written" in entry.fields
    assert "indicators" in entry.fields
    assert "workplace_id" not in entry.fields  # not written
    assert entry.detail["subjects"] == [[f"met:{person.pk}", "SKV"]]
    assert AuditSubject.objects.filter(entry=entry, person_id=f"met:{person.pk}").exists()
    assert "Jan" not in str(entry.detail)  # the audit log names fields, not values


def test_a_coordinator_of_the_centre_records_for_their_own_agency(world: World) -> None:
    control = prepared(world)
    person = services.record_person_met(
        actor=world.actor("coordinator"), control_id=control.pk, facts=facts()
    )
    assert person.owner.code == "AV"


@pytest.mark.parametrize(
    ("name", "error"),
    [
        ("skv_analyst", Forbidden),  # sees the control, but does not record
        ("national_reader", Forbidden),
        ("pol_inspector", Forbidden),  # POL takes part, but this inspector is not in the team
        ("other_centre", NotFound),  # another centre: the control does not exist for them
    ],
)
def test_only_the_team_or_the_centres_coordinators_record(
    world: World, name: str, error: type[Exception]
) -> None:
    control = prepared(world, "skv_inspector")
    with pytest.raises(error):
        services.record_person_met(actor=world.actor(name), control_id=control.pk, facts=facts())
    assert not PersonMet.objects.exists()


def _control_in(world: World, status: str) -> Control:
    coordinator = world.actor("coordinator")
    if status == "draft":
        control = services.draft_control(
            actor=coordinator,
            centre="stockholm",
            lead_agency="AV",
            agencies=["AV", "POL", "SKV"],
            workplaces=[world.workplace.workplace_id],
            starts_at=at("2025-05-06", 8),
            ends_at=at("2025-05-06", 12),
            purpose="Draft.",
        )
        services.assign_team_member(
            actor=coordinator, control_id=control.pk, username="skv_inspector"
        )
        return control
    control = world.plan()
    services.assign_team_member(actor=coordinator, control_id=control.pk, username="skv_inspector")
    if status == "cancelled":
        return services.cancel_control(actor=coordinator, control_id=control.pk, reason="Off.")
    steps = [
        ("prepared", services.mark_prepared),
        ("carried_out", services.mark_carried_out),
        ("in_follow_up", services.start_follow_up),
    ]
    for name, step in steps:
        if control.status == status:
            return control
        control = step(actor=coordinator, control_id=control.pk)
        if name == status:
            return control
    for agency, closer in (
        ("AV", "coordinator"),
        ("POL", "pol_inspector"),
        ("SKV", "skv_inspector"),
    ):
        services.close_agency_part(actor=world.actor(closer), control_id=control.pk, agency=agency)
    return services.close_control(actor=coordinator, control_id=control.pk)


@pytest.mark.parametrize("status", ["prepared", "carried_out", "in_follow_up"])
def test_recording_is_open_while_prepared_carried_out_or_in_follow_up(
    world: World, status: str
) -> None:
    control = _control_in(world, status)
    assert control.status == status
    assert skv_person(world, control).pk


@pytest.mark.parametrize(
    ("status", "named"),
    [
        ("draft", "is a draft"),
        ("planned", "is planned"),
        ("closed", "is closed"),
        ("cancelled", "is cancelled"),
    ],
)
def test_recording_is_refused_outside_the_window_naming_the_status(
    world: World, status: str, named: str
) -> None:
    control = _control_in(world, status)
    assert control.status == status
    skv = world.actor("skv_inspector")
    attempts: list[Callable[[], object]] = [
        lambda: services.record_person_met(actor=skv, control_id=control.pk, facts=facts()),
        lambda: services.record_observation(actor=skv, control_id=control.pk, text="x"),
        lambda: services.record_ledger_check(
            actor=skv,
            control_id=control.pk,
            workplace_id=world.workplace.workplace_id,
            result="present",
        ),
        lambda: services.save_draft(actor=skv, control_id=control.pk, form="x", data={"a": "b"}),
    ]
    for attempt in attempts:
        with pytest.raises(Conflict, match=named):
            attempt()


def test_every_bad_field_is_reported_at_once(world: World) -> None:
    control = prepared(world)
    bad = facts(
        name_as_written="",
        birth_date="2024-02-30",
        stated_nationality="XX",
        id_document="tattoo",
        stated_pay_sek="abc",
        pay_period="year",
        stated_hours_per_week="-1",
        housing_by_employer="maybe",
        workplace_id="NOT-A-SITE",
        indicators=["deception", "bad_luck"],
    )
    with pytest.raises(InvalidInput) as refused:
        services.record_person_met(
            actor=world.actor("skv_inspector"), control_id=control.pk, facts=bad
        )
    errors = refused.value.fields["errors"]
    assert set(errors) == {
        "name_as_written",
        "birth_date",
        "stated_nationality",
        "id_document",
        "stated_pay_sek",
        "pay_period",
        "stated_hours_per_week",
        "housing_by_employer",
        "workplace_id",
        "indicators",
    }
    assert refused.value.fields["input"] == "workplace_id"  # the first in form order
    assert "whole number" in errors["stated_pay_sek"]
    assert "real date" in errors["birth_date"]
    assert not PersonMet.objects.exists()
    assert not AuditEntry.objects.filter(action="record_person_met").exists()


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"name_as_written": "x" * 201}, "name_as_written", "too long"),
        ({"name_as_written": "Jan\x00"}, "name_as_written", "not allowed"),
        ({"name_as_written": "   "}, "name_as_written", "Fill in"),
        ({"birth_date": "2999-01-01"}, "birth_date", "future"),
        ({"birth_date": "1899-12-31"}, "birth_date", "1900"),
        ({"birth_date": "01/04/1990"}, "birth_date", "real date"),
        ({"birth_date": "1990-04-01T00:00"}, "birth_date", "real date"),
        ({"stated_nationality": "P"}, "stated_nationality", "ISO"),
        ({"id_document": "none"}, "id_document_no", "No document"),
        ({"stated_pay_sek": "-5"}, "stated_pay_sek", "whole number"),
        ({"stated_pay_sek": "12.5"}, "stated_pay_sek", "whole number"),
        ({"stated_pay_sek": "١٢"}, "stated_pay_sek", "whole number"),  # non-ASCII digits
        ({"stated_pay_sek": "99999999999999999999"}, "stated_pay_sek", "whole number"),
        ({"stated_hours_per_week": "169"}, "stated_hours_per_week", "0 to 168"),
        ({"stated_hours_per_week": -1}, "stated_hours_per_week", "0 to 168"),
        ({"note": "n" * 2001}, "note", "too long"),
        ({"role": "r\x1b[31m"}, "role", "not allowed"),
    ],
)
def test_each_rule_on_a_person_met(
    world: World, change: dict[str, Any], field: str, message: str
) -> None:
    control = prepared(world)
    with pytest.raises(InvalidInput) as refused:
        skv_person(world, control, **change)
    assert set(refused.value.fields["errors"]) == {field}
    assert message in refused.value.fields["errors"][field]


def test_a_workplace_of_the_control_and_empty_optional_facts_are_accepted(world: World) -> None:
    control = prepared(world)
    person = skv_person(
        world,
        control,
        workplace_id=world.workplace.workplace_id,
        birth_date="",
        stated_nationality="",
        id_document="none",
        id_document_no="",
        stated_pay_sek="",
        stated_hours_per_week=None,
        indicators=[],
    )
    person.refresh_from_db()
    assert person.workplace_id == world.workplace.workplace_id
    assert person.birth_date is None
    assert person.stated_pay_sek is None
    assert not PersonIndicator.objects.filter(person=person).exists()


def test_updating_writes_and_audits_only_what_changed(world: World) -> None:
    control = prepared(world)
    person = skv_person(world, control)
    skv = world.actor("skv_inspector")
    services.update_person_met(
        actor=skv,
        control_id=control.pk,
        person_id=person.pk,
        facts=facts(role="painter", indicators=["deception"]),
    )
    person.refresh_from_db()
    assert person.role == "painter"
    assert list(
        PersonIndicator.objects.filter(person=person).values_list("indicator", flat=True)
    ) == ["deception"]
    entry = last_entry("update_person_met")
    assert entry.fields == ["indicators", "role"]
    assert entry.detail["subjects"] == [[f"met:{person.pk}", "SKV"]]

    count = AuditEntry.objects.count()
    services.update_person_met(
        actor=skv,
        control_id=control.pk,
        person_id=person.pk,
        facts=facts(role="painter", indicators=["deception"]),
    )
    assert AuditEntry.objects.count() == count  # nothing changed, nothing written


def test_only_the_recording_agency_changes_its_people_met(world: World) -> None:
    control = prepared(world)
    person = skv_person(world, control)
    pol = as_purpose(world.actor("pol_inspector"), Purpose.EXECUTION)
    # Without a sharing rule POL does not see the person: it does not exist for them.
    with pytest.raises(NotFound):
        services.update_person_met(
            actor=pol, control_id=control.pk, person_id=person.pk, facts=facts(role="x")
        )
    with pytest.raises(NotFound):
        services.delete_person_met(actor=pol, control_id=control.pk, person_id=person.pk)
    # With one, POL sees it but may still not change it.
    share("right_to_work")
    with pytest.raises(Forbidden):
        services.update_person_met(
            actor=pol, control_id=control.pk, person_id=person.pk, facts=facts(role="x")
        )
    with pytest.raises(Forbidden):
        services.set_person_indicators(
            actor=pol, control_id=control.pk, person_id=person.pk, indicators=["deception"]
        )
    with pytest.raises(Forbidden):
        services.delete_person_met(actor=pol, control_id=control.pk, person_id=person.pk)
    person.refresh_from_db()
    assert person.role == "carpenter"


def test_a_person_of_another_control_is_not_found(world: World) -> None:
    control = prepared(world)
    person = skv_person(world, control)
    other = world.plan(starts_at=at("2025-06-06", 8), ends_at=at("2025-06-06", 12))
    with pytest.raises(NotFound):
        services.delete_person_met(
            actor=world.actor("skv_inspector"), control_id=other.pk, person_id=person.pk
        )


def test_indicators_are_replaced_as_a_set(world: World) -> None:
    control = prepared(world)
    person = skv_person(world, control)
    skv = world.actor("skv_inspector")
    now = services.set_person_indicators(
        actor=skv,
        control_id=control.pk,
        person_id=person.pk,
        indicators=["debt_bondage", "retention_of_documents", "debt_bondage"],
    )
    assert now == ["debt_bondage", "retention_of_documents"]
    stored = PersonIndicator.objects.filter(person=person).values_list("indicator", flat=True)
    assert sorted(stored) == now
    entry = last_entry("set_person_indicators")
    assert entry.fields == ["indicators"]
    with pytest.raises(InvalidInput):
        services.set_person_indicators(
            actor=skv, control_id=control.pk, person_id=person.pk, indicators=["unknown"]
        )
    assert (
        sorted(PersonIndicator.objects.filter(person=person).values_list("indicator", flat=True))
        == now
    )
    services.set_person_indicators(
        actor=skv, control_id=control.pk, person_id=person.pk, indicators=[]
    )
    assert not PersonIndicator.objects.filter(person=person).exists()


def test_deleting_a_person_met_removes_its_indicators_and_is_audited(world: World) -> None:
    control = prepared(world)
    person = skv_person(world, control)
    services.delete_person_met(
        actor=world.actor("skv_inspector"), control_id=control.pk, person_id=person.pk
    )
    assert not PersonMet.objects.exists()
    assert not PersonIndicator.objects.exists()
    entry = last_entry("delete_person_met")
    assert entry.detail["subjects"] == [[f"met:{person.pk}", "SKV"]]


# --- reading people met: sharing and audit ---------------------------------------------


def test_pol_sees_skv_people_met_only_under_a_sharing_rule(world: World) -> None:
    control = prepared(world)
    person = skv_person(world, control)
    pol = as_purpose(world.actor("pol_inspector"), Purpose.EXECUTION)

    overview = queries.field_overview(actor=pol, control_id=control.pk)
    assert overview.people == []
    assert not AuditEntry.objects.filter(action="read", object_type="person_met").exists()

    share("right_to_work")
    overview = queries.field_overview(actor=pol, control_id=control.pk)
    assert [row.person.pk for row in overview.people] == [person.pk]
    row = overview.people[0]
    assert not row.own
    assert row.fields is None  # the rule names no fields: all of them
    assert row.indicators == ()  # possible-victim data is another category, not shared
    assert row.legal_basis == "joint_control_duty"

    entry = last_entry("read")
    assert entry.object_type == "person_met"
    assert entry.detail["persons_met_shown"] == [person.pk]
    assert entry.detail["subjects"] == [[f"met:{person.pk}", "SKV"]]
    assert "name_as_written" in entry.fields
    assert "indicators" not in entry.fields

    # Another purpose: the rule is for carrying out, so nothing shows.
    analysing = as_purpose(pol, Purpose.ANALYSIS)
    assert queries.field_overview(actor=analysing, control_id=control.pk).people == []


def test_a_rule_with_a_field_list_shows_only_those_fields(world: World) -> None:
    control = prepared(world)
    skv_person(world, control)
    share("right_to_work", fields=["name_as_written", "role"])
    share("possible_victim")
    pol = as_purpose(world.actor("pol_inspector"), Purpose.EXECUTION)
    row = queries.field_overview(actor=pol, control_id=control.pk).people[0]
    assert row.allows("name_as_written")
    assert row.allows("role")
    assert not row.allows("birth_date")
    assert not row.allows("id_document_no")
    assert row.indicators == ("abusive_conditions", "excessive_overtime")
    entry = last_entry("read")
    assert entry.fields == ["indicators", "name_as_written", "role"]


def test_the_rule_holds_only_for_a_team_member(world: World) -> None:
    control = prepared(world, "skv_inspector")  # POL's inspector is not in the team
    skv_person(world, control)
    share("right_to_work")
    pol = as_purpose(world.actor("pol_inspector"), Purpose.EXECUTION)
    assert queries.field_overview(actor=pol, control_id=control.pk).people == []


def test_own_people_met_show_with_their_indicators_and_the_read_is_audited(
    world: World,
) -> None:
    control = prepared(world)
    first = skv_person(world, control)
    second = skv_person(world, control, name_as_written="Ana Exemplu", indicators=[])
    overview = queries.field_overview(actor=world.actor("skv_inspector"), control_id=control.pk)
    assert [row.person.pk for row in overview.people] == [first.pk, second.pk]
    assert overview.people[0].indicator_labels == [
        "abusive working and living conditions",
        "excessive overtime",
    ]
    entry = last_entry("read")
    assert entry.detail["persons_met_shown"] == [first.pk, second.pk]
    assert set(entry.fields) == {*queries.PERSON_FIELDS, "indicators"}


def test_the_overview_is_not_found_for_another_centre(world: World) -> None:
    control = prepared(world)
    with pytest.raises(NotFound):
        queries.field_overview(actor=world.actor("other_centre"), control_id=control.pk)


# --- the staff ledger ------------------------------------------------------------------


def test_the_ledger_check_is_written_once_per_workplace_and_agency_and_replaced(
    world: World,
) -> None:
    control = prepared(world)
    skv = world.actor("skv_inspector")
    site = world.workplace.workplace_id
    first = services.record_ledger_check(
        actor=skv,
        control_id=control.pk,
        workplace_id=site,
        result="incomplete",
        people_not_recorded="3",
        note="Two subcontractors missing.",
    )
    second = services.record_ledger_check(
        actor=skv, control_id=control.pk, workplace_id=site, result="missing", people_not_recorded=7
    )
    assert first.pk == second.pk
    check = LedgerCheck.objects.get()
    assert (check.result, check.people_not_recorded, check.note) == ("missing", 7, "")
    entry = last_entry("record_ledger_check")
    assert entry.detail["created"] is False
    assert entry.detail["workplace"] == site


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"result": "present", "people_not_recorded": "2"}, "people_not_recorded"),
        ({"result": "incomplete", "people_not_recorded": "-1"}, "people_not_recorded"),
        ({"result": "incomplete", "people_not_recorded": "many"}, "people_not_recorded"),
        ({"result": "lost"}, "result"),
        ({"result": "present", "workplace_id": "NOT-A-SITE"}, "workplace_id"),
        ({"result": "present", "workplace_id": ""}, "workplace_id"),
        ({"result": "present", "note": "x" * 2001}, "note"),
    ],
)
def test_each_rule_on_the_ledger_check(world: World, changes: dict[str, Any], field: str) -> None:
    control = prepared(world)
    arguments: dict[str, Any] = {"workplace_id": world.workplace.workplace_id, **changes}
    with pytest.raises(InvalidInput) as refused:
        services.record_ledger_check(
            actor=world.actor("skv_inspector"), control_id=control.pk, **arguments
        )
    assert field in refused.value.fields["errors"]
    assert not LedgerCheck.objects.exists()


# --- checklists ------------------------------------------------------------------------


def test_every_seeded_agency_has_a_current_checklist() -> None:
    for agency in ("SKV", "AV", "POL", "JAMY", "FK", "AF"):
        versions = queries.current_checklists(agency=agency)
        assert versions, agency
        assert all(v.published_at is not None and v.items for v in versions)


def test_the_agency_answers_its_current_checklist(world: World) -> None:
    control = prepared(world)
    skv = world.actor("skv_inspector")
    version = queries.current_checklists(agency="SKV")[0]
    kinds = {item["key"]: item["kind"] for item in version.items}
    yes_no = [key for key, kind in kinds.items() if kind == "yes_no"]
    text = next(key for key, kind in kinds.items() if kind == "text")
    answer = services.answer_checklist(
        actor=skv,
        control_id=control.pk,
        checklist=version.checklist.code,
        answers={yes_no[0]: "yes", yes_no[1]: "no", yes_no[2]: "na", yes_no[3]: "", text: " ok "},
    )
    assert answer.answers == {yes_no[0]: "yes", yes_no[1]: "no", yes_no[2]: "na", text: "ok"}
    assert answer.version == version
    entry = last_entry("answer_checklist")
    assert entry.fields == sorted([yes_no[0], yes_no[1], yes_no[2], text])
    # Answering again replaces the answers in the same row.
    again = services.answer_checklist(
        actor=skv,
        control_id=control.pk,
        checklist=version.checklist.code,
        answers={yes_no[0]: "no"},
    )
    assert again.pk == answer.pk
    assert ChecklistAnswer.objects.get().answers == {yes_no[0]: "no"}


@pytest.mark.parametrize(
    ("answers", "field"),
    [
        ({"ledger_kept": "maybe"}, "ledger_kept"),
        ({"ledger_kept": "yes", "invented": "yes"}, "__all__"),
        ({"remarks": "r" * 2001}, "remarks"),
        ({"remarks": "bell\x07"}, "remarks"),
    ],
)
def test_checklist_answers_are_checked_against_the_version(
    world: World, answers: dict[str, str], field: str
) -> None:
    control = prepared(world)
    with pytest.raises(InvalidInput) as refused:
        services.answer_checklist(
            actor=world.actor("skv_inspector"),
            control_id=control.pk,
            checklist="personalliggare",
            answers=answers,
        )
    assert field in refused.value.fields["errors"]
    assert not ChecklistAnswer.objects.exists()


def test_an_agency_answers_only_its_own_checklists(world: World) -> None:
    control = prepared(world)
    av_code = queries.current_checklists(agency="AV")[0].checklist.code
    with pytest.raises(InvalidInput, match="SKV has no checklist"):
        services.answer_checklist(
            actor=world.actor("skv_inspector"),
            control_id=control.pk,
            checklist=av_code,
            answers={},
        )


# --- observations ----------------------------------------------------------------------


def test_observations_are_written_and_removed_by_their_agency_only(world: World) -> None:
    control = prepared(world)
    skv = world.actor("skv_inspector")
    row = services.record_observation(
        actor=skv, control_id=control.pk, text="  Workers left by the back door.\r\n "
    )
    assert row.text == "Workers left by the back door."
    assert last_entry("record_observation").fields == ["text"]
    with pytest.raises(InvalidInput):
        services.record_observation(actor=skv, control_id=control.pk, text=" ")
    with pytest.raises(InvalidInput):
        services.record_observation(actor=skv, control_id=control.pk, text="o" * 4001)
    pol = world.actor("pol_inspector")
    with pytest.raises(NotFound):  # POL does not see SKV's observations without a rule
        services.delete_observation(actor=pol, control_id=control.pk, observation_id=row.pk)
    share("control")
    with pytest.raises(Forbidden):
        services.delete_observation(
            actor=as_purpose(pol, Purpose.EXECUTION), control_id=control.pk, observation_id=row.pk
        )
    services.delete_observation(actor=skv, control_id=control.pk, observation_id=row.pk)
    assert not Observation.objects.exists()
    assert last_entry("delete_observation").object_id == str(row.pk)


# --- photos and documents --------------------------------------------------------------


def jpeg_with_gps(size: tuple[int, int] = (40, 20), orientation: int = 6) -> bytes:
    image = Image.new("RGB", size, (200, 30, 30))
    exif = Image.Exif()
    exif[0x0112] = orientation
    exif[0x010F] = "SecretCam"
    exif[0x8825] = {1: "N", 2: (59.0, 19.0, 48.0), 3: "E", 4: (18.0, 4.0, 7.0)}
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif.tobytes(), comment=b"taken by inspector 7")
    return out.getvalue()


def png_with_text() -> bytes:
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "Someone Secret")
    image = Image.new("P", (12, 12))
    image.info["transparency"] = 0
    out = io.BytesIO()
    image.save(out, "PNG", pnginfo=info)
    return out.getvalue()


def pdf_with_metadata(encrypt: bool = False) -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    writer.add_metadata({"/Author": "Secret Author", "/Title": "Staff list"})
    writer.root_object[NameObject("/OpenAction")] = DictionaryObject(
        {
            NameObject("/S"): NameObject("/JavaScript"),
            NameObject("/JS"): TextStringObject("app.alert('x');"),
        }
    )
    page = writer.pages[0]
    xmp = StreamObject()
    xmp.set_data(b"<x:xmpmeta><dc:creator>Secret XMP Creator</dc:creator></x:xmpmeta>")
    xmp[NameObject("/Type")] = NameObject("/Metadata")
    page[NameObject("/Metadata")] = writer._add_object(xmp)
    link = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Annot"),
            NameObject("/Subtype"): NameObject("/Link"),
            NameObject("/Rect"): ArrayObject([NumberObject(n) for n in (0, 0, 50, 50)]),
            NameObject("/A"): DictionaryObject(
                {
                    NameObject("/S"): NameObject("/Launch"),
                    NameObject("/F"): TextStringObject("launchthisprogram"),
                }
            ),
        }
    )
    page[NameObject("/Annots")] = ArrayObject([writer._add_object(link)])
    if encrypt:
        writer.encrypt("secret")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def add(world: World, control: Control, data: bytes, name: str = "photo.jpg") -> Attachment:
    return services.add_attachment(
        actor=world.actor("skv_inspector"),
        control_id=control.pk,
        content=io.BytesIO(data),
        name=name,
        caption="Entrance",
    )


def test_a_photo_is_stored_upright_without_exif_under_a_random_name(
    world: World, attachment_dir: Path
) -> None:
    control = prepared(world)
    raw = jpeg_with_gps()
    assert b"SecretCam" in raw
    row = add(world, control, raw, name="../../etc/Jan Testowy passport.jpg")

    stored = attachment_dir / row.stored_name
    data = stored.read_bytes()
    assert row.kind == "photo"
    assert row.content_type == "image/jpeg"
    assert row.size == len(data)
    assert row.sha256 == hashlib.sha256(data).hexdigest()
    assert row.original_name == "Jan Testowy passport.jpg"  # no folders
    assert "Jan" not in row.stored_name
    assert "passport" not in row.stored_name
    assert list(attachment_dir.iterdir()) == [stored]
    assert stored.stat().st_mode & 0o077 == 0  # owner only
    image = Image.open(io.BytesIO(data))
    assert image.size == (20, 40)  # EXIF orientation 6 applied, then dropped
    assert dict(image.getexif()) == {}
    assert b"SecretCam" not in data
    assert b"GPS" not in data
    assert b"Exif" not in data
    assert b"inspector 7" not in data
    entry = last_entry("add_attachment")
    assert entry.detail["sha256"] == row.sha256
    assert entry.fields == ["caption", "file"]


def test_a_png_loses_its_text_and_a_pdf_its_metadata_and_scripts(
    world: World, attachment_dir: Path
) -> None:
    control = prepared(world)
    png = add(world, control, png_with_text(), name="plan.png")
    data = (attachment_dir / png.stored_name).read_bytes()
    assert png.content_type == "image/png"
    assert b"Someone Secret" not in data
    assert Image.open(io.BytesIO(data)).mode == "RGBA"  # palette transparency kept as alpha

    raw = pdf_with_metadata()
    assert b"Secret Author" in raw
    pdf = add(world, control, raw, name="list.pdf")
    data = (attachment_dir / pdf.stored_name).read_bytes()
    assert (pdf.kind, pdf.content_type) == ("document", "application/pdf")
    assert b"Secret Author" not in data
    assert b"JavaScript" not in data
    assert b"Secret XMP Creator" in raw
    assert b"Secret XMP Creator" not in data  # the page's own XMP packet
    assert b"launchthisprogram" in raw
    assert b"launchthisprogram" not in data  # a link that starts a program
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 1
    assert not reader.metadata


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"<html><script>alert(1)</script></html>", "Only photos"),
        (b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200, "Only photos"),  # a Windows program
        (b"GIF89a" + b"\x00" * 50, "Only photos"),
        (b"\xff\xd8\xff\xe0 not really a jpeg", "could not be read"),
        (b"\x89PNG\r\n\x1a\n broken", "could not be read"),
        (b"%PDF-1.7\n this is no pdf", "could not be read"),
        (b"", "empty"),
    ],
)
def test_files_are_told_by_their_content_not_their_name(
    world: World, attachment_dir: Path, data: bytes, message: str
) -> None:
    control = prepared(world)
    with pytest.raises(InvalidInput, match=message) as refused:
        add(world, control, data, name="holiday.jpg")
    assert refused.value.fields["input"] == "file"
    assert not Attachment.objects.exists()
    assert not attachment_dir.exists() or not any(attachment_dir.iterdir())


def test_a_pdf_loses_embedded_files_named_scripts_and_chained_actions_from_the_file(
    world: World, attachment_dir: Path
) -> None:
    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    writer.add_attachment("staff.txt", b"EMBEDDED STAFF LIST")
    script = DictionaryObject(
        {
            NameObject("/S"): NameObject("/JavaScript"),
            NameObject("/JS"): TextStringObject("app.alert('named script');"),
        }
    )
    names = writer.root_object["/Names"].get_object()
    assert isinstance(names, DictionaryObject)
    names[NameObject("/JavaScript")] = DictionaryObject(
        {NameObject("/Names"): ArrayObject([TextStringObject("x"), writer._add_object(script)])}
    )
    # a harmless-looking link whose next action starts a program
    then = DictionaryObject(
        {NameObject("/S"): NameObject("/Launch"), NameObject("/F"): TextStringObject("nextprog")}
    )
    link = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Annot"),
            NameObject("/Subtype"): NameObject("/Link"),
            NameObject("/Rect"): ArrayObject([NumberObject(n) for n in (0, 0, 50, 50)]),
            NameObject("/A"): DictionaryObject(
                {
                    NameObject("/S"): NameObject("/URI"),
                    NameObject("/URI"): TextStringObject("https://example.org/"),
                    NameObject("/Next"): ArrayObject([writer._add_object(then)]),
                }
            ),
        }
    )
    writer.pages[0][NameObject("/Annots")] = ArrayObject([writer._add_object(link)])
    # an interactive form: an XFA packet and a field that runs script when typed in
    xfa = StreamObject()
    xfa.set_data(b"<xdp><script>XFA FORM SCRIPT</script></xdp>")
    field = DictionaryObject(
        {
            NameObject("/T"): TextStringObject("amount"),
            NameObject("/AA"): DictionaryObject(
                {
                    NameObject("/K"): DictionaryObject(
                        {
                            NameObject("/S"): NameObject("/JavaScript"),
                            NameObject("/JS"): TextStringObject("field keystroke script"),
                        }
                    )
                }
            ),
        }
    )
    writer.root_object[NameObject("/AcroForm")] = DictionaryObject(
        {
            NameObject("/Fields"): ArrayObject([writer._add_object(field)]),
            NameObject("/XFA"): writer._add_object(xfa),
        }
    )
    out = io.BytesIO()
    writer.write(out)
    raw = out.getvalue()
    assert b"XFA FORM SCRIPT" in raw
    assert b"field keystroke script" in raw
    assert b"EMBEDDED STAFF LIST" in raw
    assert b"named script" in raw
    assert b"nextprog" in raw

    row = add(world, prepared(world), raw, name="list.pdf")
    data = (attachment_dir / row.stored_name).read_bytes()
    # not only unlinked from the catalogue: gone from the file (an orphan chain too)
    assert b"EMBEDDED STAFF LIST" not in data
    assert b"named script" not in data
    assert b"nextprog" not in data
    assert b"XFA FORM SCRIPT" not in data
    assert b"field keystroke script" not in data
    page = PdfReader(io.BytesIO(data)).pages[0]
    links = page["/Annots"]
    assert isinstance(links, ArrayObject)
    assert len(links) == 1  # the link stays, without its actions
    assert "/A" not in links[0].get_object()


def test_an_encrypted_pdf_is_refused(world: World) -> None:
    control = prepared(world)
    with pytest.raises(InvalidInput, match="encrypted"):
        add(world, control, pdf_with_metadata(encrypt=True), name="x.pdf")


def test_an_oversized_file_is_refused(world: World, settings: Any) -> None:
    control = prepared(world)
    raw = jpeg_with_gps()
    settings.AKRIM_ATTACHMENT_MAX_BYTES = len(raw) - 1
    with pytest.raises(InvalidInput, match="too large"):
        add(world, control, raw)
    settings.AKRIM_ATTACHMENT_MAX_BYTES = len(raw)
    assert add(world, control, raw).pk


def test_the_default_size_limit_is_ten_mebibytes(settings: Any) -> None:
    from akrim.config import settings as config

    assert config.AKRIM_ATTACHMENT_MAX_BYTES == 10 * 1024 * 1024
    assert config.VAR_DIR / "attachments" == config.AKRIM_ATTACHMENT_DIR


def test_decompression_bombs_are_refused(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    control = prepared(world)
    out = io.BytesIO()
    Image.new("1", (10_000, 6_000)).save(out, "PNG")  # 60 megapixels in a few kB
    bomb = out.getvalue()
    assert len(bomb) < 100_000
    with pytest.raises(InvalidInput, match="too large"):
        add(world, control, bomb, name="bomb.png")
    # Pillow's own guard is caught too (here with a lowered limit).
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 100)
    with pytest.raises(InvalidInput, match="too large"):
        add(world, control, jpeg_with_gps(size=(40, 20)))
    assert not Attachment.objects.exists()


def test_a_control_holds_at_most_the_maximum_and_nothing_is_left_on_disk(
    world: World, attachment_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    control = prepared(world)
    monkeypatch.setattr(fieldwork, "MAX_ATTACHMENTS", 2)
    add(world, control, jpeg_with_gps())
    add(world, control, jpeg_with_gps())
    with pytest.raises(Conflict, match="already has 2"):
        add(world, control, jpeg_with_gps())
    assert Attachment.objects.count() == 2
    assert len(list(attachment_dir.iterdir())) == 2  # the refused file was removed


def test_reading_a_file_is_audited_and_follows_the_sharing_rules(world: World) -> None:
    control = prepared(world)
    row = add(world, control, jpeg_with_gps())
    found = queries.open_attachment(
        actor=world.actor("skv_inspector"), control_id=control.pk, attachment_id=row.pk
    )
    assert found.path.read_bytes()[:3] == b"\xff\xd8\xff"
    assert found.download_name == "photo.jpg"
    entry = last_entry("read")
    assert (entry.object_type, entry.object_id) == ("attachment", str(row.pk))
    pol = as_purpose(world.actor("pol_inspector"), Purpose.EXECUTION)
    for actor in (pol, world.actor("other_centre")):
        with pytest.raises(NotFound):
            queries.open_attachment(actor=actor, control_id=control.pk, attachment_id=row.pk)
    share("control")
    assert queries.open_attachment(actor=pol, control_id=control.pk, attachment_id=row.pk)


def test_a_download_is_named_by_the_stored_type(world: World) -> None:
    control = prepared(world)
    row = add(world, control, pdf_with_metadata(), name="page.html")
    found = queries.open_attachment(
        actor=world.actor("skv_inspector"), control_id=control.pk, attachment_id=row.pk
    )
    assert found.download_name == "page.pdf"


def test_deleting_a_file_removes_it_from_disk_once_committed(
    world: World, attachment_dir: Path, django_capture_on_commit_callbacks: Any
) -> None:
    control = prepared(world)
    row = add(world, control, jpeg_with_gps())
    with pytest.raises(NotFound):
        services.delete_attachment(
            actor=world.actor("pol_inspector"), control_id=control.pk, attachment_id=row.pk
        )
    with django_capture_on_commit_callbacks(execute=True):
        services.delete_attachment(
            actor=world.actor("skv_inspector"), control_id=control.pk, attachment_id=row.pk
        )
    assert not Attachment.objects.exists()
    assert not any(attachment_dir.iterdir())
    assert last_entry("delete_attachment").object_id == str(row.pk)


# --- drafts ----------------------------------------------------------------------------


def test_a_draft_is_saved_loaded_and_cleared_for_its_user_only(world: World) -> None:
    control = prepared(world)
    skv = world.actor("skv_inspector")
    data = {"name_as_written": "Jan T", "note": "line one\nline two"}
    draft = services.save_draft(actor=skv, control_id=control.pk, form="person-new", data=data)
    assert queries.load_draft(actor=skv, control_id=control.pk, form="person-new") == draft
    assert draft.data == data
    entry = last_entry("save_form_draft")
    assert entry.fields == ["name_as_written", "note"]
    assert "Jan" not in str(entry.detail)

    count = AuditEntry.objects.count()
    services.save_draft(actor=skv, control_id=control.pk, form="person-new", data=data)
    assert AuditEntry.objects.count() == count  # the same data again writes nothing

    pol = world.actor("pol_inspector")
    assert queries.load_draft(actor=pol, control_id=control.pk, form="person-new") is None
    assert services.clear_draft(actor=pol, control_id=control.pk, form="person-new") is False
    assert FormDraft.objects.count() == 1

    assert services.clear_draft(actor=skv, control_id=control.pk, form="person-new") is True
    assert queries.load_draft(actor=skv, control_id=control.pk, form="person-new") is None


@pytest.mark.parametrize(
    ("form", "data", "message"),
    [
        ("person-new", {f"f{i}": "x" for i in range(51)}, "at most 50 fields"),
        ("person-new", {"note": "x" * 20_001}, "20 kB"),
        ("person-new", {"note": "å" * 10_001}, "20 kB"),  # counted in bytes
        ("person-new", {"note": 5}, "fields and their text"),
        ("person-new", ["note"], "fields and their text"),
        ("person-new", {"note": "nul\x00"}, "not allowed"),
        ("person-new", {"": "x"}, "not allowed"),
        ("Person New", {"note": "x"}, "Unknown form"),
        ("../etc", {"note": "x"}, "Unknown form"),
        ("x" * 41, {"note": "x"}, "Unknown form"),
    ],
)
def test_drafts_are_limited(world: World, form: str, data: Any, message: str) -> None:
    control = prepared(world)
    with pytest.raises(InvalidInput, match=message):
        services.save_draft(
            actor=world.actor("skv_inspector"), control_id=control.pk, form=form, data=data
        )
    assert not FormDraft.objects.exists()


def test_only_those_who_may_record_keep_drafts(world: World) -> None:
    control = prepared(world, "skv_inspector")
    with pytest.raises(Forbidden):
        services.save_draft(
            actor=world.actor("skv_analyst"), control_id=control.pk, form="x", data={"a": "b"}
        )
    with pytest.raises(NotFound):
        services.save_draft(
            actor=world.actor("other_centre"), control_id=control.pk, form="x", data={"a": "b"}
        )
    with pytest.raises(NotFound):
        queries.load_draft(actor=world.actor("other_centre"), control_id=control.pk, form="x")


def test_the_moment_of_a_draft_is_in_milliseconds(world: World) -> None:
    control = prepared(world)
    draft = services.save_draft(
        actor=world.actor("skv_inspector"), control_id=control.pk, form="x", data={"a": "b"}
    )
    moment = queries.draft_moment(draft)
    assert abs(moment / 1000 - timezone.now().timestamp()) < 60
    assert queries.draft_moment(None) == 0
