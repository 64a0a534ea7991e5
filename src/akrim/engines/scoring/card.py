"""The model card: what a scoring run used, how it weighs each indicator, how well it did,
and what it must not be used for. Markdown, written beside every ranking."""

from __future__ import annotations

import polars as pl

from akrim.engines.scoring.indicators import BY_CODE, EXCLUDED_COLUMNS
from akrim.engines.scoring.model import (
    MIN_POSITIVES,
    MIN_REASON,
    MIN_ROWS,
    NO_HISTORY_RATE,
    PRIOR_SD,
    Model,
)

VALIDATION_WORDS: dict[str, str] = {
    "auc": "AUC: chance that a controlled workplace with a finding is ranked above one without",
    "brier": "Brier score of the calibrated chance (0 perfect; lower is better)",
    "log_loss": "log loss of the calibrated chance (lower is better)",
    "precision_at_5pct": "share with a finding among the top 5 % of controlled workplaces",
    "precision_at_20pct": "share with a finding among the top 20 % of controlled workplaces",
    "history_base_rate": "share of controlled workplaces with a finding",
    "prior_auc": "AUC of the prior weights alone on the same history (they never saw it)",
    "folds": "folds of the cross-validation",
    "platt_slope": "calibration: slope on the raw log-odds",
    "platt_offset": "calibration: offset",
    "platt_ceiling": "calibration: ceiling (highest chance the score can reach)",
}


def model_card(model: Model, features: pl.DataFrame, *, source: str) -> str:
    """The model card for ``model`` applied to ``features`` from ``source`` (Markdown)."""
    parts = [
        _header(model, source),
        _data(model, features),
        _weights(model, features),
        _validation(model),
        _indicators(model),
        _fairness(),
        _limits(),
    ]
    return "\n\n".join(parts) + "\n"


def _header(model: Model, source: str) -> str:
    kind = (
        "prior weights (too little history to learn from)"
        if model.fallback
        else "weights learned from earlier controls"
    )
    return "\n".join(
        [
            "# Model card: risk-based selection of workplaces",
            "",
            f"- Source: `{source}`",
            f"- Created: {model.created_at}",
            f"- Model: non-negative logistic regression, {kind}; calibrated",
            "- Use: to help analysts choose which workplaces to control. A score is the "
            "estimated chance that a joint control there finds something; it is not a finding, "
            "not a suspicion of any person, and never a reason for action on its own.",
        ]
    )


def _data(model: Model, features: pl.DataFrame) -> str:
    controlled = features.filter(pl.col("controlled_before"))
    found = int(controlled.get_column("found_before").sum()) if controlled.height else 0
    lines = [
        "## Data",
        "",
        f"- Workplaces scored (of operating companies): {features.height:,}",
        f"- Companies: {features.get_column('org_no').n_unique():,}",
        f"- Workplaces controlled before: {controlled.height:,}, of which {found:,} with a "
        "finding (the label the model learns from)",
        f"- Rows the model was trained on: {model.trained_on:,} ({model.positives:,} positive)",
    ]
    if model.fallback:
        lines.append(
            f"- History is thin (fewer than {MIN_ROWS} controlled workplaces or fewer than "
            f"{MIN_POSITIVES} with and without a finding), so the documented prior weights "
            "are used unchanged and only the intercept is set so that the mean chance over "
            "the history matches its finding rate "
            f"({NO_HISTORY_RATE:.0%} for a workplace without signals when there is no "
            "history). The score is not calibrated beyond that."
        )
    return "\n".join(lines)


def _weights(model: Model, features: pl.DataFrame) -> str:
    controlled = features.filter(pl.col("controlled_before"))
    lines = [
        "## Indicators and weights",
        "",
        "Log-odds = intercept + Σ weight × value / scale; raw chance = 1 / (1 + e^−log-odds); "
        "score = calibration(raw chance). "
        f"Intercept: {model.intercept:.3f}. Weights are kept ≥ 0 and pulled towards the prior "
        f"weight (Gaussian prior, standard deviation {PRIOR_SD} log-odds). Hit rate: share of "
        "earlier controls with a finding among controlled workplaces where the indicator "
        "showed a signal (value > 0).",
        "",
        "| indicator | in plain words | prior | weight | scale | workplaces with signal "
        "| controlled with signal | hit rate |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for code in model.indicators:
        present = code in features.columns
        signal = features.filter(pl.col(code) > 0).height if present else 0
        hits = controlled.filter(pl.col(code) > 0) if present else controlled.clear()
        found = int(hits.get_column("found_before").sum())
        rate = f"{found / hits.height:.0%}" if hits.height else "–"
        share = signal / features.height if features.height else 0.0
        lines.append(
            f"| `{code}` | {BY_CODE[code].reason_en} | {model.priors.get(code, 0.0):.2f} | "
            f"{model.weights[code]:.2f} | {model.scale[code]:g} | {signal:,} ({share:.1%}) | "
            f"{hits.height:,} | {rate} |"
        )
    lines += [
        "",
        f"Reasons given with each score: the indicators with the largest contributions of at "
        f"least {MIN_REASON} log-odds, in plain words.",
    ]
    return "\n".join(lines)


def _validation(model: Model) -> str:
    lines = ["## Validation", ""]
    if not model.validation:
        lines.append("No earlier controls: nothing to validate against.")
        return "\n".join(lines)
    if not model.fallback:
        lines.append(
            "Out-of-fold: each controlled workplace is scored by a model fitted without it "
            "(stratified k-fold cross-validation); the calibration is fitted on the same "
            "out-of-fold scores, so the calibrated figures are slightly optimistic."
        )
        lines.append("")
    lines += ["| measure | value |", "|---|---:|"]
    for key, value in model.validation.items():
        shown = f"{value:.0f}" if float(value).is_integer() else f"{value:.3f}"
        lines.append(f"| {VALIDATION_WORDS.get(key, key)} | {shown} |")
    return "\n".join(lines)


def _indicators(model: Model) -> str:
    lines = ["## What each indicator measures", ""]
    for code in model.indicators:
        indicator = BY_CODE[code]
        lines += [
            f"### `{code}`: {indicator.reason_en}",
            "",
            f"- Swedish: {indicator.reason_sv}",
            f"- What: {indicator.what}",
            f"- Why: {indicator.why}",
            f"- Data: {indicator.data}",
            f"- Innocent explanations: {indicator.innocent}",
            "",
        ]
    return "\n".join(lines).rstrip()


def _fairness() -> str:
    excluded = ", ".join(sorted(EXCLUDED_COLUMNS))
    return "\n".join(
        [
            "## Fairness",
            "",
            "- Workplaces and companies are scored, never persons. Persons appear only as a "
            "key that links register rows (who is paid by which company, who sits on which "
            "board); the persons and encounters tables are not read.",
            f"- Never used as an indicator: {excluded}, or any other personal trait of workers "
            "or owners. A test asserts the feature list.",
            "- Industry and municipality are characteristics of the workplace. The industry's "
            "history is an indicator; municipality is not. Compare the share of selections by "
            "industry, municipality and centre with the register before acting on a list.",
        ]
    )


def _limits() -> str:
    return "\n".join(
        [
            "## Limits",
            "",
            "- The label is 'an earlier control found something'. Controls were not chosen at "
            "random (tips, industries, suspicion), so the model learns from a selected sample; "
            "the chance is calibrated on controlled workplaces and may be too high for "
            "workplaces unlike any controlled before.",
            "- A finding is not a crime, and no finding is not innocence: controls miss things, "
            "and honest workplaces get formal remarks.",
            "- Register facts lag reality (payroll by month, roles as registered); a firm "
            "can look clean because it declares nothing.",
            "- Every indicator has innocent explanations (listed above); the score ranks "
            "where to look first, an inspector decides what is true.",
            "- Retrain when controls accumulate; compare the old and new model's validation.",
        ]
    )
