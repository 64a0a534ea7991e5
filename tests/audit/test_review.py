"""The data-protection auditor's review tools: the persons indexed on audit entries, the
per-person extract (page and CSV), the filtered log, weekly sampled log checks with sign-off,
alerts for unusual patterns, and who may see any of it.

Skatteverket (SKV) owns the imported world; ``pol_auditor`` is the Police's auditor, made
here, who must see nothing of SKV's.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import hashlib
import io
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from unittest import mock

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.test import Client
from django.utils import timezone

from akrim.audit import queries, services
from akrim.audit import services as audit
from akrim.audit.maintenance import audit_maintenance
from akrim.audit.models import AuditEntry, AuditSubject, LogCheck
from akrim.audit.queries import EntryFilters
from akrim.audit.verify import verify_chain
from akrim.core.actor import Actor, Purpose
from akrim.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from akrim.organisation.services import create_staff
from akrim.registry import queries as registry
from akrim.registry.models import Person, Role
from akrim.registry.services import ImportResult
from tests.cast import PASSWORD, Cast
from tests.conftest import login

pytestmark = pytest.mark.django_db

POSTGRESQL = connection.vendor == "postgresql"
REFUSAL = "permission denied" if POSTGRESQL else "append-only"
STOCKHOLM = dt.timezone(dt.timedelta(hours=1))  # winter time, as in the weeks used below
PAST_MONDAY = dt.date(2026, 1, 12)  # a Monday of a week that is over


@pytest.fixture
def pol_auditor(cast: Cast) -> Actor:
    """The Police's data-protection auditor."""
    create_staff(
        actor=Actor.system(),
        username="pol_auditor",
        password=PASSWORD,
        agency="POL",
        centres=[],
        roles=["dp_auditor"],
    )
    return _actor("pol_auditor")


def _actor(username: str) -> Actor:
    from django.contrib.auth.models import User

    from akrim.organisation.queries import actor_for_user

    return actor_for_user(User.objects.get(username=username))


@pytest.fixture
def role(imported: ImportResult) -> Role:
    """A role of an SKV person in an SKV company: the person shows on the company page."""
    found = Role.objects.filter(owner__code="SKV").select_related("person", "company").first()
    assert found is not None
    return found


@contextmanager
def at(moment: dt.datetime) -> Iterator[None]:
    """Entries written in the block carry ``moment`` as their time."""
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield


def _seqs(rows: list[Any]) -> set[int]:
    return {row.seq for row in rows}


# --- Persons indexed on entries -------------------------------------------------------------


def test_reads_and_searches_index_the_persons_they_showed(cast: Cast, role: Role) -> None:
    inspector = cast.actor("skv_inspector")
    person_id = role.person.person_id
    registry.get_person(actor=inspector, person_id=person_id)
    registry.get_company(actor=inspector, org_no=role.company.org_no)
    registry.search(actor=inspector, query=person_id)
    entries = list(AuditEntry.objects.filter(user_id=inspector.user_id).order_by("seq"))
    assert [e.action for e in entries] == ["read", "read", "search"]
    for entry in entries:
        subjects = set(entry.subjects.values_list("person_id", "owner"))
        assert (person_id, "SKV") in subjects
        # The hashed detail carries the same pairs, so the chain covers the index.
        assert sorted(map(tuple, entry.detail["subjects"])) == sorted(subjects)
    assert verify_chain().ok


def test_entries_without_persons_hash_as_before_and_carry_no_subjects() -> None:
    entry = audit.record(actor=Actor.system(), action="import", object_type="registry")
    assert "subjects" not in entry.detail
    assert not AuditSubject.objects.exists()
    with pytest.raises(ValueError, match="subjects"):
        audit.record(
            actor=Actor.system(),
            action="read",
            detail={"subjects": []},
            persons=[("X1", "SKV")],
        )


def test_the_database_refuses_to_change_or_remove_indexed_persons() -> None:
    audit.record(actor=Actor.system(), action="read", persons=[("X1", "SKV")])
    for sql in (
        "UPDATE audit_auditsubject SET owner = 'POL'",
        "DELETE FROM audit_auditsubject",
        "TRUNCATE audit_auditsubject" if POSTGRESQL else "DELETE FROM audit_auditsubject",
    ):
        with (
            pytest.raises(DatabaseError) as refused,
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql)
        assert REFUSAL in str(refused.value)
        assert "audit_auditsubject" in str(refused.value)
    assert list(AuditSubject.objects.values_list("person_id", "owner")) == [("X1", "SKV")]
    with audit_maintenance(reason="test: a DBA removes an indexed person"):
        AuditSubject.objects.all().delete()
    assert not AuditSubject.objects.exists()
    audit.record(actor=Actor.system(), action="read", persons=[("X2", "SKV")])
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditsubject")


@pytest.mark.skipif(POSTGRESQL, reason="SQLite's REPLACE")
def test_insert_or_replace_cannot_overwrite_an_indexed_person_on_sqlite() -> None:
    audit.record(actor=Actor.system(), action="read", persons=[("X1", "SKV")])
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(
            "INSERT OR REPLACE INTO audit_auditsubject (id, entry_id, person_id, owner) "
            "SELECT id, entry_id, person_id, 'POL' FROM audit_auditsubject"
        )
    assert AuditSubject.objects.get().owner == "SKV"


@pytest.mark.django_db(transaction=True)
def test_flush_empties_the_indexed_persons_too() -> None:
    audit.record(actor=Actor.system(), action="read", persons=[("X1", "SKV")])
    call_command("flush", interactive=False, verbosity=0)
    assert not AuditSubject.objects.exists()
    assert not AuditEntry.objects.exists()


# --- The per-person extract -----------------------------------------------------------------


@pytest.fixture
def pol_copy(imported: ImportResult, small_world: Any) -> ImportResult:
    """The same world imported as the Police's too: every person has a POL record as well."""
    from akrim.registry.services import import_registers

    return import_registers(actor=Actor.system(), folder=small_world, owner="POL")


def test_extract_finds_person_page_company_page_and_search_but_no_other_agencys_records(
    cast: Cast, role: Role, pol_copy: ImportResult, pol_auditor: Actor
) -> None:
    person_id = role.person.person_id
    inspector = cast.actor("skv_inspector")
    registry.get_person(actor=inspector, person_id=person_id)
    registry.get_company(actor=inspector, org_no=role.company.org_no)
    registry.search(actor=inspector, query=person_id)
    other = Person.objects.filter(owner__code="SKV").exclude(person_id=person_id).first()
    assert other is not None
    registry.get_person(actor=inspector, person_id=other.person_id)  # someone else
    police = cast.actor("pol_inspector")
    registry.get_person(actor=police, person_id=person_id)  # the Police's own record
    ours = set(AuditEntry.objects.filter(user_id=inspector.user_id).values_list("seq", flat=True))
    police_read = AuditEntry.objects.get(user_id=police.user_id, action="read")
    assert police_read.object_owner == "POL"

    accesses = queries.list_person_accesses(actor=cast.actor("skv_auditor"), person_id=person_id)
    assert [(a.action, a.object_type) for a in accesses] == [
        ("search", "registry"),
        ("read", "company"),
        ("read", "person"),
    ]
    assert _seqs(accesses) < ours
    assert accesses[2].legal_basis == "own_records"
    assert {a.username for a in accesses} == {"skv_inspector"}
    assert {a.purpose for a in accesses} == {"analysis"}

    theirs = queries.list_person_accesses(actor=pol_auditor, person_id=person_id)
    assert _seqs(theirs) == {police_read.seq}


def test_extract_includes_person_reads_written_before_the_index(cast: Cast) -> None:
    """Entries from before the index have no subject rows; their object still names them."""
    old = audit.record(
        actor=cast.actor("skv_inspector"),
        action="read",
        object_type="person",
        object_id="X1",
        object_owner="SKV",
    )
    accesses = queries.list_person_accesses(actor=cast.actor("skv_auditor"), person_id="X1")
    assert _seqs(accesses) == {old.seq}


def test_extract_ignores_an_index_row_its_entry_does_not_name(cast: Cast) -> None:
    """A subject row forged onto an unrelated entry does not put that entry in an extract."""
    unrelated = audit.record(actor=cast.actor("pol_inspector"), action="read", object_owner="POL")
    AuditSubject.objects.create(entry=unrelated, person_id="X1", owner="SKV")
    genuine = audit.record(
        actor=cast.actor("skv_inspector"), action="read", persons=[("X1", "SKV")]
    )
    accesses = queries.list_person_accesses(actor=cast.actor("skv_auditor"), person_id="X1")
    assert _seqs(accesses) == {genuine.seq}


def test_extract_read_is_itself_audited_and_flags_emergency_access(cast: Cast) -> None:
    audit.record(
        actor=cast.actor("pol_inspector"),
        action="read",
        object_type="person",
        object_id="X1",
        object_owner="SKV",
        detail={"legal_basis": "break_the_glass", "break_glass": 4},
        persons=[("X1", "SKV")],
    )
    auditor = cast.actor("skv_auditor")
    [access] = queries.list_person_accesses(actor=auditor, person_id="X1")
    assert access.break_glass
    assert access.legal_basis == "break_the_glass"
    logged = AuditEntry.objects.filter(user_id=auditor.user_id).get()
    assert (logged.action, logged.object_id, logged.detail) == (
        "read_audit_log",
        "X1",
        {"entries_shown": 1},
    )


def test_extract_as_csv(client_for: Any, cast: Cast, role: Role) -> None:
    person_id = role.person.person_id
    inspector = cast.actor("skv_inspector")
    registry.get_person(actor=inspector, person_id=person_id)
    registry.get_company(actor=inspector, org_no=role.company.org_no)
    response = client_for("skv_auditor").get(f"/en/audit/persons/{person_id}/csv/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8"))))
    assert rows[0][:3] == ["Entry", "Time", "User"]
    assert [(r[2], r[3], r[5], r[6], r[7]) for r in rows[1:]] == [
        ("skv_inspector", "SKV", "own_records", "read", "company"),
        ("skv_inspector", "SKV", "own_records", "read", "person"),
    ]
    exported = AuditEntry.objects.filter(action="export_audit_log").get()
    assert exported.object_id == person_id


def test_csv_cells_cannot_run_as_spreadsheet_formulas(client_for: Any, cast: Cast) -> None:
    audit.record(
        actor=dataclasses.replace(cast.actor("skv_inspector"), username="=HYPERLINK(1)"),
        action="read",
        persons=[("X1", "SKV")],
    )
    response = client_for("skv_auditor").get("/en/audit/persons/X1/csv/")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8"))))
    assert rows[1][2] == "'=HYPERLINK(1)"


# --- The filtered log -----------------------------------------------------------------------


def test_log_filters_by_user_record_purpose_action_and_emergency(cast: Cast) -> None:
    inspector, analyst = cast.actor("skv_inspector"), cast.actor("skv_analyst")
    planning = dataclasses.replace(inspector, purpose=Purpose.PLANNING)
    a = audit.record(actor=inspector, action="read", object_id="X1", object_owner="SKV")
    b = audit.record(actor=analyst, action="read", object_id="X2", object_owner="SKV")
    c = audit.record(actor=planning, action="update", object_id="X1", object_owner="SKV")
    d = audit.record(
        actor=inspector,
        action="read",
        object_id="X3",
        object_owner="SKV",
        detail={"break_glass": 9},
    )
    e = audit.record(
        actor=inspector,
        action="read",
        object_id="X4",
        object_owner="SKV",
        detail={"break_glass": None},
    )
    f = audit.record(actor=inspector, action="break_the_glass", object_id="X5", object_owner="SKV")
    g = audit.record(actor=inspector, action="search", persons=[("X6", "SKV")])
    audit.record(actor=cast.actor("pol_inspector"), action="read", object_owner="POL")
    auditor = cast.actor("skv_auditor")

    def shown(**filters: Any) -> set[int]:
        return _seqs(queries.list_entries(actor=auditor, filters=EntryFilters(**filters)))

    assert shown() == {a.seq, b.seq, c.seq, d.seq, e.seq, f.seq, g.seq}
    assert shown(username="skv_analyst") == {b.seq}
    assert shown(object_id="X1") == {a.seq, c.seq}
    assert shown(purpose="planning") == {c.seq}
    assert shown(action="update") == {c.seq}
    assert shown(break_glass_only=True) == {d.seq, f.seq}
    assert shown(username="skv_inspector", object_id="X1", purpose="analysis") == {a.seq}
    with pytest.raises(InvalidInput):
        shown(purpose="curiosity")
    with pytest.raises(InvalidInput):
        shown(username="a\x00b")
    reads = AuditEntry.objects.filter(user_id=auditor.user_id, action="read_audit_log")
    assert reads.count() == 7  # every read of the log, refused ones not
    assert reads.order_by("seq").last().detail["break_glass_only"] is False  # type: ignore[union-attr]


def test_log_page_filters_and_shows_alerts(client_for: Any, cast: Cast) -> None:
    inspector = cast.actor("skv_inspector")
    audit.record(actor=inspector, action="read", object_id="X1", object_owner="SKV")
    audit.record(actor=inspector, action="break_the_glass", object_id="X9", object_owner="SKV")
    client = client_for("skv_auditor")
    everything = client.get("/en/audit/")
    assert b"X1" in everything.content
    assert b"Emergency access" in everything.content  # the alert
    flagged = client.get("/en/audit/?break_glass=1")
    table = flagged.content.split(b'data-testid="audit"')[1]
    assert b"X9" in table
    assert b"X1" not in table
    assert client.get("/en/audit/?purpose=nonsense").status_code == 400


def test_log_page_runs_a_bounded_number_of_queries(
    client_for: Any, cast: Cast, django_assert_max_num_queries: Any
) -> None:
    inspector = cast.actor("skv_inspector")
    for i in range(30):
        audit.record(actor=inspector, action="read", object_owner="SKV", persons=[(f"X{i}", "SKV")])
    client = client_for("skv_auditor")
    with django_assert_max_num_queries(25):  # 24: constant, whatever the entries
        response = client.get("/en/audit/")
    assert response.content.count(b"<tr><td>") >= 30


# --- Weekly log checks ----------------------------------------------------------------------


def _week_of_entries(cast: Cast) -> list[int]:
    """40 entries about SKV's records in the week of PAST_MONDAY (half of them showing SKV
    persons in searches), 5 about the Police's, and 3 about SKV's the week after."""
    inspector, police = cast.actor("skv_inspector"), cast.actor("pol_inspector")
    start = dt.datetime.combine(PAST_MONDAY, dt.time(0, 30), tzinfo=STOCKHOLM)
    ours = []
    for i in range(40):
        with at(start + dt.timedelta(hours=4 * i)):
            if i % 2:
                entry = audit.record(actor=police, action="search", persons=[(f"X{i}", "SKV")])
            else:
                entry = audit.record(actor=inspector, action="read", object_owner="SKV")
            ours.append(entry.seq)
    for i in range(5):
        with at(start + dt.timedelta(hours=i)):
            audit.record(actor=police, action="read", object_owner="POL")
    for i in range(3):
        with at(start + dt.timedelta(days=7, hours=i)):
            audit.record(actor=inspector, action="read", object_owner="SKV")
    return ours


def test_log_check_samples_twenty_of_the_weeks_entries_deterministically(cast: Cast) -> None:
    ours = _week_of_entries(cast)
    auditor = cast.actor("skv_auditor")
    check = services.create_log_check(actor=auditor, week=PAST_MONDAY + dt.timedelta(days=3))
    assert check.week == PAST_MONDAY
    assert len(check.sampled_seqs) == 20
    assert set(check.sampled_seqs) <= set(ours)
    assert check.sampled_seqs == sorted(check.sampled_seqs)

    def rank(seq: int) -> str:
        return hashlib.sha256(f"akrim-log-check/1|SKV|{PAST_MONDAY}|{seq}".encode()).hexdigest()

    assert check.sampled_seqs == sorted(sorted(ours, key=rank)[:20])  # anyone can redraw it
    assert services.sample_week(agency="SKV", week=PAST_MONDAY) == check.sampled_seqs
    assert services.sample_week(agency="POL", week=PAST_MONDAY) != check.sampled_seqs
    again = services.create_log_check(actor=auditor, week=PAST_MONDAY)
    assert again.pk == check.pk
    assert LogCheck.objects.count() == 1
    assert AuditEntry.objects.filter(action="create_log_check").count() == 1


def test_log_check_needs_a_week_that_is_over(cast: Cast) -> None:
    with pytest.raises(InvalidInput, match="over"):
        services.create_log_check(actor=cast.actor("skv_auditor"), week=timezone.localdate())
    assert not LogCheck.objects.exists()


def test_log_check_is_signed_off_once_by_its_agencys_auditor_only(
    cast: Cast, pol_auditor: Actor
) -> None:
    _week_of_entries(cast)
    auditor = cast.actor("skv_auditor")
    check = services.create_log_check(actor=auditor, week=PAST_MONDAY)
    with pytest.raises(NotFound):
        services.sign_log_check(actor=pol_auditor, check_id=check.pk, outcome="ok", note="")
    with pytest.raises(NotFound):
        queries.get_log_check(actor=pol_auditor, check_id=check.pk)
    with pytest.raises(Forbidden):
        services.sign_log_check(
            actor=cast.actor("skv_inspector"), check_id=check.pk, outcome="ok", note=""
        )
    with pytest.raises(InvalidInput, match="note"):
        services.sign_log_check(actor=auditor, check_id=check.pk, outcome="findings", note=" ")
    with pytest.raises(InvalidInput):
        services.sign_log_check(actor=auditor, check_id=check.pk, outcome="fine", note="")
    signed = services.sign_log_check(
        actor=auditor, check_id=check.pk, outcome="findings", note="Entry #3: no purpose."
    )
    assert (signed.outcome, signed.signed_by_id) == ("findings", auditor.user_id)
    with pytest.raises(Conflict):
        services.sign_log_check(actor=auditor, check_id=check.pk, outcome="ok", note="")
    check.refresh_from_db()
    assert (check.outcome, check.note) == ("findings", "Entry #3: no purpose.")
    assert AuditEntry.objects.filter(action="sign_log_check").get().detail["outcome"] == "findings"
    detail = queries.get_log_check(actor=auditor, check_id=check.pk)
    assert [e.seq for e in detail.entries] == check.sampled_seqs


def test_log_check_pages_draw_show_and_sign(client_for: Any, cast: Cast) -> None:
    _week_of_entries(cast)
    client = client_for("skv_auditor")
    created = client.post("/en/audit/checks/", {"week": PAST_MONDAY.isoformat()})
    assert created.status_code == 302
    check = LogCheck.objects.get()
    assert created["Location"] == f"/en/audit/checks/{check.pk}/"
    page = client.get(created["Location"])
    assert page.content.count(b"<tr><td>") == 20
    assert b"Sign off" in page.content
    refused = client.post(created["Location"], {"outcome": "findings", "note": ""})
    assert refused.status_code == 400
    signed = client.post(created["Location"], {"outcome": "ok", "note": ""})
    assert signed.status_code == 302
    after = client.get(created["Location"])
    assert b'data-testid="signed"' in after.content
    assert b"Sign off</button>" not in after.content
    assert b"No findings" in client.get("/en/audit/checks/").content
    early = client.post("/en/audit/checks/", {"week": timezone.localdate().isoformat()})
    assert early.status_code == 400


# --- Alerts ---------------------------------------------------------------------------------


def _show_persons(actor: Actor, count: int, *, owner: str = "SKV", offset: int = 0) -> None:
    for i in range(count):
        audit.record(actor=actor, action="read", persons=[(f"X{offset + i}", owner)])


def test_alert_fires_above_the_threshold_of_distinct_persons_a_day(
    cast: Cast, settings: Any
) -> None:
    settings.AKRIM_ALERT_PERSONS_PER_DAY = 3
    police, inspector = cast.actor("pol_inspector"), cast.actor("skv_inspector")
    _show_persons(police, 4)  # 4 of SKV's persons: above
    _show_persons(inspector, 3)  # exactly the threshold: not above
    _show_persons(inspector, 3)  # the same 3 again: still 3 distinct
    _show_persons(inspector, 5, owner="POL", offset=10)  # the Police's persons: not SKV's concern
    alerts = queries.list_alerts(actor=cast.actor("skv_auditor"))
    assert [(a.username, a.agency, a.persons) for a in alerts] == [("pol_inspector", "POL", 4)]
    assert alerts[0].day == timezone.localdate()
    settings.AKRIM_ALERT_PERSONS_PER_DAY = 4
    assert queries.list_alerts(actor=cast.actor("skv_auditor")) == []


def test_alert_counts_each_day_on_its_own(cast: Cast, settings: Any) -> None:
    settings.AKRIM_ALERT_PERSONS_PER_DAY = 3
    police = cast.actor("pol_inspector")
    # noon of yesterday's date: "now minus 24 hours" is still today on the night summer
    # time ends (a day of 25 hours)
    day = timezone.localdate() - dt.timedelta(days=1)
    yesterday = timezone.make_aware(dt.datetime.combine(day, dt.time(12)))
    with at(yesterday):
        _show_persons(police, 3)
    _show_persons(police, 3, offset=3)
    assert queries.list_alerts(actor=cast.actor("skv_auditor")) == []


def test_alert_from_real_person_page_reads(
    cast: Cast, imported: ImportResult, settings: Any
) -> None:
    settings.AKRIM_ALERT_PERSONS_PER_DAY = 2
    inspector = cast.actor("skv_inspector")
    for person in Person.objects.filter(owner__code="SKV").order_by("pk")[:3]:
        registry.get_person(actor=inspector, person_id=person.person_id)
    [alert] = queries.list_alerts(actor=cast.actor("skv_auditor"))
    assert (alert.username, alert.persons, alert.is_break_glass) == ("skv_inspector", 3, False)


def test_every_emergency_access_is_an_alert_for_the_owner_only(
    cast: Cast, pol_auditor: Actor
) -> None:
    police = cast.actor("pol_inspector")
    opened = audit.record(
        actor=police, action="break_the_glass", object_type="company", object_owner="SKV"
    )
    read = audit.record(
        actor=police,
        action="read",
        object_type="company",
        object_owner="SKV",
        detail={"break_glass": 1},
    )
    alerts = queries.list_alerts(actor=cast.actor("skv_auditor"))
    assert {a.entry.seq for a in alerts if a.entry} == {opened.seq, read.seq}
    assert queries.list_alerts(actor=pol_auditor) == []
    assert AuditEntry.objects.filter(object_type="audit_alerts").count() == 2  # audited


# --- Who may see the review pages -----------------------------------------------------------


@pytest.fixture
def skv_check(cast: Cast) -> LogCheck:
    _week_of_entries(cast)
    return services.create_log_check(actor=cast.actor("skv_auditor"), week=PAST_MONDAY)


def _urls(person_id: str, check: LogCheck) -> list[str]:
    return [
        "/en/audit/",
        f"/en/audit/persons/{person_id}/",
        f"/en/audit/persons/{person_id}/csv/",
        "/en/audit/checks/",
        f"/en/audit/checks/{check.pk}/",
    ]


def test_anonymous_visitors_are_sent_to_login(skv_check: LogCheck) -> None:
    for url in [*_urls("X1", skv_check), "/en/audit/persons/?person=X1"]:
        response = Client().get(url)
        assert response.status_code == 302, url
        assert "/accounts/login/" in response["Location"]


@pytest.mark.parametrize(
    "username", ["skv_inspector", "skv_analyst", "coordinator", "national_reader", "admin"]
)
def test_staff_who_are_not_auditors_are_refused(
    client_for: Any, skv_check: LogCheck, username: str
) -> None:
    client = client_for(username)
    for url in _urls("X1", skv_check):
        assert client.get(url).status_code == 403, url
    assert client.post("/en/audit/checks/", {"week": "2026-01-05"}).status_code == 403
    post = client.post(f"/en/audit/checks/{skv_check.pk}/", {"outcome": "ok", "note": ""})
    assert post.status_code == 403
    assert client.get("/en/audit/persons/?person=X1", follow=True).status_code == 403
    skv_check.refresh_from_db()
    assert not skv_check.is_signed
    assert LogCheck.objects.count() == 1


def test_another_agencys_auditor_sees_nothing_of_skvs(
    cast: Cast, skv_check: LogCheck, pol_auditor: Actor
) -> None:
    audit.record(
        actor=cast.actor("skv_inspector"),
        action="read",
        object_type="person",
        object_id="X424242",
        object_owner="SKV",
        persons=[("X424242", "SKV")],
    )
    client = login(Client(), "pol_auditor")
    log = client.get("/en/audit/")
    assert log.status_code == 200
    assert b"X424242" not in log.content
    assert b"skv_inspector" not in log.content
    extract = client.get("/en/audit/persons/X424242/")
    assert extract.status_code == 200
    assert b"No accesses." in extract.content
    rows = client.get("/en/audit/persons/X424242/csv/").content.decode().splitlines()
    assert len(rows) == 1  # the header only
    checks = client.get("/en/audit/checks/")
    assert checks.status_code == 200
    assert f"/en/audit/checks/{skv_check.pk}/".encode() not in checks.content
    assert client.get(f"/en/audit/checks/{skv_check.pk}/").status_code == 404
    sign = client.post(f"/en/audit/checks/{skv_check.pk}/", {"outcome": "ok", "note": ""})
    assert sign.status_code == 404
    skv_check.refresh_from_db()
    assert not skv_check.is_signed


def test_skvs_auditor_opens_every_review_page(cast: Cast, skv_check: LogCheck) -> None:
    audit.record(
        actor=cast.actor("skv_inspector"),
        action="read",
        object_type="person",
        object_id="X424242",
        object_owner="SKV",
        persons=[("X424242", "SKV")],
    )
    client = login(Client(), "skv_auditor")
    for url in _urls("X424242", skv_check):
        assert client.get(url).status_code == 200, url
    assert b"X424242" in client.get("/en/audit/").content
    assert b"skv_inspector" in client.get("/en/audit/persons/X424242/").content
    lookup = client.get("/en/audit/persons/?person=X424242")
    assert lookup.status_code == 302
    assert lookup["Location"] == "/en/audit/persons/X424242/"
    assert client.get("/en/audit/persons/?person=a%2Fb").status_code == 404
    assert client.get("/sv/audit/checks/").status_code == 200
