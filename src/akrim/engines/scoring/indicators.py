"""Risk indicators per workplace, computed from one register-exchange extract.

``compute_features(frames)`` takes the reader's normalised frames
(``akrim.engines.exchange.read_extract(folder).tables``) and returns one row per workplace of
an operating company with one Float64 column per indicator of :data:`INDICATORS` (0 = no
signal; larger = stronger; each scale documented in its :class:`Indicator`), plus the
earlier-control columns the model learns from. Everything is vectorised with Polars; the only
Python loop runs over the distinct ``opening_hours`` texts.

Only register facts about companies and workplaces are used: pay, employment spells,
registrations, roles, addresses, permits, earlier controls, findings and tips. Persons are
only ever a key that links rows (who sits on which board, who is paid by whom); no
personal trait of a worker or an owner (nationality, citizenship, gender, age, name,
residence) is read, and :data:`EXCLUDED_COLUMNS` lists the ones that must never be.
Pure computation: no Django, no database.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import polars as pl

from akrim.engines.exchange.opening_hours import OpeningHoursError, parse_opening_hours
from akrim.engines.exchange.schema import TABLES
from akrim.engines.scoring.catalogue import INDICATORS, Indicator

Progress = Callable[[str, int, int], None]


__all__ = [
    "BY_CODE",
    "EXCLUDED_COLUMNS",
    "INDICATORS",
    "INDICATOR_CODES",
    "Indicator",
    "compute_features",
    "reference_date_of",
    "weekly_hours",
]

INDICATOR_CODES: tuple[str, ...] = tuple(indicator.code for indicator in INDICATORS)
BY_CODE: dict[str, Indicator] = {indicator.code: indicator for indicator in INDICATORS}

EXCLUDED_COLUMNS: frozenset[str] = frozenset(
    {
        "citizenship",
        "nationality",
        "birth_date",
        "name",
        "gender",
        "sex",
        "age",
        "municipality_of_residence",
        "document_no",
        "phone",
    }
)
"""Personal traits that must never be an indicator (DESIGN.md: scores are about workplaces
and companies, never persons). The persons and encounters tables are not read at all."""

ID_COLUMNS: tuple[str, ...] = ("workplace_id", "org_no", "municipality", "sni", "opening_hours")
LABEL_COLUMNS: tuple[str, ...] = ("controlled_before", "found_before")

WINDOW_MONTHS = 12
OFFICER_ROLES = ("board", "chair", "ceo", "deputy", "signatory")
WORKING_OWNER_FORMS = ("EF", "HB", "KB")
SERIAL_SEATS_ALLOWED = 3  # other seats taken in three years that count as ordinary
PROGRESS_STAGES = ("prepare", *INDICATOR_CODES, "history")


def compute_features(
    frames: dict[str, pl.DataFrame],
    *,
    reference_date: dt.date | None = None,
    progress: Progress | None = None,
) -> pl.DataFrame:
    """One row per workplace of an operating company, with every indicator and the labels.

    Columns: ``workplace_id``, ``org_no``, ``municipality``, ``sni``, ``opening_hours``
    (str), one Float64 column per code of :data:`INDICATOR_CODES`, ``controlled_before``
    (an earlier control visited the workplace) and ``found_before`` (an earlier control
    there had at least one finding: the label). ``reference_date`` defaults to the last day
    of the latest payroll month. Operating: registered on or before the reference date,
    neither deregistered nor bankrupt on it. Anyone may call this; it only computes.
    """
    report = progress or _quiet
    steps = len(PROGRESS_STAGES)
    report("prepare", 0, steps)
    ctx = _Context.build(frames, reference_date)
    report("prepare", 1, steps)
    out = ctx.sites.select(*ID_COLUMNS)
    for done, (code, compute) in enumerate(_COMPUTE.items(), start=2):
        values = compute(ctx)
        key = "workplace_id" if "workplace_id" in values.columns else "org_no"
        out = out.join(values.select(key, pl.col(code).cast(pl.Float64)), on=key, how="left")
        out = out.with_columns(pl.col(code).fill_null(0.0).fill_nan(0.0))
        report(code, done, steps)
    out = out.join(_labels(ctx), on="workplace_id", how="left").with_columns(
        pl.col(name).fill_null(value=False) for name in LABEL_COLUMNS
    )
    report("history", steps, steps)
    return out.select(*ID_COLUMNS, *INDICATOR_CODES, *LABEL_COLUMNS).sort("workplace_id")


def reference_date_of(frames: dict[str, pl.DataFrame]) -> dt.date:
    """The last day of the latest payroll month; else the latest date of a control or tip;
    else today."""
    payroll = _table(frames, "payroll")
    latest = payroll.select(_month_index(pl.col("period")).max()).item()
    if latest is not None:
        year, month = divmod(int(latest) + 1, 12)
        return dt.date(year, month + 1, 1) - dt.timedelta(days=1)
    dates = [
        _table(frames, "controls").get_column("date").max(),
        _table(frames, "tips").get_column("received_on").max(),
    ]
    known = [d for d in dates if isinstance(d, dt.date)]
    return max(known) if known else dt.date.today()


# --- Context ------------------------------------------------------------------------------------


def _quiet(stage: str, done: int, total: int) -> None:
    return None


def _table(frames: dict[str, pl.DataFrame], name: str) -> pl.DataFrame:
    """The table, or an empty frame with the spec's columns when it is missing."""
    frame = frames.get(name)
    if frame is not None:
        return frame
    return pl.DataFrame(schema={c.name: c.dtype for c in TABLES[name].columns})


def _month_index(period: pl.Expr) -> pl.Expr:
    """``YYYY-MM`` as year * 12 + month - 1."""
    year = period.str.slice(0, 4).cast(pl.Int32)
    return year * 12 + period.str.slice(5, 2).cast(pl.Int32) - 1


def _months(day: pl.Expr) -> pl.Expr:
    return day.dt.year().cast(pl.Int32) * 12 + day.dt.month().cast(pl.Int32) - 1


@dataclass(frozen=True)
class _Context:
    """The frames every indicator starts from, restricted to the reference date."""

    ref: dt.date
    ref_month: int
    companies: pl.DataFrame  # all companies, with ``operating`` and ``months_from/to``
    sites: pl.DataFrame  # workplaces of operating companies, with company columns
    payroll: pl.DataFrame  # org_no, person_id, m, gross_pay: the last 12 months
    roles: pl.DataFrame  # org_no, person_id, role, valid_from, valid_to (started by ref)
    controls: pl.DataFrame  # control_id, workplace_id, org_no, date, found (up to ref)
    frames: dict[str, pl.DataFrame]

    @classmethod
    def build(cls, frames: dict[str, pl.DataFrame], reference: dt.date | None) -> _Context:
        ref = reference or reference_date_of(frames)
        ref_month = ref.year * 12 + ref.month - 1
        day = pl.lit(ref)
        companies = _table(frames, "companies").with_columns(
            operating=(pl.col("registered_on") <= day)
            & (pl.col("deregistered_on").is_null() | (pl.col("deregistered_on") > day))
            & (pl.col("bankrupt_on").is_null() | (pl.col("bankrupt_on") > day)),
            months_from=pl.max_horizontal(
                _months(pl.col("registered_on")), pl.lit(ref_month - WINDOW_MONTHS + 1)
            ),
            months_to=pl.min_horizontal(
                _months(pl.min_horizontal("bankrupt_on", "deregistered_on")) - 1,
                pl.lit(ref_month),
            ).fill_null(ref_month),
        )
        operating = companies.filter("operating").select(
            "org_no",
            "legal_form",
            "registered_on",
            "f_tax",
            "employer",
            pl.col("sni").alias("company_sni"),
        )
        sites = (
            _table(frames, "workplaces")
            .select(*ID_COLUMNS, "staff_ledger")
            .join(operating, on="org_no", how="inner")
        )
        payroll = (
            _table(frames, "payroll")
            .select("org_no", "person_id", _month_index(pl.col("period")).alias("m"), "gross_pay")
            .filter(pl.col("m").is_between(ref_month - WINDOW_MONTHS + 1, ref_month))
        )
        roles = (
            _table(frames, "roles")
            .select("org_no", "person_id", "role", "valid_from", "valid_to")
            .filter(pl.col("valid_from") <= day)
        )
        found = _table(frames, "findings").select("control_id").unique().with_columns(found=True)
        workplace_org = _table(frames, "workplaces").select("workplace_id", "org_no")
        controls = (
            _table(frames, "controls")
            .select("control_id", "workplace_id", "date")
            .filter(pl.col("date") <= day)
            .join(found, on="control_id", how="left")
            .join(workplace_org, on="workplace_id", how="left")
            .with_columns(pl.col("found").fill_null(value=False))
        )
        return cls(ref, ref_month, companies, sites, payroll, roles, controls, frames)


# --- Indicators -----------------------------------------------------------------------------------


def _low_pay(ctx: _Context) -> pl.DataFrame:
    person = (
        ctx.payroll.group_by("org_no", "person_id")
        .agg(pay=pl.col("gross_pay").median())
        .join(ctx.companies.select("org_no", "sni"), on="org_no", how="left")
    )
    ratio = (
        _typical(person, "pay", "going")
        .with_columns(ratio=pl.col("pay") / pl.max_horizontal(pl.col("going"), pl.lit(1.0)))
        .group_by("org_no")
        .agg(r=pl.col("ratio").median(), n=pl.len())
    )
    shrunk = (pl.col("n") * pl.col("r") + 1.0) / (pl.col("n") + 1.0)
    value = (-shrunk.clip(lower_bound=1e-6).log(2)).clip(0.0, 2.0)
    return ratio.select("org_no", value.alias("low_pay"))


def _short_jobs(ctx: _Context) -> pl.DataFrame:
    # Gaps and islands: within one (company, person), month minus its rank is constant along
    # a run of consecutive months, so it names the spell.
    month = pl.col("m").unique().sort()
    pairs = (
        ctx.payroll.group_by("org_no", "person_id")
        .agg(m=month, run=month - pl.int_range(pl.len(), dtype=pl.Int32))
        .drop("person_id")
        .with_row_index("pair")
    )
    spells = (
        pairs.explode(["m", "run"])
        .group_by("pair", "run")
        .agg(org_no=pl.col("org_no").first(), first=pl.col("m").min(), last=pl.col("m").max())
        .join(ctx.companies.select("org_no", "months_from", "months_to"), on="org_no", how="left")
    )
    inside = (pl.col("first") > pl.col("months_from")) & (pl.col("last") < pl.col("months_to"))
    short = inside & (pl.col("last") - pl.col("first") + 1 <= 2)
    return spells.group_by("org_no").agg(
        (short.sum() / (pl.len() + 2)).cast(pl.Float64).alias("short_jobs")
    )


def weekly_hours(text: str | None) -> float:
    """Hours open in an ordinary week (no public holiday) by ``opening_hours`` text; 0 when
    unknown or invalid."""
    if not text:
        return 0.0
    try:
        hours = parse_opening_hours(text)
    except OpeningHoursError:
        return 0.0
    monday = dt.date(2025, 9, 8)  # a week without Swedish public holidays
    minutes = sum(
        span.end - span.start
        for offset in range(7)
        for span in hours.spans_on(monday + dt.timedelta(days=offset))
    )
    return minutes / 60


def _few_declared(ctx: _Context) -> pl.DataFrame:
    texts = ctx.sites.get_column("opening_hours").unique().to_list()
    hours = pl.DataFrame(
        {"opening_hours": texts, "weekly": [weekly_hours(t) for t in texts]},
        schema={"opening_hours": pl.String, "weekly": pl.Float64},
    )
    latest = (
        ctx.payroll.filter(pl.col("m") == ctx.ref_month)
        .group_by("org_no")
        .agg(declared=pl.col("person_id").n_unique())
    )
    sites = (
        ctx.sites.select("workplace_id", "org_no", "sni", "opening_hours", "legal_form")
        .join(hours, on="opening_hours", how="left")
        .join(latest, on="org_no", how="inner")  # companies that declare staff
        .with_columns(
            per_site=pl.col("declared") / pl.len().over("org_no"),
            owners=pl.col("legal_form").is_in(WORKING_OWNER_FORMS) / pl.len().over("org_no"),
        )
    )
    typical = _typical(sites, "per_site", "typical")
    needed = pl.max_horizontal(pl.col("typical"), pl.col("weekly").fill_null(0.0) / 40.0)
    value = (needed / (pl.col("per_site") + pl.col("owners"))).log(2).clip(0.0, 4.0)
    return typical.select("workplace_id", value.alias("few_declared"))


def _typical(frame: pl.DataFrame, column: str, name: str, minimum: int = 20) -> pl.DataFrame:
    """``frame`` with ``name``: the median of ``column`` over rows of the same SNI code, or of
    the same 2-digit division, or of all rows, whichever first has ``minimum`` rows."""
    frame = frame.with_columns(division=pl.col("sni").str.slice(0, 2))
    overall = frame.get_column(column).median()
    code = frame.group_by("sni").agg(c5=pl.col(column).median(), n5=pl.len())
    division = frame.group_by("division").agg(c2=pl.col(column).median(), n2=pl.len())
    value = (
        pl.when(pl.col("n5") >= minimum)
        .then(pl.col("c5"))
        .when(pl.col("n2") >= minimum)
        .then(pl.col("c2"))
        .otherwise(pl.lit(overall, pl.Float64))
    )
    return (
        frame.join(code, on="sni", how="left")
        .join(division, on="division", how="left")
        .with_columns(value.cast(pl.Float64).alias(name))
        .drop("division", "c5", "n5", "c2", "n2")
    )


def _no_registration(ctx: _Context) -> pl.DataFrame:
    pays = ctx.payroll.select("org_no").unique().with_columns(pays=True)
    frame = ctx.sites.join(pays, on="org_no", how="left")
    needs_employer = pl.col("pays").fill_null(value=False) | pl.col("staff_ledger")
    value = (~pl.col("f_tax")).cast(pl.Float64) + (~pl.col("employer") & needs_employer).cast(
        pl.Float64
    )
    return frame.select("workplace_id", value.alias("no_registration"))


def _current(roles: pl.DataFrame, ref: dt.date) -> pl.DataFrame:
    return roles.filter(pl.col("valid_to").is_null() | (pl.col("valid_to") >= pl.lit(ref)))


def _serial_officer(ctx: _Context) -> pl.DataFrame:
    officers = ctx.roles.filter(pl.col("role").is_in(OFFICER_ROLES))
    since = ctx.ref - dt.timedelta(days=round(3 * 365.25))
    recent = (
        officers.filter(pl.col("valid_from") > pl.lit(since)).select("person_id", "org_no").unique()
    )
    seats = recent.group_by("person_id").agg(seats=pl.len())
    current = _current(officers, ctx.ref).select("org_no", "person_id").unique()
    mine = recent.with_columns(mine=True)
    other = (
        current.join(seats, on="person_id", how="inner")
        .join(mine, on=["person_id", "org_no"], how="left")
        .with_columns(others=pl.col("seats") - pl.col("mine").fill_null(value=False).cast(pl.Int64))
    )
    value = ((pl.col("others").max() - SERIAL_SEATS_ALLOWED) / 3.0).clip(0.0, 3.0)
    return other.group_by("org_no").agg(value.alias("serial_officer"))


def _bankrupt_links(ctx: _Context) -> pl.DataFrame:
    since = ctx.ref - dt.timedelta(days=round(5 * 365.25))
    bankrupt = ctx.companies.filter(
        pl.col("bankrupt_on").is_between(pl.lit(since), pl.lit(ctx.ref))
    ).select(pl.col("org_no").alias("failed"))
    held = (
        ctx.roles.select("person_id", pl.col("org_no").alias("failed"))
        .unique()
        .join(bankrupt, on="failed", how="inner")
    )
    current = _current(ctx.roles, ctx.ref).select("org_no", "person_id").unique()
    links = (
        current.join(held, on="person_id", how="inner")
        .filter(pl.col("failed") != pl.col("org_no"))
        .group_by("org_no")
        .agg(pl.col("failed").n_unique().alias("n"))
    )
    return links.select("org_no", pl.col("n").clip(0, 3).alias("bankrupt_links"))


def _normal_address(column: str) -> pl.Expr:
    return (
        pl.col(column).str.to_lowercase().str.replace_all(r"[\s,.]+", " ").str.strip_chars()
        + pl.lit("|")
        + pl.col("postal_code").fill_null("")
    )


def _phoenix(ctx: _Context) -> pl.DataFrame:
    companies = ctx.companies.with_columns(place=_normal_address("address"))
    failed = companies.filter(
        pl.col("bankrupt_on").is_not_null() & (pl.col("bankrupt_on") <= pl.lit(ctx.ref))
    ).select("place", pl.col("org_no").alias("failed"), "bankrupt_on")
    new = companies.filter("operating").select("org_no", "place", "registered_on")
    pairs = (
        new.join(failed, on="place", how="inner")
        .filter(
            (pl.col("failed") != pl.col("org_no"))
            & (pl.col("registered_on") >= pl.col("bankrupt_on") - pl.duration(days=365))
            & (pl.col("registered_on") <= pl.col("bankrupt_on") + pl.duration(days=730))
        )
        .select("org_no", "failed")
    )
    # Only the companies of a candidate pair matter: filter before ``unique`` so that the
    # person-company pairs of every other company are never gathered.
    involved = pl.concat([pairs.get_column("org_no"), pairs.get_column("failed")]).unique()
    # A payroll read in a window (extract.read_for_scoring) brings every month's pairs apart.
    worked = "payroll_pairs" if "payroll_pairs" in ctx.frames else "payroll"
    people = pl.concat(
        [
            _table(ctx.frames, name)
            .select("org_no", "person_id")
            .filter(pl.col("org_no").is_in(involved.implode()))
            for name in ("roles", worked)
        ]
    ).unique()
    shared = (
        pairs.join(people, on="org_no", how="inner")
        .join(people.rename({"org_no": "failed"}), on=["failed", "person_id"], how="inner")
        .select("org_no")
        .unique()
        .with_columns(shared=True)
    )
    value = pl.when(pl.col("shared").fill_null(value=False)).then(1.0).otherwise(0.25)
    return (
        pairs.select("org_no")
        .unique()
        .join(shared, on="org_no", how="left")
        .select("org_no", value.alias("phoenix"))
    )


def _breached_orgs(ctx: _Context) -> pl.DataFrame:
    return ctx.controls.filter("found").select("org_no").drop_nulls().unique()


def _shared_workers(ctx: _Context) -> pl.DataFrame:
    staff = ctx.payroll.select("org_no", "person_id").unique()
    breached = staff.join(_breached_orgs(ctx), on="org_no", how="inner").rename(
        {"org_no": "breached"}
    )
    shared = (
        staff.join(breached, on="person_id", how="inner")
        .filter(pl.col("breached") != pl.col("org_no"))
        .group_by("org_no")
        .agg(shared=pl.col("person_id").n_unique())
    )
    size = staff.group_by("org_no").agg(staff=pl.len())
    return shared.join(size, on="org_no", how="left").select(
        "org_no", (pl.col("shared") / (pl.col("staff") + 1)).alias("shared_workers")
    )


def _permit_underpaid(ctx: _Context) -> pl.DataFrame:
    permits = _table(ctx.frames, "permits").select(
        "person_id",
        "org_no",
        "valid_from",
        "monthly_salary_offered",
        _months(pl.col("valid_from")).alias("m0"),
        _months(pl.col("valid_to")).alias("m1"),
    )
    paid = (
        permits.join(ctx.payroll, on=["person_id", "org_no"], how="inner")
        .filter(pl.col("m").is_between(pl.col("m0"), pl.col("m1")))
        .group_by("person_id", "org_no", "valid_from")
        .agg(pay=pl.col("gross_pay").median(), offer=pl.col("monthly_salary_offered").first())
    )
    shortfall = 1.0 - pl.col("pay") / pl.max_horizontal(pl.col("offer"), pl.lit(1))
    counted = pl.when(shortfall >= 0.1).then(shortfall.clip(0.0, 1.0)).otherwise(0.0)
    return paid.group_by("org_no").agg(counted.mean().alias("permit_underpaid"))


def _earlier_findings(ctx: _Context) -> pl.DataFrame:
    controls = ctx.controls.with_columns(latest=pl.col("date").max().over("workplace_id"))
    by_org = controls.group_by("org_no").agg(org_found=pl.col("found").sum())
    by_site = controls.group_by("workplace_id").agg(
        site_found=pl.col("found").sum(),
        before_latest=(pl.col("found") & (pl.col("date") < pl.col("latest"))).sum(),
    )
    frame = (
        ctx.sites.select("workplace_id", "org_no")
        .join(by_org, on="org_no", how="left")
        .join(by_site, on="workplace_id", how="left")
        .fill_null(0)
    )
    value = pl.col("org_found") - pl.col("site_found") + pl.col("before_latest")
    return frame.select("workplace_id", value.clip(0, 3).alias("earlier_findings"))


def _tips(ctx: _Context) -> pl.DataFrame:
    since = ctx.ref - dt.timedelta(days=round(2 * 365.25))
    tips = _table(ctx.frames, "tips").filter(
        pl.col("received_on").is_between(pl.lit(since), pl.lit(ctx.ref))
    )
    by_site = tips.drop_nulls("workplace_id").group_by("workplace_id").agg(site=pl.len())
    by_org = (
        tips.filter(pl.col("workplace_id").is_null())
        .drop_nulls("org_no")
        .group_by("org_no")
        .agg(org=pl.len())
    )
    frame = (
        ctx.sites.select("workplace_id", "org_no")
        .join(by_site, on="workplace_id", how="left")
        .join(by_org, on="org_no", how="left")
        .fill_null(0)
    )
    return frame.select("workplace_id", (pl.col("site") + pl.col("org")).clip(0, 5).alias("tips"))


def _young_company(ctx: _Context) -> pl.DataFrame:
    years = (pl.lit(ctx.ref) - pl.col("registered_on")).dt.total_days() / 365.25
    return ctx.sites.select(
        "workplace_id", (1.0 - years / 3.0).clip(0.0, 1.0).alias("young_company")
    )


INDUSTRY_PSEUDO_CONTROLS = 10.0


def _industry_history(ctx: _Context) -> pl.DataFrame:
    division = pl.col("sni").str.slice(0, 2).alias("division")
    controls = ctx.controls.join(
        _table(ctx.frames, "workplaces").select("workplace_id", division),
        on="workplace_id",
        how="left",
    )
    total = controls.height
    overall = controls.get_column("found").mean() if total else None
    prior = float(overall) if isinstance(overall, float | int) else 0.0
    by_division = controls.group_by("division").agg(n=pl.len(), k=pl.col("found").sum())
    own = controls.group_by("workplace_id").agg(own_n=pl.len(), own_k=pl.col("found").sum())
    frame = (
        ctx.sites.select("workplace_id", division)
        .join(by_division, on="division", how="left")
        .join(own, on="workplace_id", how="left")
        .fill_null(0)
    )
    k, n = INDUSTRY_PSEUDO_CONTROLS, pl.col("n") - pl.col("own_n")
    rate = (pl.col("k") - pl.col("own_k") + k * prior) / (n + k)
    return frame.select("workplace_id", rate.clip(0.0, 1.0).alias("industry_history"))


def _labels(ctx: _Context) -> pl.DataFrame:
    return ctx.controls.group_by("workplace_id").agg(
        controlled_before=pl.lit(value=True), found_before=pl.col("found").any()
    )


_COMPUTE: dict[str, Callable[[_Context], pl.DataFrame]] = {
    "low_pay": _low_pay,
    "short_jobs": _short_jobs,
    "few_declared": _few_declared,
    "no_registration": _no_registration,
    "serial_officer": _serial_officer,
    "bankrupt_links": _bankrupt_links,
    "phoenix": _phoenix,
    "shared_workers": _shared_workers,
    "permit_underpaid": _permit_underpaid,
    "earlier_findings": _earlier_findings,
    "tips": _tips,
    "young_company": _young_company,
    "industry_history": _industry_history,
}
