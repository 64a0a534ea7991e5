"""Each risk indicator on a tiny hand-made extract whose right answer is known.

``TinyExtract`` writes valid register-exchange CSV files; the other scoring tests import it.
Payroll covers 2025 unless said otherwise, so the reference date is 2025-12-31.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl
import pytest

from akrim.core.identity import luhn_check_digit
from akrim.engines.exchange import TABLES, read_extract
from akrim.engines.scoring.indicators import (
    EXCLUDED_COLUMNS,
    ID_COLUMNS,
    INDICATOR_CODES,
    INDICATORS,
    LABEL_COLUMNS,
    compute_features,
    weekly_hours,
)

YEAR_2025 = [f"2025-{month:02d}" for month in range(1, 13)]
HEADERS = {name: [column.name for column in spec.columns] for name, spec in TABLES.items()}


def months(first: int, last: int, year: int = 2025) -> list[str]:
    return [f"{year}-{month:02d}" for month in range(first, last + 1)]


@dataclass
class TinyExtract:
    """Builds a small valid extract row by row; ``write`` puts it in a folder (or appends it
    to an extract already there). Identity numbers are made up in series no generated world
    uses (org_no 50200…, person X777…)."""

    rows: dict[str, list[list[str]]] = field(default_factory=lambda: {n: [] for n in TABLES})
    counters: dict[str, int] = field(default_factory=dict)

    def _next(self, kind: str) -> int:
        self.counters[kind] = self.counters.get(kind, 0) + 1
        return self.counters[kind]

    def company(
        self,
        *,
        sni: str = "56100",
        form: str = "AB",
        registered: str = "2010-01-01",
        bankrupt: str = "",
        deregistered: str = "",
        address: str = "Storgatan 1",
        postal: str = "11122",
        f_tax: bool = True,
        employer: bool = True,
    ) -> str:
        base = f"50200{self._next('company'):04d}"
        org = base + luhn_check_digit(base)
        flag = {True: "true", False: "false"}
        self.rows["companies"].append(
            [
                org, f"Firma {org}", form, registered, deregistered, bankrupt, sni, "0180",
                address, postal, flag[f_tax], "true", flag[employer],
            ]
        )  # fmt: skip
        return org

    def person(self) -> str:
        pid = f"X777{self._next('person'):06d}"
        self.rows["persons"].append([pid, f"Person {pid}", "", "", ""])
        return pid

    def people(self, count: int) -> list[str]:
        return [self.person() for _ in range(count)]

    def workplace(
        self,
        org: str,
        *,
        sni: str = "56100",
        hours: str = "Mo-Fr 08:00-17:00",
        ledger: bool = False,
    ) -> str:
        wid = f"T{self._next('workplace'):05d}"
        self.rows["workplaces"].append(
            [wid, org, f"Plats {wid}", "Gatan 2", "0180", "59.3", "18.0", sni, hours,
             "true" if ledger else "false"]
        )  # fmt: skip
        return wid

    def pay(self, org: str, person: str, periods: list[str], gross: int) -> None:
        for period in periods:
            self.rows["payroll"].append([org, person, period, str(gross), str(gross // 4)])

    def staff(self, org: str, count: int, gross: int = 30_000) -> list[str]:
        people = self.people(count)
        for person in people:
            self.pay(org, person, YEAR_2025, gross)
        return people

    def role(
        self, org: str, person: str, role: str = "board", since: str = "2015-01-01", until: str = ""
    ) -> None:
        self.rows["roles"].append([org, person, role, since, until])

    def permit(
        self,
        person: str,
        org: str,
        offer: int,
        since: str = "2024-06-01",
        until: str = "2026-12-31",
    ) -> None:
        self.rows["permits"].append([person, org, since, until, str(offer)])

    def control(self, workplace: str, date: str, findings: tuple[str, ...] = ()) -> str:
        cid = f"K{self._next('control'):05d}"
        self.rows["controls"].append([cid, workplace, date, "AV;SKV"])
        for code in findings:
            self.rows["findings"].append([cid, code.split("_")[0], code, ""])
        return cid

    def tip(self, date: str, *, workplace: str = "", org: str = "") -> None:
        tid = f"TIP{self._next('tip'):05d}"
        self.rows["tips"].append([tid, date, workplace, org, "svartarbete"])

    def write(self, folder: Path) -> Path:
        """Write every table (appending rows, without a header, to files already there)."""
        folder.mkdir(parents=True, exist_ok=True)
        for name, rows in self.rows.items():
            path = folder / f"{name}.csv"
            lines = [",".join(row) + "\n" for row in rows]
            if path.exists():
                with path.open("a", encoding="utf-8") as stream:
                    stream.writelines(lines)
            else:
                header = ",".join(HEADERS[name]) + "\n"
                path.write_text(header + "".join(lines), encoding="utf-8")
        return folder


def features_of(extract: TinyExtract, folder: Path) -> pl.DataFrame:
    return compute_features(read_extract(extract.write(folder)).tables)


def value(features: pl.DataFrame, workplace: str, code: str) -> float:
    row = features.filter(pl.col("workplace_id") == workplace)
    assert row.height == 1, f"{workplace} not scored"
    return float(row.get_column(code).item())


def background(extract: TinyExtract, count: int = 1, sni: str = "56100") -> list[str]:
    """Honest companies (20 staff at the going rate, one site) so medians are known."""
    sites = []
    for _ in range(count):
        org = extract.company(sni=sni)
        extract.staff(org, 20)
        sites.append(extract.workplace(org, sni=sni))
    return sites


# --- The frame ------------------------------------------------------------------------------------


def test_one_row_per_workplace_of_an_operating_company_with_the_agreed_columns(
    tmp_path: Path,
) -> None:
    x = TinyExtract()
    honest = background(x)[0]
    bankrupt = x.workplace(x.company(bankrupt="2025-06-01"))
    closed = x.workplace(x.company(deregistered="2025-03-01"))
    later = x.workplace(x.company(registered="2026-02-01"))
    features = features_of(x, tmp_path / "x")

    assert features.get_column("workplace_id").to_list() == [honest]
    assert bankrupt not in features["workplace_id"]
    assert closed not in features["workplace_id"]
    assert later not in features["workplace_id"]  # registered after the reference date
    assert features.columns == [*ID_COLUMNS, *INDICATOR_CODES, *LABEL_COLUMNS]
    assert all(features.schema[code] == pl.Float64 for code in INDICATOR_CODES)
    assert features.schema["controlled_before"] == pl.Boolean


def test_no_personal_trait_can_reach_the_features(tmp_path: Path) -> None:
    x = TinyExtract()
    background(x)
    org = x.company()
    x.staff(org, 3, gross=12_000)
    x.workplace(org)
    frames = read_extract(x.write(tmp_path / "x")).tables
    with_persons = compute_features(frames)
    traits = frames["persons"].with_columns(
        citizenship=pl.lit("TH"), birth_date=pl.lit(dt.date(2001, 1, 1)), name=pl.lit("N N")
    )
    changed = compute_features({**frames, "persons": traits})
    without = compute_features(
        {k: v for k, v in frames.items() if k not in ("persons", "encounters")}
    )

    assert changed.equals(with_persons)
    assert without.equals(with_persons)  # the persons and encounters tables are never read
    assert not set(INDICATOR_CODES) & EXCLUDED_COLUMNS
    assert {"citizenship", "nationality", "birth_date", "gender", "age"} <= EXCLUDED_COLUMNS
    assert [indicator.code for indicator in INDICATORS] == list(INDICATOR_CODES)


def test_every_indicator_is_documented() -> None:
    for indicator in INDICATORS:
        for text in (indicator.reason_en, indicator.reason_sv, indicator.what, indicator.why):
            assert len(text) > 10, indicator.code
        assert indicator.data, indicator.code
        assert indicator.innocent, indicator.code


def test_reference_date_is_the_end_of_the_latest_payroll_month(tmp_path: Path) -> None:
    x = TinyExtract()
    org = x.company(registered="2025-11-15")
    x.pay(org, x.person(), ["2025-12"], 30_000)
    wid = x.workplace(org)
    features = features_of(x, tmp_path / "x")

    # registered 46 days before 2025-12-31: young_company = 1 - (46 / 365.25) / 3
    assert value(features, wid, "young_company") == pytest.approx(1 - 46 / 365.25 / 3)


# --- Indicators -------------------------------------------------------------------------------


def test_low_pay_is_log2_of_the_shrunk_pay_ratio_to_the_industry(tmp_path: Path) -> None:
    x = TinyExtract()
    honest = background(x)[0]
    cheap = x.company()
    x.staff(cheap, 3, gross=15_000)  # half the going rate of 30,000
    site = x.workplace(cheap)
    features = features_of(x, tmp_path / "x")

    shrunk = (3 * 0.5 + 1) / 4
    assert value(features, site, "low_pay") == pytest.approx(-math.log2(shrunk))
    assert value(features, honest, "low_pay") == 0.0


def test_short_jobs_counts_spells_of_at_most_two_months_inside_the_period(
    tmp_path: Path,
) -> None:
    x = TinyExtract()
    steady = background(x)[0]
    org = x.company()
    a, b, c = x.people(3)
    x.pay(org, a, months(3, 4), 30_000)  # two months, inside: short
    x.pay(org, b, YEAR_2025, 30_000)  # whole year: cut off by the edges
    x.pay(org, c, months(6, 6), 30_000)  # one month: short
    x.pay(org, c, months(9, 12), 30_000)  # back later, until the end: not known to be short
    site = x.workplace(org)
    features = features_of(x, tmp_path / "x")

    assert value(features, site, "short_jobs") == pytest.approx(2 / (4 + 2))
    assert value(features, steady, "short_jobs") == 0.0


def test_weekly_hours_of_opening_hours() -> None:
    assert weekly_hours("Mo-Fr 08:00-17:00") == 45
    assert weekly_hours("Mo-Su 10:00-22:00") == 84
    assert weekly_hours("24/7") == 168
    assert weekly_hours("not hours") == 0
    assert weekly_hours(None) == 0


def test_few_declared_compares_staff_with_the_industry_and_the_opening_hours(
    tmp_path: Path,
) -> None:
    x = TinyExtract()
    big = x.company()
    x.staff(big, 6)
    big_site = x.workplace(big, hours="Mo-Fr 08:00-16:00")
    small = x.company()
    x.staff(small, 1)
    small_site = x.workplace(small, hours="Mo-Su 10:00-22:00")  # 84 h: 2.1 people
    nobody = x.workplace(x.company(), hours="24/7")
    features = features_of(x, tmp_path / "x")

    # typical declared staff per site: median of 6 and 1 = 3.5 (too few sites for the SNI)
    assert value(features, small_site, "few_declared") == pytest.approx(math.log2(3.5 / 1))
    assert value(features, big_site, "few_declared") == 0.0
    assert value(features, nobody, "few_declared") == 0.0  # declares no one: not this picture


def test_few_declared_counts_the_working_owner_of_a_sole_trader(tmp_path: Path) -> None:
    x = TinyExtract()
    for _ in range(2):
        org = x.company()
        x.staff(org, 3)
        x.workplace(org)
    sole = x.company(form="EF")
    x.staff(sole, 1)
    site = x.workplace(sole, hours="Mo-Su 08:00-20:00")  # 84 h: 2.1 people
    features = features_of(x, tmp_path / "x")

    assert value(features, site, "few_declared") == pytest.approx(math.log2(3 / 2))


def test_no_registration_counts_missing_f_tax_and_employer_registration(tmp_path: Path) -> None:
    x = TinyExtract()
    neither = x.company(f_tax=False, employer=False)
    x.staff(neither, 2)
    no_ftax = x.company(f_tax=False)
    ledger = x.company(employer=False)
    fine = x.company(employer=False)  # no staff, no ledger: needs no employer registration
    sites = {
        "neither": x.workplace(neither),
        "no_ftax": x.workplace(no_ftax),
        "ledger": x.workplace(ledger, ledger=True),
        "fine": x.workplace(fine),
    }
    features = features_of(x, tmp_path / "x")

    assert {k: value(features, w, "no_registration") for k, w in sites.items()} == {
        "neither": 2.0,
        "no_ftax": 1.0,
        "ledger": 1.0,
        "fine": 0.0,
    }


def test_serial_officer_counts_seats_taken_on_other_firms_in_three_years(
    tmp_path: Path,
) -> None:
    x = TinyExtract()
    straw, professional, veteran = x.people(3)
    fronted = [x.company() for _ in range(7)]
    for org in fronted:
        x.role(org, straw, "chair", since="2024-09-01")
    four = [x.company() for _ in range(4)]
    for org in four:
        x.role(org, professional, "board", since="2024-01-01")
    old = [x.company() for _ in range(7)]
    for org in old:
        x.role(org, veteran, "board", since="2012-01-01")
    sites = [x.workplace(org) for org in (fronted[0], four[0], old[0])]
    features = features_of(x, tmp_path / "x")

    assert value(features, sites[0], "serial_officer") == pytest.approx((6 - 3) / 3)
    assert value(features, sites[1], "serial_officer") == 0.0  # three others: ordinary
    assert value(features, sites[2], "serial_officer") == 0.0  # seats taken long ago


def test_bankrupt_links_counts_failed_firms_of_the_current_role_holders(tmp_path: Path) -> None:
    x = TinyExtract()
    boss, elder = x.people(2)
    failed = x.company(bankrupt="2024-05-01", address="Annan väg 9")
    x.role(failed, boss, "board", since="2018-01-01", until="2024-05-01")
    long_ago = x.company(bankrupt="2015-05-01", address="Tredje väg 3")
    x.role(long_ago, elder, "ceo", since="2010-01-01", until="2015-05-01")
    linked, unlinked = x.company(), x.company()
    x.role(linked, boss, "owner", since="2024-06-01")
    x.role(unlinked, elder, "board", since="2016-01-01")
    sites = x.workplace(linked), x.workplace(unlinked)
    features = features_of(x, tmp_path / "x")

    assert value(features, sites[0], "bankrupt_links") == 1.0
    assert value(features, sites[1], "bankrupt_links") == 0.0  # bankrupt more than 5 years ago


def test_phoenix_needs_the_address_the_timing_and_for_full_weight_shared_people(
    tmp_path: Path,
) -> None:
    x = TinyExtract()
    background(x)
    boss, cook = x.people(2)
    old = x.company(bankrupt="2024-06-01", address="Kvarngatan 4", postal="41101")
    x.role(old, boss, "chair", since="2016-01-01", until="2024-06-01")
    x.pay(old, cook, months(1, 5, 2024), 28_000)
    phoenix = x.company(registered="2024-05-15", address="kvarngatan  4", postal="41101")
    x.role(phoenix, boss, "board", since="2024-05-15")
    buyer = x.company(registered="2024-09-01", address="Kvarngatan 4", postal="41101")
    neighbour = x.company(registered="2009-01-01", address="Kvarngatan 4", postal="41101")
    elsewhere = x.company(registered="2024-07-01", address="Kvarngatan 4", postal="41102")
    sites = [x.workplace(org) for org in (phoenix, buyer, neighbour, elsewhere)]
    features = features_of(x, tmp_path / "x")

    assert [value(features, site, "phoenix") for site in sites] == [1.0, 0.25, 0.0, 0.0]


def test_phoenix_also_links_through_shared_employees(tmp_path: Path) -> None:
    x = TinyExtract()
    cook = x.person()
    old = x.company(bankrupt="2025-02-01", address="Torget 1")
    x.pay(old, cook, months(1, 1), 28_000)
    new = x.company(registered="2025-02-10", address="Torget 1")
    x.pay(new, cook, months(3, 12), 28_000)
    site = x.workplace(new)
    features = features_of(x, tmp_path / "x")

    assert value(features, site, "phoenix") == 1.0


def test_shared_workers_is_the_share_of_staff_also_paid_by_a_firm_found_in_breach(
    tmp_path: Path,
) -> None:
    x = TinyExtract()
    breached = x.company()
    shared, own = x.people(2)
    x.pay(breached, shared, months(1, 6), 30_000)
    x.pay(breached, own, YEAR_2025, 30_000)
    breached_site = x.workplace(breached)
    x.control(breached_site, "2025-04-01", ("SKV_LEDGER_MISSING",))
    mate = x.company()
    x.pay(mate, shared, months(7, 12), 30_000)
    x.staff(mate, 2)
    mate_site = x.workplace(mate)
    features = features_of(x, tmp_path / "x")

    assert value(features, mate_site, "shared_workers") == pytest.approx(1 / (3 + 1))
    assert value(features, breached_site, "shared_workers") == 0.0  # its own breach is not shared


def test_permit_underpaid_is_the_mean_shortfall_against_the_offer(tmp_path: Path) -> None:
    x = TinyExtract()
    background(x)
    org = x.company()
    cheap, fair, elsewhere = x.people(3)
    x.permit(cheap, org, 30_000)
    x.pay(org, cheap, YEAR_2025, 18_000)  # 40 % below the offer
    x.permit(fair, org, 30_000)
    x.pay(org, fair, YEAR_2025, 29_000)  # 3 % below: within noise, counts 0
    x.permit(elsewhere, org, 30_000, since="2026-01-01", until="2027-12-31")  # not started
    x.pay(org, elsewhere, YEAR_2025, 10_000)
    site = x.workplace(org)
    features = features_of(x, tmp_path / "x")

    assert value(features, site, "permit_underpaid") == pytest.approx((0.4 + 0.0) / 2)


def test_earlier_findings_never_include_the_latest_control_of_the_workplace_itself(
    tmp_path: Path,
) -> None:
    x = TinyExtract()
    org = x.company()
    first, second = x.workplace(org), x.workplace(org)
    x.control(first, "2025-03-01", ("AV_ORDER", "SKV_LEDGER_MISSING"))
    again = x.workplace(x.company())
    x.control(again, "2024-05-01", ("SKV_LEDGER_INCOMPLETE",))
    x.control(again, "2025-05-01")
    clean = x.workplace(x.company())
    x.control(clean, "2025-01-10")
    features = features_of(x, tmp_path / "x").sort("workplace_id")

    assert value(features, first, "earlier_findings") == 0.0  # its own finding is the label
    assert value(features, second, "earlier_findings") == 1.0  # the company's other workplace
    assert value(features, again, "earlier_findings") == 1.0  # before its latest control
    labels = features.select("workplace_id", *LABEL_COLUMNS).rows()
    assert labels == [
        (first, True, True),
        (second, False, False),
        (again, True, True),
        (clean, True, False),
    ]


def test_tips_count_the_workplace_and_the_company_in_the_last_two_years(tmp_path: Path) -> None:
    x = TinyExtract()
    org = x.company()
    x.staff(org, 1)  # payroll makes 2025-12-31 the reference date
    one, two = x.workplace(org), x.workplace(org)
    x.tip("2025-03-01", workplace=one, org=org)
    x.tip("2025-11-01", workplace=one)
    x.tip("2022-01-01", workplace=one)  # too old
    x.tip("2025-06-01", org=org)  # names only the company: every workplace
    x.tip("2026-02-01", workplace=two)  # after the reference date
    features = features_of(x, tmp_path / "x")

    assert value(features, one, "tips") == 3.0
    assert value(features, two, "tips") == 1.0


def test_young_company_falls_from_one_to_zero_over_three_years(tmp_path: Path) -> None:
    x = TinyExtract()
    x.staff(x.company(), 1)  # payroll makes 2025-12-31 the reference date
    new = x.workplace(x.company(registered="2024-07-01"))
    old = x.workplace(x.company(registered="2020-01-01"))
    features = features_of(x, tmp_path / "x")

    days = (dt.date(2025, 12, 31) - dt.date(2024, 7, 1)).days
    assert value(features, new, "young_company") == pytest.approx(1 - days / 365.25 / 3)
    assert value(features, old, "young_company") == 0.0


def test_industry_history_is_the_shrunk_hit_rate_leaving_out_the_workplace_itself(
    tmp_path: Path,
) -> None:
    x = TinyExtract()
    food = [x.workplace(x.company(), sni="56100") for _ in range(3)]
    build = [x.workplace(x.company(sni="41200"), sni="41200") for _ in range(2)]
    x.control(food[0], "2025-02-01", ("AV_ORDER",))
    x.control(food[1], "2025-03-01", ("SKV_LEDGER_MISSING",))
    x.control(build[0], "2025-04-01")
    x.control(build[1], "2025-05-01")
    features = features_of(x, tmp_path / "x")

    # overall 2 of 4 = 0.5; as if 10 more controls at that rate were made in each industry
    assert value(features, food[2], "industry_history") == pytest.approx((2 + 5) / (2 + 10))
    assert value(features, food[0], "industry_history") == pytest.approx((1 + 5) / (1 + 10))
    assert value(features, build[0], "industry_history") == pytest.approx((0 + 5) / (1 + 10))
