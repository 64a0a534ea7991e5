"""Employment: who works where in which months, for what pay, and work permits.

A firm's declared staff are positions; a position is held by one person, or by two when
someone leaves and is replaced during the period. Seasonal positions (berry picking,
planting, vegetables, green work) exist only from May to September. Rings of firms share
one pool of workers who are declared by a different firm of the ring from month to month.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from akrim.demo.world.arrays import F64, I64, NA, B, Rng, first_day, month_of, spread, uniform_int
from akrim.demo.world.config import (
    EU_EEA,
    OFF_BOOKS,
    PERMIT_SALARY_FLOOR,
    PERMIT_UP,
    REF_DAY,
    RING,
    TEMPORARY_PROTECTION,
    UNDERPAID,
    WORK_PERMIT_SHARE,
)
from akrim.demo.world.firms import Firms, sector_values
from akrim.demo.world.geo import Geo
from akrim.demo.world.ids import SAMORDNING
from akrim.demo.world.people import COUNTRIES, People, add_workers

PERMIT_P = np.array(
    [
        0.0 if c in EU_EEA | TEMPORARY_PROTECTION else WORK_PERMIT_SHARE.get(c, 0.3)
        for c in COUNTRIES
    ]
)


@dataclass
class Jobs:
    """Employment spells (months inclusive), ring work and permits."""

    firm: I64
    person: I64
    m0: I64  # first month number (year * 12 + month - 1)
    m1: I64  # last month number
    base: F64  # usual monthly gross pay in this job
    late: B  # started after the firm's first month in the period (partial first month)
    ring_firm: I64  # one row per ring worker and month
    ring_person: I64
    ring_month: I64
    ring_base: F64
    permit_person: I64
    permit_firm: I64
    permit_from: I64
    permit_to: I64
    permit_offer: I64
    first_person: I64  # per firm: holder of its first position, -1
    start_month: int
    end_month: int


def window(months: int) -> tuple[int, int]:
    """First and last month number of the payroll period ending at the reference date."""
    end = int(month_of(np.array([REF_DAY]))[0])
    return end - months + 1, end


def active_months(firms: Firms, start: int, end: int) -> tuple[I64, I64]:
    """Per firm, the first and last month it can pay wages within the period."""
    a0 = np.maximum(month_of(firms.registered), start)
    stop = np.where(firms.bankrupt != NA, firms.bankrupt, firms.deregistered)
    a1 = np.where(stop != NA, month_of(np.where(stop != NA, stop, REF_DAY)) - 1, end)
    return a0, np.minimum(a1, end)


def make_jobs(rng: Rng, firms: Firms, people: People, geo: Geo, months: int) -> Jobs:
    start, end = window(months)
    a0, a1 = active_months(firms, start, end)
    counts = np.where((firms.declared > 0) & (firms.ring < 0) & (a1 >= a0), firms.declared, 0)
    pos_firm, pos_k = spread(counts)
    seasonal = rng.random(pos_firm.size) < sector_values("seasonal")[firms.sector[pos_firm]]
    m0, m1 = _season(a0[pos_firm], a1[pos_firm], seasonal, end)
    keep = m0 <= m1
    pos_firm, pos_k, m0, m1 = pos_firm[keep], pos_k[keep], m0[keep], m1[keep]
    seasonal = seasonal[keep]
    person = _occupants(rng, firms, people, geo, pos_firm, pos_k, seasonal)
    spells = _turnover(rng, firms, people, geo, pos_firm, person, m0, m1, seasonal)
    base = _base_pay(rng, firms, spells[0], seasonal=spells[4])
    first = np.full(firms.n, -1, np.int64)
    first[pos_firm[pos_k == 0]] = person[pos_k == 0]
    jobs = Jobs(
        spells[0],
        spells[1],
        spells[2],
        spells[3],
        base,
        spells[5],
        *_rings(rng, firms, people, geo, a0, end),
        *_no_permits(),
        first_person=first,
        start_month=start,
        end_month=end,
    )
    _permits(rng, firms, people, jobs, spells[4])
    return jobs


def _season(a0: I64, a1: I64, seasonal: B, end: int) -> tuple[I64, I64]:
    """Seasonal positions run May–September of the last summer in the period."""
    year = end // 12 - (1 if end % 12 < 4 else 0)
    may, september = year * 12 + 4, year * 12 + 8
    return (
        np.where(seasonal, np.maximum(a0, may), a0),
        np.where(seasonal, np.minimum(a1, september), a1),
    )


def _occupants(
    rng: Rng, firms: Firms, people: People, geo: Geo, pos_firm: I64, pos_k: I64, seasonal: B
) -> I64:
    """The first holder of each position; a phoenix firm takes over its predecessor's staff."""
    key = pos_firm * 4096 + pos_k  # sorted: positions come firm by firm, k ascending
    pred = firms.predecessor[pos_firm]
    wanted_key = np.maximum(pred, 0) * 4096 + pos_k
    src = np.minimum(np.searchsorted(key, wanted_key), max(key.size - 1, 0))
    reuse = (pred >= 0) & (key[src] == wanted_key) & (rng.random(pos_firm.size) < 0.8)
    person = np.full(pos_firm.size, -1, np.int64)
    for wanted in (True, False):
        rows = np.flatnonzero(~reuse & (seasonal == wanted))
        person[rows] = add_workers(
            rng,
            people,
            geo,
            firms.sector[pos_firm[rows]],
            firms.muni[pos_firm[rows]],
            resident=0.1 if wanted else 0.7,
            samordning=0.9 if wanted else 0.3,
        )
    person[reuse] = person[src[reuse]]
    return person


def _turnover(
    rng: Rng,
    firms: Firms,
    people: People,
    geo: Geo,
    firm: I64,
    person: I64,
    m0: I64,
    m1: I64,
    seasonal: B,
) -> tuple[I64, I64, I64, I64, B, B]:
    """Split some positions where the holder left and someone new came."""
    n = firm.size
    months = np.maximum(m1 - m0, 0)
    change = ~seasonal & (months >= 2) & (rng.random(n) < 0.012 * months)
    cut = uniform_int(rng, m0 + 1, m1, n)
    late = ~change & (months >= 1) & (rng.random(n) < 0.06)
    start = np.where(late, uniform_int(rng, m0 + 1, m1, n), m0)
    rows = np.flatnonzero(change)
    newcomer = add_workers(rng, people, geo, firms.sector[firm[rows]], firms.muni[firm[rows]])
    return (
        np.concatenate([firm, firm[rows]]),
        np.concatenate([person, newcomer]),
        np.concatenate([start, cut[rows]]),
        np.concatenate([np.where(change, cut - 1, m1), m1[rows]]),
        np.concatenate([seasonal, seasonal[rows]]),
        np.concatenate([late, np.ones(rows.size, bool)]),
    )


def _base_pay(rng: Rng, firms: Firms, firm: I64, *, seasonal: B) -> F64:
    n = firm.size
    kinds = firms.kinds[firm]
    factor = np.ones(n)
    factor = np.where(kinds & OFF_BOOKS, rng.uniform(0.6, 1.0, n), factor)
    factor = np.where(kinds & RING, rng.uniform(0.55, 0.9, n), factor)
    factor = np.where(kinds & UNDERPAID, rng.uniform(0.35, 0.6, n), factor)
    sector = firms.sector[firm]
    part = np.where(
        ~seasonal & (rng.random(n) < sector_values("parttime")[sector]),
        rng.uniform(0.3, 0.85, n),
        1.0,
    )
    return sector_values("pay")[sector] * rng.lognormal(0.0, 0.16, n) * factor * part


def _rings(
    rng: Rng, firms: Firms, people: People, geo: Geo, a0: I64, end: int
) -> tuple[I64, I64, I64, F64]:
    """Ring workers: each month declared by one firm of the ring, often a different one."""
    parts: list[tuple[I64, I64, I64, F64]] = []
    for ring in range(int(firms.ring.max()) + 1 if firms.n else 0):
        members = np.flatnonzero(firms.ring == ring)
        workers = int(firms.declared[members].sum())
        first = int(a0[members].max())
        span = end - first + 1
        if workers == 0 or span <= 0:
            continue
        lead = members[np.zeros(workers, np.int64)]
        who = add_workers(rng, people, geo, firms.sector[lead], firms.muni[lead])
        moves = rng.random((workers, span)) < 0.45
        moves[:, 0] = True
        choice = rng.integers(0, members.size, (workers, span))
        last_move = np.maximum.accumulate(np.where(moves, np.arange(span), 0), axis=1)
        firm = members[np.take_along_axis(choice, last_move, axis=1)].ravel()
        base = sector_values("pay")[firms.sector[lead]] * rng.lognormal(0, 0.12, workers)
        base = base * rng.uniform(0.55, 0.9, workers)
        parts.append(
            (
                firm,
                np.repeat(who, span),
                np.tile(np.arange(first, end + 1), workers),
                np.repeat(base, span),
            )
        )
    if not parts:
        empty = np.zeros(0, np.int64)
        return empty, empty.copy(), empty.copy(), np.zeros(0)
    return (
        np.concatenate([p[0] for p in parts]),
        np.concatenate([p[1] for p in parts]),
        np.concatenate([p[2] for p in parts]),
        np.concatenate([p[3] for p in parts]),
    )


def _no_permits() -> tuple[I64, I64, I64, I64, I64]:
    empty = np.zeros(0, np.int64)
    return empty, empty.copy(), empty.copy(), empty.copy(), empty.copy()


def _permits(rng: Rng, firms: Firms, people: People, jobs: Jobs, seasonal: B) -> None:
    """Work permits for third-country employees; some firms pay them less than offered."""
    country = people.column("country")
    needs = rng.random(jobs.person.size) < PERMIT_P[country[jobs.person]]
    needs &= firms.predecessor[jobs.firm] < 0
    rows = np.flatnonzero(needs)
    if rows.size == 0:
        rows = _force_permit_holder(rng, firms, people, jobs)
    _crooked_permit_employers(rng, firms, jobs.firm[rows])
    n = rows.size
    sector = firms.sector[jobs.firm[rows]]
    offer = np.maximum(
        PERMIT_SALARY_FLOOR, np.round(sector_values("pay")[sector] * rng.uniform(0.95, 1.08, n), -2)
    ).astype(np.int64)
    crooked = (firms.kinds[jobs.firm[rows]] & PERMIT_UP) > 0
    jobs.base[rows] = offer * np.where(
        crooked, rng.uniform(0.45, 0.75, n), rng.uniform(1.0, 1.06, n)
    )
    start = first_day(jobs.m0[rows])
    stop = first_day(jobs.m1[rows] + 1) - 1
    season = seasonal[rows]
    valid_from = np.where(season, start, start - uniform_int(rng, 0, 540, n))
    valid_from = np.maximum(valid_from, firms.registered[jobs.firm[rows]])
    valid_to = np.where(
        season, stop, np.maximum(valid_from + 730, stop + uniform_int(rng, 30, 365, n))
    )
    jobs.permit_person, jobs.permit_firm = jobs.person[rows], jobs.firm[rows]
    jobs.permit_from, jobs.permit_to, jobs.permit_offer = valid_from, valid_to, offer


def _crooked_permit_employers(rng: Rng, firms: Firms, employers: I64) -> None:
    """Firms with permit holders that pay them below the offer (and firms that underpay
    everyone) get the ``permit_underpaid`` pattern."""
    firm = np.unique(employers)
    firm = firm[firms.operating[firm] & (firms.registered[firm] < REF_DAY - 60)]
    risk = sector_values("risk")[firms.sector[firm]]
    crooked = (rng.random(firm.size) < np.minimum(0.35, 2.0 * risk)) | (
        (firms.kinds[firm] & UNDERPAID) > 0
    )
    if not crooked.any() and firm.size:
        crooked[np.argmax(risk)] = True
    firms.kinds[firm[crooked]] |= PERMIT_UP


def _force_permit_holder(rng: Rng, firms: Firms, people: People, jobs: Jobs) -> I64:
    """A tiny world without third-country staff: make one employee a permit holder."""
    candidates = np.flatnonzero(firms.operating[jobs.firm] & (firms.kinds[jobs.firm] > 0))
    if candidates.size == 0:
        candidates = np.flatnonzero(firms.operating[jobs.firm])
    if candidates.size == 0:
        return np.zeros(0, np.int64)
    row = candidates[:1]
    who = jobs.person[row]
    people.column("country")[who] = COUNTRIES.index("TH")
    people.column("kind")[who] = SAMORDNING
    people.column("muni")[who] = -1
    return row
