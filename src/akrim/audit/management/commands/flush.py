"""``flush``, which empties the append-only audit tables too, outside production.

Django's test framework runs ``flush`` after every transactional test (the browser
journeys), and a developer may reset a demo database with it. The database refuses to empty
the audit tables (migration ``0003_audit_append_only``), so this command runs Django's
inside a maintenance window (``akrim.audit.maintenance``). In production the window does
not open and the command refuses: an audit log is never emptied from the application.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError
from django.core.management.commands import flush
from django.db import connections

from akrim.audit.maintenance import MaintenanceRefused, audit_maintenance


class Command(flush.Command):
    def handle(self, **options: Any) -> None:
        database = options["database"]
        if options["interactive"]:
            # Asked here, before the window's transaction begins, not while it holds locks.
            name = connections[database].settings_dict["NAME"]
            answer = input(
                f"This will IRREVERSIBLY DESTROY all data in the {name!r} database, the "
                "audit log included. Type 'yes' to continue, or 'no' to cancel: "
            )
            if answer != "yes":
                self.stdout.write("Flush cancelled.")
                return
        try:
            with audit_maintenance(reason="flush", using=database):
                super().handle(**{**options, "interactive": False})
        except MaintenanceRefused as refused:
            raise CommandError(f"flush refused: {refused}") from refused
