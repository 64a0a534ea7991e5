"""The maintenance window: the one way to change or remove audit rows through Django.

The database refuses UPDATE, DELETE and TRUNCATE of audit entries and checkpoints
(migration ``0003_audit_append_only``) and of the persons indexed on entries (migration
``0005_audit_subjects_append_only``). Two kinds of maintenance still have to empty or
edit those tables: Django's flush of the test database after every transactional test
(the browser journeys; see the ``flush`` command of this app) and a tester simulating a
DBA who tampers with the log, to show that verification notices.

``audit_maintenance`` opens a window for one transaction on one connection and closes it
before that transaction ends, so no other connection ever sees it:

- PostgreSQL: ``set_config('akrim.audit_maintenance', 'on', true)`` (a transaction-local
  setting). The triggers honour it only for the tables' owner, who could drop the triggers
  anyway; the owner also gets back, for the window, the privileges the migration revoked.
  A role that does not own the tables gains nothing from it.
- SQLite: a row in ``akrim_audit_maintenance``, which the triggers look for. SQLite lets
  one connection write at a time and the row is deleted before commit, so others never see it.

Who may call it: the ``flush`` command and tests. Never a request, a service or a job;
production refuses. It writes no audit entry (the tables it opens are the audit log) but
logs a warning with the reason.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.utils import CursorWrapper

logger = logging.getLogger(__name__)

PROTECTED_TABLES = ("audit_auditentry", "audit_auditcheckpoint", "audit_auditsubject")
SETTING = "akrim.audit_maintenance"
SQLITE_FLAG_TABLE = "akrim_audit_maintenance"
PRIVILEGES = "UPDATE, DELETE, TRUNCATE"


class MaintenanceRefused(Exception):
    """The window cannot be opened here (production)."""


@contextmanager
def audit_maintenance(*, reason: str, using: str = DEFAULT_DB_ALIAS) -> Iterator[None]:
    """Let this connection change and remove audit rows until the block ends.

    Runs the block in one transaction (a savepoint inside an outer one). If the block
    raises, the rollback closes the window too. Raises MaintenanceRefused in production.
    """
    if settings.AKRIM_ENV == "production":
        raise MaintenanceRefused(
            "the audit log of a production database is never changed from the application"
        )
    connection = connections[using]
    logger.warning("audit maintenance window opened on %r: %s", using, reason)
    with transaction.atomic(using=using):
        with connection.cursor() as cursor:
            granted = _open(connection, cursor, reason)
        yield
        with connection.cursor() as cursor:
            _close(connection, cursor, granted)


def _open(connection: BaseDatabaseWrapper, cursor: CursorWrapper, reason: str) -> list[str]:
    """Open the window; return the tables whose privileges were granted back for it."""
    existing = set(connection.introspection.table_names(cursor))
    if connection.vendor == "sqlite":
        if SQLITE_FLAG_TABLE in existing:  # absent before the migration: nothing to open
            insert = f"INSERT INTO {SQLITE_FLAG_TABLE} (reason) VALUES (%s)"  # noqa: S608 -- a constant  # nosec B608
            cursor.execute(insert, [reason])
        return []
    if connection.vendor != "postgresql":
        return []
    cursor.execute("SELECT set_config(%s, 'on', true)", [SETTING])
    granted = []
    for table in PROTECTED_TABLES:
        if table not in existing:
            continue
        cursor.execute("SELECT has_table_privilege(%s, 'UPDATE')", [table])
        (has_privilege,) = cursor.fetchone()
        if not has_privilege:
            name = connection.ops.quote_name(table)
            cursor.execute(f"GRANT {PRIVILEGES} ON {name} TO CURRENT_USER")
            granted.append(name)
    return granted


def _close(connection: BaseDatabaseWrapper, cursor: CursorWrapper, granted: list[str]) -> None:
    """Close the window and leave the privileges as they were found."""
    if connection.vendor == "sqlite":
        if SQLITE_FLAG_TABLE in connection.introspection.table_names(cursor):
            cursor.execute(f"DELETE FROM {SQLITE_FLAG_TABLE}")  # noqa: S608 -- a constant  # nosec B608
    elif connection.vendor == "postgresql":
        cursor.execute("SELECT set_config(%s, 'off', true)", [SETTING])
        for name in granted:
            cursor.execute(f"REVOKE {PRIVILEGES} ON {name} FROM CURRENT_USER")
