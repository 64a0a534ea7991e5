"""Identity numbers that pass every check and belong to no one we know of.

Organisation numbers: 10 digits, third digit ≥ 2, Luhn check digit; the first digits tell
the legal form as in Bolagsverket's series (AB 556/559, HB/KB 969, EK 769, branch of a
foreign company 516, association 802). Sole traders (EF) have no number of their own:
their ``org_no`` is the owner's personnummer (10 digits), as in the real registers.

Personal identity numbers (``YYYYMMDDNNNC``): the individual number NNN is taken first
from Skatteverket's test series 980–999, which is never given to real people. A date that
already has ten people of one sex and kind moves the next person's birthday on by a day
(at most 45 days); only a world too dense for that (national size: most people) spills
over into ordinary numbers. The default demo world and every test world use the test
series alone. Samordningsnummer add 60 to the day. People without a
Swedish number get ``X`` + 8 digits.

Luhn is computed here (vectorised); the demo does not depend on ``akrim.core``.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from akrim.demo.world.arrays import I64, Rng, group_rank, year_month_day

PNR, SAMORDNING, FOREIGN = 0, 1, 2
"""Kinds of person id."""

CAPACITY = 489
TEST_SERIALS = 10
"""People one birth date, sex and kind of number can hold in the test series."""
TEST_SHIFT_DAYS = 45
"""People one birth date, sex and kind of number can hold (10 test + 479 ordinary)."""


def luhn_digit(payload: I64, width: int = 9) -> I64:
    """Luhn check digit of ``width``-digit numbers (the rightmost payload digit is doubled)."""
    x = payload.astype(np.int64).copy()
    total = np.zeros_like(x)
    for position in range(width):
        digit = x % 10
        x //= 10
        if position % 2 == 0:
            digit = digit * 2
            digit = digit // 10 + digit % 10
        total += digit
    return (10 - total % 10) % 10


def with_check(payload: I64) -> I64:
    """Append the Luhn digit to 9-digit numbers."""
    return payload * 10 + luhn_digit(payload)


def organisation_numbers(rng: Rng, lo: int, hi: int, order: I64) -> I64:
    """Distinct 10-digit numbers from the series ``[lo, hi)`` (9-digit payloads).

    Lower numbers go to the rows that come first in ``order`` (older firms got theirs
    first, as in the real series).
    """
    n = order.size
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    if n > hi - lo:
        raise ValueError(f"series {lo}–{hi} cannot hold {n} organisations")
    payload = np.sort(rng.choice(hi - lo, size=n, replace=False, shuffle=False)) + lo
    result = np.empty(n, dtype=np.int64)
    result[np.argsort(order, kind="stable")] = with_check(payload.astype(np.int64))
    return result


def _serials(rng: Rng, rank: I64, sex: I64) -> I64:
    """Individual numbers NNN: test series for ranks 0–9, then ordinary ones."""
    ordinary_male = rng.permutation(np.arange(1, 979, 2))[:479]
    ordinary_female = rng.permutation(np.arange(2, 979, 2))[:479]
    test = 980 + 2 * np.minimum(rank, 9) + (sex == 0)
    late = np.maximum(rank - 10, 0)
    ordinary = np.where(sex == 0, ordinary_male[late], ordinary_female[late])
    return np.where(rank < 10, test, ordinary)


def person_codes(rng: Rng, birth: I64, sex: I64, kind: I64) -> tuple[I64, I64]:
    """12-digit codes for people with a Swedish number (kind PNR or SAMORDNING).

    Returns the codes and the birth dates, moved a day on where a date is full. Rows of
    kind FOREIGN get code 0.
    """
    birth = birth.copy()
    swedish = kind != FOREIGN
    rank = group_rank(birth, sex, kind)
    # Keep to the test series (never given to real people) by moving a birthday up to
    # TEST_SHIFT_DAYS days on; only a world too dense for that uses ordinary numbers.
    for _ in range(TEST_SHIFT_DAYS):
        full = swedish & (rank >= TEST_SERIALS)
        if not full.any():
            break
        birth[full] += 1
        rank = group_rank(birth, sex, kind)
    for _ in range(400):
        full = swedish & (rank >= CAPACITY)
        if not full.any():
            break
        birth[full] += 1
        rank = group_rank(birth, sex, kind)
    year, month, day = year_month_day(birth)
    day = day + np.where(kind == SAMORDNING, 60, 0)
    serial = _serials(rng, rank, sex)
    payload = ((year % 100) * 100 + month) * 100 + day
    payload = payload * 1000 + serial
    code = (year // 100) * 10**10 + with_check(payload)
    return np.where(swedish, code, 0), birth


def orgno_expr(code: pl.Expr) -> pl.Expr:
    """``NNNNNN-NNNN`` from a 10-digit integer."""
    digits = code.cast(pl.String).str.zfill(10)
    return pl.concat_str([digits.str.slice(0, 6), pl.lit("-"), digits.str.slice(6, 4)])


def pid_expr(code: pl.Expr, foreign_no: pl.Expr) -> pl.Expr:
    """``YYYYMMDDNNNC`` from a 12-digit code, or ``X`` + 8 digits where the code is 0."""
    return (
        pl.when(code > 0)
        .then(code.cast(pl.String))
        .otherwise(pl.concat_str([pl.lit("X"), foreign_no.cast(pl.String).str.zfill(8)]))
    )
