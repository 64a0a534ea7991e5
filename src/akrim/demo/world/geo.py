"""Places: the 290 municipalities (shipped reference data), postal codes, street addresses."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from importlib.resources import files

import numpy as np

from akrim.demo.names import STREETS
from akrim.demo.world.arrays import F64, I64, Rng, pick

# Synthetic postal-code areas (first three digits) per county, roughly where Swedish
# postal codes of that county begin.
POSTAL_AREAS: dict[str, tuple[int, int]] = {
    "01": (100, 199),
    "03": (740, 759),
    "04": (610, 649),
    "05": (580, 609),
    "06": (550, 579),
    "07": (340, 364),
    "08": (380, 398),
    "09": (620, 624),
    "10": (370, 379),
    "12": (200, 299),
    "13": (300, 319),
    "14": (400, 549),
    "17": (650, 689),
    "18": (690, 719),
    "19": (720, 739),
    "20": (770, 799),
    "21": (800, 829),
    "22": (850, 899),
    "23": (830, 849),
    "24": (900, 939),
    "25": (940, 989),
}


@dataclass(frozen=True)
class Geo:
    """Municipalities as parallel arrays (index = position in the reference file)."""

    code: tuple[str, ...]
    name: tuple[str, ...]
    county: I64  # index into ``counties``
    counties: tuple[str, ...]
    population: F64
    lat: F64
    lon: F64
    postal_area: I64  # three leading digits of the municipality's postal codes

    @property
    def size(self) -> int:
        return len(self.code)

    def draw(self, rng: Rng, n: int, exponent: float = 1.0) -> I64:
        """``n`` municipalities drawn by population ** exponent."""
        return pick(rng, self.population**exponent, n)

    def draw_in_county(self, rng: Rng, county: I64) -> I64:
        """One municipality of each given county, by population."""
        order = np.lexsort((np.arange(self.size), self.county))
        cum = np.cumsum(self.population[order])
        total = np.bincount(self.county, weights=self.population, minlength=len(self.counties))
        county_end = np.cumsum(total)
        county_start = county_end - total
        target = county_start[county] + rng.random(county.size) * (
            county_end[county] - county_start[county]
        )
        idx = np.minimum(np.searchsorted(cum, target, side="right"), self.size - 1)
        return order[idx].astype(np.int64)


def load_geo() -> Geo:
    """Read the shipped municipality list (``akrim.reference/municipalities.csv``)."""
    text = files("akrim.reference").joinpath("municipalities.csv").read_text("utf-8")
    rows = sorted(csv.DictReader(io.StringIO(text)), key=lambda r: r["municipality_code"])
    counties = tuple(sorted({r["county_code"] for r in rows}))
    county = np.array([counties.index(r["county_code"]) for r in rows], dtype=np.int64)
    area = np.zeros(len(rows), dtype=np.int64)
    for c, code in enumerate(counties):
        members = np.flatnonzero(county == c)
        lo, hi = POSTAL_AREAS.get(code, (100, 989))
        area[members] = lo + (np.arange(members.size) * (hi - lo + 1)) // max(members.size, 1)
    return Geo(
        code=tuple(r["municipality_code"] for r in rows),
        name=tuple(r["municipality"] for r in rows),
        county=county,
        counties=counties,
        population=np.array([float(r["population"]) for r in rows]),
        lat=np.array([float(r["lat"]) for r in rows]),
        lon=np.array([float(r["lon"]) for r in rows]),
        postal_area=area,
    )


@dataclass
class Addresses:
    """Street addresses as parallel arrays: ``Storgatan 12B``, postal code ``41301``."""

    street: I64
    number: I64
    letter: I64  # 0 none, 1 A, 2 B, 3 C
    postal: I64

    @classmethod
    def draw(cls, rng: Rng, geo: Geo, muni: I64) -> Addresses:
        n = muni.size
        return cls(
            street=rng.integers(0, len(STREETS), n),
            number=np.minimum(1 + rng.geometric(1 / 18, n), 199).astype(np.int64),
            letter=np.where(rng.random(n) < 0.12, rng.integers(1, 4, n), 0),
            postal=geo.postal_area[muni] * 100 + rng.integers(0, 100, n),
        )

    def take(self, index: I64) -> Addresses:
        return Addresses(
            self.street[index], self.number[index], self.letter[index], self.postal[index]
        )

    def put(self, index: I64, other: Addresses) -> None:
        """Overwrite rows ``index`` with ``other`` (same length as index)."""
        self.street[index] = other.street
        self.number[index] = other.number
        self.letter[index] = other.letter
        self.postal[index] = other.postal
