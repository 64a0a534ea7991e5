"""The survey statistics engine against known results: Card & Krueger (1994), statsmodels'
``DescrStatsW``, SciPy's Welch two-sample t test, and the too-small rule."""

from __future__ import annotations

import math

import numpy as np
import polars as pl
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from scipy import stats as scipy_stats
from statsmodels.stats.weightstats import DescrStatsW

from akrim.engines.surveys import MIN_RESPONSES, Kind, TooSmallCode, analyse_question

# Card & Krueger (1994), AER 84(4), Table 3, row 1: mean FTE employment per store
# (standard error), New Jersey (campaign: the minimum wage rose) and Pennsylvania.
CARD_KRUEGER = {
    ("before", "campaign"): (20.44, 0.51, 320),
    ("after", "campaign"): (21.03, 0.52, 320),
    ("before", "comparison"): (23.33, 1.35, 78),
    ("after", "comparison"): (21.17, 0.94, 78),
}
PUBLISHED_DID = 2.76  # from the unrounded means; the rounded cell means give 2.75


def cell_rows(wave: str, group: str, mean: float, se: float, n: int) -> list[dict[str, object]]:
    """n answers mean ± d (n even) whose sample mean and standard error are exactly given."""
    spread = se * math.sqrt(n - 1)
    return [
        {"wave": wave, "group": group, "weight": 1.0, "q": mean + (spread if i % 2 else -spread)}
        for i in range(n)
    ]


def frame_of(cells: dict[tuple[str, str], list[float]], weights: float = 1.0) -> pl.DataFrame:
    rows = [
        {"wave": wave, "group": group, "weight": weights, "q": value}
        for (wave, group), values in cells.items()
        for value in values
    ]
    return pl.DataFrame(
        rows, schema={"wave": pl.String, "group": pl.String, "weight": pl.Float64, "q": pl.Float64}
    )


def test_did_reproduces_card_and_krueger_minimum_wage_estimate() -> None:
    rows = [r for (w, g), (m, se, n) in CARD_KRUEGER.items() for r in cell_rows(w, g, m, se, n)]

    result = analyse_question(pl.DataFrame(rows), "q")

    for (wave, group), (mean, se, _n) in CARD_KRUEGER.items():
        cell = result.cell(wave, group).result
        assert cell.estimate == pytest.approx(mean, abs=1e-9)
        assert cell.std_error == pytest.approx(se, abs=1e-9)
    assert result.change["campaign"].estimate == pytest.approx(0.59, abs=1e-9)
    assert result.change["comparison"].estimate == pytest.approx(-2.16, abs=1e-9)
    assert result.did.estimate == pytest.approx(2.75, abs=1e-9)
    assert result.did.estimate == pytest.approx(PUBLISHED_DID, abs=0.011)
    # Independent samples: the DiD variance is the sum of the four cell variances.
    independent = math.sqrt(sum(se**2 for _m, se, _n in CARD_KRUEGER.values()))
    assert result.did.std_error == pytest.approx(independent, abs=1e-9)
    assert result.did.ci_low is not None
    assert result.did.ci_high is not None
    assert result.did.ci_low < PUBLISHED_DID < result.did.ci_high
    assert result.did.p_value is not None
    assert 0.1 < result.did.p_value < 0.15


def random_cells(seed: int, n: int = 60) -> dict[tuple[str, str], list[float]]:
    rng = np.random.default_rng(seed)
    return {
        (w, g): list(rng.normal(loc, 2.0, size=n + i * 7))
        for i, ((w, g), loc) in enumerate(
            {
                ("before", "campaign"): 5.0,
                ("after", "campaign"): 6.0,
                ("before", "comparison"): 5.5,
                ("after", "comparison"): 5.7,
            }.items()
        )
    }


def test_unweighted_cell_interval_equals_descrstatsw_t_interval() -> None:
    cells = random_cells(3)

    result = analyse_question(frame_of(cells), "q")

    reference = DescrStatsW(np.array(cells[("before", "campaign")]))
    cell = result.cell("before", "campaign").result
    assert cell.estimate == pytest.approx(reference.mean, rel=1e-12)
    assert cell.std_error == pytest.approx(reference.std_mean, rel=1e-12)
    low, high = reference.tconfint_mean(alpha=0.05)
    assert cell.ci_low == pytest.approx(low, rel=1e-10)
    assert cell.ci_high == pytest.approx(high, rel=1e-10)


def test_weighted_mean_matches_descrstatsw_and_linearisation_variance() -> None:
    rng = np.random.default_rng(7)
    n = 400
    y = rng.normal(10, 3, size=n)
    w = rng.uniform(0.5, 3.0, size=n)
    frame = pl.DataFrame({"wave": ["before"] * n, "group": ["campaign"] * n, "weight": w, "q": y})

    cell = analyse_question(frame, "q").cell("before", "campaign")

    assert cell.result.estimate == pytest.approx(DescrStatsW(y, weights=w).mean, rel=1e-12)
    # Lohr, Sampling: Design and Analysis, the linearisation variance of the weighted
    # (ratio) mean: n/(n-1) Σ w²(y-ȳ)² / (Σw)². HC2 differs from it only by O(1/n).
    ybar = np.average(y, weights=w)
    textbook = n / (n - 1) * np.sum(w**2 * (y - ybar) ** 2) / w.sum() ** 2
    assert cell.result.std_error == pytest.approx(math.sqrt(textbook), rel=0.01)
    assert cell.effective_responses == pytest.approx(w.sum() ** 2 / (w**2).sum(), abs=1e-3)
    # Scaling every weight by the same number changes nothing.
    scaled = analyse_question(frame.with_columns(pl.col("weight") * 17), "q")
    assert scaled.cell("before", "campaign").result.std_error == pytest.approx(
        cell.result.std_error, rel=1e-10
    )


def test_yes_no_answers_are_proportions_with_interval_inside_zero_one() -> None:
    cells = {key: [1.0] * 58 + [0.0] * 2 for key in random_cells(1)}

    result = analyse_question(frame_of(cells), "q")

    assert result.kind is Kind.PROPORTION
    cell = result.cell("after", "comparison").result
    assert cell.estimate == pytest.approx(58 / 60)
    assert cell.estimate is not None
    assert cell.ci_low is not None
    assert cell.ci_high is not None
    assert 0.0 <= cell.ci_low < cell.estimate < cell.ci_high <= 1.0


def test_change_between_waves_matches_scipy_welch_two_sample_t() -> None:
    cells = random_cells(11)
    before, after = cells[("before", "campaign")], cells[("after", "campaign")]

    change = analyse_question(frame_of(cells), "q").change["campaign"]

    welch = scipy_stats.ttest_ind(after, before, equal_var=False)
    assert change.estimate == pytest.approx(np.mean(after) - np.mean(before), rel=1e-12)
    assert change.std_error is not None
    assert change.estimate is not None
    assert change.estimate / change.std_error == pytest.approx(welch.statistic, rel=1e-10)
    interval = welch.confidence_interval(0.95)
    # Same standard error; t quantiles differ only by Welch's degrees of freedom.
    assert change.ci_low == pytest.approx(interval.low, rel=2e-3)
    assert change.ci_high == pytest.approx(interval.high, rel=2e-3)
    assert change.p_value == pytest.approx(welch.pvalue, rel=0.05)


def test_cell_with_too_few_answers_gets_a_statement_and_no_estimate() -> None:
    cells = random_cells(5)
    cells[("after", "comparison")] = cells[("after", "comparison")][: MIN_RESPONSES - 1]

    result = analyse_question(frame_of(cells), "q")

    small = result.cell("after", "comparison")
    assert small.responses == MIN_RESPONSES - 1
    assert small.result.estimate is None
    assert small.result.ci_low is None
    assert small.result.too_small is not None
    assert small.result.too_small.code is TooSmallCode.TOO_FEW_RESPONSES
    assert result.change["comparison"].estimate is None
    assert result.change["comparison"].too_small is not None
    assert result.change["comparison"].too_small.code is TooSmallCode.CELL_TOO_SMALL
    assert result.did.too_small is not None
    assert result.did.estimate is None
    assert result.change["campaign"].estimate is not None


def test_cell_without_variance_gets_no_variance_statement() -> None:
    cells = random_cells(5)
    cells[("before", "campaign")] = [3.0] * 50

    result = analyse_question(frame_of(cells), "q")

    reason = result.cell("before", "campaign").result.too_small
    assert reason is not None
    assert reason.code is TooSmallCode.NO_VARIANCE


def test_cell_whose_weights_leave_too_few_effective_answers_is_too_small() -> None:
    n = 40
    frame = pl.DataFrame(
        {
            "wave": ["before"] * n,
            "group": ["campaign"] * n,
            "weight": [100.0] * 3 + [1.0] * (n - 3),
            "q": [float(i) for i in range(n)],
        }
    )

    reason = analyse_question(frame, "q").cell("before", "campaign").result.too_small

    assert reason is not None
    assert reason.code is TooSmallCode.TOO_FEW_EFFECTIVE


values = st.lists(
    st.floats(min_value=-100, max_value=100, allow_nan=False), min_size=30, max_size=45
)


@settings(max_examples=25, deadline=None)
@given(campaign=values, comparison=values, shift=st.floats(min_value=-50, max_value=50))
def test_did_is_zero_when_both_groups_change_by_the_same_amount(
    campaign: list[float], comparison: list[float], shift: float
) -> None:
    assume(np.ptp(campaign) > 1e-3 and np.ptp(comparison) > 1e-3)
    cells = {
        ("before", "campaign"): campaign,
        ("after", "campaign"): [v + shift for v in campaign],
        ("before", "comparison"): comparison,
        ("after", "comparison"): [v + shift for v in comparison],
    }

    did = analyse_question(frame_of(cells), "q").did

    assert did.estimate == pytest.approx(0.0, abs=1e-8)
    assert did.ci_low is not None
    assert did.ci_high is not None
    assert did.ci_low <= 0.0 <= did.ci_high
