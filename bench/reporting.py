"""Reports and dashboards on a national-size database: the build time of an annual report
(tables, PDF, XLSX) and the dashboard's server time, with ≥ 15,000 controls a year.

    python bench/reporting.py [--per-year 15000] [--years 2024 2025] [--runs 25]

Builds a fresh SQLite database under bench/work/ with the data builder of
``bench/controls.py`` (centres, seasons, industries, agencies, findings, decisions, people
and indicators), then builds the annual report of the last year twice (the table hashes
must agree) and requests the dashboard (national and Stockholm) ``--runs`` times through
Django's test client. Writes bench/results/reporting-sqlite.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import platform
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from controls import RESULTS, WORK, build, setup_django


def report_build(year: int) -> dict[str, Any]:
    from akrim.core.actor import Actor, Purpose
    from akrim.reporting.build import build as build_report

    actor = Actor.system(purpose=Purpose.STATISTICS)
    cutoff = dt.date(year + 1, 1, 31)
    runs = []
    hashes = []
    for _ in range(2):
        started = time.perf_counter()
        built = build_report(actor=actor, kind="annual", period=str(year), cutoff=cutoff)
        tables = time.perf_counter()
        pdf = built.pdf()
        rendered = time.perf_counter()
        xlsx = built.xlsx()
        done = time.perf_counter()
        hashes.append(built.hashes)
        runs.append(
            {
                "tables_s": round(tables - started, 2),
                "pdf_s": round(rendered - tables, 2),
                "xlsx_s": round(done - rendered, 2),
                "total_s": round(done - started, 2),
                "pdf_bytes": len(pdf),
                "xlsx_bytes": len(xlsx),
                "controls": next(t for t in built.tables if t.name == "target").rows[0][1],
            }
        )
        print(f"  report build: {runs[-1]}", file=sys.stderr)
    if hashes[0] != hashes[1]:
        raise SystemExit("two builds of the same data gave different table hashes")
    return {"runs": runs, "identical_hashes": True}


def dashboard(runs: int, year: int) -> dict[str, Any]:
    from django.contrib.auth.models import User
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    coordinator = User.objects.get(username="av.stockholm.0")
    pages = {
        "dashboard_national": f"/en/reports/dashboard/?year={year}",
        "dashboard_centre": f"/en/reports/dashboard/?year={year}&centre=stockholm",
        "dashboard_two_years": f"/en/reports/dashboard/?from={year - 1}-01&to={year}-12",
    }
    results: dict[str, Any] = {}
    for name, url in pages.items():
        client = Client()
        client.force_login(coordinator)
        client.get(url)
        times, queries = [], []
        for _ in range(runs):
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                response = client.get(url)
                times.append((time.perf_counter() - started) * 1000)
            if response.status_code != 200:
                raise SystemExit(f"{name}: {url} answered {response.status_code}")
            queries.append(len(captured.captured_queries))
        times.sort()
        results[name] = {
            "url": url,
            "runs": runs,
            "median_ms": round(statistics.median(times), 1),
            "p95_ms": round(times[max(0, int(0.95 * len(times)) - 1)], 1),
            "max_queries": max(queries),
        }
        print(f"  {name:<20} {results[name]}", file=sys.stderr)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-year", type=int, default=15_000)
    parser.add_argument("--years", type=int, nargs="+", default=[2024, 2025])
    parser.add_argument("--runs", type=int, default=25)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    WORK.mkdir(parents=True, exist_ok=True)
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = WORK / "reporting.sqlite3"
    for suffix in ["", "-wal", "-shm"]:
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    setup_django(f"sqlite:///{path}")
    from django.conf import settings

    settings.ALLOWED_HOSTS = ["testserver", *settings.ALLOWED_HOSTS]
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    print(f"building {args.per_year} controls a year for {args.years}", file=sys.stderr)
    built = build(args.per_year, args.years, args.seed)
    print(f"built in {built['seconds']} s", file=sys.stderr)
    year = args.years[-1]
    result = {
        "machine": {"python": platform.python_version(), "cpus": __import__("os").cpu_count()},
        "engine": "sqlite",
        "per_year": args.per_year,
        "years": args.years,
        "data": built,
        "report": report_build(year),
        "dashboard": dashboard(args.runs, year),
    }
    out = RESULTS / "reporting-sqlite.json"
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(f"wrote {out}", file=sys.stderr)


if __name__ == "__main__":
    main()
