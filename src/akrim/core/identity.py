"""Swedish identity numbers: organisation numbers and person ids.

Pure functions, no Django: the import validator, the demo generator and the engines use
them. ``orgno`` = organisationsnummer (10 digits, Luhn); ``pid`` = personnummer or
samordningsnummer as 12 digits ``YYYYMMDDNNNC``, or ``X`` followed by digits for a person
without a Swedish number. python-stdnum validates organisation and personal identity
numbers; samordningsnummer (day of birth + 60) it rejects, so those are checked here.
"""

from __future__ import annotations

import datetime as dt
import re

from stdnum import luhn
from stdnum.se import orgnr, personnummer

_ORGNO_RE = re.compile(r"[0-9]{6}-?[0-9]{4}")
_PID_RE = re.compile(r"[0-9]{12}")
_FOREIGN_RE = re.compile(r"X[0-9]{1,20}")


def normalize_orgno(value: str) -> str:
    """Return the 10 digits of an organisation number, without the hyphen (and spaces)."""
    return value.strip().replace("-", "")


def format_orgno(digits: str) -> str:
    """Format 10 digits as ``NNNNNN-NNNN``."""
    return f"{digits[:6]}-{digits[6:]}"


def valid_orgno(value: str) -> bool:
    """True when ``value`` is a 10-digit organisation number with a valid check digit.

    ASCII digits only, exactly as written (no surrounding spaces).

    A sole trader's number is the owner's personal identity number (10 digits), which
    passes the same Luhn check; python-stdnum accepts both.
    """
    if not _ORGNO_RE.fullmatch(value):
        return False
    return bool(orgnr.is_valid(normalize_orgno(value)))


def _birth_date(digits: str) -> dt.date | None:
    year, month, day = int(digits[0:4]), int(digits[4:6]), int(digits[6:8])
    if day > 60:
        day -= 60
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def is_coordination_number(value: str) -> bool:
    """True for a 12-digit samordningsnummer (day of birth + 60)."""
    return bool(_PID_RE.fullmatch(value)) and int(value[6:8]) > 60


def valid_pid(value: str) -> bool:
    """True when ``value`` is a valid person id of the exchange format.

    Accepts a 12-digit personnummer (checked with python-stdnum), a 12-digit
    samordningsnummer (date with day + 60, Luhn over the last 10 digits) or ``X`` + digits.
    """
    if _FOREIGN_RE.fullmatch(value):
        return True
    if not _PID_RE.fullmatch(value):
        return False
    if _birth_date(value) is None:
        return False
    if is_coordination_number(value):
        return bool(luhn.is_valid(value[2:]))
    return bool(personnummer.is_valid(value))


def pid_birth_date(value: str) -> dt.date | None:
    """The birth date encoded in a Swedish person id, or None for an ``X`` id."""
    if not _PID_RE.fullmatch(value):
        return None
    return _birth_date(value)


def luhn_check_digit(digits: str) -> str:
    """The Luhn check digit to append to ``digits`` (used by the demo generator)."""
    return str(luhn.calc_check_digit(digits))
