"""The DomainError family: stable codes, HTTP statuses and translatable messages.

Services and queries raise these; views, the API and the command line map them to
responses in one place each.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    """Base of every error a user may see. ``code`` is stable; clients branch on it."""

    code: ClassVar[str] = "error"
    status: ClassVar[int] = 400
    default_message: ClassVar[Any] = _("Something went wrong.")

    def __init__(self, message: Any = None, **fields: Any) -> None:
        self.fields = fields
        template = message if message is not None else self.default_message
        if isinstance(template, str):
            # A plain message is looked up in the catalogue too: ``make messages`` extracts
            # the first argument of InvalidInput(...), Conflict(...) etc. as a msgid.
            template = gettext(template)
        try:
            self.message = str(template) % fields if fields else str(template)
        except (KeyError, ValueError, TypeError):
            self.message = str(template)
        super().__init__(self.message)

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, "fields": self.fields}


class NotFound(DomainError):
    """Does not exist, or lies outside the actor's scope (existence does not leak)."""

    code = "not_found"
    status = 404
    default_message = _("Not found.")


class Forbidden(DomainError):
    """Visible to the actor, but the action is not allowed."""

    code = "forbidden"
    status = 403
    default_message = _("You are not allowed to do this.")


class Conflict(DomainError):
    """The action clashes with the current state."""

    code = "conflict"
    status = 409
    default_message = _("This conflicts with the current state.")


class InvalidInput(DomainError):
    """The input breaks a rule; ``fields`` says which and why."""

    code = "invalid_input"
    status = 400
    default_message = _("The input is not valid.")
