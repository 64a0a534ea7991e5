"""Who may review the audit log, and which entries are theirs to review.

A data-protection auditor reviews the accesses to the records their agency owns: entries
whose ``object_owner`` is the agency, and entries that showed one of the agency's persons
(``AuditSubject.owner``). Nobody else reads the audit log through the application.
"""

from __future__ import annotations

from django.db.models import Q

from akrim.audit.models import AuditSubject
from akrim.core.actor import Actor, Role
from akrim.core.errors import Forbidden


def auditor_agency(actor: Actor) -> str:
    """The agency whose records the actor reviews. Raises Forbidden unless the actor is a
    signed-in data-protection auditor of an agency."""
    if not actor.has_role(Role.DP_AUDITOR) or not actor.agency or actor.user_id is None:
        raise Forbidden()
    return actor.agency


def about_agency(agency: str) -> Q:
    """Audit entries about ``agency``'s records: owned by it, or showing its persons."""
    showing = AuditSubject.objects.filter(owner=agency).values("entry_id")
    return Q(object_owner=agency) | Q(pk__in=showing)
