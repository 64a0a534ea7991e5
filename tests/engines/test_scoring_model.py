"""The scoring model: learning, fallback, calibration, contributions, reasons, and planted
phoenix and straw-man firms found at the top of a synthetic world."""

from __future__ import annotations

import itertools
import json
import math
import shutil
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from akrim.engines.exchange import read_extract
from akrim.engines.scoring import compute_features, model_card, score, train
from akrim.engines.scoring.indicators import BY_CODE, EXCLUDED_COLUMNS, INDICATOR_CODES
from akrim.engines.scoring.model import (
    MIN_ROWS,
    NO_HISTORY_RATE,
    PRIOR_WEIGHTS,
    Model,
)
from tests.engines.test_scoring_indicators import TinyExtract, months


def synthetic(rows: int, *, seed: int = 0, controlled: int | None = None) -> pl.DataFrame:
    """Features where a tip makes a finding far likelier and low pay says nothing; the first
    ``controlled`` rows (all by default) were controlled before."""
    rng = np.random.default_rng(seed)
    frame = {code: np.zeros(rows) for code in INDICATOR_CODES}
    frame["tips"] = (rng.random(rows) < 0.5).astype(float)
    frame["low_pay"] = (rng.random(rows) < 0.5).astype(float)
    chance = np.where(frame["tips"] > 0, 0.8, 0.2)
    return pl.DataFrame(
        {
            "workplace_id": [f"W{i:05d}" for i in range(rows)],
            "org_no": ["5560000000"] * rows,
            "municipality": ["0180"] * rows,
            "sni": ["56100"] * rows,
            "opening_hours": ["24/7"] * rows,
            **frame,
            "controlled_before": np.arange(rows) < (rows if controlled is None else controlled),
            "found_before": rng.random(rows) < chance,
        }
    )


# --- Learning and fallback ------------------------------------------------------------------------


def test_learns_a_larger_weight_for_an_indicator_that_predicts_findings() -> None:
    model = train(synthetic(600))

    assert not model.fallback
    assert model.trained_on == 600
    true_log_odds = math.log(0.8 / 0.2) - math.log(0.2 / 0.8)  # 2.77
    assert model.weights["tips"] > PRIOR_WEIGHTS["tips"]
    assert model.weights["tips"] == pytest.approx(true_log_odds, abs=0.6)
    assert model.weights["low_pay"] < PRIOR_WEIGHTS["low_pay"] / 2  # no signal: pulled down
    assert all(weight >= 0 for weight in model.weights.values())
    # indicators that never vary in the history keep their prior weight
    assert model.weights["phoenix"] == pytest.approx(PRIOR_WEIGHTS["phoenix"], abs=1e-3)
    assert model.validation["auc"] > 0.65


def test_falls_back_to_the_prior_weights_when_history_is_thin() -> None:
    features = synthetic(200, controlled=MIN_ROWS - 10, seed=3)
    model = train(features)

    assert model.fallback
    assert model.trained_on == MIN_ROWS - 10
    assert model.weights == PRIOR_WEIGHTS
    assert model.calibration == [(0.0, 0.0), (1.0, 1.0)]
    # the intercept makes the mean chance over the history match its finding rate
    history = features.filter("controlled_before")
    scored = score(model, history)
    observed = (int(history["found_before"].sum()) + 0.5) / (history.height + 1)
    assert scored["score"].mean() == pytest.approx(observed, abs=1e-6)


def test_without_any_history_a_workplace_without_signals_gets_the_national_rate() -> None:
    features = synthetic(50, controlled=0)
    model = train(features)

    assert model.fallback
    assert model.trained_on == 0
    quiet = features.with_columns(pl.lit(0.0).alias(code) for code in INDICATOR_CODES)
    assert score(model, quiet)["score"].to_list() == pytest.approx([NO_HISTORY_RATE] * 50)


def test_calibration_is_monotone_and_within_zero_and_one() -> None:
    model = train(synthetic(800, seed=5))
    raw = [point[0] for point in model.calibration]
    calibrated = [point[1] for point in model.calibration]

    assert raw == sorted(raw)
    assert raw[0] == 0.0
    assert raw[-1] == 1.0
    assert all(b >= a for a, b in itertools.pairwise(calibrated))
    assert all(0.0 <= value <= 1.0 for value in calibrated)
    spread = synthetic(500, seed=6).with_columns(
        pl.Series("tips", np.linspace(0, 5, 500)), pl.Series("low_pay", np.linspace(0, 2, 500))
    )
    scores = score(model, spread).sort("workplace_id")["score"].to_numpy()
    assert np.all(np.diff(scores) >= -1e-12)
    assert scores.min() >= 0.0
    assert scores.max() <= 1.0


def test_model_round_trips_through_json() -> None:
    model = train(synthetic(300, seed=2))
    again = Model.from_json(json.loads(json.dumps(model.to_json())))

    assert again == model


def test_only_the_documented_indicators_reach_the_model() -> None:
    features = synthetic(300, seed=4).with_columns(
        citizenship=pl.lit(1.0), age=pl.lit(40.0), gender=pl.lit(1.0)
    )
    model = train(features)

    assert model.indicators == INDICATOR_CODES
    assert set(model.weights) == set(INDICATOR_CODES)
    assert not set(model.indicators) & EXCLUDED_COLUMNS
    scored = score(model, features)
    assert [c for c in scored.columns if c.startswith("contrib_")] == [
        f"contrib_{code}" for code in INDICATOR_CODES
    ]


# --- Scores, contributions and reasons ------------------------------------------------------------


def test_score_is_the_calibrated_sum_of_the_kept_contributions() -> None:
    features = synthetic(400, seed=8)
    model = train(features)
    scored = score(model, features).join(features, on="workplace_id")

    for row in scored.head(5).iter_rows(named=True):
        parts = {
            code: model.weights[code] * row[code] / model.scale[code] for code in INDICATOR_CODES
        }
        for code, part in parts.items():
            assert row[f"contrib_{code}"] == pytest.approx(part)
        raw = 1 / (1 + math.exp(-(model.intercept + sum(parts.values()))))
        assert row["score"] == pytest.approx(float(model.calibrate(np.array([raw]))[0]))


def test_scores_sorted_highest_first_ties_by_workplace_and_reasons_in_plain_words() -> None:
    features = synthetic(40, seed=9, controlled=0).with_columns(
        tips=pl.Series([2.0, 2.0] + [0.0] * 38),
        phoenix=pl.Series([1.0, 1.0] + [0.0] * 38),
        low_pay=pl.Series([0.0, 0.0, 1.0] + [0.0] * 37),
    )
    scored = score(train(features), features)

    assert scored["score"].to_list() == sorted(scored["score"].to_list(), reverse=True)
    assert scored["workplace_id"].head(3).to_list() == ["W00000", "W00001", "W00002"]
    # phoenix 2.5 > tips 2 × 0.8 = 1.6; the industry history is empty (no controls)
    assert scored["reasons"][0] == f"{BY_CODE['phoenix'].reason_en}; {BY_CODE['tips'].reason_en}"
    assert scored["reasons"][2] == BY_CODE["low_pay"].reason_en
    assert scored["reasons"][-1] == ""


# --- Planted firms in a synthetic world ---------------------------------------------------------

WORLD_MONTHS = months(8, 10, 2026)  # the small world's payroll: August–October 2026


def plant(folder: Path) -> tuple[str, list[str]]:
    """Append a phoenix firm and eight firms fronted by one straw man to the world."""
    x = TinyExtract()
    boss, straw = x.people(2)
    staff = x.people(3)
    old = x.company(bankrupt="2026-03-01", registered="2019-05-01", address="Bryggargatan 7")
    x.role(old, boss, "chair", since="2019-05-01", until="2026-03-01")
    for person in staff:
        x.pay(old, person, months(1, 2, 2026), 27_000)
    new = x.company(registered="2026-03-20", address="Bryggargatan 7")
    x.role(new, boss, "board", since="2026-03-20")
    for person in staff:
        x.pay(new, person, WORLD_MONTHS, 27_000)
    phoenix = x.workplace(new, hours="Mo-Su 11:00-22:00", ledger=True)
    fronted = []
    for k in range(8):
        org = x.company(sni="43390", registered="2025-11-01", address=f"Lådvägen {k + 1}")
        x.role(org, straw, "chair", since="2025-11-01")
        for person in x.people(2):
            x.pay(org, person, WORLD_MONTHS, 33_000)
        fronted.append(x.workplace(org, sni="43390", hours="Mo-Fr 07:00-16:00", ledger=True))
    x.write(folder)
    return phoenix, fronted


def test_a_planted_phoenix_firm_and_a_planted_straw_man_are_ranked_at_the_top(
    small_world: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "world"
    shutil.copytree(small_world, folder)
    phoenix, fronted = plant(folder)
    features = compute_features(read_extract(folder).tables)
    ranked = score(train(features), features).with_row_index("rank", offset=1)
    rank = dict(zip(ranked["workplace_id"], ranked["rank"], strict=True))
    reasons = dict(zip(ranked["workplace_id"], ranked["reasons"], strict=True))

    truth = pl.read_csv(small_world.parent / f"{small_world.name}.truth.csv")
    honest = truth.filter(~pl.col("violation"))["workplace_id"]
    first_honest = min(rank[site] for site in honest if site in rank)

    assert rank[phoenix] <= 0.05 * ranked.height, ranked.head(10)
    assert rank[phoenix] < first_honest
    assert reasons[phoenix].startswith(BY_CODE["phoenix"].reason_en)
    assert max(rank[site] for site in fronted) < first_honest, ranked.head(first_honest)
    for site in fronted:
        assert reasons[site].startswith(BY_CODE["serial_officer"].reason_en)
    card = model_card(train(features), features, source=str(folder))
    assert "## Validation" in card
    assert "`phoenix`" in card
    assert "## Fairness" in card
