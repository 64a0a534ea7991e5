"""Checks for free text typed by users before it reaches a query or the database."""

from __future__ import annotations

import re

from akrim.core.errors import InvalidInput

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean_query(value: str, *, max_length: int) -> str:
    """Trim a search text; refuse it when empty, too long or holding control characters.

    PostgreSQL cannot store NUL and no person types one, so such input is an error, not data.
    """
    value = value.strip()
    if _CONTROL.search(value):
        raise InvalidInput("The search text contains characters that are not allowed.")
    if not value or len(value) > max_length:
        raise InvalidInput("Enter 1 to %(max)s characters to search for.", max=max_length)
    return value


def looks_like_key(value: str, *, max_length: int) -> bool:
    """True when ``value`` could be a record key: short enough, no control characters.

    Lookups by anything else answer "not found" without asking the database.
    """
    return 0 < len(value) <= max_length and not _CONTROL.search(value)
