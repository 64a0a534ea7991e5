"""The synthetic world: deterministic, complete, valid, and with every hidden pattern."""

from __future__ import annotations

import ast
import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st
from stdnum.se import orgnr, personnummer

from akrim.demo.names import ascii_fold
from akrim.demo.world import WorldSummary, generate_world
from akrim.demo.world.encounters import written_name
from akrim.demo.world.ids import with_check

COMPANIES = 2500
SPEC_COLUMNS = {
    "companies": [
        "org_no",
        "name",
        "legal_form",
        "registered_on",
        "deregistered_on",
        "bankrupt_on",
        "sni",
        "municipality",
        "address",
        "postal_code",
        "f_tax",
        "vat",
        "employer",
    ],
    "persons": ["person_id", "name", "birth_date", "citizenship", "municipality"],
    "roles": ["org_no", "person_id", "role", "valid_from", "valid_to"],
    "workplaces": [
        "workplace_id",
        "org_no",
        "name",
        "address",
        "municipality",
        "lat",
        "lon",
        "sni",
        "opening_hours",
        "staff_ledger",
    ],
    "payroll": ["org_no", "person_id", "period", "gross_pay", "tax_withheld"],
    "permits": ["person_id", "org_no", "valid_from", "valid_to", "monthly_salary_offered"],
    "controls": ["control_id", "workplace_id", "date", "agencies"],
    "findings": ["control_id", "agency", "code", "amount_sek"],
    "tips": ["tip_id", "received_on", "workplace_id", "org_no", "category"],
    "encounters": [
        "encounter_id",
        "control_id",
        "name",
        "birth_date",
        "nationality",
        "document_no",
        "phone",
        "person_id",
    ],
}
KINDS = {
    "off_books",
    "underpaid",
    "straw_man",
    "phoenix",
    "ring",
    "permit_underpaid",
    "no_ftax_operating",
}
FINDINGS = {
    "SKV_LEDGER_MISSING",
    "SKV_LEDGER_INCOMPLETE",
    "SKV_UNDECLARED_PAY",
    "SKV_NO_FTAX",
    "POL_NO_WORK_RIGHT",
    "POL_CRIME_REPORT",
    "AV_ORDER",
    "AV_PROHIBITION",
    "AV_SANCTION_FEE",
    "MV_PERMIT_CONDITIONS",
    "FK_BENEFIT_ERROR",
    "AF_SUBSIDY_ERROR",
    "JAMY_EXPLOITATION_INDICATORS",
    "EBM_INVESTIGATION",
    "AM_PROSECUTION",
}
AGENCIES = {"AF", "AV", "EBM", "FK", "JAMY", "MV", "POL", "SKV", "AM"}
REFERENCE = dt.date(2026, 10, 31)
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("worlds")


@pytest.fixture(scope="module")
def world(base: Path) -> WorldSummary:
    return generate_world(base / "a" / "extract", companies=COMPANIES, seed=7)


@pytest.fixture(scope="module")
def t(world: WorldSummary) -> dict[str, pl.DataFrame]:
    """Every table of the CSV world, all columns read as text."""
    tables = {
        name: pl.read_csv(world.out / f"{name}.csv", infer_schema=False) for name in SPEC_COLUMNS
    }
    tables["truth"] = pl.read_csv(world.truth, infer_schema=False)
    return tables


def _files(summary: WorldSummary, fmt: str) -> Iterator[Path]:
    yield from (summary.out / f"{name}.{fmt}" for name in SPEC_COLUMNS)
    yield summary.truth


def _luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch) * (2 if i % 2 else 1)
        total += d // 10 + d % 10
    return total % 10 == 0


# --- determinism -------------------------------------------------------------------------


def test_same_arguments_give_identical_bytes(world: WorldSummary, base: Path) -> None:
    again = generate_world(base / "b" / "extract", companies=COMPANIES, seed=7)
    for first, second in zip(_files(world, "csv"), _files(again, "csv"), strict=True):
        assert first.read_bytes() == second.read_bytes(), first.name
    assert again.rows == world.rows


def test_parquet_is_deterministic_too(base: Path) -> None:
    one = generate_world(base / "p1" / "x", companies=800, seed=3, fmt="parquet")
    two = generate_world(base / "p2" / "x", companies=800, seed=3, fmt="parquet")
    for first, second in zip(_files(one, "parquet"), _files(two, "parquet"), strict=True):
        assert first.read_bytes() == second.read_bytes(), first.name


def test_another_seed_gives_another_world(world: WorldSummary, base: Path) -> None:
    other = generate_world(base / "c" / "extract", companies=COMPANIES, seed=8)
    for first, second in zip(_files(world, "csv"), _files(other, "csv"), strict=True):
        assert first.read_bytes() != second.read_bytes(), first.name


# --- shape and formats -------------------------------------------------------------------


def test_every_table_has_exactly_the_spec_columns(
    world: WorldSummary, t: dict[str, pl.DataFrame]
) -> None:
    assert sorted(p.name for p in world.out.iterdir()) == sorted(
        f"{name}.csv" for name in SPEC_COLUMNS
    )
    for name, columns in SPEC_COLUMNS.items():
        assert t[name].columns == columns, name
        assert world.rows[name] == t[name].height > 0, name
    assert t["companies"].height == COMPANIES


def test_formats_follow_the_spec(t: dict[str, pl.DataFrame]) -> None:
    def matches(table: str, column: str, pattern: str) -> None:
        values = t[table][column].drop_nulls()
        bad = values.filter(~values.str.contains(pattern))
        assert bad.is_empty(), (table, column, bad.head(3).to_list())

    for table, column in [
        ("companies", "registered_on"),
        ("companies", "deregistered_on"),
        ("companies", "bankrupt_on"),
        ("persons", "birth_date"),
        ("roles", "valid_from"),
        ("roles", "valid_to"),
        ("permits", "valid_from"),
        ("permits", "valid_to"),
        ("controls", "date"),
        ("tips", "received_on"),
        ("encounters", "birth_date"),
    ]:
        matches(table, column, DATE.pattern)
    for table, column in [
        ("companies", "f_tax"),
        ("companies", "vat"),
        ("companies", "employer"),
        ("workplaces", "staff_ledger"),
        ("truth", "violation"),
    ]:
        matches(table, column, r"^(true|false)$")
    matches("payroll", "period", r"^\d{4}-(0[1-9]|1[0-2])$")
    matches("companies", "postal_code", r"^\d{5}$")
    matches("companies", "sni", r"^\d{5}$")
    matches("workplaces", "sni", r"^\d{5}$")
    matches("companies", "legal_form", r"^(AB|HB|KB|EF|EK|FL|OTHER)$")
    matches("roles", "role", r"^(board|chair|ceo|deputy|signatory|owner|beneficial_owner)$")
    matches("persons", "citizenship", r"^[A-Z]{2}$")
    matches("encounters", "nationality", r"^[A-Z]{2}$")
    matches(
        "workplaces",
        "opening_hours",
        r"^(24/7|(Mo|Tu|We|Th|Fr|Sa|Su)(-(Mo|Tu|We|Th|Fr|Sa|Su))? \d\d:\d\d-\d\d:\d\d"
        r"(; (Mo|Tu|We|Th|Fr|Sa|Su)(-(Mo|Tu|We|Th|Fr|Sa|Su))? \d\d:\d\d-\d\d:\d\d)*)$",
    )
    for table, column in [
        ("payroll", "gross_pay"),
        ("payroll", "tax_withheld"),
        ("permits", "monthly_salary_offered"),
        ("findings", "amount_sek"),
    ]:
        matches(table, column, r"^\d+$")


def test_municipalities_and_coordinates_are_real(t: dict[str, pl.DataFrame]) -> None:
    reference = Path(__file__).parents[2] / "src/akrim/reference/municipalities.csv"
    codes = set(pl.read_csv(reference, infer_schema=False)["municipality_code"])
    for table in ("companies", "persons", "workplaces"):
        assert set(t[table]["municipality"].drop_nulls()) <= codes, table
    sites = t["workplaces"].with_columns(pl.col("lat", "lon").cast(pl.Float64))
    assert sites["lat"].is_between(55.0, 69.5).all()
    assert sites["lon"].is_between(10.5, 24.5).all()
    top = t["companies"]["municipality"].value_counts(sort=True)["municipality"][0]
    assert top == "0180"  # Stockholm, the largest municipality, has the most firms


# --- identity numbers --------------------------------------------------------------------


def test_organisation_numbers_are_valid(t: dict[str, pl.DataFrame]) -> None:
    companies = t["companies"]
    for org_no, form in companies.select("org_no", "legal_form").iter_rows():
        assert re.fullmatch(r"\d{6}-\d{4}", org_no), org_no
        assert orgnr.is_valid(org_no), org_no
        if form != "EF":
            assert int(org_no[2]) >= 2, org_no
    owners = t["roles"].filter(pl.col("role") == "owner")
    sole = companies.filter(pl.col("legal_form") == "EF").join(owners, on="org_no")
    assert sole.height == companies.filter(pl.col("legal_form") == "EF").height > 0
    assert (sole["org_no"].str.replace("-", "") == sole["person_id"].str.slice(2)).all()


def test_person_ids_are_valid(t: dict[str, pl.DataFrame]) -> None:
    seen = {"pnr": 0, "samordning": 0, "x": 0}
    for pid, birth in t["persons"].select("person_id", "birth_date").iter_rows():
        if pid.startswith("X"):
            assert re.fullmatch(r"X\d{8}", pid), pid
            seen["x"] += 1
            continue
        assert re.fullmatch(r"\d{12}", pid), pid
        day = int(pid[6:8])
        if day > 60:
            dt.date(int(pid[:4]), int(pid[4:6]), day - 60)  # a real date
            assert _luhn_ok(pid[2:]), pid
            seen["samordning"] += 1
        else:
            assert personnummer.is_valid(pid), pid
            seen["pnr"] += 1
        born = f"{pid[:4]}-{pid[4:6]}-{day - 60 if day > 60 else day:02d}"
        assert birth == born, pid
    assert all(count > 0 for count in seen.values()), seen
    test_series = t["persons"].filter(pl.col("person_id").str.slice(8, 3).cast(int) >= 980)
    assert (
        test_series.height
        == t["persons"]
        .filter(  # a small world fits Skatteverket's
            ~pl.col("person_id").str.starts_with("X")
        )
        .height
    )


@given(st.lists(st.integers(min_value=100_000_000, max_value=999_999_999), min_size=1))
def test_check_digits_agree_with_python_stdnum(payloads: list[int]) -> None:
    codes = with_check(np.array(payloads, dtype=np.int64))
    assert all(orgnr.is_valid(f"{code:010d}") for code in codes.tolist())
    wrong = (codes // 10) * 10 + (codes + 1) % 10
    assert not any(orgnr.is_valid(f"{code:010d}") for code in wrong.tolist())


@given(st.text(alphabet="abcdefghijklmnopåäöÅÄÖé", min_size=1, max_size=12), st.integers(0, 99))
def test_written_names_are_never_empty(word: str, seed: int) -> None:
    written = written_name(np.random.default_rng(seed), word.title(), "Ångström")
    assert written.strip()
    assert len(written.split()) >= 2


def test_keys_are_unique(t: dict[str, pl.DataFrame]) -> None:
    for table, key in [
        ("companies", "org_no"),
        ("persons", "person_id"),
        ("workplaces", "workplace_id"),
        ("controls", "control_id"),
        ("tips", "tip_id"),
        ("encounters", "encounter_id"),
        ("truth", "workplace_id"),
    ]:
        assert t[table][key].is_unique().all(), (table, key)
        assert t[table][key].null_count() == 0, (table, key)
    payroll_key = t["payroll"].select("org_no", "person_id", "period")
    assert payroll_key.is_unique().all()


def test_references_resolve(t: dict[str, pl.DataFrame]) -> None:
    orgs, people = set(t["companies"]["org_no"]), set(t["persons"]["person_id"])
    sites, controls = set(t["workplaces"]["workplace_id"]), set(t["controls"]["control_id"])
    for table in ("roles", "workplaces", "payroll", "permits", "tips"):
        assert set(t[table]["org_no"].drop_nulls()) <= orgs, table
    for table in ("roles", "payroll", "permits", "encounters"):
        assert set(t[table]["person_id"].drop_nulls()) <= people, table
    assert set(t["controls"]["workplace_id"]) <= sites
    assert set(t["tips"]["workplace_id"].drop_nulls()) <= sites
    assert set(t["findings"]["control_id"]) <= controls
    assert set(t["encounters"]["control_id"]) <= controls
    tips = (
        t["tips"]
        .drop_nulls(["workplace_id", "org_no"])
        .join(
            t["workplaces"].select("workplace_id", pl.col("org_no").alias("site_org")),
            on="workplace_id",
        )
    )
    assert (tips["org_no"] == tips["site_org"]).all()
    assert (
        t["tips"].filter(pl.col("workplace_id").is_null() & pl.col("org_no").is_null()).is_empty()
    )


# --- truth -------------------------------------------------------------------------------


def test_truth_lies_beside_the_extract_with_a_row_per_workplace(
    world: WorldSummary, t: dict[str, pl.DataFrame]
) -> None:
    assert world.truth == world.out.parent / "extract.truth.csv"
    assert not world.truth.is_relative_to(world.out)
    truth = t["truth"]
    assert truth.columns == ["workplace_id", "org_no", "violation", "kinds"]
    assert (
        truth.select("workplace_id", "org_no")
        .sort("workplace_id")
        .equals(t["workplaces"].select("workplace_id", "org_no").sort("workplace_id"))
    )
    share = (truth["violation"] == "true").mean()
    assert isinstance(share, float)
    assert 0.02 <= share <= 0.12
    bad = truth.filter(pl.col("violation") == "true")
    assert bad["kinds"].null_count() == 0
    assert truth.filter(pl.col("violation") == "false")["kinds"].null_count() == (
        truth.height - bad.height
    )
    used = {kind for kinds in bad["kinds"] for kind in kinds.split(";")}
    assert used == KINDS


def test_a_new_format_replaces_the_old_files(base: Path) -> None:
    out = base / "swap" / "x"
    generate_world(out, companies=60, seed=4, fmt="csv")
    generate_world(out, companies=60, seed=4, fmt="parquet")
    assert sorted(p.suffix for p in out.iterdir()) == [".parquet"] * len(SPEC_COLUMNS)


def test_truth_inside_the_extract_is_refused(base: Path) -> None:
    with pytest.raises(ValueError, match="truth"):
        generate_world(base / "d", companies=50, truth=base / "d" / "truth.csv")


# --- csv and parquet ---------------------------------------------------------------------


def test_parquet_holds_the_same_data_as_csv(base: Path) -> None:
    csv = generate_world(base / "e" / "x", companies=900, seed=11, fmt="csv")
    parquet = generate_world(base / "f" / "x", companies=900, seed=11, fmt="parquet")
    assert csv.rows == parquet.rows
    for name in SPEC_COLUMNS:
        text = pl.read_csv(csv.out / f"{name}.csv", infer_schema=False)
        typed = pl.read_parquet(parquet.out / f"{name}.parquet")
        floats = [c for c, d in typed.schema.items() if d == pl.Float64]
        as_text = typed.with_columns(pl.exclude(floats).cast(pl.String))
        assert as_text.drop(floats).equals(text.drop(floats)), name
        for column in floats:
            assert (text[column].cast(pl.Float64) - typed[column]).abs().max() == 0, name
    assert pl.read_parquet(parquet.out / "companies.parquet").schema["registered_on"] == pl.Date


# --- the hidden patterns -----------------------------------------------------------------


def _flagged(t: dict[str, pl.DataFrame], kind: str) -> set[str]:
    truth = t["truth"].drop_nulls("kinds")
    return set(truth.filter(pl.col("kinds").str.split(";").list.contains(kind))["org_no"])


def test_straw_men_sit_on_many_boards(t: dict[str, pl.DataFrame]) -> None:
    straw_firms = _flagged(t, "straw_man")
    seats = (
        t["roles"]
        .filter(pl.col("role").is_in(["board", "chair"]) & pl.col("valid_to").is_null())
        .group_by("person_id")
        .agg(pl.col("org_no"))
    )
    fronts = [orgs for orgs in seats["org_no"] if len(set(orgs) & straw_firms) >= 5]
    assert fronts, "no person on five boards of straw-man firms"
    straw_people = set(seats.filter(pl.col("org_no").list.len() >= 5)["person_id"])
    assert not straw_people & set(t["payroll"]["person_id"]) or len(straw_people) > len(fronts)


def test_phoenix_firms_rise_at_a_bankrupt_firms_address(t: dict[str, pl.DataFrame]) -> None:
    companies = t["companies"]
    new = companies.filter(pl.col("org_no").is_in(list(_flagged(t, "phoenix"))))
    old = companies.filter(pl.col("bankrupt_on").is_not_null())
    pairs = new.join(old, on=["address", "postal_code"], suffix="_old")
    assert pairs.height >= 2
    people = pl.concat(
        [t["roles"].select("org_no", "person_id"), t["payroll"].select("org_no", "person_id")]
    ).unique()
    linked = pairs.join(people, on="org_no").join(
        people.rename({"org_no": "org_no_old"}), on=["org_no_old", "person_id"]
    )
    assert linked["org_no"].n_unique() >= 1
    assert (pairs["registered_on"] >= pairs["registered_on_old"]).all()


def test_ring_firms_pass_workers_around(t: dict[str, pl.DataFrame]) -> None:
    ring = _flagged(t, "ring")
    assert len(ring) >= 3
    paid = t["payroll"].filter(pl.col("org_no").is_in(list(ring)))
    movers = paid.group_by("person_id").agg(pl.col("org_no").n_unique().alias("firms"))
    assert movers.filter(pl.col("firms") >= 2).height >= 3


def test_some_permit_holders_are_paid_below_the_offer(t: dict[str, pl.DataFrame]) -> None:
    pay = t["payroll"].with_columns(pl.col("gross_pay").cast(pl.Int64))
    permits = t["permits"].with_columns(pl.col("monthly_salary_offered").cast(pl.Int64))
    joined = (
        permits.join(pay, on=["person_id", "org_no"])
        .group_by("org_no", "person_id")
        .agg(
            (pl.col("gross_pay").median() / pl.col("monthly_salary_offered").first()).alias("r"),
            pl.len().alias("months"),
        )
        .filter(pl.col("months") >= 3)
    )  # first months may be partial
    low = set(joined.filter(pl.col("r") < 0.8)["org_no"])
    assert low
    assert low <= _flagged(t, "permit_underpaid") | _flagged(t, "underpaid") | set(
        t["companies"].filter(pl.col("bankrupt_on").is_not_null())["org_no"]
    )
    assert joined.filter(pl.col("r") >= 0.95).height > joined.height / 2  # most are paid right


def test_underpaying_firms_pay_far_below_the_going_rate(t: dict[str, pl.DataFrame]) -> None:
    pay = (
        t["payroll"]
        .with_columns(pl.col("gross_pay").cast(pl.Int64))
        .join(t["companies"].select("org_no", "sni"), on="org_no")
    )
    under = _flagged(t, "underpaid")
    honest = set(t["truth"].filter(pl.col("violation") == "false")["org_no"])
    low = pay.filter(pl.col("org_no").is_in(list(under)))["gross_pay"].median()
    normal = pay.filter(pl.col("org_no").is_in(list(honest)))["gross_pay"].median()
    assert isinstance(low, float)
    assert isinstance(normal, float)
    assert low < 0.7 * normal


def test_hidden_staff_and_unregistered_operators(t: dict[str, pl.DataFrame]) -> None:
    no_ftax = t["companies"].filter(pl.col("org_no").is_in(list(_flagged(t, "no_ftax_operating"))))
    assert no_ftax.height >= 1
    assert (no_ftax["f_tax"] == "false").all()
    assert (no_ftax["employer"] == "false").all()
    assert not set(no_ftax["org_no"]) & set(t["payroll"]["org_no"])
    staff = t["payroll"].group_by("org_no").agg(pl.col("person_id").n_unique().alias("n"))
    hidden = _flagged(t, "off_books")
    declared = staff.filter(pl.col("org_no").is_in(list(hidden)))["n"].sum()
    assert len(hidden) >= 2
    assert declared < 3 * len(hidden)
    met = (
        t["encounters"]
        .join(t["controls"], on="control_id")
        .join(t["workplaces"].select("workplace_id", "org_no"), on="workplace_id")
        .filter(pl.col("org_no").is_in(list(hidden | _flagged(t, "no_ftax_operating"))))
    )
    on_payroll = set(zip(t["payroll"]["org_no"], t["payroll"]["person_id"], strict=True))
    unknown = [
        r for r in met.select("org_no", "person_id").iter_rows() if (r[0], r[1]) not in on_payroll
    ]
    assert unknown, "nobody met at a control was off the books"


def test_encounter_names_vary_from_the_register(t: dict[str, pl.DataFrame]) -> None:
    met = (
        t["encounters"]
        .drop_nulls("person_id")
        .join(t["persons"].select("person_id", pl.col("name").alias("registered")), on="person_id")
    )
    same = met.filter(pl.col("name") == pl.col("registered")).height
    assert 0 < same < met.height
    folded = [
        (n, r)
        for n, r in met.select("name", "registered").iter_rows()
        if n != r and n == ascii_fold(r)
    ]
    swapped = [
        (n, r)
        for n, r in met.select("name", "registered").iter_rows()
        if n != r and sorted(n.split()) == sorted(r.split())
    ]
    assert folded or swapped
    assert t["encounters"]["person_id"].null_count() > 0  # identity not always established


# --- realism -----------------------------------------------------------------------------


def test_pay_tax_and_seasons_look_swedish(t: dict[str, pl.DataFrame]) -> None:
    pay = (
        t["payroll"]
        .with_columns(pl.col("gross_pay", "tax_withheld").cast(pl.Int64))
        .join(t["companies"].select("org_no", "sni"), on="org_no")
    )
    honest = set(t["truth"].filter(pl.col("violation") == "false")["org_no"])
    fair = pay.filter(pl.col("org_no").is_in(list(honest)))

    def upper_quartile(sni: list[str]) -> float:
        value = fair.filter(pl.col("sni").is_in(sni))["gross_pay"].quantile(0.75)
        assert isinstance(value, float)
        return value

    assert 33_000 <= upper_quartile(["41200", "43210", "43341", "43390"]) <= 48_000
    assert 24_000 <= upper_quartile(["56100"]) <= 34_000
    assert upper_quartile(["62010", "62020", "70220"]) >= 45_000
    rate = int(pay["tax_withheld"].sum()) / int(pay["gross_pay"].sum())
    assert 0.18 <= rate <= 0.32
    assert set(t["payroll"]["period"]) == {
        f"{y}-{m:02d}" for y, m in [(2025, 11), (2025, 12)] + [(2026, m) for m in range(1, 11)]
    }
    berries = pay.filter(pl.col("sni").is_in(["02300", "02400", "01130"]))
    summer = berries.filter(pl.col("period").str.slice(5, 2).is_in(["05", "06", "07", "08", "09"]))
    assert summer.height > 0.6 * berries.height


def test_legal_forms_and_ledgers(t: dict[str, pl.DataFrame]) -> None:
    forms = t["companies"]["legal_form"].value_counts().to_dict(as_series=False)
    share = dict(zip(forms["legal_form"], forms["count"], strict=True))
    assert set(share) == {"AB", "HB", "KB", "EF", "EK", "FL", "OTHER"}
    assert 0.45 <= share["AB"] / COMPANIES <= 0.7
    assert 0.2 <= share["EF"] / COMPANIES <= 0.45
    ledger = dict(t["workplaces"].select("sni", "staff_ledger").unique().iter_rows())
    assert ledger.get("41200") == "true"
    assert ledger.get("56100") == "true"
    assert ledger.get("62010") == "false"
    assert ledger.get("81210") == "false"


def test_controls_follow_risk_and_find_mostly_real_problems(t: dict[str, pl.DataFrame]) -> None:
    controls = t["controls"]
    assert controls.height == 30  # at least 30 controls even in a small world
    days = sorted(dt.date.fromisoformat(day) for day in controls["date"])
    assert days[0] >= REFERENCE - dt.timedelta(days=731)
    assert days[-1] < REFERENCE
    for agencies in controls["agencies"]:
        parts = agencies.split(";")
        assert set(parts) <= AGENCIES
        assert set(parts) & {"AV", "POL", "SKV"}
        assert parts == sorted(parts)
    assert set(t["findings"]["code"]) <= FINDINGS
    bad_sites = set(t["truth"].filter(pl.col("violation") == "true")["workplace_id"])
    visited = controls.with_columns(pl.col("workplace_id").is_in(list(bad_sites)).alias("bad"))
    share_bad = visited["bad"].mean()
    truth_share = len(bad_sites) / t["truth"].height
    assert isinstance(share_bad, float)
    assert share_bad > 2 * truth_share
    found = t["findings"].join(visited, on="control_id").group_by("bad").agg(pl.len())
    per = dict(found.iter_rows())
    n_bad = int(visited["bad"].sum())
    assert per.get(True, 0) / n_bad > per.get(False, 0) / (visited.height - n_bad)
    fees = t["findings"].filter(pl.col("code") == "SKV_LEDGER_MISSING")["amount_sek"]
    assert (fees == "12500").all()


def test_citizenship_does_not_mark_the_criminal_firms(t: dict[str, pl.DataFrame]) -> None:
    risky = ["41200", "43120", "43320", "43341", "43390", "56100", "81210", "45200", "96022"]
    staff = (
        t["payroll"]
        .select("org_no", "person_id")
        .unique()
        .join(t["companies"].select("org_no", "sni"), on="org_no")
        .filter(pl.col("sni").is_in(risky))
        .join(t["persons"].select("person_id", "citizenship"), on="person_id")
    )
    permit_only = _flagged(t, "permit_underpaid") - (
        _flagged(t, "off_books")
        | _flagged(t, "underpaid")
        | _flagged(t, "ring")
        | _flagged(t, "phoenix")
    )
    bad = set(t["truth"].filter(pl.col("violation") == "true")["org_no"]) - permit_only
    foreign = staff.with_columns(
        (pl.col("citizenship") != "SE").alias("foreign"),
        pl.col("org_no").is_in(list(bad)).alias("bad"),
    )
    shares = dict(foreign.group_by("bad").agg(pl.col("foreign").mean()).iter_rows())
    assert abs(shares[True] - shares[False]) < 0.12


def test_progress_reports_every_stage(base: Path) -> None:
    calls: list[tuple[str, int, int]] = []
    summary = generate_world(
        base / "g" / "x", companies=120, seed=2, progress=lambda s, d, n: calls.append((s, d, n))
    )
    stages = {stage for stage, _, _ in calls}
    assert {"build", *SPEC_COLUMNS} <= stages
    assert all(0 <= done <= total for _, done, total in calls)
    assert ("build", 6, 6) in calls
    assert ("payroll", 1, 1) in calls
    assert summary.rows["companies"] == 120


def test_months_sets_the_payroll_period(base: Path) -> None:
    summary = generate_world(base / "h" / "x", companies=300, seed=5, months=3)
    periods = set(pl.read_csv(summary.out / "payroll.csv", infer_schema=False)["period"])
    assert periods == {"2026-08", "2026-09", "2026-10"}


def test_generator_does_not_import_django() -> None:
    demo = Path(__file__).parents[2] / "src/akrim/demo"
    sources = [demo / "__init__.py", demo / "names.py", *sorted((demo / "world").glob("*.py"))]
    for source in sources:
        for node in ast.walk(ast.parse(source.read_text("utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            else:
                continue
            assert not any(n.split(".")[0] == "django" for n in names), source.name
            assert not any(
                n.startswith("akrim.") and not n.startswith("akrim.demo") for n in names
            ), source.name
