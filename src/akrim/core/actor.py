"""The Actor: who is acting, for which agency and centre, in which roles and purpose.

One immutable Actor per request or command. Services and queries take ``actor=`` as
their first keyword argument, never the request.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class Role(StrEnum):
    """Staff roles. A person may hold several."""

    INSPECTOR = "inspector"
    ANALYST = "analyst"
    COORDINATOR = "coordinator"
    NATIONAL_READER = "national_reader"
    DP_AUDITOR = "dp_auditor"  # data-protection auditor (dataskyddsombud / granskare)
    COMMUNICATOR = "communicator"  # communication staff: portal content, campaigns
    ADMIN = "admin"


ROLE_LABELS: dict[str, Promise] = {
    Role.INSPECTOR: _("inspector"),
    Role.ANALYST: _("analyst"),
    Role.COORDINATOR: _("coordinator"),
    Role.NATIONAL_READER: _("national reader"),
    Role.DP_AUDITOR: _("data-protection auditor"),
    Role.COMMUNICATOR: _("communicator"),
    Role.ADMIN: _("administrator"),
}


def role_label(code: str) -> str:
    """The role's name in the active language; an unknown code is shown as it is."""
    label = ROLE_LABELS.get(code)
    return str(label) if label is not None else code


class Purpose(StrEnum):
    """Why the actor is reading or writing. Sharing rules are given per purpose."""

    PLANNING = "planning"
    EXECUTION = "execution"
    FOLLOW_UP = "follow_up"
    ANALYSIS = "analysis"
    STATISTICS = "statistics"
    ADMINISTRATION = "administration"
    AUDIT = "audit"


PURPOSE_LABELS: dict[str, Promise] = {
    Purpose.PLANNING: _("Planning a control"),
    Purpose.EXECUTION: _("Carrying out a control"),
    Purpose.FOLLOW_UP: _("Following up a control"),
    Purpose.ANALYSIS: _("Analysis at the centre"),
    Purpose.STATISTICS: _("Statistics"),
    Purpose.ADMINISTRATION: _("Administration"),
    Purpose.AUDIT: _("Auditing the log"),
}


def purpose_label(code: str) -> str:
    """The purpose's name in the active language; an unknown or empty code as it is."""
    label = PURPOSE_LABELS.get(code)
    return str(label) if label is not None else code


@dataclass(frozen=True)
class Actor:
    """Everything a permission decision needs, fixed for one request or command."""

    user_id: int | None
    username: str
    agency: str | None  # agency code, e.g. "SKV"; None for the system
    centres: frozenset[str] = field(default_factory=frozenset)  # centre codes
    roles: frozenset[Role] = field(default_factory=frozenset)
    purpose: Purpose = Purpose.ANALYSIS
    request_id: str = ""

    def has_role(self, *roles: Role) -> bool:
        return any(role in self.roles for role in roles)

    @property
    def is_system(self) -> bool:
        return self.user_id is None

    @classmethod
    def system(
        cls,
        *,
        agency: str | None = None,
        purpose: Purpose = Purpose.ADMINISTRATION,
        request_id: str = "",
    ) -> Actor:
        """The actor for batch work started from the command line (imports, demo setup)."""
        return cls(
            user_id=None,
            username="system",
            agency=agency,
            roles=frozenset({Role.ADMIN}),
            purpose=purpose,
            request_id=request_id,
        )
