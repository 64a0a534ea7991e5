"""Targeting benchmarks (issue 5): how much more the ranking finds, and what it costs.

    python bench/targeting.py [--companies 3000 30000] [--seeds 1 2 3] [--national]
                              [--national-companies 1200000] [--months 12]
                              [--scale-only]

Precision: for each size and seed, a demo world (``generate_world(companies, seed)``,
12 months) is written under bench/work/ (reused when present). The model is trained on the
world's earlier controls only; the workplaces NOT controlled before are held out, and among
them the share of true violators (the generator's truth file, never seen by the engine) in
the top 1 % and top 5 % is measured for

- akrim: ``akrim targeting rank``'s ranking (indicators → model learned from the history,
  or prior weights when the history is thin);
- akrim, prior weights only (what the ranking would be without learning);
- random choice: the expected precision equals the base rate among the held-out workplaces;
- today's practice: the industry's finding rate at earlier controls (2-digit SNI division,
  the overall rate for divisions with fewer than 3 controls) plus a bonus for a tip in the
  last two years that names the workplace or its company (tipped workplaces first), ties
  broken at random;
- the oracle: every pick a true violator while there are any.

Scale: the scoring pipeline (read and validate the extract, compute the indicators, train,
score, write the CSV) runs in a child process, timed per stage, with its peak RSS: once as
``akrim targeting rank`` reads (``read_for_scoring``: checks in blocks, only the columns
scoring reads), once holding the whole validated extract (``read_extract``, as before) for
comparison, and the command itself (``rank_command``: wall time and peak RSS only).
``--national`` does the same on a 1.2-million-company world (generated under bench/work/
when missing: about a minute or two and 4 GiB) beside a plain DuckDB scan of the same CSV
files, then measures its precision too (the parent then holds the extract: about 8 GiB).

``--months 47`` generates worlds with 47 months of payroll (about 90 million payroll rows
for 1.2 M companies, the issue's national size); ``--scale-only`` measures only the rank
pipeline, the command and the DuckDB scan (neither the whole-extract comparison nor the
precision, which hold the whole extract: more memory than the machine has at that size).

Writes bench/results/targeting-<companies>[-<months>m].json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

ROOT = Path(__file__).resolve().parents[1]
WORK = ROOT / "bench" / "work"
RESULTS = ROOT / "bench" / "results"
SHARES = (0.01, 0.05)
PRACTICE_MIN_CONTROLS = 3
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
    "done = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n"
    "sys.stderr.write(done.stderr)\n"
    "print(done.stdout.strip())\n"
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
    "sys.exit(done.returncode)\n"
)


def measured(cmd: list[str]) -> dict[str, Any]:
    """Run ``cmd`` in a child; its wall seconds, peak RSS and the JSON it printed last."""
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", MEASURE, *cmd], check=True, capture_output=True, text=True
    )
    seconds = time.perf_counter() - start
    lines = done.stdout.strip().splitlines()
    result: dict[str, Any] = {
        "seconds": round(seconds, 2),
        "peak_rss_mib": round(int(lines[-1]) / 1024, 1),
    }
    if len(lines) > 1 and lines[-2].startswith("{"):
        result.update(json.loads(lines[-2]))
    return result


# --- Worlds -------------------------------------------------------------------------------------


MONTHS = 12  # months of payroll in the generated worlds (--months)


def world_path(companies: int, seed: int) -> Path:
    """The same folder bench/run.py uses for seed 1, so both benches share the files."""
    name = f"world-{companies}" if seed == 1 else f"world-{companies}-seed{seed}"
    return WORK / (name if MONTHS == 12 else f"{name}-{MONTHS}m")


def ensure_world(companies: int, seed: int) -> tuple[Path, Path, dict[str, Any] | None]:
    folder = world_path(companies, seed)
    truth = folder.parent / f"{folder.name}.truth.csv"
    if (folder / "companies.csv").exists() and truth.exists():
        return folder, truth, None
    args = ["--out", str(folder), "--companies", str(companies), "--seed", str(seed)]
    args += ["--months", str(MONTHS)]
    generated = measured([sys.executable, "-m", "akrim.cli", "demo-world", *args])
    return folder, truth, generated


# --- Precision ----------------------------------------------------------------------------------


def share_true(flags: pl.Series) -> float:
    """Share of true values (0 for an empty series)."""
    return int(flags.sum()) / flags.len() if flags.len() else 0.0


def _practice(frames: dict[str, pl.DataFrame], held_out: pl.DataFrame, seed: int) -> pl.DataFrame:
    """Today's practice as a score per held-out workplace: industry finding rate + tip bonus."""
    from akrim.engines.scoring.indicators import reference_date_of

    ref = reference_date_of(frames)
    found = frames["findings"].select("control_id").unique().with_columns(found=pl.lit(True))
    controls = (
        frames["controls"]
        .filter(pl.col("date") <= ref)
        .join(found, on="control_id", how="left")
        .join(frames["workplaces"].select("workplace_id", "sni"), on="workplace_id")
        .with_columns(pl.col("found").fill_null(False), division=pl.col("sni").str.slice(0, 2))
    )
    overall = share_true(controls["found"])
    rates = controls.group_by("division").agg(n=pl.len(), rate=pl.col("found").mean())
    since = ref - dt.timedelta(days=731)
    tips = frames["tips"].filter(pl.col("received_on").is_between(since, ref))
    tipped_sites = tips.drop_nulls("workplace_id").select("workplace_id").unique()
    tipped_orgs = tips.drop_nulls("org_no").select("org_no").unique()
    rng = np.random.default_rng(seed)
    frame = (
        held_out.select("workplace_id", "org_no", division=pl.col("sni").str.slice(0, 2))
        .join(rates, on="division", how="left")
        .with_columns(
            rate=pl.when(pl.col("n") >= PRACTICE_MIN_CONTROLS)
            .then(pl.col("rate"))
            .otherwise(overall),
            tipped=pl.col("workplace_id").is_in(tipped_sites["workplace_id"].implode())
            | pl.col("org_no").is_in(tipped_orgs["org_no"].implode()),
        )
    )
    jitter = pl.Series(rng.random(frame.height) * 1e-6)
    return frame.select(
        "workplace_id", (pl.col("rate") + pl.col("tipped").cast(pl.Float64) + jitter).alias("score")
    )


def _top(ranked: pl.DataFrame, truth: pl.DataFrame, share: float) -> float:
    k = max(1, round(share * ranked.height))
    top = ranked.sort(["score", "workplace_id"], descending=[True, False]).head(k)
    return share_true(top.join(truth, on="workplace_id")["violation"])


def precision(folder: Path, truth_path: Path, seed: int) -> dict[str, Any]:
    from akrim.engines.exchange import read_extract
    from akrim.engines.scoring import compute_features, score, train
    from akrim.engines.scoring.model import PRIOR_WEIGHTS, Model

    frames = read_extract(folder).tables
    features = compute_features(frames)
    model = train(features, seed=seed)
    priors = Model.from_json(
        model.to_json() | {"weights": dict(PRIOR_WEIGHTS), "calibration": [[0, 0], [1, 1]]}
    )
    truth = pl.read_csv(truth_path, schema_overrides={"org_no": pl.String}).select(
        "workplace_id", "violation"
    )
    held_out = features.filter(~pl.col("controlled_before"))
    base = share_true(held_out.join(truth, on="workplace_id")["violation"])
    violators = int(held_out.join(truth, on="workplace_id")["violation"].sum())
    rankings = {
        "akrim": score(model, held_out).select("workplace_id", "score"),
        "akrim_prior_weights": score(priors, held_out).select("workplace_id", "score"),
        "practice": _practice(frames, held_out, seed),
    }
    out: dict[str, Any] = {
        "seed": seed,
        "workplaces": features.height,
        "held_out": held_out.height,
        "violators_held_out": violators,
        "base_rate": round(base, 4),
        "history": {
            "controlled": model.trained_on,
            "found": model.positives,
            "fallback": model.fallback,
        },
        "validation": {k: round(v, 4) for k, v in model.validation.items()},
    }
    for share in SHARES:
        k = max(1, round(share * held_out.height))
        figures = {name: _top(r, truth, share) for name, r in rankings.items()}
        figures["random"] = base
        figures["oracle"] = min(1.0, violators / k)
        out[f"top_{round(share * 100)}pct"] = {
            "k": k,
            **{name: round(value, 4) for name, value in figures.items()},
            "akrim_over_random": round(figures["akrim"] / base, 1) if base else None,
            "akrim_over_practice": (
                round(figures["akrim"] / figures["practice"], 1) if figures["practice"] else None
            ),
            "akrim_over_oracle": round(figures["akrim"] / figures["oracle"], 2),
        }
    return out


def _mean(runs: list[dict[str, Any]]) -> dict[str, Any]:
    summary: dict[str, Any] = {}
    for share in SHARES:
        key = f"top_{round(share * 100)}pct"
        names = ["akrim", "akrim_prior_weights", "practice", "random", "oracle"]
        means = {name: float(np.mean([run[key][name] for run in runs])) for name in names}
        summary[key] = {name: round(value, 4) for name, value in means.items()} | {
            "akrim_over_random": round(means["akrim"] / means["random"], 1),
            "akrim_over_practice": round(means["akrim"] / means["practice"], 1),
        }
    return summary


# --- Scale --------------------------------------------------------------------------------------


def child_score(folder: Path, out: Path, *, whole: bool = False) -> None:
    """The rank command's work, stage by stage (no Django); prints the stage times as JSON.

    ``whole``: read with ``read_extract`` (the whole validated extract held, as the command
    did before ``read_for_scoring``), for comparison."""
    from akrim.engines.exchange import read_extract
    from akrim.engines.scoring import compute_features, model_card, score, train
    from akrim.engines.scoring.extract import read_for_scoring

    times: dict[str, float] = {}
    start = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal start
        now = time.perf_counter()
        times[name] = round(now - start, 2)
        start = now

    extract = read_extract(folder) if whole else read_for_scoring(folder)
    lap("read_validate")
    rows = dict(extract.rows)
    features = compute_features(extract.tables)
    del extract
    lap("indicators")
    model = train(features)
    lap("train")
    ranked = score(model, features)
    lap("score")
    ranked.select("workplace_id", "score", "reasons").write_csv(out, float_precision=6)
    card = out.parent / (out.name.removesuffix(".csv") + ".model-card.md")
    card.write_text(model_card(model, features, source=str(folder)), encoding="utf-8")
    lap("write")
    print(json.dumps({"stages": times, "rows": rows, "workplaces_scored": ranked.height}))


def child_duckdb(folder: Path) -> None:
    """A plain DuckDB scan: read every CSV file of the extract in full, all columns as text
    (``max`` of every column keeps DuckDB from skipping any; sniffed types fail on the
    national files, e.g. person ids that start with X after millions of digits-only ids)."""
    import duckdb

    con = duckdb.connect()
    rows = {}
    for table in TABLES:
        path = folder / f"{table}.csv"
        if path.exists():
            query = "SELECT count(*), max(COLUMNS(*)) FROM read_csv(?, all_varchar=true)"
            row = con.execute(query, [str(path)]).fetchone()
            rows[table] = int(row[0]) if row else 0
    print(json.dumps({"rows": rows}))


def scale(folder: Path, companies: int, with_duckdb: bool, *, whole: bool = True) -> dict[str, Any]:
    out = WORK / f"targeting-{folder.name.removeprefix('world-')}.csv"
    here = str(Path(__file__).resolve())
    result: dict[str, Any] = {
        "scoring": measured([sys.executable, here, "--child-score", str(folder), str(out)])
    }
    if whole:
        held = out.with_name(out.stem + "-whole.csv")
        result["scoring_whole_extract"] = measured(
            [sys.executable, here, "--child-score-whole", str(folder), str(held)]
        )
        result["same_ranking_as_whole_extract"] = out.read_bytes() == held.read_bytes()
    command = out.with_name(out.stem + "-command.csv")
    result["rank_command"] = measured(
        [sys.executable, "-m", "akrim.cli", "targeting", "rank", "--data", str(folder),
         "--out", str(command)]
    )  # fmt: skip
    if with_duckdb:
        result["duckdb_scan"] = measured([sys.executable, here, "--child-duckdb", str(folder)])
        result["ratio_scoring_to_duckdb_scan"] = round(
            result["scoring"]["seconds"] / result["duckdb_scan"]["seconds"], 1
        )
    return result


# --- Main ---------------------------------------------------------------------------------------


def bench_size(
    companies: int, seeds: list[int], *, national: bool = False, scale_only: bool = False
) -> dict[str, Any]:
    suffix = "" if MONTHS == 12 else f"-{MONTHS}m"
    path = RESULTS / f"targeting-{companies}{suffix}.json"
    out: dict[str, Any] = {
        "companies": companies,
        "months": MONTHS,
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "date": dt.date.today().isoformat(),
    }
    runs = []
    for seed in seeds if not national else [1]:
        folder, truth, generated = ensure_world(companies, seed)
        if generated:
            out.setdefault("generate", {})[str(seed)] = generated
        if seed == seeds[0] or national:
            out["scale"] = scale(folder, companies, with_duckdb=national, whole=not scale_only)
            path.write_text(json.dumps(out, indent=2) + "\n")
            print("scale", json.dumps(out["scale"]), flush=True)
        if scale_only:
            break
        runs.append(precision(folder, truth, seed))
        print("precision", json.dumps(runs[-1]), flush=True)
        out["precision"] = runs
        if len(runs) > 1:
            out["precision_mean"] = _mean(runs)
        path.write_text(json.dumps(out, indent=2) + "\n")
    return out


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] in ("--child-score", "--child-score-whole"):
        child_score(Path(sys.argv[2]), Path(sys.argv[3]), whole=sys.argv[1].endswith("whole"))
        return
    if len(sys.argv) > 1 and sys.argv[1] == "--child-duckdb":
        child_duckdb(Path(sys.argv[2]))
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--companies", type=int, nargs="*", default=[3000, 30000])
    parser.add_argument("--seeds", type=int, nargs="+", default=[1])
    parser.add_argument("--national", action="store_true", help="also the 1.2 M world")
    parser.add_argument("--national-companies", type=int, default=1_200_000)
    parser.add_argument("--months", type=int, default=12, help="months of payroll generated")
    parser.add_argument("--scale-only", action="store_true", help="no precision, no whole read")
    args = parser.parse_args()
    global MONTHS
    MONTHS = args.months
    WORK.mkdir(parents=True, exist_ok=True)
    RESULTS.mkdir(parents=True, exist_ok=True)
    for companies in args.companies:
        bench_size(companies, args.seeds, scale_only=args.scale_only)
    if args.national:
        bench_size(args.national_companies, [1], national=True, scale_only=args.scale_only)


if __name__ == "__main__":
    main()
