"""People: collected stage by stage, then given names and identity numbers in one go."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from akrim.demo.names import COUNTRY_ORIGIN, ORIGIN_KEYS, ORIGINS, SE_NAME_MIX
from akrim.demo.world.arrays import I64, Rng, pick
from akrim.demo.world.config import DEFAULT_MIX, FOREIGN_MIX, REF_DAY
from akrim.demo.world.firms import GROUPS, SECTOR_GROUP, sector_values
from akrim.demo.world.geo import Geo
from akrim.demo.world.ids import FOREIGN, PNR, SAMORDNING, person_codes

COUNTRIES: tuple[str, ...] = tuple(COUNTRY_ORIGIN)
SE = COUNTRIES.index("SE")
COUNTRY_ORIGIN_IDX = np.array([ORIGIN_KEYS.index(COUNTRY_ORIGIN[c]) for c in COUNTRIES])

FIRST_NAMES: tuple[str, ...] = tuple(
    name for key in ORIGIN_KEYS for name in ORIGINS[key].male + ORIGINS[key].female
)
LAST_NAMES: tuple[str, ...] = tuple(
    name for key in ORIGIN_KEYS for name in ORIGINS[key].last + ORIGINS[key].last_female
)


def _offsets() -> tuple[I64, I64, I64, I64]:
    first_off, first_len = (
        np.zeros((len(ORIGIN_KEYS), 2), np.int64),
        np.zeros((len(ORIGIN_KEYS), 2), np.int64),
    )
    last_off, last_len = (
        np.zeros((len(ORIGIN_KEYS), 2), np.int64),
        np.zeros(len(ORIGIN_KEYS), np.int64),
    )
    f = s = 0
    for o, key in enumerate(ORIGIN_KEYS):
        origin = ORIGINS[key]
        first_off[o] = (f, f + len(origin.male))
        first_len[o] = (len(origin.male), len(origin.female))
        f += len(origin.male) + len(origin.female)
        last_off[o] = (s, s + len(origin.last))
        last_len[o] = len(origin.last)
        s += 2 * len(origin.last)
    return first_off, first_len, last_off, last_len


FIRST_OFF, FIRST_LEN, LAST_OFF, LAST_LEN = _offsets()
COLUMNS = ("birth", "sex", "country", "muni", "kind", "relative")


@dataclass
class Persons:
    """Everyone in the world, finished: names (indices) and identity numbers."""

    birth: I64
    sex: I64  # 0 man, 1 woman
    country: I64  # index into COUNTRIES
    muni: I64  # registered residence, -1 when not registered in Sweden
    kind: I64  # PNR, SAMORDNING or FOREIGN
    first: I64  # index into FIRST_NAMES
    last: I64  # index into LAST_NAMES
    code: I64  # 12-digit number, 0 for FOREIGN
    foreign_no: I64  # digits after the X, 0 for Swedish numbers

    @property
    def n(self) -> int:
        return int(self.birth.size)


@dataclass
class People:
    """Collects people while the world is built; ``finish`` names and numbers them."""

    parts: list[dict[str, I64]] = field(default_factory=list)
    count: int = 0

    def add(
        self, birth: I64, sex: I64, country: I64, muni: I64, kind: I64, relative: I64 | None = None
    ) -> I64:
        """Add people (arrays of equal length); returns their indices."""
        n = int(birth.size)
        rel = np.full(n, -1, np.int64) if relative is None else relative
        self.parts.append(dict(zip(COLUMNS, (birth, sex, country, muni, kind, rel), strict=True)))
        self.count += n
        return np.arange(self.count - n, self.count, dtype=np.int64)

    def column(self, name: str) -> I64:
        """A column over everyone added so far (writable: edits stick)."""
        if len(self.parts) > 1:
            merged = {c: np.concatenate([p[c] for p in self.parts]) for c in COLUMNS}
            self.parts = [merged]
        return self.parts[0][name] if self.parts else np.zeros(0, np.int64)

    def finish(self, rng: Rng) -> Persons:
        birth, sex, country = self.column("birth"), self.column("sex"), self.column("country")
        kind, relative = self.column("kind"), self.column("relative")
        n = birth.size
        origin = COUNTRY_ORIGIN_IDX[country]
        swedes = np.flatnonzero(country == SE)
        mix = [SE_NAME_MIX.get(k, 0.0) for k in ORIGIN_KEYS]
        origin[swedes] = pick(rng, mix, swedes.size)
        surname = np.floor(rng.random(n) * LAST_LEN[origin]).astype(np.int64)
        kin = np.flatnonzero(relative >= 0)
        origin[kin] = origin[relative[kin]]
        surname[kin] = surname[relative[kin]]
        given = np.floor(rng.random(n) * FIRST_LEN[origin, sex]).astype(np.int64)
        code, birth = person_codes(rng, birth, sex, kind)
        foreign = np.flatnonzero(kind == FOREIGN)
        foreign_no = np.zeros(n, np.int64)
        foreign_no[foreign] = 10_000_000 + rng.choice(89_999_999, foreign.size, replace=False)
        return Persons(
            birth=birth,
            sex=sex,
            country=country,
            muni=self.column("muni"),
            kind=kind,
            first=FIRST_OFF[origin, sex] + given,
            last=LAST_OFF[origin, sex] + surname,
            code=code,
            foreign_no=foreign_no,
        )


def birth_days(rng: Rng, n: int, young: float, old: float, mode: float) -> I64:
    """Birth dates of people aged between ``young`` and ``old`` (most near ``mode``)."""
    age = rng.triangular(young, mode, old, n)
    return (REF_DAY - np.floor(age * 365.25)).astype(np.int64)


def citizenship(rng: Rng, sector: I64) -> I64:
    """Citizenship of employees of a sector: Swedish, or the sector's foreign mix."""
    n = sector.size
    country = np.full(n, SE, np.int64)
    foreign = rng.random(n) < sector_values("foreign")[sector]
    group = SECTOR_GROUP[sector]
    for g, name in enumerate(GROUPS):
        rows = np.flatnonzero(foreign & (group == g))
        mix = FOREIGN_MIX.get(name, DEFAULT_MIX)
        codes = list(mix)
        country[rows] = np.array([COUNTRIES.index(c) for c in codes])[
            pick(rng, [mix[c] for c in codes], rows.size)
        ]
    return country


def id_kind(rng: Rng, country: I64, resident: float, samordning: float) -> I64:
    """Swedes have a personnummer; foreigners are resident (personnummer), have a
    samordningsnummer, or have no Swedish number, with the given shares."""
    u = rng.random(country.size)
    kind = np.where(u < resident, PNR, np.where(u < resident + samordning, SAMORDNING, FOREIGN))
    return np.where(country == SE, PNR, kind).astype(np.int64)


def add_workers(
    rng: Rng,
    people: People,
    geo: Geo,
    sector: I64,
    muni: I64,
    *,
    resident: float = 0.7,
    samordning: float = 0.3,
) -> I64:
    """New people working in ``sector`` at a firm in ``muni``; returns their indices."""
    n = sector.size
    country = citizenship(rng, sector)
    kind = id_kind(rng, country, resident, samordning)
    sex = (rng.random(n) < sector_values("female")[sector]).astype(np.int64)
    home = np.where(rng.random(n) < 0.75, muni, geo.draw(rng, n))
    home = np.where(kind == PNR, home, -1)
    birth = birth_days(rng, n, 17.0, 67.0, 32.0)
    return people.add(birth, sex, country, home, kind)


def add_board(
    rng: Rng,
    people: People,
    geo: Geo,
    muni: I64,
    *,
    foreign: float = 0.1,
    young: float = 25.0,
    old: float = 78.0,
    mode: float = 52.0,
) -> I64:
    """New people who sit on boards or own firms (residents)."""
    n = muni.size
    general = list(DEFAULT_MIX)
    country = np.where(
        rng.random(n) < foreign,
        np.array([COUNTRIES.index(c) for c in general])[
            pick(rng, [DEFAULT_MIX[c] for c in general], n)
        ],
        SE,
    ).astype(np.int64)
    home = np.where(rng.random(n) < 0.7, muni, geo.draw(rng, n))
    sex = (rng.random(n) < 0.3).astype(np.int64)
    birth = birth_days(rng, n, young, old, mode)
    return people.add(birth, sex, country, home, np.full(n, PNR, np.int64))
