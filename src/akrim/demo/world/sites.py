"""Workplaces: each operating firm has one site; chains and large firms have more.

Construction firms' sites are building sites (at new addresses, often in a neighbouring
municipality); other firms' first site is usually at the firm's own address. Firms that
keep staff off the books more often keep long opening hours.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from akrim.demo.world.arrays import F64, I64, B, Rng, pick, spread
from akrim.demo.world.config import HOURS, NO_FTAX, OFF_BOOKS, SECTORS
from akrim.demo.world.firms import GROUPS, Firms, sector_values
from akrim.demo.world.geo import Addresses, Geo

HOURS_LIST: tuple[str, ...] = tuple(dict.fromkeys(h for opts in HOURS.values() for h, _, _ in opts))
SECTOR_HOURS = np.array([tuple(HOURS).index(s.hours) for s in SECTORS], dtype=np.int64)
CONSTRUCTION = GROUPS.index("construction")


@dataclass
class Sites:
    firm: I64
    k: I64  # number of the site within its firm (0 = main)
    muni: I64
    address: Addresses
    lat: F64
    lon: F64
    size: I64  # people really working at the site
    hours: I64  # index into HOURS_LIST
    building: B  # a construction firm's building site

    @property
    def n(self) -> int:
        return int(self.firm.size)


def make_sites(rng: Rng, firms: Firms, geo: Geo) -> Sites:
    chain = sector_values("chain")[firms.sector]
    extra = np.where(chain > 0, firms.size // np.maximum(chain, 1), firms.size // 150).astype(
        np.int64
    )
    firm, k = spread(np.where(firms.operating, 1 + np.minimum(extra, 150), 0))
    n = firm.size
    per_site = np.maximum(1 + np.minimum(extra, 150), 1)[firm]
    size = firms.size[firm] // per_site + (k < firms.size[firm] % per_site)
    building = firms.group[firm] == CONSTRUCTION
    muni = _municipalities(rng, firms, geo, firm, k, building)
    address = Addresses.draw(rng, geo, muni)
    own = (k == 0) & ((~building & (rng.random(n) < 0.85)) | (firms.predecessor[firm] >= 0))
    rows = np.flatnonzero(own)
    address.put(rows, firms.address.take(firm[rows]))
    muni[rows] = firms.muni[firm[rows]]
    small = geo.population[muni] < 20_000
    lat = geo.lat[muni] + rng.normal(0, 1, n) * np.where(small, 0.03, 0.012)
    lon = geo.lon[muni] + rng.normal(0, 1, n) * np.where(small, 0.06, 0.024)
    return Sites(
        firm=firm,
        k=k,
        muni=muni,
        address=address,
        lat=np.round(lat, 5),
        lon=np.round(lon, 5),
        size=size,
        hours=_hours(rng, firms, firm),
        building=building,
    )


def _municipalities(rng: Rng, firms: Firms, geo: Geo, firm: I64, k: I64, building: B) -> I64:
    """Main site at home; building sites and chain branches around the county or further."""
    n = firm.size
    home = firms.muni[firm]
    county = geo.county[home]
    nearby = geo.draw_in_county(rng, county)
    anywhere = geo.draw(rng, n)
    away = np.where(rng.random(n) < 0.7, nearby, anywhere)
    moved = (k > 0) | (building & (rng.random(n) < 0.4))
    return np.where(moved, away, home)


def _hours(rng: Rng, firms: Firms, firm: I64) -> I64:
    hours = np.zeros(firm.size, np.int64)
    key = SECTOR_HOURS[firms.sector[firm]]
    hidden = (firms.kinds[firm] & (OFF_BOOKS | NO_FTAX)) > 0
    for h, name in enumerate(HOURS):
        options = HOURS[name]
        index = np.array([HOURS_LIST.index(value) for value, _, _ in options])
        for bias in (False, True):
            rows = np.flatnonzero((key == h) & (hidden == bias))
            weights = [w * (3.0 if bias and long else 1.0) for _, w, long in options]
            hours[rows] = index[pick(rng, weights, rows.size)]
    return hours
