"""Joint-control pages on a national-size database: the centre calendar, the control page
and the statistics page, with ≥ 15,000 controls a year for three years.

    python bench/controls.py [--per-year 15000] [--years 2023 2024 2025] [--runs 25]
                             [--pg-url postgres://…]

Builds a fresh database (SQLite under bench/work/, or a new PostgreSQL database on the
server of ``--pg-url``) with a synthetic history of controls — centres weighted like the
real ones, seasons, industries, 2–5 agencies, teams, findings in about one control in
five, decisions, people met and indicators — then requests each page through Django's
test client (the whole server side: middleware, views, queries, templates) and records
the median and 95th percentile of the server time and the number of SQL queries.
Writes bench/results/controls-<engine>.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
WORK = ROOT / "bench" / "work"
RESULTS = ROOT / "bench" / "results"

# Share of controls per centre (Stockholm and Väst largest), per month (summer and the
# run-up to Christmas busiest), and per SNI section (construction and restaurants first).
CENTRE_WEIGHTS = {
    "stockholm": 26,
    "vast": 17,
    "syd": 16,
    "ost": 11,
    "mitt": 11,
    "bergslagen": 9,
    "nord": 10,
}
MONTH_WEIGHTS = [6, 7, 8, 9, 10, 10, 7, 8, 10, 10, 9, 6]
INDUSTRY_WEIGHTS = {"F": 34, "I": 22, "G": 10, "H": 8, "N": 10, "S": 8, "A": 4, "Q": 2, "C": 2}
AGENCIES = ["AV", "POL", "SKV", "MV", "FK", "AF", "JAMY", "EBM", "AM"]
FINDINGS = {
    "SKV": ["SKV_LEDGER_MISSING", "SKV_LEDGER_INCOMPLETE", "SKV_UNDECLARED_PAY"],
    "POL": ["POL_NO_WORK_RIGHT", "POL_CRIME_REPORT"],
    "AV": ["AV_ORDER", "AV_PROHIBITION", "AV_SANCTION_FEE"],
    "MV": ["MV_PERMIT_CONDITIONS"],
    "FK": ["FK_BENEFIT_ERROR"],
    "AF": ["AF_SUBSIDY_ERROR"],
    "JAMY": ["JAMY_EXPLOITATION_INDICATORS"],
    "EBM": ["EBM_INVESTIGATION"],
    "AM": ["AM_PROSECUTION"],
}
DECISION_OF = {
    "SKV_LEDGER_MISSING": ("control_fee", 12_500),
    "SKV_LEDGER_INCOMPLETE": ("control_fee", 12_500),
    "AV_ORDER": ("order", None),
    "AV_PROHIBITION": ("prohibition", None),
    "AV_SANCTION_FEE": ("sanction_fee", 50_000),
    "POL_CRIME_REPORT": ("crime_report", None),
    "POL_NO_WORK_RIGHT": ("crime_report", None),
    "FK_BENEFIT_ERROR": ("benefit_reclaim", 40_000),
    "AF_SUBSIDY_ERROR": ("subsidy_reclaim", 60_000),
    "MV_PERMIT_CONDITIONS": ("permit_revocation", None),
    "JAMY_EXPLOITATION_INDICATORS": ("victim_support", None),
}
INDICATORS = [
    "abuse_of_vulnerability",
    "deception",
    "withholding_of_wages",
    "excessive_overtime",
    "retention_of_documents",
    "abusive_conditions",
]


def setup_django(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("AKRIM_VAR_DIR", str(WORK / "var"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "akrim.config.settings")
    import django

    django.setup()


def build(per_year: int, years: list[int], seed: int) -> dict[str, Any]:
    """Fill the empty database; returns row counts and seconds."""
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from django.db import transaction
    from django.utils import timezone

    from akrim.controls.models import (
        Control,
        ControlWorkplace,
        Decision,
        Finding,
        Participation,
        PersonIndicator,
        PersonMet,
        Status,
        TeamMember,
    )
    from akrim.core.actor import Actor
    from akrim.organisation.models import Agency, Centre
    from akrim.organisation.services import create_staff

    started = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    rng = random.Random(seed)
    agencies = {a.code: a for a in Agency.objects.all()}
    centres = {c.code: c for c in Centre.objects.all()}
    system = Actor.system()
    staff: dict[tuple[str, str], list[int]] = {}
    for centre in centres.values():
        for code in ["AV", "POL", "SKV"]:
            for i in range(12):
                name = f"{code.lower()}.{centre.code}.{i}"
                made = create_staff(
                    actor=system,
                    username=name,
                    password=f"Bench-{seed}-not-for-login-{i}",
                    agency=code,
                    centres=[centre.name],
                    roles=["inspector"] if i else ["coordinator"],
                )
                staff.setdefault((centre.code, code), []).append(made.user_id)
    for user in User.objects.filter(username__contains="."):
        user.set_unusable_password()  # nobody logs in (force_login)
        user.save(update_fields=["password"])

    zone = timezone.get_current_timezone()
    today = timezone.localdate()
    counts = dict.fromkeys(
        ["controls", "participations", "team", "findings", "decisions", "people", "indicators"], 0
    )
    centre_codes = list(CENTRE_WEIGHTS)
    industries = list(INDUSTRY_WEIGHTS)
    for year in years:
        for first in range(0, per_year, 5000):
            batch = min(5000, per_year - first)
            with transaction.atomic():
                controls = []
                for _ in range(batch):
                    month = rng.choices(range(1, 13), MONTH_WEIGHTS)[0]
                    day = dt.date(year, month, rng.randint(1, 28))
                    starts = dt.datetime.combine(day, dt.time(rng.choice([7, 8, 9, 13, 18])), zone)
                    past = day < today
                    controls.append(
                        Control(
                            centre=centres[
                                rng.choices(centre_codes, list(CENTRE_WEIGHTS.values()))[0]
                            ],
                            lead_agency=agencies["AV"],
                            starts_at=starts,
                            ends_at=starts + dt.timedelta(hours=rng.choice([2, 3, 4])),
                            purpose="Joint control (benchmark).",
                            status=Status.CLOSED if past else Status.PLANNED,
                            industry=rng.choices(industries, list(INDUSTRY_WEIGHTS.values()))[0],
                        )
                    )
                Control.objects.bulk_create(controls, batch_size=1000)
                controls = list(
                    Control.objects.filter(purpose="Joint control (benchmark).")
                    .order_by("-pk")[:batch]
                    .select_related("centre")
                )
                places, parts, team, findings, decisions, people = [], [], [], [], [], []
                for control in controls:
                    places.append(
                        ControlWorkplace(control=control, workplace_id=f"W{rng.randrange(10**8)}")
                    )
                    taking_part = ["AV", "POL", "SKV"][: rng.randint(2, 3)] + rng.sample(
                        AGENCIES[3:], rng.randint(0, 2)
                    )
                    closed = control.status == Status.CLOSED
                    for code in taking_part:
                        parts.append(
                            Participation(
                                control=control,
                                agency=agencies[code],
                                status="closed" if closed else "open",
                                closed_at=control.ends_at if closed else None,
                            )
                        )
                        pool = staff.get((control.centre.code, code))
                        if pool:
                            for user_id in rng.sample(pool[1:], rng.randint(1, 2)):
                                team.append(
                                    TeamMember(
                                        control=control, user_id=user_id, agency=agencies[code]
                                    )
                                )
                    if closed and rng.random() < 0.2:
                        for code in rng.sample(taking_part, rng.randint(1, len(taking_part))):
                            finding = rng.choice(FINDINGS[code])
                            amount = DECISION_OF.get(finding, (None, None))[1]
                            findings.append(
                                Finding(
                                    control=control,
                                    owner=agencies[code],
                                    code=finding,
                                    amount_sek=amount,
                                )
                            )
                            if finding in DECISION_OF:
                                kind, amount = DECISION_OF[finding]
                                decisions.append(
                                    Decision(
                                        control=control,
                                        owner=agencies[code],
                                        kind=kind,
                                        amount_sek=amount,
                                        decided_on=timezone.localdate(control.starts_at)
                                        + dt.timedelta(days=rng.randint(1, 60)),
                                        status=rng.choice(["decided", "paid", "upheld"]),
                                    )
                                )
                    if closed:
                        for _ in range(rng.randint(0, 6)):
                            people.append(
                                PersonMet(
                                    control=control,
                                    owner=agencies["POL"],
                                    name_as_written="Synthetic Person",
                                    stated_nationality=rng.choice(["SE", "PL", "RO", "UA", "TH"]),
                                )
                            )
                ControlWorkplace.objects.bulk_create(places, batch_size=2000)
                Participation.objects.bulk_create(parts, batch_size=2000)
                TeamMember.objects.bulk_create(team, batch_size=2000)
                Finding.objects.bulk_create(findings, batch_size=2000)
                Decision.objects.bulk_create(decisions, batch_size=2000)
                PersonMet.objects.bulk_create(people, batch_size=2000)
                indicators = [
                    PersonIndicator(
                        person=p,
                        control_id=p.control_id,
                        owner_id=p.owner_id,
                        indicator=rng.choice(INDICATORS),
                    )
                    for p in PersonMet.objects.filter(control__in=controls)
                    if rng.random() < 0.05
                ]
                PersonIndicator.objects.bulk_create(indicators, batch_size=2000)
                added = {
                    "controls": len(controls),
                    "participations": len(parts),
                    "team": len(team),
                    "findings": len(findings),
                    "decisions": len(decisions),
                    "people": len(people),
                    "indicators": len(indicators),
                }
                for key, n in added.items():
                    counts[key] += n
        print(f"  {year}: {per_year} controls", file=sys.stderr)
    from django.db import connection

    with connection.cursor() as cursor:  # fresh statistics, as autovacuum would leave them
        cursor.execute("ANALYZE")
    return {"rows": counts, "seconds": round(time.perf_counter() - started, 1)}


def measure(runs: int, years: list[int]) -> dict[str, Any]:
    """Median and p95 server time and query counts of each page, over ``runs`` requests."""
    from django.contrib.auth.models import User
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from akrim.controls.models import Control

    coordinator = User.objects.get(username="av.stockholm.0")
    inspector = User.objects.get(username="skv.stockholm.1")
    year = years[-1]
    busiest = Control.objects.filter(centre__code="stockholm", starts_at__year=year)
    sample = list(busiest.order_by("?").values_list("pk", flat=True)[:runs])
    pages: dict[str, Callable[[int], str]] = {
        "calendar_month": lambda i: (
            f"/en/controls/calendar/?centre=stockholm&view=month&date={year}-05-15"
        ),
        "calendar_week": lambda i: (
            f"/en/controls/calendar/?centre=stockholm&view=week&date={year}-05-15"
        ),
        "control_page": lambda i: f"/en/controls/{sample[i % len(sample)]}/",
        "statistics_national": lambda i: f"/en/controls/stats/?year={year}",
        "statistics_centre": lambda i: f"/en/controls/stats/?year={year}&centre=stockholm",
        "control_list": lambda i: "/en/controls/?status=planned",
    }
    results: dict[str, Any] = {}
    for name, url in pages.items():
        client = Client()
        client.force_login(coordinator if name != "control_page" else inspector)
        client.get(url(0))  # warm caches (templates, reference data)
        times, queries = [], []
        for i in range(runs):
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                response = client.get(url(i))
                times.append((time.perf_counter() - started) * 1000)
            if response.status_code != 200:
                raise SystemExit(f"{name}: {url(i)} answered {response.status_code}")
            queries.append(len(captured.captured_queries))
        times.sort()
        results[name] = {
            "url": url(0),
            "runs": runs,
            "median_ms": round(statistics.median(times), 1),
            "p95_ms": round(times[max(0, int(0.95 * len(times)) - 1)], 1),
            "max_queries": max(queries),
            "bytes": len(response.content),
        }
        print(f"  {name:<20} {results[name]}", file=sys.stderr)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-year", type=int, default=15_000)
    parser.add_argument("--years", type=int, nargs="+", default=[2023, 2024, 2025])
    parser.add_argument("--runs", type=int, default=25)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--pg-url", default="")
    args = parser.parse_args()
    WORK.mkdir(parents=True, exist_ok=True)
    RESULTS.mkdir(parents=True, exist_ok=True)
    if args.pg_url:
        import psycopg

        name = "akrim_bench_controls"
        with psycopg.connect(args.pg_url, autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {name}")
            admin.execute(f"CREATE DATABASE {name}")
        url, engine = args.pg_url.rsplit("/", 1)[0] + f"/{name}", "postgresql"
    else:
        path = WORK / "controls.sqlite3"
        for suffix in ["", "-wal", "-shm"]:
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        url, engine = f"sqlite:///{path}", "sqlite"
    setup_django(url)
    from django.conf import settings

    settings.ALLOWED_HOSTS = ["testserver", *settings.ALLOWED_HOSTS]
    # the bench's staff never log in (force_login); a fast hasher saves minutes of set-up
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    print(f"building {args.per_year} controls a year for {args.years} on {engine}", file=sys.stderr)
    built = build(args.per_year, args.years, args.seed)
    print(f"built in {built['seconds']} s: {built['rows']}", file=sys.stderr)
    pages = measure(args.runs, args.years)
    out = RESULTS / f"controls-{engine}.json"
    out.write_text(
        json.dumps(
            {
                "engine": engine,
                "per_year": args.per_year,
                "years": args.years,
                "build": built,
                "pages": pages,
                "machine": {"python": platform.python_version(), "cpus": os.cpu_count()},
                "measured_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            },
            indent=2,
        )
        + "\n"
    )
    print(f"wrote {out}", file=sys.stderr)


if __name__ == "__main__":
    main()
