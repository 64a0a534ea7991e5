"""The database itself refuses to change or remove audit entries and checkpoints.

PostgreSQL
    * Row triggers refuse UPDATE and DELETE, statement triggers refuse TRUNCATE, on
      ``audit_auditentry`` and ``audit_auditcheckpoint``, with the error
      "the audit log is append-only: <operation> on <table> is refused" (SQLSTATE 42501).
    * ``REVOKE UPDATE, DELETE, TRUNCATE`` on both tables from the role running this
      migration, which in akrim's deployment is the application's role. (The tables' owner
      can grant itself the privileges back and drop the triggers: a stronger installation
      lets another role own the tables and grants the application only SELECT and INSERT
      on them. Then neither the privileges nor the maintenance switch below are within
      the application's reach. Superusers bypass privileges, so never run the application
      as one.)

SQLite
    SQLite has no roles or privileges, so there is nothing to revoke; any process that can
    write the file can also drop the triggers. The triggers (``BEFORE UPDATE``/``BEFORE
    DELETE`` ... ``RAISE(ABORT)``) still make in-place edits through the application's
    connection fail, like on PostgreSQL. SQLite has no TRUNCATE: an unconditional DELETE is
    its truncate, and it fires the DELETE triggers. A third trigger refuses
    ``INSERT OR REPLACE`` of an existing row, which otherwise deletes it without firing the
    DELETE trigger. Whatever gets past, the hash chain and the signed checkpoints detect.

``audit_audithead`` (the chain's head row) gets no trigger: every append updates it.

The maintenance switch, and why
    Django's test framework flushes the database after each transactional test (the
    browser journeys): TRUNCATE of all tables on PostgreSQL, DELETE FROM each on SQLite.
    The triggers would make that fail, so they let a change through while a maintenance
    window is open on the same connection and transaction: on PostgreSQL the
    transaction-local setting ``akrim.audit_maintenance = 'on'``, honoured only for the
    tables' owner (who could drop the triggers anyway, so the switch gives nobody a power
    they lack); on SQLite a row in ``akrim_audit_maintenance``, created here. In the code,
    only ``akrim.audit.maintenance.audit_maintenance`` opens it; it also grants the owner back
    the revoked privileges for that transaction. This app's ``flush`` command wraps
    Django's in that window, outside production. Chosen over dropping and re-creating the
    triggers around a flush (DDL, visible to every connection while it lasts) and over
    leaving the audit tables out of the flush (their rows would leak between tests).

Later migrations: a data migration cannot update or delete these rows (by design). On
SQLite, an AlterField on these tables rebuilds the table and loses its triggers: such a
migration must create them again (``tests/audit/test_append_only.py`` notices).
"""

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

TABLES = ("audit_auditentry", "audit_auditcheckpoint")
MESSAGE = "the audit log is append-only: {operation} on {table} is refused"

POSTGRESQL_FUNCTION = """
CREATE OR REPLACE FUNCTION akrim_audit_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF coalesce(current_setting('akrim.audit_maintenance', true), '') = 'on'
        AND pg_has_role(
            current_user, (SELECT relowner FROM pg_class WHERE oid = TG_RELID), 'USAGE'
        )
    THEN
        IF TG_OP = 'DELETE' THEN
            RETURN OLD;
        END IF;
        RETURN NEW;  -- NULL for the TRUNCATE statement trigger, whose result is ignored
    END IF;
    RAISE EXCEPTION 'the audit log is append-only: % on % is refused', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege',
              HINT = 'Audit entries and checkpoints are never changed or removed.';
END;
$$
"""


def _postgresql_install(table: str) -> list[str]:
    return [
        f"CREATE TRIGGER {table}_append_only_row BEFORE UPDATE OR DELETE ON {table} "
        "FOR EACH ROW EXECUTE FUNCTION akrim_audit_refuse_change()",
        f"CREATE TRIGGER {table}_append_only_truncate BEFORE TRUNCATE ON {table} "
        "FOR EACH STATEMENT EXECUTE FUNCTION akrim_audit_refuse_change()",
        f"REVOKE UPDATE, DELETE, TRUNCATE ON {table} FROM CURRENT_USER",
    ]


def _postgresql_remove(table: str) -> list[str]:
    return [
        f"DROP TRIGGER IF EXISTS {table}_append_only_row ON {table}",
        f"DROP TRIGGER IF EXISTS {table}_append_only_truncate ON {table}",
        f"GRANT UPDATE, DELETE, TRUNCATE ON {table} TO CURRENT_USER",
    ]


def _sqlite_install(table: str) -> list[str]:
    closed = "NOT EXISTS (SELECT 1 FROM akrim_audit_maintenance)"
    statements = [
        f"CREATE TRIGGER {table}_append_only_{operation.lower()} "
        f"BEFORE {operation} ON {table} WHEN {closed} "
        f"BEGIN SELECT RAISE(ABORT, '{MESSAGE.format(operation=operation, table=table)}'); END"
        for operation in ("UPDATE", "DELETE")
    ]
    replace = MESSAGE.format(operation="INSERT OR REPLACE", table=table)
    statements.append(
        f"CREATE TRIGGER {table}_append_only_replace BEFORE INSERT ON {table} "  # nosec B608 -- names from constants, values as parameters
        f"WHEN {closed} AND EXISTS "
        f"(SELECT 1 FROM {table} WHERE id = NEW.id OR seq = NEW.seq) "
        f"BEGIN SELECT RAISE(ABORT, '{replace}'); END"
    )
    return statements


def _sqlite_remove(table: str) -> list[str]:
    return [
        f"DROP TRIGGER IF EXISTS {table}_append_only_{suffix}"
        for suffix in ("update", "delete", "replace")
    ]


def install(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        statements = [POSTGRESQL_FUNCTION]
        for table in TABLES:
            statements += _postgresql_install(table)
    elif vendor == "sqlite":
        statements = ["CREATE TABLE akrim_audit_maintenance (reason text NOT NULL)"]
        for table in TABLES:
            statements += _sqlite_install(table)
    else:
        return
    for sql in statements:
        schema_editor.execute(sql, params=None)


def remove(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        statements = [sql for table in TABLES for sql in _postgresql_remove(table)]
        statements.append("DROP FUNCTION IF EXISTS akrim_audit_refuse_change()")
    elif vendor == "sqlite":
        statements = [sql for table in TABLES for sql in _sqlite_remove(table)]
        statements.append("DROP TABLE IF EXISTS akrim_audit_maintenance")
    else:
        return
    for sql in statements:
        schema_editor.execute(sql, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0002_audit_checkpoints"),
    ]

    operations = [
        migrations.RunPython(install, remove, elidable=False),
    ]
