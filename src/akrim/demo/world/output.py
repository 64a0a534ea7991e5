"""Turning the arrays into the exchange format's tables (polars) and writing them."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import polars as pl

from akrim.demo.names import FOREIGN_FORMS, ORIGINS, STEMS, STREETS
from akrim.demo.world.arrays import F64, I64, NA, Rng, spread
from akrim.demo.world.config import EF, EK, FL, FORMS, HB, KB, KINDS, OTHER, SECTORS
from akrim.demo.world.controls import Controls, Findings, Tips
from akrim.demo.world.encounters import Encounters
from akrim.demo.world.firms import Firms
from akrim.demo.world.geo import Addresses, Geo
from akrim.demo.world.ids import FOREIGN, orgno_expr, pid_expr
from akrim.demo.world.jobs import Jobs
from akrim.demo.world.people import COUNTRIES, FIRST_NAMES, LAST_NAMES, Persons
from akrim.demo.world.roles import ROLE_NAMES, Roles
from akrim.demo.world.sites import HOURS_LIST, Sites

TRADES: tuple[str, ...] = tuple(t for s in SECTORS for t in s.trades)
TRADE_OFF = np.cumsum([0] + [len(s.trades) for s in SECTORS])[:-1]
TRADE_LEN = np.array([len(s.trades) for s in SECTORS])
SNI = pl.Series([s.sni for s in SECTORS])
SURNAMES = ORIGINS["se"].last
TAX_X = [0, 2_000, 10_000, 20_000, 25_000, 35_000, 45_000, 60_000, 100_000, 1e9]
TAX_Y = [0, 0, 0.10, 0.18, 0.20, 0.235, 0.26, 0.30, 0.37, 0.5]


def strings(values: Sequence[str], index: I64) -> pl.Series:
    """``values[index]`` as a polars string column (nulls where index < 0)."""
    series = pl.Series(values, dtype=pl.String).gather(np.maximum(index, 0))
    return pl.select(pl.when(pl.lit(pl.Series(index >= 0))).then(series)).to_series()


def dates(days: I64) -> pl.Series:
    """Days since 1970-01-01 as a Date column (NA → null)."""
    series = pl.Series(np.where(days == NA, 0, days).astype(np.int32)).cast(pl.Date)
    return pl.select(pl.when(pl.lit(pl.Series(days != NA))).then(series)).to_series()


def address_column(geo: Geo, a: Addresses) -> pl.Expr:
    letter = strings(("", "A", "B", "C"), a.letter)
    return pl.concat_str(
        [
            pl.lit(strings(STREETS, a.street)),
            pl.lit(" "),
            pl.lit(pl.Series(a.number)).cast(pl.String),
            pl.lit(letter),
        ]
    )


def company_codes(firms: Firms, persons: Persons) -> I64:
    """Organisation numbers; a sole trader's is the owner's personnummer (10 digits)."""
    code = firms.orgno.copy()
    sole = np.flatnonzero(firms.form == EF)
    code[sole] = persons.code[firms.owner[sole]] % 10**10
    return code


def firm_base_names(firms: Firms, persons: Persons, geo: Geo) -> pl.Series:
    """Trading names without the legal form (``Nordbygg``, ``Anna Berg Hår``)."""
    trade = strings(TRADES, TRADE_OFF[firms.sector] + firms.trade % TRADE_LEN[firms.sector])
    owner = np.maximum(firms.owner, 0)
    frame = pl.DataFrame(
        {
            "stem": strings(STEMS, firms.stem),
            "trade": trade,
            "style": firms.style,
            "surname": strings(SURNAMES, firms.stem % len(SURNAMES)),
            "town": strings(geo.name, firms.muni),
            "form": firms.form,
            "first": strings(FIRST_NAMES, persons.first[owner]),
            "last": strings(LAST_NAMES, persons.last[owner]),
        }
    )
    c = pl.col
    name = (
        pl.when(c("form") == EF)
        .then(
            pl.when((c("style") % 2 == 1) & c("last").str.ends_with("son"))
            .then(pl.concat_str([c("last"), pl.lit("s "), c("trade")]))
            .otherwise(pl.concat_str([c("first"), c("last"), c("trade")], separator=" "))
        )
        .when(c("style") == 0)
        .then(pl.concat_str([c("stem"), c("trade")], separator=" "))
        .when(c("style") == 1)
        .then(pl.concat_str([c("surname"), c("trade")], separator=" "))
        .when(c("style") == 2)
        .then(pl.concat_str([c("trade"), pl.lit(" i "), c("town")]))
        .when(c("trade").str.contains(" ") | (c("trade").str.to_uppercase() == c("trade")))
        .then(pl.concat_str([c("stem"), c("trade")], separator=" "))
        .otherwise(pl.concat_str([c("stem"), c("trade").str.to_lowercase()]))
    )
    return frame.select(name).to_series()


def companies_frame(firms: Firms, codes: I64, base: pl.Series, geo: Geo) -> pl.DataFrame:
    foreign = strings(FOREIGN_FORMS, firms.stem % len(FOREIGN_FORMS))
    c = pl.col
    form = c("form")
    name = (
        pl.when(form == EF)
        .then(c("base"))
        .when(form == OTHER)
        .then(pl.concat_str([pl.lit("Föreningen "), c("base")]))
        .when(form == FL)
        .then(pl.concat_str([c("base"), pl.lit(" "), c("foreign"), pl.lit(", filial i Sverige")]))
        .when(form == EK)
        .then(pl.concat_str([c("base"), pl.lit(" ekonomisk förening")]))
        .when(form == HB)
        .then(pl.concat_str([c("base"), pl.lit(" HB")]))
        .when(form == KB)
        .then(pl.concat_str([c("base"), pl.lit(" KB")]))
        .otherwise(pl.concat_str([c("base"), pl.lit(" AB")]))
    )
    frame = pl.DataFrame({"code": codes, "base": base, "form": firms.form, "foreign": foreign})
    return frame.select(
        orgno_expr(c("code")).alias("org_no"),
        name.alias("name"),
        pl.lit(strings(FORMS, firms.form)).alias("legal_form"),
        pl.lit(dates(firms.registered)).alias("registered_on"),
        pl.lit(dates(firms.deregistered)).alias("deregistered_on"),
        pl.lit(dates(firms.bankrupt)).alias("bankrupt_on"),
        pl.lit(SNI.gather(firms.sector)).alias("sni"),
        pl.lit(strings(geo.code, firms.muni)).alias("municipality"),
        address_column(geo, firms.address).alias("address"),
        pl.lit(pl.Series(firms.address.postal)).cast(pl.String).str.zfill(5).alias("postal_code"),
        pl.lit(pl.Series(firms.f_tax)).alias("f_tax"),
        pl.lit(pl.Series(firms.vat)).alias("vat"),
        pl.lit(pl.Series(firms.employer)).alias("employer"),
    )


def person_ids(persons: Persons) -> pl.Series:
    frame = pl.DataFrame({"code": persons.code, "x": persons.foreign_no})
    return frame.select(pid_expr(pl.col("code"), pl.col("x"))).to_series()


def persons_frame(persons: Persons, ids: pl.Series, geo: Geo, keep: I64) -> pl.DataFrame:
    name = pl.concat_str(
        [
            pl.lit(strings(FIRST_NAMES, persons.first[keep])),
            pl.lit(strings(LAST_NAMES, persons.last[keep])),
        ],
        separator=" ",
    )
    return pl.select(
        pl.lit(ids.gather(keep)).alias("person_id"),
        name.alias("name"),
        pl.lit(dates(persons.birth[keep])).alias("birth_date"),
        pl.lit(strings(COUNTRIES, persons.country[keep])).alias("citizenship"),
        pl.lit(strings(geo.code, persons.muni[keep])).alias("municipality"),
    ).sort("person_id")


def roles_frame(roles: Roles, orgs: pl.Series, ids: pl.Series) -> pl.DataFrame:
    frame = pl.DataFrame(
        {
            "org_no": orgs.gather(roles.firm),
            "person_id": ids.gather(roles.person),
            "role": strings(ROLE_NAMES, roles.role),
            "valid_from": dates(roles.start),
            "valid_to": dates(roles.end),
        }
    )
    return frame.unique(
        subset=["org_no", "person_id", "role", "valid_from"], maintain_order=True
    ).sort(["org_no", "valid_from", "role", "person_id"])


def workplace_ids(n: int) -> pl.Series:
    """``W0000001`` …: the letter W and at least seven digits."""
    width = max(7, len(str(n)))
    digits = pl.lit(pl.Series(np.arange(1, n + 1))).cast(pl.String).str.zfill(width)
    return pl.select(pl.concat_str([pl.lit("W"), digits])).to_series()


def workplaces_frame(
    sites: Sites, firms: Firms, orgs: pl.Series, base: pl.Series, geo: Geo, wids: pl.Series
) -> pl.DataFrame:
    several = np.bincount(sites.firm, minlength=firms.n)[sites.firm] > 1
    street = strings(STREETS, sites.address.street)
    frame = pl.DataFrame(
        {
            "base": base.gather(sites.firm),
            "town": strings(geo.name, sites.muni),
            "building": sites.building,
            "several": several,
            "street": street,
            "number": sites.address.number,
        }
    )
    c = pl.col
    name = (
        pl.when(c("building"))
        .then(pl.concat_str([pl.lit("Byggarbetsplats "), c("street"), pl.lit(" "), c("number")]))
        .when(c("several"))
        .then(pl.concat_str([c("base"), c("town")], separator=" "))
        .otherwise(c("base"))
    )
    return frame.select(
        pl.lit(wids).alias("workplace_id"),
        pl.lit(orgs.gather(sites.firm)).alias("org_no"),
        name.alias("name"),
        address_column(geo, sites.address).alias("address"),
        pl.lit(strings(geo.code, sites.muni)).alias("municipality"),
        pl.lit(pl.Series(sites.lat)).alias("lat"),
        pl.lit(pl.Series(sites.lon)).alias("lon"),
        pl.lit(SNI.gather(firms.sector[sites.firm])).alias("sni"),
        pl.lit(strings(HOURS_LIST, sites.hours)).alias("opening_hours"),
        pl.lit(pl.Series(_ledger(firms, sites))).alias("staff_ledger"),
    )


def _ledger(firms: Firms, sites: Sites) -> np.ndarray:
    return np.array([s.ledger for s in SECTORS])[firms.sector[sites.firm]]


def truth_frame(sites: Sites, firms: Firms, orgs: pl.Series, wids: pl.Series) -> pl.DataFrame:
    kinds = firms.kinds[sites.firm]
    labels = [
        ";".join(k for i, k in enumerate(KINDS) if value & (1 << i))
        for value in range(1 << len(KINDS))
    ]
    return pl.DataFrame(
        {
            "workplace_id": wids,
            "org_no": orgs.gather(sites.firm),
            "violation": kinds > 0,
            "kinds": strings(labels, np.where(kinds > 0, kinds, -1)),
        }
    )


def payroll_frame(
    rng: Rng, jobs: Jobs, codes: I64, persons: Persons, org_rank: I64, person_rank: I64
) -> pl.LazyFrame:
    """Payroll sorted by employer, month and person, formatted lazily (written streaming:
    the national world has tens of millions of rows)."""
    firm, person, month, gross = _payroll_rows(rng, jobs)
    months = jobs.end_month - jobs.start_month + 1
    key = (org_rank[firm] * months + (month - jobs.start_month)) * (person_rank.size + 1)
    key += person_rank[person]
    order = np.argsort(key, kind="stable")
    del key
    firm, person, month, gross = firm[order], person[order], month[order], gross[order]
    del order
    tax_rate = np.interp(gross, TAX_X, TAX_Y) + rng.normal(0, 0.008, gross.size)
    tax = np.round(gross * np.clip(tax_rate, 0, 0.5)).astype(np.int64)
    del tax_rate
    frame = pl.DataFrame(
        {
            "o": codes[firm],
            "p": persons.code[person],
            "x": persons.foreign_no[person],
            "m": month,
            "gross_pay": gross,
            "tax_withheld": tax,
        }
    )
    c = pl.col
    period = pl.concat_str(
        [
            (c("m") // 12).cast(pl.String),
            pl.lit("-"),
            (c("m") % 12 + 1).cast(pl.String).str.zfill(2),
        ]
    )
    return frame.lazy().select(
        orgno_expr(c("o")).alias("org_no"),
        pid_expr(c("p"), c("x")).alias("person_id"),
        period.alias("period"),
        "gross_pay",
        "tax_withheld",
    )


def _payroll_rows(rng: Rng, jobs: Jobs) -> tuple[I64, I64, I64, I64]:
    spell, k = spread(jobs.m1 - jobs.m0 + 1)
    month = jobs.m0[spell] + k
    n = spell.size
    pay: F64 = jobs.base[spell] * (1 + rng.normal(0, 0.04, n))
    partial = (rng.random(n) < 0.05) | ((k == 0) & jobs.late[spell])
    pay = np.where(partial, pay * rng.uniform(0.25, 0.95, n), pay)
    ring_pay = jobs.ring_base * (1 + rng.normal(0, 0.04, jobs.ring_base.size))
    gross = np.round(np.concatenate([pay, ring_pay])).astype(np.int64)
    return (
        np.concatenate([jobs.firm[spell], jobs.ring_firm]),
        np.concatenate([jobs.person[spell], jobs.ring_person]),
        np.concatenate([month, jobs.ring_month]),
        np.maximum(gross, 1),
    )


def permits_frame(jobs: Jobs, orgs: pl.Series, ids: pl.Series) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "person_id": ids.gather(jobs.permit_person),
            "org_no": orgs.gather(jobs.permit_firm),
            "valid_from": dates(jobs.permit_from),
            "valid_to": dates(jobs.permit_to),
            "monthly_salary_offered": jobs.permit_offer,
        }
    ).sort(["person_id", "valid_from"])


def write(frame: pl.DataFrame | pl.LazyFrame, path: Path, fmt: str) -> None:
    """CSV (header, RFC 4180 quoting, empty cell for null) or Parquet (zstd)."""
    if isinstance(frame, pl.LazyFrame):
        if fmt == "parquet":
            frame.sink_parquet(path, compression="zstd", statistics=True)
        else:
            frame.sink_csv(path)
    elif fmt == "parquet":
        frame.write_parquet(path, compression="zstd", statistics=True)
    else:
        frame.write_csv(path)


def foreign_kept(persons: Persons, established: I64) -> I64:
    """People to list: all with a Swedish number, and foreigners whose identity was
    established at a control (they got an X id)."""
    known = np.zeros(persons.n, bool)
    known[established] = True
    return np.flatnonzero((persons.kind != FOREIGN) | known)


def serials(prefix: str, n: int, width: int) -> list[str]:
    """``C000001`` …: a letter and a running number of at least ``width`` digits."""
    width = max(width, len(str(n)))
    return [f"{prefix}{i:0{width}d}" for i in range(1, n + 1)]


def optional(values: pl.Series, index: I64) -> pl.Series:
    """``values[index]``, null where index < 0."""
    taken = values.gather(np.maximum(index, 0))
    return pl.select(pl.when(pl.lit(pl.Series(index >= 0))).then(taken)).to_series()


def controls_frame(controls: Controls, wids: pl.Series) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "control_id": serials("C", controls.site.size, 6),
            "workplace_id": wids.gather(controls.site),
            "date": dates(controls.day),
            "agencies": [";".join(a) for a in controls.agencies],
        }
    )


def findings_frame(findings: Findings, controls: int) -> pl.DataFrame:
    ids = serials("C", controls, 6)
    return pl.DataFrame(
        {
            "control_id": [ids[c] for c in findings.control],
            "agency": findings.agency,
            "code": findings.code,
            "amount_sek": findings.amount,
        },
        schema={
            "control_id": pl.String,
            "agency": pl.String,
            "code": pl.String,
            "amount_sek": pl.Int64,
        },
    )


def tips_frame(tips: Tips, wids: pl.Series, orgs: pl.Series) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "tip_id": serials("T", tips.day.size, 6),
            "received_on": dates(tips.day),
            "workplace_id": optional(wids, tips.site),
            "org_no": optional(orgs, tips.firm),
            "category": tips.category,
        }
    )


def encounters_frame(enc: Encounters, ids: pl.Series, controls: int) -> pl.DataFrame:
    control_ids = serials("C", controls, 6)
    return pl.DataFrame(
        {
            "encounter_id": serials("E", enc.control.size, 7),
            "control_id": [control_ids[c] for c in enc.control.tolist()],
            "name": pl.Series(enc.name, dtype=pl.String),
            "birth_date": dates(enc.birth),
            "nationality": pl.Series(enc.nationality, dtype=pl.String),
            "document_no": pl.Series(enc.document, dtype=pl.String),
            "phone": pl.Series(enc.phone, dtype=pl.String),
            "person_id": optional(ids, enc.person),
        }
    )
