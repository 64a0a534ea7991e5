"""Import benchmarks: generate a world, import it (SQLite, PostgreSQL), compare with raw loads.

    python bench/run.py [--companies 3000 1200000] [--pg-url postgres://…] [--months 12]

For each size: time and peak memory of ``akrim demo-world``, of ``akrim import`` into a fresh
SQLite file and (with ``--pg-url``) a fresh PostgreSQL database, and of loading the same CSV
rows raw with DuckDB (``read_csv`` into tables) and PostgreSQL ``COPY``, for the ratio.
Each step runs in a child process so its peak RSS is measured alone. Writes
bench/results/import-<companies>.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
WORK = ROOT / "bench" / "work"
RESULTS = ROOT / "bench" / "results"
AKRIM = [sys.executable, "-m", "akrim.cli"]
RAW = ROOT / "bench" / "raw_load.py"
TABLES = [
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
]


MEASURE = (
    "import resource, subprocess, sys\n"
    "code = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL).returncode\n"
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
    "sys.exit(code)\n"
)


def run(cmd: list[str], env: dict[str, str] | None = None) -> dict[str, float]:
    """Run a child through a fresh wrapper; return wall seconds and the child's peak RSS."""
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", MEASURE, *cmd],
        check=True,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
    )
    seconds = time.perf_counter() - start
    peak_kib = int(done.stdout.strip().splitlines()[-1])
    return {"seconds": round(seconds, 2), "peak_rss_mib": round(peak_kib / 1024, 1)}


def rows_in(folder: Path) -> dict[str, int]:
    import polars as pl

    return {
        t: pl.scan_csv(folder / f"{t}.csv", infer_schema=False).select(pl.len()).collect().item()
        for t in TABLES
        if (folder / f"{t}.csv").exists()
    }


def fresh_pg(url: str, name: str) -> str:
    import psycopg

    with psycopg.connect(url, autocommit=True) as con:
        con.execute(f'DROP DATABASE IF EXISTS "{name}"')
        con.execute(f'CREATE DATABASE "{name}"')
    return url.rsplit("/", 1)[0] + "/" + name


def _generate(world: Path, companies: int, months: int) -> dict[str, float]:
    args = ["--out", str(world), "--companies", str(companies), "--months", str(months)]
    return run([*AKRIM, "demo-world", *args, "--seed", "1"])


def _ratios(out: dict[str, Any]) -> None:
    pairs = [
        ("import_sqlite", "raw_duckdb", "ratio_sqlite_to_duckdb_raw"),
        ("import_postgresql", "raw_pg_copy", "ratio_postgresql_to_copy_raw"),
    ]
    for key, raw, ratio in pairs:
        if key in out:
            out[key]["rows_per_second"] = round(out["rows_total"] / out[key]["seconds"])
            if raw in out:
                out[ratio] = round(out[key]["seconds"] / out[raw]["seconds"], 1)


def bench(companies: int, months: int, pg_url: str | None, backends: set[str]) -> None:
    """Run every step, writing the JSON after each one (a long run keeps what it measured)."""
    path = RESULTS / f"import-{companies}.json"
    world = WORK / f"world-{companies}"
    out: dict[str, Any] = {
        "companies": companies,
        "months": months,
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
    }

    def step(key: str, cmd: list[str], env: dict[str, str] | None = None) -> None:
        out[key] = run(cmd, env)
        _ratios(out)
        path.write_text(json.dumps(out, indent=2) + "\n")
        print(key, out[key], flush=True)

    if not (world / "companies.csv").exists():
        out["generate"] = _generate(world, companies, months)
    out["rows"] = rows_in(world)
    out["rows_total"] = sum(out["rows"].values())
    if "sqlite" in backends:
        duck = WORK / f"raw-{companies}.duckdb"
        duck.unlink(missing_ok=True)
        step("raw_duckdb", [sys.executable, str(RAW), "duckdb", str(world), str(duck)])
        sqlite = WORK / f"import-{companies}.sqlite3"
        for suffix in ["", "-wal", "-shm"]:
            Path(f"{sqlite}{suffix}").unlink(missing_ok=True)
        env = {"DATABASE_URL": str(sqlite), "AKRIM_VAR_DIR": str(WORK / "var")}
        run([*AKRIM, "migrate"], env)
        step("import_sqlite", [*AKRIM, "import", str(world), "--owner", "SKV"], env)
        step("reimport_sqlite", [*AKRIM, "import", str(world), "--owner", "SKV"], env)
    if pg_url and "postgresql" in backends:
        db = fresh_pg(pg_url, f"akrim_bench_{companies}")
        env = {"DATABASE_URL": db, "AKRIM_VAR_DIR": str(WORK / "var")}
        run([*AKRIM, "migrate"], env)
        step("raw_pg_copy", [sys.executable, str(RAW), "postgresql", str(world), db])
        step("import_postgresql", [*AKRIM, "import", str(world), "--owner", "SKV"], env)
        step("reimport_postgresql", [*AKRIM, "import", str(world), "--owner", "SKV"], env)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--companies", type=int, nargs="+", default=[3000])
    parser.add_argument("--months", type=int, default=12)
    parser.add_argument("--pg-url", default=os.environ.get("BENCH_POSTGRES_URL"))
    parser.add_argument(
        "--backends", nargs="+", default=["sqlite", "postgresql"], choices=["sqlite", "postgresql"]
    )
    args = parser.parse_args()
    WORK.mkdir(parents=True, exist_ok=True)
    RESULTS.mkdir(parents=True, exist_ok=True)
    for companies in args.companies:
        bench(companies, args.months, args.pg_url, set(args.backends))


if __name__ == "__main__":
    main()
