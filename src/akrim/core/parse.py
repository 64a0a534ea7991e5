"""Form values as numbers and dates, refused with a message naming the field.

Only ASCII digits count: ``str.isdigit`` is true for "²" or "٣", which ``int`` then
refuses — a server error instead of the form's message.
"""

from __future__ import annotations

import datetime as dt

from akrim.core.errors import InvalidInput


def whole_number(value: str, field: str, *, max_digits: int = 9, grouped: bool = False) -> int:
    """A whole number of at most ``max_digits`` ASCII digits (spaces around allowed;
    ``grouped``: also between groups of digits, "12 500", as people write amounts)."""
    value = value.strip()
    if grouped:
        value = value.replace(" ", "").replace("\u00a0", "")
    if not (value.isascii() and value.isdigit()) or len(value) > max_digits:
        raise InvalidInput("%(field)s must be a whole number.", field=field)
    return int(value)


def iso_date(value: str, field: str) -> dt.date:
    """A date written 2025-05-06."""
    value = value.strip()
    try:
        if len(value) == 10:
            return dt.date.fromisoformat(value)
    except ValueError:
        pass
    raise InvalidInput("%(field)s must be a date like 2025-05-06.", field=field)
