"""The scoring model: a non-negative, prior-centred logistic regression, calibrated.

Each indicator x_i (scaled by its unit s_i) adds ``w_i * x_i / s_i`` to the log-odds of a
finding; the intercept is the log-odds of a workplace without any signal. The weights are
the maximum a posteriori estimate under a Gaussian prior N(prior_i, 1) on each weight (L2
regularisation towards documented prior weights, not towards zero), with every weight
kept >= 0 so that each indicator can only raise a score, in the direction its
documentation gives. With little history the weights stay near the priors; with much
history the data decide. Below :data:`MIN_ROWS` controlled workplaces or
:data:`MIN_POSITIVES` with a finding, the prior weights are used as they are
(``fallback``), and only the intercept is set from the history.

The raw probability is then calibrated (Platt scaling with a ceiling, fitted on the
out-of-fold predictions of a k-fold cross-validation) so that the score reads as the
chance that a control finds something. An analyst can redo any score by hand from
``weights``, ``scale``, ``intercept`` and ``calibration``. Pure computation: no Django.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import polars as pl
from scipy.optimize import minimize
from sklearn.metrics import brier_score_loss, log_loss, roc_auc_score
from sklearn.model_selection import StratifiedKFold

from akrim.engines.scoring.indicators import BY_CODE, INDICATOR_CODES

F64 = npt.NDArray[np.float64]

MIN_ROWS = 50
MIN_POSITIVES = 10
PRIOR_SD = 0.5
"""Standard deviation of the Gaussian prior on each weight, in log-odds per unit."""
NO_HISTORY_RATE = 0.15
"""Chance of a finding at a workplace without any signal when the extract has no earlier
controls at all: about the share of Skatteverket's staff-ledger visits that find
deficiencies nationally (15–17 %, DOMAIN.md)."""
MIN_REASON = 0.1
"""A contribution (log-odds) below this is not given as a reason."""
FOLDS = 5

PRIOR_WEIGHTS: dict[str, float] = {
    "low_pay": 1.5,
    "short_jobs": 3.0,
    "few_declared": 0.7,
    "no_registration": 1.0,
    "serial_officer": 2.0,
    "bankrupt_links": 1.2,
    "phoenix": 2.5,
    "shared_workers": 3.0,
    "permit_underpaid": 4.0,
    "earlier_findings": 1.0,
    "tips": 0.8,
    "young_company": 0.7,
    "industry_history": 3.0,
}
"""Log-odds added per unit of each indicator when history is thin: set by judgement from
the indicators' documented scales, e.g. pay at half the going rate (low_pay = 1) adds 1.5,
a permit holder paid 40 % below the offer (0.4) adds 1.6, a phoenix match adds 2.5."""

UNITS: dict[str, float] = dict.fromkeys(INDICATOR_CODES, 1.0)
"""Each indicator is defined so that 1 is a clear signal (see its ``what``), so the unit
that weights apply to is 1 for all."""


@dataclass(frozen=True)
class Model:
    """A trained (or prior) model; ``to_json``/``from_json`` round-trip it exactly."""

    indicators: tuple[str, ...]
    weights: dict[str, float]  # log-odds per unit of the (scaled) indicator
    intercept: float
    scale: dict[str, float]  # each indicator is divided by this before weighting
    calibration: list[tuple[float, float]]  # monotone map raw probability -> calibrated
    fallback: bool  # True when history was too thin and the prior weights are used
    trained_on: int
    positives: int
    validation: dict[str, float]
    created_at: str
    priors: dict[str, float] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "indicators": list(self.indicators),
            "weights": dict(self.weights),
            "intercept": self.intercept,
            "scale": dict(self.scale),
            "calibration": [[raw, calibrated] for raw, calibrated in self.calibration],
            "fallback": self.fallback,
            "trained_on": self.trained_on,
            "positives": self.positives,
            "validation": dict(self.validation),
            "created_at": self.created_at,
            "priors": dict(self.priors),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Model:
        return cls(
            indicators=tuple(str(code) for code in data["indicators"]),
            weights={str(k): float(v) for k, v in data["weights"].items()},
            intercept=float(data["intercept"]),
            scale={str(k): float(v) for k, v in data["scale"].items()},
            calibration=[(float(raw), float(cal)) for raw, cal in data["calibration"]],
            fallback=bool(data["fallback"]),
            trained_on=int(data["trained_on"]),
            positives=int(data["positives"]),
            validation={str(k): float(v) for k, v in data["validation"].items()},
            created_at=str(data["created_at"]),
            priors={str(k): float(v) for k, v in data.get("priors", {}).items()},
        )

    @classmethod
    def load(cls, path: Path) -> Model:
        """A model written by :meth:`save`. Raises ValueError naming what is wrong: the file
        cannot be read, is not JSON, lacks a field, or names an indicator this version does
        not compute (or gives no weight or scale for one it names)."""
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
        except OSError as error:
            raise ValueError(f"cannot read the model file {path}: {error.strerror}") from error
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise ValueError(f"the model file {path} is not JSON: {error}") from error
        if not isinstance(data, dict):
            raise ValueError(f"the model file {path} does not hold a model")
        try:
            model = cls.from_json(data)
        except (KeyError, TypeError, ValueError, AttributeError) as error:
            raise ValueError(f"the model file {path} does not hold a model: {error!r}") from error
        unknown = [code for code in model.indicators if code not in BY_CODE]
        unweighted = [
            code
            for code in model.indicators
            if code not in model.weights or code not in model.scale
        ]
        if unknown or unweighted or not model.calibration:
            problem = (
                f"unknown indicator(s) {', '.join(unknown)}"
                if unknown
                else f"no weight or scale for {', '.join(unweighted)}"
                if unweighted
                else "no calibration"
            )
            raise ValueError(f"the model file {path} does not fit this version: {problem}")
        values = [model.intercept, *model.weights.values(), *model.scale.values()]
        values += [v for point in model.calibration for v in point]
        if not all(math.isfinite(v) for v in values) or any(v == 0 for v in model.scale.values()):
            raise ValueError(f"the model file {path} holds a weight that is not a number")
        return model

    def save(self, path: Path) -> None:
        """Write the model as JSON (``to_json``), for :meth:`load` to read back exactly."""
        Path(path).write_text(json.dumps(self.to_json(), indent=2) + "\n", encoding="utf-8")

    def contributions(self, features: pl.DataFrame) -> F64:
        """Rows × indicators: ``weight * value / scale`` (log-odds)."""
        values = _matrix(features, self.indicators)
        weights = np.array([self.weights[c] / self.scale[c] for c in self.indicators])
        return np.asarray(values * weights, dtype=np.float64)

    def calibrate(self, raw: F64) -> F64:
        xs = np.array([point[0] for point in self.calibration])
        ys = np.array([point[1] for point in self.calibration])
        return np.asarray(np.clip(np.interp(raw, xs, ys), 0.0, 1.0), dtype=np.float64)


IDENTITY: list[tuple[float, float]] = [(0.0, 0.0), (1.0, 1.0)]


def train(features: pl.DataFrame, *, seed: int = 0) -> Model:
    """Learn weights from workplaces controlled before (label: ``found_before``).

    Falls back to :data:`PRIOR_WEIGHTS` when there are fewer than :data:`MIN_ROWS`
    controlled workplaces or fewer than :data:`MIN_POSITIVES` (or as few without a
    finding). Deterministic for a given ``seed``.
    """
    codes = INDICATOR_CODES
    history = features.filter(pl.col("controlled_before"))
    x = _matrix(history, codes)
    y = history.get_column("found_before").cast(pl.Float64).to_numpy()
    positives, rows = int(y.sum()), len(y)
    priors = np.array([PRIOR_WEIGHTS[c] for c in codes])
    prior_validation = _prior_validation(x, y, priors)
    thin = rows < MIN_ROWS or min(positives, rows - positives) < MIN_POSITIVES
    if thin:
        weights, intercept = priors, _intercept_in_the_large(x @ priors, y)
        calibration, validation = list(IDENTITY), prior_validation
    else:
        weights, intercept = fit_weights(x, y, priors)
        oof = _out_of_fold(x, y, priors, seed)
        platt = _platt(oof, y)
        calibration = _calibration_points(platt)
        validation = _validation(oof, y, platt) | prior_validation
    return Model(
        indicators=codes,
        weights=dict(zip(codes, weights.tolist(), strict=True)),
        intercept=intercept,
        scale=dict(UNITS),
        calibration=calibration,
        fallback=thin,
        trained_on=rows,
        positives=positives,
        validation=validation,
        created_at=dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
        priors=dict(PRIOR_WEIGHTS),
    )


LANGUAGES = ("en", "sv")
"""Languages of the reasons: the catalogue's ``reason_en`` and ``reason_sv``."""


def score(
    model: Model, features: pl.DataFrame, *, top_reasons: int = 3, language: str = "en"
) -> pl.DataFrame:
    """Calibrated score per workplace, each indicator's contribution and the reasons.

    Columns: ``workplace_id``, ``score`` (0..1), ``contrib_<code>`` per indicator of the
    model (log-odds), ``reasons`` (the ``reason_en``, or ``reason_sv`` for ``language="sv"``,
    of the largest positive contributions of at least :data:`MIN_REASON`, at most
    ``top_reasons``, joined by "; "; empty when none). Sorted by score, highest first; ties
    by workplace_id. Raises ValueError for a language not in :data:`LANGUAGES`.
    """
    if language not in LANGUAGES:
        raise ValueError(f"unknown language {language!r}: choose one of {', '.join(LANGUAGES)}")
    contributions = model.contributions(features)
    raw = _sigmoid(model.intercept + contributions.sum(axis=1))
    calibrated = model.calibrate(raw)
    reasons = _reasons(contributions, model.indicators, top_reasons, language)
    frame = pl.DataFrame(
        {
            "workplace_id": features.get_column("workplace_id"),
            "score": calibrated,
            **{f"contrib_{code}": contributions[:, i] for i, code in enumerate(model.indicators)},
            "reasons": reasons,
        }
    )
    return frame.sort(["score", "workplace_id"], descending=[True, False])


# --- Fitting ------------------------------------------------------------------------------------


def _matrix(features: pl.DataFrame, codes: tuple[str, ...]) -> F64:
    if not codes:
        return np.zeros((features.height, 0))
    return features.select(pl.col(c).cast(pl.Float64).fill_null(0.0) for c in codes).to_numpy()


def _sigmoid(z: F64) -> F64:
    return np.asarray(0.5 * (1.0 + np.tanh(0.5 * z)), dtype=np.float64)


def _logit(p: float) -> float:
    p = min(max(p, 1e-6), 1 - 1e-6)
    return math.log(p / (1 - p))


def fit_weights(x: F64, y: F64, priors: F64, sd: float = PRIOR_SD) -> tuple[F64, float]:
    """MAP logistic regression: minimise the summed log-loss plus
    ``sum((w - priors)**2) / (2 * sd**2)`` with every w >= 0 (the intercept is free)."""
    n_features = x.shape[1]

    def objective(params: F64) -> tuple[float, F64]:
        w, b = params[:n_features], params[n_features]
        z = x @ w + b
        # log(1 + exp(z)) - y * z, computed stably
        loss = float(np.sum(np.logaddexp(0.0, z) - y * z))
        penalty = float(np.sum((w - priors) ** 2)) / (2 * sd**2)
        residual = _sigmoid(z) - y
        grad_w = x.T @ residual + (w - priors) / sd**2
        return loss + penalty, np.concatenate([grad_w, [residual.sum()]])

    start = np.concatenate([priors, [_logit(float(y.mean()))]])
    bounds = [(0.0, None)] * n_features + [(None, None)]
    result = minimize(objective, start, jac=True, method="L-BFGS-B", bounds=bounds)
    params = np.asarray(result.x, dtype=np.float64)
    return params[:n_features], float(params[n_features])


def _intercept_in_the_large(z: F64, y: F64) -> float:
    """The intercept that makes the mean predicted chance over the history equal to its
    observed finding rate; :data:`NO_HISTORY_RATE` without history."""
    if len(y) == 0:
        return _logit(NO_HISTORY_RATE)
    target = (float(y.sum()) + 0.5) / (len(y) + 1.0)  # never exactly 0 or 1
    low, high = -20.0, 20.0
    for _ in range(80):  # bisection: the mean is increasing in the intercept
        middle = (low + high) / 2
        if float(_sigmoid(z + middle).mean()) < target:
            low = middle
        else:
            high = middle
    return (low + high) / 2


def _folds(y: F64) -> int:
    positives = int(y.sum())
    return max(2, min(FOLDS, positives, len(y) - positives))


def _out_of_fold(x: F64, y: F64, priors: F64, seed: int) -> F64:
    """Raw log-odds for each controlled workplace from a model that did not see it."""
    oof = np.zeros(len(y))
    splitter = StratifiedKFold(n_splits=_folds(y), shuffle=True, random_state=seed)
    for fit_rows, held_rows in splitter.split(x, y):
        w, b = fit_weights(x[fit_rows], y[fit_rows], priors)
        oof[held_rows] = x[held_rows] @ w + b
    return oof


@dataclass(frozen=True)
class Platt:
    """P(found) = ceiling * sigmoid(slope * z + offset) for raw log-odds z. The ceiling
    (0.5..1) says that even at the most suspect workplace a control can find nothing."""

    slope: float
    offset: float
    ceiling: float

    def __call__(self, z: F64) -> F64:
        return self.ceiling * _sigmoid(self.slope * z + self.offset)


def _platt(z: F64, y: F64) -> Platt:
    """Maximum likelihood fit of :class:`Platt` with slope >= 0.05 (monotone) and a weak
    pull of the slope towards 1."""

    def objective(params: F64) -> float:
        p = np.clip(Platt(*params)(z), 1e-9, 1 - 1e-9)
        loss = -float(np.sum(y * np.log(p) + (1 - y) * np.log1p(-p)))
        return loss + 0.5 * float((params[0] - 1.0) ** 2)

    result = minimize(
        objective, np.array([1.0, 0.0, 0.95]), method="L-BFGS-B",
        bounds=[(0.05, None), (None, None), (0.5, 1.0)],
    )  # fmt: skip
    return Platt(*(float(v) for v in result.x))


def _calibration_points(platt: Platt) -> list[tuple[float, float]]:
    """The calibration map sampled at raw probabilities spaced evenly in log-odds."""
    grid = np.linspace(-12.0, 12.0, 97)
    raw, calibrated = _sigmoid(grid), platt(grid)
    points = [(0.0, 0.0)]
    points += [(float(r), float(c)) for r, c in zip(raw, calibrated, strict=True)]
    return [*points, (1.0, platt.ceiling)]


def _precision_at(z: F64, y: F64, share: float) -> float:
    top = max(1, round(share * len(y)))
    order = np.argsort(-z, kind="stable")[:top]
    return float(y[order].mean())


def _validation(oof: F64, y: F64, platt: Platt) -> dict[str, float]:
    calibrated = platt(oof)
    return {
        "auc": float(roc_auc_score(y, oof)),
        "brier": float(brier_score_loss(y, calibrated)),
        "log_loss": float(log_loss(y, calibrated, labels=[0, 1])),
        "precision_at_5pct": _precision_at(oof, y, 0.05),
        "precision_at_20pct": _precision_at(oof, y, 0.20),
        "folds": float(_folds(y)),
        "platt_slope": platt.slope,
        "platt_offset": platt.offset,
        "platt_ceiling": platt.ceiling,
    }


def _prior_validation(x: F64, y: F64, priors: F64) -> dict[str, float]:
    """How well the prior weights alone order the history (they never saw it)."""
    if len(y) == 0:
        return {}
    result = {"history_base_rate": float(y.mean())}
    if 0 < y.sum() < len(y):
        result["prior_auc"] = float(roc_auc_score(y, x @ priors))
    return result


def _reasons(
    contributions: F64, codes: tuple[str, ...], top: int, language: str = "en"
) -> pl.Series:
    n = contributions.shape[0]
    if n == 0 or not codes or top <= 0:
        return pl.Series("reasons", [""] * n, dtype=pl.String)
    order = np.argsort(-contributions, axis=1, kind="stable")[:, :top]
    words = [BY_CODE[c].reason_sv if language == "sv" else BY_CODE[c].reason_en for c in codes]
    texts = pl.Series(words, dtype=pl.String)
    parts = []
    for k in range(order.shape[1]):  # at most ``top`` passes, each over all rows at once
        index = order[:, k]
        value = contributions[np.arange(n), index]
        text = texts.gather(index)
        parts.append(pl.when(pl.lit(pl.Series(value >= MIN_REASON))).then(pl.lit(text)))
    joined = pl.select(pl.concat_str(parts, separator="; ", ignore_nulls=True).fill_null(""))
    return joined.to_series().alias("reasons")
