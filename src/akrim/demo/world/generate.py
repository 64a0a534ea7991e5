"""``generate_world``: build the synthetic world and write it in the exchange format."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import numpy as np
import polars as pl

from akrim.demo.world.arrays import I64
from akrim.demo.world.controls import (
    Controls,
    Findings,
    Tips,
    control_count,
    lacks_work_right,
    make_controls,
    make_findings,
    make_tips,
    meet_people,
)
from akrim.demo.world.encounters import Encounters, write_down
from akrim.demo.world.firms import Firms, make_firms
from akrim.demo.world.geo import Geo, load_geo
from akrim.demo.world.jobs import Jobs, make_jobs
from akrim.demo.world.output import (
    companies_frame,
    company_codes,
    controls_frame,
    encounters_frame,
    findings_frame,
    firm_base_names,
    foreign_kept,
    payroll_frame,
    permits_frame,
    person_ids,
    persons_frame,
    roles_frame,
    tips_frame,
    truth_frame,
    workplace_ids,
    workplaces_frame,
    write,
)
from akrim.demo.world.people import People, Persons
from akrim.demo.world.roles import Roles, make_roles
from akrim.demo.world.sites import Sites, make_sites

Progress = Callable[[str, int, int], None]
TABLES = (
    "companies",
    "persons",
    "roles",
    "workplaces",
    "payroll",
    "permits",
    "controls",
    "findings",
    "tips",
    "encounters",
)
BUILD_STEPS = ("companies", "employment", "roles", "workplaces", "controls", "people")


@dataclass(frozen=True)
class WorldSummary:
    """Where the world was written and how many rows each table got."""

    out: Path
    truth: Path
    rows: dict[str, int]


def _quiet(stage: str, done: int, total: int) -> None:
    return None


def generate_world(
    out: Path,
    *,
    companies: int = 2000,
    seed: int = 1,
    fmt: Literal["csv", "parquet"] = "csv",
    months: int = 12,
    truth: Path | None = None,
    progress: Progress | None = None,
) -> WorldSummary:
    """Write a synthetic world of ``companies`` firms to ``out`` (one file per table).

    Deterministic: the same arguments give byte-identical files. ``truth`` (default
    ``<out>.truth.csv`` beside ``out``) lists every workplace with its hidden patterns;
    it is never written inside ``out``. ``progress(stage, done, total)`` is called as
    the world is built ("build", step, 6) and written (table name, 0/1, 1).
    """
    out, truth_path = _paths(out, truth, companies, months, fmt)
    report = progress or _quiet
    world = _build(companies, seed, months, report)
    out.mkdir(parents=True, exist_ok=True)
    return _write(world, out, truth_path, fmt, report)


def _paths(
    out: Path, truth: Path | None, companies: int, months: int, fmt: str
) -> tuple[Path, Path]:
    if companies < 1:
        raise ValueError("companies must be at least 1")
    if months < 1:
        raise ValueError("months must be at least 1")
    if fmt not in ("csv", "parquet"):
        raise ValueError(f"unknown format {fmt!r} (csv or parquet)")
    out = Path(out)
    where = out.resolve()
    truth_path = Path(truth) if truth else where.parent / (where.name + ".truth.csv")
    if truth_path.resolve().is_relative_to(out.resolve()):
        raise ValueError("the truth file must not be inside the extract folder")
    return out, truth_path


@dataclass
class _World:
    """Everything built, from which the tables are made one at a time (to save memory)."""

    geo: Geo
    firms: Firms
    persons: Persons
    jobs: Jobs
    roles: Roles
    sites: Sites
    controls: Controls
    findings: Findings
    tips: Tips
    encounters: Encounters
    payroll_rng: np.random.Generator
    codes: I64 = field(default_factory=lambda: np.zeros(0, np.int64))
    base: pl.Series = field(default_factory=pl.Series)
    orgs: pl.DataFrame = field(default_factory=pl.DataFrame)
    ids: pl.Series = field(default_factory=pl.Series)
    wids: pl.Series = field(default_factory=pl.Series)


def _build(companies: int, seed: int, months: int, report: Progress) -> _World:
    rngs = [np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(12)]
    total = len(BUILD_STEPS)
    report("build", 0, total)
    geo = load_geo()
    firms = make_firms(rngs[0], companies, geo)
    report("build", 1, total)
    people = People()
    jobs = make_jobs(rngs[1], firms, people, geo, months)
    report("build", 2, total)
    roles = make_roles(rngs[2], firms, jobs, people, geo)
    report("build", 3, total)
    sites = make_sites(rngs[3], firms, geo)
    report("build", 4, total)
    count = control_count(companies)
    tips = make_tips(rngs[4], firms, sites, max(40, round(1.2 * count)))
    controls = make_controls(rngs[5], firms, sites, jobs, tips, count)
    meetings = meet_people(rngs[6], firms, sites, jobs, people, geo, controls)
    findings = make_findings(
        rngs[7], firms, sites, controls, meetings, lacks_work_right(people, meetings)
    )
    report("build", 5, total)
    persons = people.finish(rngs[8])
    del people
    world = _World(
        geo,
        firms,
        persons,
        jobs,
        roles,
        sites,
        controls,
        findings,
        tips,
        write_down(rngs[9], persons, meetings),
        rngs[10],
    )
    world.codes = company_codes(firms, persons)
    world.base = firm_base_names(firms, persons, geo)
    world.orgs = companies_frame(firms, world.codes, world.base, geo)
    world.ids = person_ids(persons)
    world.wids = workplace_ids(sites.n)
    report("build", 6, total)
    return world


def _table(world: _World, name: str) -> pl.DataFrame | pl.LazyFrame:
    w, orgs = world, world.orgs["org_no"]
    if name == "companies":
        return w.orgs.sort("org_no")
    if name == "persons":
        known = w.encounters.person[w.encounters.person >= 0]
        return persons_frame(w.persons, w.ids, w.geo, foreign_kept(w.persons, known))
    if name == "roles":
        return roles_frame(w.roles, orgs, w.ids)
    if name == "workplaces":
        return workplaces_frame(w.sites, w.firms, orgs, w.base, w.geo, w.wids)
    if name == "payroll":
        ranks = _rank(np.where(w.persons.code > 0, w.persons.code, 10**13 + w.persons.foreign_no))
        return payroll_frame(w.payroll_rng, w.jobs, w.codes, w.persons, _rank(w.codes), ranks)
    if name == "permits":
        return permits_frame(w.jobs, orgs, w.ids)
    if name == "controls":
        return controls_frame(w.controls, w.wids)
    if name == "findings":
        return findings_frame(w.findings, w.controls.site.size)
    if name == "tips":
        return tips_frame(w.tips, w.wids, orgs)
    return encounters_frame(w.encounters, w.ids, w.controls.site.size)


def _rank(values: I64) -> I64:
    rank = np.empty(values.size, np.int64)
    rank[np.argsort(values, kind="stable")] = np.arange(values.size)
    return rank


def _count(path: Path, fmt: str) -> int:
    scan = pl.scan_parquet(path) if fmt == "parquet" else pl.scan_csv(path, infer_schema=False)
    return int(scan.select(pl.len()).collect().item())


def _write(world: _World, out: Path, truth: Path, fmt: str, report: Progress) -> WorldSummary:
    rows: dict[str, int] = {}
    for name in TABLES:  # no stale file of the other format may stay beside ours
        for stale in (out / f"{name}.csv", out / f"{name}.parquet"):
            stale.unlink(missing_ok=True)
    for name in TABLES:
        report(name, 0, 1)
        frame = _table(world, name)
        path = out / f"{name}.{fmt}"
        write(frame, path, fmt)
        rows[name] = frame.height if isinstance(frame, pl.DataFrame) else _count(path, fmt)
        del frame
        report(name, 1, 1)
    truth.parent.mkdir(parents=True, exist_ok=True)
    truth_frame(world.sites, world.firms, world.orgs["org_no"], world.wids).write_csv(truth)
    return WorldSummary(out=out, truth=truth, rows=rows)
