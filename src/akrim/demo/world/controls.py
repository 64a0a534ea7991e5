"""Earlier controls, what they found, the tips that led to some, and the people met.

About 3,000 joint controls a year for 1.2 million firms (DOMAIN.md), at least 30 in any
world, over the two years before the reference date. Controls go where the risk is (risky
industries, tips, and — because the agencies' intelligence works — more often to firms that
really break the rules), but each check finds a real problem only with some probability,
and honest workplaces get the occasional finding too.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from akrim.demo.world.arrays import (
    F64,
    I64,
    B,
    Rng,
    floats,
    mask,
    pick,
    uniform_int,
    year_month_day,
)
from akrim.demo.world.config import (
    CONTROL_YEARS,
    EU_EEA,
    NO_FTAX,
    NOISE_CATEGORIES,
    OFF_BOOKS,
    PERMIT_UP,
    PHOENIX,
    PRICE_BASE_AMOUNT,
    REF_DAY,
    RING,
    STRAW,
    TEMPORARY_PROTECTION,
    TIP_CATEGORIES,
    UNDERPAID,
)
from akrim.demo.world.firms import GROUPS, Firms, sector_values
from akrim.demo.world.geo import Geo
from akrim.demo.world.ids import FOREIGN, PNR
from akrim.demo.world.jobs import Jobs
from akrim.demo.world.people import COUNTRIES, People, add_workers
from akrim.demo.world.sites import Sites

GROUP_WEIGHT = {
    "construction": 3.0,
    "restaurant": 3.0,
    "cleaning": 2.0,
    "beauty": 2.5,
    "car": 3.0,
    "transport": 1.5,
    "agriculture": 1.5,
    "care": 1.0,
    "slaughter": 2.0,
    "food_wholesale": 1.0,
    "laundry": 1.0,
    "retail": 0.6,
    "hotel": 1.0,
    "services": 0.4,
}
GROUP_W = np.array([GROUP_WEIGHT.get(g, 0.03) for g in GROUPS])
LEDGER = sector_values("ledger") > 0
FREE_TO_WORK = np.array([c in EU_EEA | TEMPORARY_PROTECTION for c in COUNTRIES])
EXPLOITATION = {"människoexploatering", "låga löner", "långa arbetsdagar", "arbetstillstånd"}
ECONOMIC = {
    "målvakt",
    "ekonomisk brottslighet",
    "konkursbolag startar om",
    "personal flyttas mellan bolag",
}


@dataclass
class Tips:
    day: I64
    site: I64  # -1 when the tip names only a firm
    firm: I64  # -1 when the tip names only a workplace
    category: list[str]


@dataclass
class Controls:
    site: I64
    day: I64
    agencies: list[list[str]] = field(default_factory=list)
    tip_category: list[str] = field(default_factory=list)


@dataclass
class Meetings:
    """People met at controls, before their names are written down."""

    control: I64
    person: I64
    established: B
    undeclared: B


@dataclass
class Findings:
    control: list[int] = field(default_factory=list)
    agency: list[str] = field(default_factory=list)
    code: list[str] = field(default_factory=list)
    amount: list[int | None] = field(default_factory=list)

    def add(self, control: int, agency: str, code: str, amount: float | None = None) -> None:
        self.control.append(control)
        self.agency.append(agency)
        self.code.append(code)
        self.amount.append(None if amount is None else round(amount))


def control_count(companies: int) -> int:
    return max(30, round(companies * 3000 * CONTROL_YEARS / 1_200_000))


def _site_weight(firms: Firms, sites: Sites) -> F64:
    bad = firms.kinds[sites.firm] > 0
    return floats(
        GROUP_W[firms.group[sites.firm]] * np.where(bad, 2.5, 1.0) * (1 + np.log1p(sites.size))
    )


def _days_after(rng: Rng, earliest: I64, n: int) -> I64:
    lo = np.minimum(np.maximum(earliest, REF_DAY - int(CONTROL_YEARS * 365.25)), REF_DAY - 1)
    return uniform_int(rng, lo, REF_DAY - 1, n)


def make_tips(rng: Rng, firms: Firms, sites: Sites, count: int) -> Tips:
    bad = np.flatnonzero(firms.kinds[sites.firm] > 0)
    true_n = round(0.55 * count) if bad.size else 0
    chosen = np.concatenate(
        [
            bad[pick(rng, floats(1.0 + sites.size[bad]), true_n)]
            if true_n
            else np.zeros(0, np.int64),
            pick(rng, GROUP_W[firms.group[sites.firm]], count - true_n),
        ]
    )
    firm = sites.firm[chosen]
    day = _days_after(rng, firms.registered[firm] + 14, count)
    order = np.lexsort((chosen, day))
    chosen, firm, day = chosen[order], firm[order], day[order]
    ref = rng.random(count)
    categories = []
    for f in firm:
        kinds = [bit for bit in TIP_CATEGORIES if firms.kinds[f] & bit]
        if kinds and rng.random() < 0.9:
            options = TIP_CATEGORIES[kinds[int(rng.integers(len(kinds)))]]
        else:
            options = NOISE_CATEGORIES
        categories.append(options[int(rng.integers(len(options)))])
    return Tips(
        day=day,
        site=np.where(ref < 0.9, chosen, -1),
        firm=np.where((ref < 0.7) | (ref >= 0.9), firm, -1),
        category=categories,
    )


def make_controls(
    rng: Rng, firms: Firms, sites: Sites, jobs: Jobs, tips: Tips, count: int
) -> Controls:
    usable = np.flatnonzero((tips.site >= 0) & (tips.day < REF_DAY - 10))
    from_tips = rng.permutation(usable)[: min(round(0.3 * count), usable.size)]
    rest = count - from_tips.size
    picked = _with_hidden_staff(firms, sites, pick(rng, _site_weight(firms, sites), rest))
    site = np.concatenate([tips.site[from_tips], picked])
    day = np.concatenate(
        [
            np.minimum(tips.day[from_tips] + uniform_int(rng, 7, 150, from_tips.size), REF_DAY - 1),
            _days_after(rng, firms.registered[sites.firm[picked]] + 30, rest),
        ]
    )
    category = [tips.category[t] for t in from_tips] + [""] * rest
    order = np.lexsort((site, day))
    controls = Controls(site=site[order], day=day[order], tip_category=[category[i] for i in order])
    permit_firms = set(jobs.permit_firm.tolist())
    for s, cat in zip(controls.site, controls.tip_category, strict=True):
        firm = int(sites.firm[s])
        controls.agencies.append(_agencies(rng, firms, firm, cat, firm in permit_firms))
    return controls


def _with_hidden_staff(firms: Firms, sites: Sites, picked: I64) -> I64:
    """At least one control visits a site that hides staff (matters in small worlds)."""
    hiding = (firms.kinds[sites.firm] & (OFF_BOOKS | NO_FTAX)) > 0
    candidates = np.flatnonzero(hiding & (sites.size > 0))
    if picked.size == 0 or candidates.size == 0 or hiding[picked].any():
        return picked
    picked = picked.copy()
    picked[-1] = candidates[np.argmax(sites.size[candidates])]
    return picked


def _agencies(rng: Rng, firms: Firms, firm: int, category: str, permits: bool) -> list[str]:
    core = [
        a
        for a, p in (
            ("AV", 0.9),
            ("POL", 0.85),
            ("SKV", 0.95 if LEDGER[firms.sector[firm]] else 0.5),
        )
        if rng.random() < p
    ] or ["AV"]
    more = [
        a
        for a, p in (
            ("AF", 0.1),
            ("FK", 0.12),
            ("MV", 0.35 if permits else 0.03),
            ("JAMY", 0.3 if category in EXPLOITATION else 0.04),
            ("EBM", 0.25 if category in ECONOMIC else 0.05),
            ("AM", 0.02),
        )
        if rng.random() < p
    ]
    return sorted(core + more)


def meet_people(
    rng: Rng, firms: Firms, sites: Sites, jobs: Jobs, people: People, geo: Geo, controls: Controls
) -> Meetings:
    """Who is on site: declared staff, and where staff are hidden, people off the books."""
    staff_firm, staff_person = _staff(jobs)
    pools: dict[int, list[int]] = {}
    new_site: list[int] = []
    rows: list[tuple[int, int, bool]] = []
    for c, s in enumerate(controls.site.tolist()):
        f = int(sites.firm[s])
        hidden = _hidden_share(firms, f)
        present = min(int(sites.size[s]), 1 + int(rng.poisson(2.5)))
        if present == 0 and firms.owner[f] >= 0:
            rows.append((c, int(firms.owner[f]), False))
        lo, hi = np.searchsorted(staff_firm, [f, f + 1])
        for _ in range(present):
            if hidden and (rng.random() < hidden or hi == lo):
                pool = pools.setdefault(s, [])
                slot = int(rng.integers(max(1, round(sites.size[s] * hidden))))
                while len(pool) <= slot:
                    pool.append(people.count + len(new_site))
                    new_site.append(s)
                rows.append((c, pool[slot], True))
            elif hi > lo:
                rows.append((c, int(staff_person[lo + int(rng.integers(hi - lo))]), False))
    where = np.array(new_site, dtype=np.int64)
    sector, muni = firms.sector[sites.firm[where]], sites.muni[where]
    add_workers(rng, people, geo, sector, muni, resident=0.3, samordning=0.25)
    meetings = _identified(rng, people, rows)
    _someone_without_a_number(people, meetings)
    return meetings


def _hidden_share(firms: Firms, f: int) -> float:
    """Share of a firm's real workforce that is not declared."""
    size, declared = int(firms.size[f]), int(firms.declared[f])
    if size == 0 or not firms.kinds[f] & (OFF_BOOKS | NO_FTAX):
        return 0.0
    return (size - declared) / size


def _someone_without_a_number(people: People, meetings: Meetings) -> None:
    """Make sure one person met off the books had no Swedish number (small worlds)."""
    kind, country = people.column("kind"), people.column("country")
    hidden = np.flatnonzero(meetings.undeclared)
    who = meetings.person[hidden]
    if hidden.size == 0 or ((kind[who] == FOREIGN) & meetings.established[hidden]).any():
        return
    first = int(who[0])
    kind[first] = FOREIGN
    people.column("muni")[first] = -1
    if FREE_TO_WORK[country[first]]:
        country[first] = COUNTRIES.index("UZ")
    meetings.established[meetings.person == first] = True


def _staff(jobs: Jobs) -> tuple[I64, I64]:
    """(firm, person) pairs of everyone declared in the period, sorted by firm."""
    firm = np.concatenate([jobs.firm, jobs.ring_firm])
    person = np.concatenate([jobs.person, jobs.ring_person])
    pair = np.unique(firm * (1 << 32) + person)
    return pair >> 32, pair & ((1 << 32) - 1)


def _identified(rng: Rng, people: People, rows: list[tuple[int, int, bool]]) -> Meetings:
    control = np.array([r[0] for r in rows], dtype=np.int64)
    person = np.array([r[1] for r in rows], dtype=np.int64)
    undeclared = np.array([r[2] for r in rows], dtype=bool)
    kind = people.column("kind")[person] if person.size else np.zeros(0, np.int64)
    p = np.where(~undeclared, 0.9, np.where(kind == PNR, 0.7, 0.55))
    return Meetings(
        control=control,
        person=person,
        established=rng.random(person.size) < p,
        undeclared=undeclared,
    )


def lacks_work_right(people: People, meetings: Meetings) -> B:
    """Met off the books, a third-country citizen without residence in Sweden."""
    country = people.column("country")[meetings.person]
    kind = people.column("kind")[meetings.person]
    return mask(meetings.undeclared & ~FREE_TO_WORK[country] & (kind != PNR))


def make_findings(
    rng: Rng, firms: Firms, sites: Sites, controls: Controls, meetings: Meetings, no_right: B
) -> Findings:
    findings = Findings()
    hidden = np.bincount(
        meetings.control, weights=meetings.undeclared, minlength=controls.site.size
    ).astype(np.int64)
    illegal = np.bincount(meetings.control, weights=no_right, minlength=controls.site.size).astype(
        np.int64
    )
    for c, s in enumerate(controls.site.tolist()):
        f = int(sites.firm[s])
        year = int(year_month_day(controls.day[c : c + 1])[0][0])
        ctx = _Context(
            c,
            int(firms.kinds[f]),
            int(firms.size[f]),
            int(hidden[c]),
            int(illegal[c]),
            year,
            bool(_ledger(firms, f)),
        )
        for agency in controls.agencies[c]:
            _ONE_AGENCY.get(agency, _nothing)(rng, findings, ctx)
    return findings


def _ledger(firms: Firms, f: int) -> bool:
    return bool(LEDGER[firms.sector[f]])


@dataclass(frozen=True)
class _Context:
    control: int
    kinds: int
    size: int
    hidden: int  # people met off the books
    illegal: int  # of them without a right to work
    year: int
    ledger: bool


def _nothing(rng: Rng, findings: Findings, ctx: _Context) -> None:
    return None


def _skv(rng: Rng, findings: Findings, ctx: _Context) -> None:
    hiding = ctx.kinds & (OFF_BOOKS | NO_FTAX)
    if ctx.ledger:
        p = 0.7 if hiding else (0.2 if ctx.kinds else 0.06)
        if rng.random() < p:
            if rng.random() < 0.35:
                findings.add(ctx.control, "SKV", "SKV_LEDGER_MISSING", 12_500)
            else:
                people = max(1, ctx.hidden) if hiding else int(rng.integers(1, 3))
                findings.add(ctx.control, "SKV", "SKV_LEDGER_INCOMPLETE", 2_500 * people)
    if rng.random() < (0.35 if ctx.kinds & (OFF_BOOKS | UNDERPAID | RING) else 0.01):
        findings.add(ctx.control, "SKV", "SKV_UNDECLARED_PAY")
    if rng.random() < (0.85 if ctx.kinds & NO_FTAX else 0.002):
        findings.add(ctx.control, "SKV", "SKV_NO_FTAX")


def _pol(rng: Rng, findings: Findings, ctx: _Context) -> None:
    found = ctx.illegal > 0 and rng.random() < 0.8
    if found:
        fee = PRICE_BASE_AMOUNT.get(ctx.year, PRICE_BASE_AMOUNT[max(PRICE_BASE_AMOUNT)])
        findings.add(
            ctx.control,
            "POL",
            "POL_NO_WORK_RIGHT",
            fee * ctx.illegal * (2 if rng.random() < 0.3 else 1),
        )
    if rng.random() < (0.6 if found else 0.1 if ctx.kinds else 0.01):
        findings.add(ctx.control, "POL", "POL_CRIME_REPORT")


def _av(rng: Rng, findings: Findings, ctx: _Context) -> None:
    bad = ctx.kinds != 0
    if rng.random() < (0.2 if bad else 0.04):
        findings.add(ctx.control, "AV", "AV_PROHIBITION")
    if rng.random() < (0.3 if bad else 0.12):
        findings.add(ctx.control, "AV", "AV_ORDER")
    if rng.random() < (0.12 if bad else 0.02):
        fee = round((5_000 + 2_500 * ctx.size * rng.lognormal(0, 0.6)) / 1000) * 1000
        findings.add(ctx.control, "AV", "AV_SANCTION_FEE", min(max(fee, 5_000), 1_000_000))


_Check = Callable[[Rng, Findings, _Context], None]


def _others(
    code: str,
    agency: str,
    p_bad: float,
    p_honest: float,
    bits: int = -1,
    amount: tuple[int, int] | None = None,
) -> _Check:
    def check(rng: Rng, findings: Findings, ctx: _Context) -> None:
        if rng.random() < (p_bad if ctx.kinds & bits else p_honest):
            value = None if amount is None else round(rng.uniform(*amount), -2)
            findings.add(ctx.control, agency, code, value)

    return check


_ONE_AGENCY = {
    "SKV": _skv,
    "POL": _pol,
    "AV": _av,
    "MV": _others("MV_PERMIT_CONDITIONS", "MV", 0.6, 0.03, PERMIT_UP),
    "FK": _others("FK_BENEFIT_ERROR", "FK", 0.2, 0.03, amount=(10_000, 250_000)),
    "AF": _others("AF_SUBSIDY_ERROR", "AF", 0.4, 0.1, amount=(20_000, 400_000)),
    "JAMY": _others(
        "JAMY_EXPLOITATION_INDICATORS", "JAMY", 0.5, 0.01, UNDERPAID | PERMIT_UP | OFF_BOOKS
    ),
    "EBM": _others("EBM_INVESTIGATION", "EBM", 0.5, 0.005, PHOENIX | STRAW | RING),
    "AM": _others("AM_PROSECUTION", "AM", 0.3, 0.0),
}
