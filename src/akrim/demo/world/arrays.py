"""Small vectorised helpers shared by the generator's stages."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import numpy.typing as npt

I64 = npt.NDArray[np.int64]
F64 = npt.NDArray[np.float64]
B = npt.NDArray[np.bool_]
Rng = np.random.Generator

NA = -(10**9)
"""Missing date (days since 1970-01-01) or missing index."""


def ints(values: object) -> I64:
    """``values`` as an int64 array (also tells the type checker what it is)."""
    return np.asarray(values, dtype=np.int64)


def mask(values: object) -> B:
    """``values`` as a boolean array."""
    return np.asarray(values, dtype=np.bool_)


def floats(values: object) -> F64:
    """``values`` as a float64 array."""
    return np.asarray(values, dtype=np.float64)


def pick(rng: Rng, weights: Sequence[float] | F64, n: int) -> I64:
    """``n`` indices drawn with the given (unnormalised) weights."""
    w = np.asarray(weights, dtype=np.float64)
    cdf = np.cumsum(w / w.sum())
    cdf[-1] = 1.0
    return np.searchsorted(cdf, rng.random(n), side="right").astype(np.int64)


def pick_keys(rng: Rng, mix: Mapping[str, float], n: int) -> list[str]:
    """``n`` keys of ``mix`` drawn by weight (for small n)."""
    keys = list(mix)
    return [keys[i] for i in pick(rng, [mix[k] for k in keys], n)]


def uniform_int(rng: Rng, lo: I64 | int, hi: I64 | int, n: int) -> I64:
    """Integers uniformly in ``[lo, hi]`` (inclusive; arrays or scalars, hi >= lo)."""
    lo_a = np.broadcast_to(np.asarray(lo, dtype=np.int64), (n,))
    hi_a = np.broadcast_to(np.asarray(hi, dtype=np.int64), (n,))
    span = np.maximum(hi_a - lo_a, 0) + 1
    return ints(lo_a + np.floor(rng.random(n) * span))


def month_of(days: I64) -> I64:
    """Month number (year * 12 + month - 1) of days since 1970-01-01."""
    months = days.astype("datetime64[D]").astype("datetime64[M]").astype(np.int64)
    return months + 1970 * 12


def first_day(month: I64 | int) -> I64:
    """Days since 1970-01-01 of the first day of a month number."""
    m = np.asarray(month, dtype=np.int64) - 1970 * 12
    return m.astype("datetime64[M]").astype("datetime64[D]").astype(np.int64)


def year_month_day(days: I64) -> tuple[I64, I64, I64]:
    """Calendar year, month and day of days since 1970-01-01."""
    d = days.astype("datetime64[D]")
    m = d.astype("datetime64[M]")
    year = m.astype("datetime64[Y]").astype(np.int64) + 1970
    month = m.astype(np.int64) % 12 + 1
    day = (d - m.astype("datetime64[D]")).astype(np.int64) + 1
    return year, month, day


def group_rank(*keys: I64) -> I64:
    """Rank of each row within the group of rows sharing all ``keys`` (0, 1, 2 …)."""
    order = np.lexsort(keys[::-1])
    n = order.size
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    change = np.zeros(n, dtype=bool)
    change[0] = True
    for key in keys:
        sorted_key = key[order]
        change[1:] |= sorted_key[1:] != sorted_key[:-1]
    starts = np.maximum.accumulate(np.where(change, np.arange(n), 0))
    rank = np.empty(n, dtype=np.int64)
    rank[order] = np.arange(n) - starts
    return rank


def spread(counts: I64) -> tuple[I64, I64]:
    """Counts ``[2, 0, 3]`` → owners ``[0, 0, 2, 2, 2]`` and positions ``[0, 1, 0, 1, 2]``."""
    owner = np.repeat(np.arange(counts.size, dtype=np.int64), counts)
    starts = np.cumsum(counts) - counts
    return owner, np.arange(owner.size, dtype=np.int64) - starts[owner]
