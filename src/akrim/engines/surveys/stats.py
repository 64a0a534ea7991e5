"""Survey statistics: weighted estimates, change between waves, difference-in-differences.

Method (one model family for everything, fitted by statsmodels):

* Every estimate is a weighted least-squares regression (``statsmodels`` ``WLS``) with the
  survey weights, and its standard error is the heteroskedasticity-robust sandwich
  ``HC2``. For a cell (a wave × group) the model is a constant: the estimate is the
  weighted (Hájek) mean, and the HC2 variance is the design-based linearisation variance
  of that mean; without weights it is exactly ``s² / n``, the textbook variance that
  ``DescrStatsW.tconfint_mean`` uses. A 0/1 question gives a proportion the same way
  (the interval is then clipped to [0, 1]).
* The change between waves within a group is the coefficient of ``after`` in
  ``y ~ 1 + after``; the difference-in-differences is the coefficient of
  ``after × campaign`` in ``y ~ 1 + after + campaign + after × campaign``. In such a
  saturated model HC2 is the unequal-variance (Welch) variance of the difference of the
  cell means, so no cell's spread borrows from another's.
* Intervals and p-values use Student's t with the model's residual degrees of freedom,
  at 95 % confidence.
* Too small to say anything: a cell with fewer than :data:`MIN_RESPONSES` answers, or
  with a Kish effective sample size ``(Σw)² / Σw²`` below it, or whose answers are all
  the same (no variance), gets no estimate; a change or difference-in-differences that
  needs such a cell gets none either. Each is stated with a stable code.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import polars as pl
import statsmodels.api as sm
from numpy.typing import NDArray

CONFIDENCE = 0.95
MIN_RESPONSES = 30
WAVES = ("before", "after")
GROUPS = ("campaign", "comparison")


class Kind(enum.StrEnum):
    PROPORTION = "proportion"
    MEAN = "mean"


class TooSmallCode(enum.StrEnum):
    TOO_FEW_RESPONSES = "too_few_responses"
    TOO_FEW_EFFECTIVE = "too_few_effective_responses"
    NO_VARIANCE = "no_variance"
    CELL_TOO_SMALL = "depends_on_too_small_cell"


@dataclass(frozen=True)
class TooSmall:
    """A machine-readable statement that a sample is too small to say anything."""

    code: TooSmallCode
    message: str

    def to_json(self) -> dict[str, str]:
        return {"code": str(self.code), "message": self.message}


@dataclass(frozen=True)
class Estimate:
    """A point estimate with its 95 % interval (all ``None`` when too small)."""

    estimate: float | None
    ci_low: float | None
    ci_high: float | None
    std_error: float | None
    p_value: float | None = None
    too_small: TooSmall | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "estimate": self.estimate,
            "ci_low": self.ci_low,
            "ci_high": self.ci_high,
            "std_error": self.std_error,
            "p_value": self.p_value,
            "too_small": None if self.too_small is None else self.too_small.to_json(),
        }


@dataclass(frozen=True)
class Cell:
    """One wave × group of one question."""

    wave: str
    group: str
    responses: int
    effective_responses: float
    result: Estimate

    def to_json(self) -> dict[str, Any]:
        return {
            "responses": self.responses,
            "effective_responses": self.effective_responses,
            **self.result.to_json(),
        }


@dataclass(frozen=True)
class QuestionResult:
    question: str
    kind: Kind
    cells: tuple[Cell, ...]
    change: dict[str, Estimate]
    did: Estimate

    def cell(self, wave: str, group: str) -> Cell:
        return next(c for c in self.cells if c.wave == wave and c.group == group)

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": str(self.kind),
            "estimates": {
                wave: {group: self.cell(wave, group).to_json() for group in GROUPS}
                for wave in WAVES
            },
            "change": {group: est.to_json() for group, est in self.change.items()},
            "difference_in_differences": self.did.to_json(),
        }


@dataclass(frozen=True)
class Analysis:
    responses: int
    weighted: bool
    questions: tuple[QuestionResult, ...] = field(default=())

    def too_small_statements(self) -> list[dict[str, str]]:
        """Every too-small statement, flat, with where it applies."""
        out: list[dict[str, str]] = []
        for q in self.questions:
            for c in q.cells:
                if c.result.too_small is not None:
                    where = {"question": q.question, "part": "estimate"}
                    where |= {"wave": c.wave, "group": c.group}
                    out.append(where | c.result.too_small.to_json())
            for group, est in q.change.items():
                if est.too_small is not None:
                    where = {"question": q.question, "part": "change", "group": group}
                    out.append(where | est.too_small.to_json())
            if q.did.too_small is not None:
                where = {"question": q.question, "part": "difference_in_differences"}
                out.append(where | q.did.too_small.to_json())
        return out

    def to_json(self) -> dict[str, Any]:
        return {
            "method": {
                "confidence": CONFIDENCE,
                "estimator": "weighted least squares (statsmodels WLS), HC2 robust "
                "standard errors, Student t intervals on the residual degrees of freedom",
                "too_small_rule": f"a cell with fewer than {MIN_RESPONSES} answers or "
                f"Kish effective answers, or with no variance, has no estimate; changes and "
                f"differences that need it have none",
                "min_responses": MIN_RESPONSES,
            },
            "responses": self.responses,
            "weighted": self.weighted,
            "questions": {q.question: q.to_json() for q in self.questions},
            "too_small": self.too_small_statements(),
        }


Floats = NDArray[np.float64]


def _finite(value: float) -> float | None:
    return float(value) if np.isfinite(value) else None


def _fit(y: Floats, design: Floats, weights: Floats, term: int) -> Estimate:
    """Fit WLS with HC2 errors; the estimate, interval and p-value of one coefficient."""
    result = sm.WLS(y, design, weights=weights).fit(cov_type="HC2", use_t=True)
    low, high = result.conf_int(alpha=1 - CONFIDENCE)[term]
    return Estimate(
        estimate=_finite(result.params[term]),
        ci_low=_finite(low),
        ci_high=_finite(high),
        std_error=_finite(result.bse[term]),
        p_value=_finite(result.pvalues[term]),
    )


def _too_small(y: Floats, weights: Floats) -> TooSmall | None:
    """The rule for a cell; ``None`` when the cell is big enough."""
    if y.size < MIN_RESPONSES:
        return TooSmall(
            TooSmallCode.TOO_FEW_RESPONSES,
            f"{y.size} answers; at least {MIN_RESPONSES} are needed",
        )
    effective = _kish(weights)
    if effective < MIN_RESPONSES:
        return TooSmall(
            TooSmallCode.TOO_FEW_EFFECTIVE,
            f"{effective:.1f} effective answers after weighting; at least {MIN_RESPONSES} "
            "are needed",
        )
    if np.ptp(y) == 0:
        return TooSmall(TooSmallCode.NO_VARIANCE, "every answer is the same; no variance")
    return None


def _kish(weights: Floats) -> float:
    return float(weights.sum() ** 2 / (weights**2).sum()) if weights.size else 0.0


def _none(reason: TooSmall) -> Estimate:
    return Estimate(None, None, None, None, None, reason)


def _cell(wave: str, group: str, y: Floats, weights: Floats, kind: Kind) -> Cell:
    """A cell's estimate (no p-value: there is no null hypothesis for a level)."""
    reason = _too_small(y, weights)
    if reason is not None:
        result = _none(reason)
    else:
        fit = _fit(y, np.ones((y.size, 1)), weights, 0)
        low, high = fit.ci_low, fit.ci_high
        if kind is Kind.PROPORTION and low is not None and high is not None:
            low, high = max(0.0, low), min(1.0, high)
        result = Estimate(fit.estimate, low, high, fit.std_error)
    return Cell(wave, group, int(y.size), round(_kish(weights), 3), result)


def _blocked(cells: Sequence[Cell]) -> TooSmall | None:
    small = [f"{c.wave}/{c.group}" for c in cells if c.result.too_small is not None]
    if not small:
        return None
    return TooSmall(TooSmallCode.CELL_TOO_SMALL, f"too small: {', '.join(small)}")


def analyse_question(
    frame: pl.DataFrame, question: str, kind: Kind | None = None
) -> QuestionResult:
    """Estimates, changes and difference-in-differences for one question column.

    ``frame`` has ``wave``, ``group``, ``weight`` (positive) and the question as Float64;
    a null answer is no answer and the row is left out for this question only. ``kind``
    says whether it is a share or a mean; without it, a column of only 0 and 1 is a share
    (the command line's contract: numbers, or 0/1 for yes/no).
    """
    data = frame.select("wave", "group", "weight", question).drop_nulls(question)
    values = data[question].to_numpy().astype(np.float64)
    if kind is None:
        binary = values.size and np.isin(values, (0.0, 1.0)).all()
        kind = Kind.PROPORTION if binary else Kind.MEAN
    y = values
    w = data["weight"].to_numpy().astype(np.float64)
    after = (data["wave"] == "after").to_numpy().astype(np.float64)
    campaign = (data["group"] == "campaign").to_numpy().astype(np.float64)
    cells = []
    for wave in WAVES:
        for group in GROUPS:
            mask = (after == (wave == "after")) & (campaign == (group == "campaign"))
            cells.append(_cell(wave, group, y[mask], w[mask], kind))
    change: dict[str, Estimate] = {}
    for group in GROUPS:
        reason = _blocked([c for c in cells if c.group == group])
        mask = campaign == (group == "campaign")
        design = np.column_stack([np.ones(int(mask.sum())), after[mask]])
        change[group] = _none(reason) if reason else _fit(y[mask], design, w[mask], 1)
    reason = _blocked(cells)
    design = np.column_stack([np.ones(y.size), after, campaign, after * campaign])
    did = _none(reason) if reason else _fit(y, design, w, 3)
    return QuestionResult(question, kind, tuple(cells), change, did)


def analyse(
    frame: pl.DataFrame,
    questions: Sequence[str],
    *,
    weighted: bool,
    kinds: Mapping[str, Kind] | None = None,
) -> Analysis:
    """Analyse every question of validated responses (see :func:`read_responses`);
    ``kinds`` names the share and mean questions when the caller knows them."""
    known = kinds or {}
    return Analysis(
        responses=frame.height,
        weighted=weighted,
        questions=tuple(analyse_question(frame, q, known.get(q)) for q in questions),
    )
