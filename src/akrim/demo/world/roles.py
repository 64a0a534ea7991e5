"""Boards, owners and managers: who answers for each firm.

Honest structure: an AB has one to five board members (a chair from two on, a deputy when
fewer than three), sometimes a CEO, and usually a beneficial owner; partnerships have two or
three partners; a sole trader owns his firm. Some honest people sit on many boards (group
structures). Straw men sit on the boards of many rule-breaking firms, appointed lately; a
phoenix firm is run by the predecessor's board member or a relative; a ring's firms share
a beneficial owner.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from akrim.demo.world.arrays import I64, NA, B, Rng, mask, pick, spread, uniform_int
from akrim.demo.world.config import AB, EF, EK, FL, HB, KB, OTHER, REF_DAY, STRAW
from akrim.demo.world.firms import HOLDING, YEAR, Firms
from akrim.demo.world.geo import Geo
from akrim.demo.world.ids import PNR, SAMORDNING
from akrim.demo.world.jobs import Jobs
from akrim.demo.world.people import COUNTRIES, SE, People, add_board, birth_days

ROLE_NAMES: tuple[str, ...] = (
    "board",
    "chair",
    "ceo",
    "deputy",
    "signatory",
    "owner",
    "beneficial_owner",
)
BOARD, CHAIR, CEO, DEPUTY, SIGNATORY, OWNER, BENEFICIAL = range(len(ROLE_NAMES))


@dataclass
class Roles:
    firm: I64
    person: I64
    role: I64  # index into ROLE_NAMES
    start: I64
    end: I64  # NA while the role lasts


@dataclass
class _Slots:
    firm: I64
    role: I64
    lead: I64  # 1 for the firm's main person (chair, sole board member, first partner)
    person: I64


def make_roles(rng: Rng, firms: Firms, jobs: Jobs, people: People, geo: Geo) -> Roles:
    slots = _slots(rng, firms)
    _owner_managers(rng, firms, jobs, slots)
    _straw_men(rng, firms, people, geo, slots)
    _serial_board_members(rng, firms, people, geo, slots)
    doubles = _doubles(rng, slots)
    holdings = _holding_leads(rng, firms, slots)
    later = doubles | holdings | _phoenix_lead(firms, slots)
    fresh = np.flatnonzero((slots.person < 0) & ~later)
    slots.person[fresh] = _new_people(rng, firms, people, geo, slots, fresh)
    lead = np.full(firms.n, -1, np.int64)
    is_lead = np.flatnonzero((slots.lead == 1) & (slots.person >= 0))
    lead[slots.firm[is_lead]] = slots.person[is_lead]
    _copy_holding_leads(rng, firms, slots, lead, holdings)
    _phoenix_leads(rng, firms, people, geo, slots, lead)
    slots.person[doubles] = lead[slots.firm[doubles]]
    left = np.flatnonzero(slots.person < 0)
    slots.person[left] = _new_people(rng, firms, people, geo, slots, left)
    extra = _extra_rows(rng, firms, people, geo, slots, lead)
    return _dated(rng, firms, people, geo, extra)


def _doubles(rng: Rng, slots: _Slots) -> B:
    """The CEO is often the chair; the beneficial owner usually is."""
    share = np.where(slots.role == CEO, 0.5, np.where(slots.role == BENEFICIAL, 0.8, 0.0))
    return mask((slots.lead == 0) & (slots.person < 0) & (rng.random(slots.firm.size) < share))


def _holding_leads(rng: Rng, firms: Firms, slots: _Slots) -> B:
    """Most holding companies are chaired by the owner of an operating company."""
    holding = (firms.sector == HOLDING) & (firms.form == AB) & (firms.kinds == 0)
    holding &= firms.predecessor < 0
    return mask(
        (slots.lead == 1)
        & (slots.person < 0)
        & holding[slots.firm]
        & (rng.random(slots.firm.size) < 0.7)
    )


def _copy_holding_leads(rng: Rng, firms: Firms, slots: _Slots, lead: I64, rows: B) -> None:
    owned = np.flatnonzero((firms.sector != HOLDING) & (firms.form == AB) & (lead >= 0))
    index = np.flatnonzero(rows)
    if owned.size == 0:
        return
    partner = owned[rng.integers(0, owned.size, index.size)]
    slots.person[index] = lead[partner]
    lead[slots.firm[index]] = lead[partner]


def _slots(rng: Rng, firms: Firms) -> _Slots:
    n, form = firms.n, firms.form
    corp = np.isin(form, [AB, EK, OTHER])
    members = np.where(
        form == AB, 1 + pick(rng, [0.55, 0.15, 0.2, 0.07, 0.03], n), np.where(corp, 3, 0)
    )
    members = np.where((firms.kinds & STRAW) > 0, np.minimum(members, 1), members)
    chair = (members >= 2).astype(np.int64)
    counts = {
        CHAIR: chair,
        BOARD: members - chair,
        DEPUTY: (corp & ((members < 3) | (form != AB))).astype(np.int64),
        CEO: (
            (form == FL)
            | ((form == AB) & (rng.random(n) < 0.2 + 0.5 * (firms.size >= 10)))
            | ((form == EK) & (rng.random(n) < 0.3))
        ).astype(np.int64),
        BENEFICIAL: ((form == AB) & (rng.random(n) < 0.85)).astype(np.int64),
        OWNER: np.where(np.isin(form, [HB, KB]), 2 + (rng.random(n) < 0.3), form == EF).astype(
            np.int64
        ),
    }
    lead_role = np.where(
        chair > 0,
        CHAIR,
        np.where(counts[BOARD] > 0, BOARD, np.where(counts[OWNER] > 0, OWNER, CEO)),
    )
    parts = []
    for role, count in counts.items():
        firm, k = spread(count)
        lead = ((k == 0) & (lead_role[firm] == role)).astype(np.int64)
        parts.append((firm, np.full(firm.size, role, np.int64), lead))
    firm = np.concatenate([p[0] for p in parts])
    order = np.lexsort((-np.concatenate([p[2] for p in parts]), firm))
    return _Slots(
        firm=firm[order],
        role=np.concatenate([p[1] for p in parts])[order],
        lead=np.concatenate([p[2] for p in parts])[order],
        person=np.full(firm.size, -1, np.int64),
    )


def _owner_managers(rng: Rng, firms: Firms, jobs: Jobs, slots: _Slots) -> None:
    """In half the small firms with staff the chair or partner also works there."""
    boss = jobs.first_person[slots.firm]
    take = (slots.lead == 1) & (boss >= 0) & np.isin(firms.form[slots.firm], [AB, HB, KB])
    take &= ((firms.kinds[slots.firm] & STRAW) == 0) & (firms.predecessor[slots.firm] < 0)
    take &= rng.random(slots.firm.size) < 0.5
    slots.person[take] = boss[take]


def _straw_men(rng: Rng, firms: Firms, people: People, geo: Geo, slots: _Slots) -> None:
    """A few people front many firms each; they are on no payroll."""
    straw_firms = np.flatnonzero(firms.kinds & STRAW)
    if straw_firms.size == 0:
        return
    pool_size = max(1, straw_firms.size // 9)
    old = rng.random(pool_size) < 0.4
    birth = np.where(
        old, birth_days(rng, pool_size, 62, 82, 70), birth_days(rng, pool_size, 19, 27, 21)
    )
    abroad = np.array([COUNTRIES.index(c) for c in ("PL", "RO", "BG", "LT", "SY", "IQ")])
    country = np.where(
        rng.random(pool_size) < 0.75, SE, abroad[rng.integers(0, abroad.size, pool_size)]
    ).astype(np.int64)
    kind = np.where(country == SE, PNR, SAMORDNING).astype(np.int64)
    home = np.where(kind == PNR, geo.draw(rng, pool_size), -1)
    pool = people.add(birth, (rng.random(pool_size) < 0.2).astype(np.int64), country, home, kind)
    which = np.full(firms.n, -1, np.int64)
    which[straw_firms] = pool[rng.permutation(straw_firms.size) % pool_size]
    is_straw = (firms.kinds[slots.firm] & STRAW) > 0
    lead = is_straw & (slots.lead == 1)
    slots.person[lead] = which[slots.firm[lead]]
    deputy = is_straw & (slots.role == DEPUTY) & (rng.random(slots.firm.size) < 0.25)
    slots.person[deputy] = pool[rng.integers(0, pool_size, slots.firm.size)][deputy]
    slots.person[deputy & (slots.person == which[slots.firm])] = -1


def _serial_board_members(rng: Rng, firms: Firms, people: People, geo: Geo, slots: _Slots) -> None:
    """Honest professionals and group owners: about six board seats each."""
    seat = np.isin(slots.role, [BOARD, CHAIR]) & (slots.person < 0)
    seat &= (firms.form[slots.firm] == AB) & (firms.kinds[slots.firm] == 0)
    seat &= rng.random(slots.firm.size) < 0.03
    rows = np.flatnonzero(seat)
    if rows.size == 0:
        return
    pool = add_board(
        rng, people, geo, firms.muni[slots.firm[rows[: max(1, rows.size // 6)]]], young=40, mode=58
    )
    slots.person[rows] = pool[rng.integers(0, pool.size, rows.size)]


def _phoenix_lead(firms: Firms, slots: _Slots) -> B:
    return mask(slots.lead == 1) & (firms.predecessor[slots.firm] >= 0) & (slots.person < 0)


def _new_people(rng: Rng, firms: Firms, people: People, geo: Geo, slots: _Slots, rows: I64) -> I64:
    firm = slots.firm[rows]
    who = add_board(rng, people, geo, firms.muni[firm], foreign=0.1)
    sole = np.flatnonzero(firms.form[firm] == EF)
    firms.owner[firm[sole]] = who[sole]
    return who


def _phoenix_leads(
    rng: Rng, firms: Firms, people: People, geo: Geo, slots: _Slots, lead: I64
) -> None:
    """The phoenix's main person: the predecessor's (65 %) or a relative of theirs."""
    rows = np.flatnonzero(_phoenix_lead(firms, slots))
    if rows.size == 0:
        return
    source = lead[firms.predecessor[slots.firm[rows]]]
    relative = rng.random(rows.size) < 0.35
    kin_rows = np.flatnonzero(relative)
    kin = add_board(rng, people, geo, firms.muni[slots.firm[rows[kin_rows]]], young=20, mode=35)
    people.column("relative")[kin] = source[kin_rows]
    people.column("country")[kin] = people.column("country")[source[kin_rows]]
    source[kin_rows] = kin
    slots.person[rows] = source
    lead[slots.firm[rows]] = source


def _extra_rows(
    rng: Rng, firms: Firms, people: People, geo: Geo, slots: _Slots, lead: I64
) -> _Slots:
    """Ring organisers as beneficial owners; a straw-fronted phoenix's real boss."""
    firm_parts, person_parts, role_parts = [slots.firm], [slots.person], [slots.role]
    ring_firms = np.flatnonzero(firms.ring >= 0)
    if ring_firms.size:
        heads = np.full(int(firms.ring.max()) + 1, -1, np.int64)
        heads[firms.ring[ring_firms][::-1]] = lead[ring_firms][::-1]
        firm_parts.append(ring_firms)
        person_parts.append(heads[firms.ring[ring_firms]])
        role_parts.append(np.full(ring_firms.size, BENEFICIAL, np.int64))
    fronted = np.flatnonzero((firms.predecessor >= 0) & ((firms.kinds & STRAW) > 0))
    firm_parts.append(fronted)
    person_parts.append(lead[firms.predecessor[fronted]])
    role_parts.append(np.where(rng.random(fronted.size) < 0.5, SIGNATORY, BENEFICIAL))
    firm = np.concatenate(firm_parts)
    person = np.concatenate(person_parts)
    keep = person >= 0
    return _Slots(
        firm=firm[keep],
        role=np.concatenate(role_parts)[keep],
        lead=np.zeros(int(keep.sum()), np.int64),
        person=person[keep],
    )


def _dated(rng: Rng, firms: Firms, people: People, geo: Geo, slots: _Slots) -> Roles:
    """Founders from registration; some main persons replaced; straw men appointed late."""
    n = slots.firm.size
    reg = firms.registered[slots.firm]
    straw = (firms.kinds[slots.firm] & STRAW) > 0
    main = (slots.lead == 1) & np.isin(firms.form[slots.firm], [AB, EK, OTHER])
    lo = np.maximum(reg + 90, np.where(straw, REF_DAY - 700, REF_DAY - int(5 * YEAR)))
    changed = main & (lo < REF_DAY - 30) & (straw | (rng.random(n) < 0.12))
    day = uniform_int(rng, lo, REF_DAY - 30, n)
    renewed = uniform_int(rng, np.maximum(reg, REF_DAY - int(20 * YEAR)), REF_DAY - 30, n)
    founded = np.where((firms.form[slots.firm] == EF) | (reg > REF_DAY - 20 * YEAR), reg, renewed)
    rows = np.flatnonzero(changed)
    before = add_board(rng, people, geo, firms.muni[slots.firm[rows]])
    firm = np.concatenate([slots.firm, slots.firm[rows]])
    end = np.concatenate([np.full(n, NA, np.int64), day[rows]])
    closed = firms.deregistered[firm]
    end = np.where((closed != NA) & ((end == NA) | (closed < end)), closed, end)
    start = np.concatenate([np.where(changed, day, founded), np.minimum(founded, day - 30)[rows]])
    start = np.maximum(start, firms.registered[firm])
    start = np.where(end != NA, np.minimum(start, end), start)
    roles = Roles(
        firm=firm,
        person=np.concatenate([slots.person, before]),
        role=np.concatenate([slots.role, slots.role[rows]]),
        start=start,
        end=end,
    )
    _adults(rng, people, roles)
    return roles


def _adults(rng: Rng, people: People, roles: Roles) -> None:
    """Nobody takes a seat before the age of 18 (employees promoted to the board age)."""
    latest = roles.start - np.round((18 + rng.exponential(6.0, roles.start.size)) * YEAR)
    birth = people.column("birth")
    np.minimum.at(birth, roles.person, latest.astype(np.int64))
