"""Django's makemessages, also extracting the messages of raised domain errors.

``raise InvalidInput("Fill in %(field)s.", field=...)`` passes a plain string that
``DomainError`` looks up in the catalogue; these keywords make xgettext collect it.
"""

from django.core.management.commands import makemessages

ERRORS = ["InvalidInput", "Conflict", "Forbidden", "NotFound"]


class Command(makemessages.Command):
    xgettext_options = [
        *makemessages.Command.xgettext_options,
        *(f"--keyword={name}" for name in ERRORS),
    ]
