"""Companies: industry, legal form, life cycle, and the hidden rule-breaking.

Crime is decided per firm, from its industry, legal form and age only (never from who
works there). Kinds are bit flags (see ``config.KINDS``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from akrim.demo.names import STEMS
from akrim.demo.world.arrays import F64, I64, NA, B, Rng, mask, pick, uniform_int
from akrim.demo.world.config import (
    AB,
    EF,
    EK,
    FL,
    FORM_PROFILES,
    HB,
    KB,
    NO_FTAX,
    OFF_BOOKS,
    OTHER,
    PERMIT_UP,
    PHOENIX,
    REF_DAY,
    RING,
    SECTORS,
    STRAW,
    UNDERPAID,
)
from akrim.demo.world.geo import Addresses, Geo
from akrim.demo.world.ids import organisation_numbers

YEAR = 365.25
GROUPS: tuple[str, ...] = tuple(sorted({s.group for s in SECTORS}))
HOLDING = [s.sni for s in SECTORS].index("64202")
SECTOR_GROUP = np.array([GROUPS.index(s.group) for s in SECTORS], dtype=np.int64)
RISKY_GROUPS = frozenset(
    {"construction", "restaurant", "cleaning", "beauty", "car", "agriculture", "transport"}
)


def sector_values(attr: str) -> F64:
    """One attribute of every sector as an array (e.g. ``sector_values("pay")``)."""
    return np.array([float(getattr(s, attr)) for s in SECTORS])


FORM_ZERO = np.array([0.8, 1.1, 1.1, 1.35, 1.0, 0.7, 1.0])  # share without staff, × sector
FORM_RISK = np.array([1.3, 1.0, 1.0, 0.5, 0.3, 1.2, 0.3])
SERIES: tuple[tuple[tuple[int, ...], int, int], ...] = (
    ((AB,), 556_000_000, 560_000_000),
    ((HB, KB), 969_000_000, 970_000_000),
    ((EK,), 769_000_000, 770_000_000),
    ((FL,), 516_400_000, 516_500_000),
    ((OTHER,), 802_000_000, 803_000_000),
)
MINIMUM: tuple[tuple[int, int], ...] = (
    (OFF_BOOKS, 2),
    (UNDERPAID, 2),
    (STRAW, 6),
    (PHOENIX, 2),
    (RING, 3),
    (NO_FTAX, 1),
)
"""Each pattern exists at least this often, even in a small world."""


@dataclass
class Firms:
    """All companies as parallel arrays (index = internal firm number)."""

    sector: I64
    form: I64
    registered: I64  # days since 1970-01-01
    deregistered: I64  # NA when still registered
    bankrupt: I64  # NA when never bankrupt
    muni: I64
    address: Addresses
    size: I64  # people who really work there
    declared: I64  # people the employer declares
    f_tax: B
    vat: B
    employer: B
    kinds: I64  # bit flags of hidden patterns
    ring: I64  # ring number, -1 when not in a ring
    predecessor: I64  # phoenix: the bankrupt firm this one continues, -1
    stem: I64  # index into names.STEMS
    trade: I64  # index into the sector's trade words
    style: I64  # how the name is built (see output)
    orgno: I64  # 10-digit number; EF firms get theirs from the owner
    owner: I64  # EF: person index of the owner, -1

    @property
    def n(self) -> int:
        return int(self.sector.size)

    @property
    def operating(self) -> B:
        return mask((self.deregistered == NA) & (self.bankrupt == NA))

    @property
    def group(self) -> I64:
        return SECTOR_GROUP[self.sector]


def make_firms(rng: Rng, n: int, geo: Geo) -> Firms:
    """``n`` companies with life cycles, hidden patterns and organisation numbers."""
    firms = _base(rng, n, geo)
    _life_cycle(rng, firms)
    _assign_crime(rng, firms)
    for bit, minimum in MINIMUM:
        _force(rng, firms, bit, minimum)
    _phoenix(rng, firms)
    _rings(rng, firms, geo)
    _honest_successors(rng, firms)
    _staff_and_flags(rng, firms)
    _organisation_numbers(rng, firms)
    return firms


def _base(rng: Rng, n: int, geo: Geo) -> Firms:
    sector = pick(rng, sector_values("weight"), n)
    form = np.zeros(n, dtype=np.int64)
    profiles = tuple(FORM_PROFILES)
    profile = np.array([profiles.index(s.profile) for s in SECTORS])[sector]
    for p, name in enumerate(profiles):
        rows = np.flatnonzero(profile == p)
        form[rows] = pick(rng, FORM_PROFILES[name], rows.size)
    muni = np.zeros(n, dtype=np.int64)
    exponent = sector_values("geo")[sector]
    for value in np.unique(exponent):
        rows = np.flatnonzero(exponent == value)
        muni[rows] = geo.draw(rng, rows.size, float(value))
    age = np.where(rng.random(n) < 0.35, rng.exponential(2.5, n), rng.exponential(13.0, n))
    age = np.minimum(
        age + 0.1 + np.where((form == EK) | (form == OTHER), 8.0, 0.0),
        np.where(form == EF, 45.0, 70.0),
    )
    zeros = np.zeros(n, dtype=np.int64)
    return Firms(
        sector=sector,
        form=form,
        registered=REF_DAY - np.round(age * YEAR).astype(np.int64),
        deregistered=np.full(n, NA, dtype=np.int64),
        bankrupt=np.full(n, NA, dtype=np.int64),
        muni=muni,
        address=Addresses.draw(rng, geo, muni),
        size=_headcount(rng, sector, form),
        declared=zeros.copy(),
        f_tax=np.zeros(n, bool),
        vat=np.zeros(n, bool),
        employer=np.zeros(n, bool),
        kinds=zeros.copy(),
        ring=zeros - 1,
        predecessor=zeros - 1,
        stem=rng.integers(0, len(STEMS), n),
        trade=rng.integers(0, 1 << 30, n),
        style=rng.integers(0, 4, n),
        orgno=zeros.copy(),
        owner=zeros - 1,
    )


def _headcount(rng: Rng, sector: I64, form: I64) -> I64:
    """People working in the firm (besides a sole trader himself)."""
    n = sector.size
    zero = np.clip(sector_values("zero")[sector] * FORM_ZERO[form], 0.0, 0.98)
    scale = sector_values("size")[sector] * np.where(form == EF, 0.5, 1.0)
    body = 1 + np.floor(rng.lognormal(np.log(scale), 0.85, n))
    return np.where(rng.random(n) < zero, 0, np.minimum(body, 1500)).astype(np.int64)


def _life_cycle(rng: Rng, firms: Firms) -> None:
    """Honest bankruptcies (last two years) and voluntary deregistrations (last three)."""
    n, reg = firms.n, firms.registered
    risky = np.isin(firms.group, [GROUPS.index(g) for g in RISKY_GROUPS])
    can_fail = np.isin(firms.form, [AB, HB, KB])
    lo = np.maximum(reg + 200, REF_DAY - 730)
    fail = can_fail & (rng.random(n) < np.where(risky, 0.024, 0.012)) & (lo < REF_DAY - 1)
    day = uniform_int(rng, lo, REF_DAY - 1, n)
    firms.bankrupt[fail] = day[fail]
    closed = day + uniform_int(rng, 150, 600, n)
    wound_up = fail & (closed < REF_DAY)
    firms.deregistered[wound_up] = closed[wound_up]
    lo = np.maximum(reg + 100, REF_DAY - 1095)
    quit_ = ~fail & (rng.random(n) < 0.03) & (lo < REF_DAY - 1)
    firms.deregistered[quit_] = uniform_int(rng, lo, REF_DAY - 1, n)[quit_]


def _crime_eligible(firms: Firms) -> B:
    return firms.operating & (firms.registered < REF_DAY - 60)


def _allowed(firms: Firms, bit: int) -> B:
    """Legal forms that can show a pattern (a sole trader has no board to fake)."""
    corp = np.isin(firms.form, [AB, EK, OTHER])
    if bit == STRAW:
        return corp
    if bit == PHOENIX:
        return mask(firms.form == AB)
    if bit == RING:
        return np.isin(firms.form, [AB, HB, FL])
    return np.ones(firms.n, dtype=bool)


def _assign_crime(rng: Rng, firms: Firms) -> None:
    n = firms.n
    young = firms.registered > REF_DAY - 3 * YEAR
    p = sector_values("risk")[firms.sector] * FORM_RISK[firms.form] * np.where(young, 1.5, 1.0)
    criminal = _crime_eligible(firms) & (rng.random(n) < p)
    kinds = np.zeros(n, dtype=np.int64)
    for bit, share in (
        (OFF_BOOKS, 0.45),
        (UNDERPAID, 0.25),
        (STRAW, 0.22),
        (PHOENIX, 0.15),
        (RING, 0.12),
        (NO_FTAX, 0.07),
    ):
        hit = criminal & _allowed(firms, bit) & (rng.random(n) < share)
        kinds[hit] |= bit
    no_ftax = (kinds & NO_FTAX) > 0
    kinds[no_ftax] &= ~(OFF_BOOKS | UNDERPAID | RING)
    kinds[criminal & (kinds == 0)] = OFF_BOOKS
    firms.kinds = kinds


def _force(rng: Rng, firms: Firms, bit: int, minimum: int) -> None:
    """Make sure at least ``minimum`` firms show ``bit`` (matters in small worlds)."""
    need = minimum - int(np.count_nonzero(firms.kinds & bit))
    if need <= 0:
        return
    clash = NO_FTAX if bit != NO_FTAX else (UNDERPAID | RING)
    ok = _crime_eligible(firms) & _allowed(firms, bit) & ((firms.kinds & (bit | clash)) == 0)
    candidates = np.flatnonzero(ok)
    if candidates.size == 0:
        return
    weight = sector_values("risk")[firms.sector[candidates]]
    weight = weight * np.where(firms.kinds[candidates] > 0, 20.0, 1.0)
    chosen = rng.choice(
        candidates, size=min(need, candidates.size), replace=False, p=weight / weight.sum()
    )
    firms.kinds[chosen] |= bit
    if bit == NO_FTAX:
        firms.kinds[chosen] &= ~OFF_BOOKS


def _phoenix(rng: Rng, firms: Firms) -> None:
    """Give each phoenix firm a bankrupt predecessor at the same address.

    The predecessor replaces an honest firm of the world (the total stays ``n``).
    """
    successors = np.flatnonzero(firms.kinds & PHOENIX)
    pool = np.flatnonzero((firms.kinds == 0) & (firms.form != EF))
    if successors.size == 0 or pool.size < successors.size:
        firms.kinds[successors] &= ~PHOENIX
        return
    old = rng.choice(pool, size=successors.size, replace=False)
    k = old.size
    firms.sector[old] = firms.sector[successors]
    firms.form[old] = AB
    firms.muni[old] = firms.muni[successors]
    firms.address.put(old, firms.address.take(successors))
    firms.stem[old] = firms.stem[successors]
    firms.size[old] = np.maximum(firms.size[successors], 1)
    failed = uniform_int(rng, REF_DAY - 700, REF_DAY - 60, k)
    firms.bankrupt[old] = failed
    firms.registered[old] = failed - np.round((1.5 + rng.exponential(3.0, k)) * YEAR).astype(
        np.int64
    )
    closed = failed + uniform_int(rng, 150, 600, k)
    firms.deregistered[old] = np.where(closed < REF_DAY, closed, NA)
    firms.registered[successors] = np.minimum(failed + uniform_int(rng, -60, 120, k), REF_DAY - 20)
    firms.predecessor[successors] = old


def _rings(rng: Rng, firms: Firms, geo: Geo) -> None:
    """Group ring firms of one county into rings of 3–5 (a short tail joins the last)."""
    members = np.flatnonzero(firms.kinds & RING)
    if members.size < 3:
        firms.kinds[members] &= ~RING
        return
    members = members[np.lexsort((members, firms.group[members], geo.county[firms.muni[members]]))]
    start, ring = 0, 0
    while start < members.size:
        size = int(rng.integers(3, 6))
        if members.size - (start + size) < 3:
            size = members.size - start
        firms.ring[members[start : start + size]] = ring
        start, ring = start + size, ring + 1


def _honest_successors(rng: Rng, firms: Firms) -> None:
    """A quarter of honest bankruptcies: a new, unrelated firm takes over the premises."""
    failed = np.flatnonzero(
        (firms.bankrupt != NA) & ~np.isin(np.arange(firms.n), firms.predecessor)
    )
    failed = failed[rng.random(failed.size) < 0.25]
    young = np.flatnonzero(
        (firms.kinds == 0)
        & firms.operating
        & (firms.form != EF)
        & (firms.registered > REF_DAY - 2 * YEAR)
    )
    k = min(failed.size, young.size)
    if k == 0:
        return
    old, new = failed[:k], rng.choice(young, size=k, replace=False)
    firms.sector[new] = firms.sector[old]
    firms.muni[new] = firms.muni[old]
    firms.address.put(new, firms.address.take(old))
    firms.registered[new] = np.minimum(
        firms.bankrupt[old] + uniform_int(rng, 30, 300, k), REF_DAY - 20
    )


def _staff_and_flags(rng: Rng, firms: Firms) -> None:
    n, kinds = firms.n, firms.kinds
    off, no_ftax = (kinds & OFF_BOOKS) > 0, (kinds & NO_FTAX) > 0
    active = ((kinds & (UNDERPAID | RING | PERMIT_UP | PHOENIX)) > 0) & ~off & ~no_ftax
    firms.size[off] = np.maximum(firms.size, 3 + rng.poisson(3.0, n))[off]
    firms.size[no_ftax | active] = np.maximum(firms.size, 2 + rng.poisson(2.0, n))[no_ftax | active]
    firms.declared = firms.size.copy()
    firms.declared[off] = np.floor(firms.size * rng.uniform(0.0, 0.35, n)).astype(np.int64)[off]
    firms.declared[no_ftax] = 0
    operating = firms.operating
    vat_share = np.where(np.isin(firms.group, [GROUPS.index("care")]), 0.2, 0.9)
    firms.f_tax = operating & (rng.random(n) < 0.96) & ~no_ftax
    firms.vat = operating & (rng.random(n) < np.where(no_ftax, 0.3, vat_share))
    firms.employer = operating & ((firms.declared > 0) | (rng.random(n) < 0.03)) & ~no_ftax


def _organisation_numbers(rng: Rng, firms: Firms) -> None:
    """Numbers in each legal form's series, older firms lower; EF firms wait for owners."""
    for forms, lo, hi in SERIES:
        rows = np.flatnonzero(np.isin(firms.form, forms))
        firms.orgno[rows] = organisation_numbers(rng, lo, hi, firms.registered[rows])
