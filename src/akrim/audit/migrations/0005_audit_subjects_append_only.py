"""The database refuses to change or remove the persons indexed on audit entries
(``audit_auditsubject``), exactly as it refuses for entries and checkpoints (migration
``0003_audit_append_only``, whose docstring explains the approach and the maintenance
switch).

PostgreSQL
    The row and TRUNCATE triggers call the function ``akrim_audit_refuse_change()`` that 0003
    created, so the same error (SQLSTATE 42501) and the same maintenance switch apply;
    ``REVOKE UPDATE, DELETE, TRUNCATE`` from the role running this migration.

SQLite
    ``BEFORE UPDATE``/``BEFORE DELETE`` triggers, closed unless a row is in
    ``akrim_audit_maintenance`` (0003's table), and a trigger that refuses ``INSERT OR
    REPLACE`` over an existing row: one with the same id, or the same entry, owner and person
    (the table's unique key).

``akrim.audit.maintenance.PROTECTED_TABLES`` names this table too, so the maintenance window
(Django's flush of a test database, a tester playing a DBA) opens it with the others.

The table has no foreign-key constraint to ``audit_auditentry`` (see ``AuditSubject.entry``):
the constraint's check locks the entry row, which needs the UPDATE privilege revoked above.
As with 0003: an AlterField on this table rebuilds it on SQLite and loses the triggers, so
such a migration must create them again.
"""

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

TABLE = "audit_auditsubject"
MESSAGE = "the audit log is append-only: {operation} on {table} is refused"
CLOSED = "NOT EXISTS (SELECT 1 FROM akrim_audit_maintenance)"

POSTGRESQL_INSTALL = [
    f"CREATE TRIGGER {TABLE}_append_only_row BEFORE UPDATE OR DELETE ON {TABLE} "
    "FOR EACH ROW EXECUTE FUNCTION akrim_audit_refuse_change()",
    f"CREATE TRIGGER {TABLE}_append_only_truncate BEFORE TRUNCATE ON {TABLE} "
    "FOR EACH STATEMENT EXECUTE FUNCTION akrim_audit_refuse_change()",
    f"REVOKE UPDATE, DELETE, TRUNCATE ON {TABLE} FROM CURRENT_USER",
]
POSTGRESQL_REMOVE = [
    f"DROP TRIGGER IF EXISTS {TABLE}_append_only_row ON {TABLE}",
    f"DROP TRIGGER IF EXISTS {TABLE}_append_only_truncate ON {TABLE}",
    f"GRANT UPDATE, DELETE, TRUNCATE ON {TABLE} TO CURRENT_USER",
]
SQLITE_INSTALL = [
    *(
        f"CREATE TRIGGER {TABLE}_append_only_{operation.lower()} "
        f"BEFORE {operation} ON {TABLE} WHEN {CLOSED} "
        f"BEGIN SELECT RAISE(ABORT, '{MESSAGE.format(operation=operation, table=TABLE)}'); END"
        for operation in ("UPDATE", "DELETE")
    ),
    f"CREATE TRIGGER {TABLE}_append_only_replace BEFORE INSERT ON {TABLE} "  # nosec B608 -- names from constants
    f"WHEN {CLOSED} AND EXISTS (SELECT 1 FROM {TABLE} WHERE id = NEW.id OR "
    "(entry_id = NEW.entry_id AND owner = NEW.owner AND person_id = NEW.person_id)) "
    f"BEGIN SELECT RAISE(ABORT, '{MESSAGE.format(operation='INSERT OR REPLACE', table=TABLE)}'); "
    "END",
]
SQLITE_REMOVE = [
    f"DROP TRIGGER IF EXISTS {TABLE}_append_only_{suffix}"
    for suffix in ("update", "delete", "replace")
]


def install(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    statements = {"postgresql": POSTGRESQL_INSTALL, "sqlite": SQLITE_INSTALL}
    for sql in statements.get(schema_editor.connection.vendor, []):
        schema_editor.execute(sql, params=None)


def remove(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    statements = {"postgresql": POSTGRESQL_REMOVE, "sqlite": SQLITE_REMOVE}
    for sql in statements.get(schema_editor.connection.vendor, []):
        schema_editor.execute(sql, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0004_audit_subjects_and_log_checks"),
    ]

    operations = [
        migrations.RunPython(install, remove, elidable=False),
    ]
