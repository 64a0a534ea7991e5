"""The database itself refuses to change or remove audit rows (migration 0003).

Statements go through the application's own connection, as an injected query or a bug
would. On PostgreSQL the revoked privileges refuse first and the triggers stand behind
them; on SQLite the triggers refuse. The head row stays writable, the maintenance window
closes behind itself, and Django's flush of a test database still works.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from akrim.audit import services as audit
from akrim.audit.checkpoints import write_checkpoint
from akrim.audit.maintenance import MaintenanceRefused, audit_maintenance
from akrim.audit.models import AuditCheckpoint, AuditEntry, AuditHead
from akrim.audit.verify import verify_chain
from akrim.core.actor import Actor

pytestmark = pytest.mark.django_db

POSTGRESQL = connection.vendor == "postgresql"
only_postgresql = pytest.mark.skipif(not POSTGRESQL, reason="PostgreSQL roles and TRUNCATE")
only_sqlite = pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's REPLACE")
# What refuses first: the revoked privilege on PostgreSQL, the trigger on SQLite.
REFUSAL = "permission denied" if POSTGRESQL else "append-only"
APPEND_ONLY = "the audit log is append-only"

TABLES = ["audit_auditentry", "audit_auditcheckpoint"]
# SQLite has no TRUNCATE: its truncate is a DELETE without WHERE (the triggers disable the
# shortcut that would skip them).
TRUNCATE = "TRUNCATE {table}" if POSTGRESQL else "DELETE FROM {table}"
STATEMENTS = {
    # Row #3 is in both tables: the checkpoint's entry and the checkpoint.
    "update": "UPDATE {table} SET hash = 'f' WHERE seq = 3",
    "delete": "DELETE FROM {table} WHERE seq = 3",
    "truncate": TRUNCATE,
}


@pytest.fixture
def logged(settings: Any, tmp_path: Path) -> None:
    """Two entries and a checkpoint (#3), signed with a demo key in this test's folder."""
    settings.AKRIM_ENV, settings.VAR_DIR = "demo", tmp_path
    settings.AKRIM_AUDIT_SIGNING_KEY = settings.AKRIM_AUDIT_SIGNING_KEY_FILE = ""
    actor = Actor(user_id=7, username="tester", agency="SKV")
    for i in range(2):
        audit.record(actor=actor, action="read", object_type="person", object_id=f"X{i}")
    write_checkpoint(actor=Actor.system())


def _refusal(sql: str) -> str:
    """Run one statement on the application's connection; return the database's refusal."""
    with pytest.raises(DatabaseError) as refused, transaction.atomic(), connection.cursor() as c:
        c.execute(sql)
    return str(refused.value)


def _rows() -> list[tuple[Any, ...]]:
    """Every audit entry and checkpoint, every column."""
    return [*AuditEntry.objects.values_list(), *AuditCheckpoint.objects.values_list()]


@pytest.mark.usefixtures("logged")
@pytest.mark.parametrize("table", TABLES)
@pytest.mark.parametrize("statement", sorted(STATEMENTS))
def test_raw_change_of_audit_rows_is_refused_by_the_database(table: str, statement: str) -> None:
    before = _rows()
    message = _refusal(STATEMENTS[statement].format(table=table))
    assert REFUSAL in message
    assert table in message
    assert _rows() == before
    assert verify_chain().ok


@only_postgresql
@pytest.mark.usefixtures("logged")
@pytest.mark.parametrize("table", TABLES)
@pytest.mark.parametrize("statement", sorted(STATEMENTS))
def test_triggers_refuse_even_when_the_owner_grants_the_privileges_back(
    table: str, statement: str
) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"GRANT UPDATE, DELETE, TRUNCATE ON {table} TO CURRENT_USER")
    before = _rows()
    message = _refusal(STATEMENTS[statement].format(table=table))
    assert f"{APPEND_ONLY}: {statement.upper()} on {table} is refused" in message
    assert _rows() == before


@only_postgresql
@pytest.mark.usefixtures("logged")
def test_the_maintenance_setting_alone_does_not_restore_the_privileges() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('akrim.audit_maintenance', 'on', true)")
    assert "permission denied" in _refusal("DELETE FROM audit_auditentry")
    assert AuditEntry.objects.count() == 3


@only_sqlite
@pytest.mark.usefixtures("logged")
def test_insert_or_replace_cannot_overwrite_an_entry_on_sqlite() -> None:
    before = _rows()
    sql = (
        "INSERT OR REPLACE INTO audit_auditentry (id, seq, at, user_id, username, agency, "
        "purpose, action, object_type, object_id, object_owner, fields, detail, request_id, "
        "prev_hash, hash) SELECT id, seq, at, user_id, 'someone-else', agency, purpose, "
        "action, object_type, object_id, object_owner, fields, detail, request_id, prev_hash, "
        "hash FROM audit_auditentry WHERE seq = 1"
    )
    assert APPEND_ONLY in _refusal(sql)
    assert _rows() == before


@pytest.mark.usefixtures("logged")
def test_orm_update_and_delete_of_entries_are_refused_too() -> None:
    with pytest.raises(DatabaseError, match=REFUSAL), transaction.atomic():
        AuditEntry.objects.filter(seq=1).update(username="someone-else")
    with pytest.raises(DatabaseError, match=REFUSAL), transaction.atomic():
        AuditCheckpoint.objects.all().delete()
    assert verify_chain().ok


@pytest.mark.usefixtures("logged")
def test_the_head_row_stays_writable_and_appends_go_on() -> None:
    with connection.cursor() as cursor:
        cursor.execute("UPDATE audit_audithead SET seq = seq, hash = hash WHERE id = 1")
    entry = audit.record(actor=Actor.system(), action="read", object_type="person")
    assert entry.seq == 4
    assert AuditHead.objects.get().seq == 4
    assert verify_chain().ok


@pytest.mark.usefixtures("logged")
def test_maintenance_window_closes_behind_its_block() -> None:
    with audit_maintenance(reason="test: a DBA edits one entry"):
        AuditEntry.objects.filter(seq=1).update(username="someone-else")
    assert AuditEntry.objects.get(seq=1).username == "someone-else"
    assert REFUSAL in _refusal("UPDATE audit_auditentry SET username = 'again' WHERE seq = 1")
    if POSTGRESQL:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT current_setting('akrim.audit_maintenance', true), "
                "has_table_privilege('audit_auditentry', 'UPDATE')"
            )
            assert cursor.fetchone() == ("off", False)


@pytest.mark.usefixtures("logged")
def test_maintenance_window_closes_when_its_block_fails() -> None:
    def failing_repair() -> None:
        with audit_maintenance(reason="test: a failing repair"):
            AuditEntry.objects.filter(seq=1).update(username="someone-else")
            raise RuntimeError("the repair failed half-way")

    with pytest.raises(RuntimeError, match="half-way"):
        failing_repair()
    assert AuditEntry.objects.get(seq=1).username == "tester"  # rolled back with the window
    assert REFUSAL in _refusal("DELETE FROM audit_auditentry")


def test_production_opens_no_maintenance_window_and_refuses_flush(settings: Any) -> None:
    settings.AKRIM_ENV = "production"
    with pytest.raises(MaintenanceRefused), audit_maintenance(reason="test"):
        pytest.fail("the window opened in production")
    with pytest.raises(CommandError, match="flush refused"):
        call_command("flush", interactive=False, verbosity=0)


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("logged")
def test_flush_empties_the_audit_tables_and_the_protection_comes_back() -> None:
    """Django's test framework runs the same flush after every transactional test."""
    call_command("flush", interactive=False, verbosity=0)
    assert not AuditEntry.objects.exists()
    assert not AuditCheckpoint.objects.exists()
    audit.record(actor=Actor.system(), action="read", object_type="person")
    assert REFUSAL in _refusal("DELETE FROM audit_auditentry")
    assert AuditEntry.objects.count() == 1
