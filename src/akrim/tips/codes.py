"""Receipt codes: what the sender of a tip keeps to read answers and add information.

A code is 24 Crockford base32 characters in six groups of four (``7K2M-QX9D-...``): the
first eight are the tip's public lookup id (40 random bits), the other sixteen are secret
(80 random bits), all from ``secrets``. Crockford's alphabet has no I, L, O or U, and
reading treats I and L as 1 and O as 0, so the code survives being read aloud or copied by
hand. The code is shown once and stored only as an Argon2id hash of the whole code
(argon2-cffi); it never appears in a URL or a log.
"""

from __future__ import annotations

import secrets
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
LOOKUP_CHARS = 8
SECRET_CHARS = 16
GROUP = 4
_READ_AS = str.maketrans({"I": "1", "L": "1", "O": "0"})

# RFC 9106's second recommended option (64 MiB, 3 passes), Argon2id.
HASHER = PasswordHasher(time_cost=3, memory_cost=64 * 1024, parallelism=4, type=Type.ID)

# Each hash takes 64 MiB and about 0.2 s of a core: a flood of lookups must not make a
# worker process run out of memory. At most this many hashes run at once per process; a
# request that cannot get a turn within WAIT_SECONDS is told to try again (``Busy``).
AT_ONCE = 2
WAIT_SECONDS = 5.0
_TURNS = threading.BoundedSemaphore(AT_ONCE)


class Busy(Exception):
    """Too many receipt codes are being hashed at once; nothing was checked or stored."""


@contextmanager
def _turn() -> Iterator[None]:
    if not _TURNS.acquire(timeout=WAIT_SECONDS):
        raise Busy()
    try:
        yield
    finally:
        _TURNS.release()


@dataclass(frozen=True)
class ReceiptCode:
    lookup_id: str
    code: str  # the whole code, 24 characters, ungrouped

    @property
    def grouped(self) -> str:
        return "-".join(self.code[i : i + GROUP] for i in range(0, len(self.code), GROUP))


def _random(count: int) -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(count))


def new_code() -> ReceiptCode:
    lookup = _random(LOOKUP_CHARS)
    return ReceiptCode(lookup, lookup + _random(SECRET_CHARS))


def normalize(raw: str) -> str | None:
    """The code as typed, made canonical (upper case, no spaces or hyphens, I/L → 1, O → 0);
    None when it cannot be a code."""
    text = str(raw or "")[:80].upper().replace("-", "").replace(" ", "").translate(_READ_AS)
    if len(text) != LOOKUP_CHARS + SECRET_CHARS or any(c not in ALPHABET for c in text):
        return None
    return text


def hash_code(code: str) -> str:
    """Raises ``Busy`` when too many hashes are running."""
    with _turn():
        return HASHER.hash(code)


def matches(code_hash: str, code: str) -> bool:
    """Raises ``Busy`` when too many hashes are running."""
    with _turn():
        try:
            return HASHER.verify(code_hash, code)
        except (VerificationError, InvalidHashError):
            return False


@cache
def _dummy_hash() -> str:
    return hash_code("0" * (LOOKUP_CHARS + SECRET_CHARS))


def waste_time(code: str) -> None:
    """Spend a verification on nothing, so an unknown lookup id costs as long as a wrong
    code and the answer's timing does not tell which lookup ids exist."""
    matches(_dummy_hash(), code)
