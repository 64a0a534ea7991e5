"""How survey results read on the evaluation page and in the report: estimates with
their intervals as text, the too-small statement, and a chart per item (the SVG charts of
:mod:`akrim.reporting.charts`)."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from akrim.campaigns.evaluation import CAMPAIGN, COMPARISON, Item, SurveyResult
from akrim.core.i18n import portal_languages
from akrim.engines.surveys import Estimate
from akrim.reporting.charts import bar_chart


def language_label(code: str) -> str:
    """A portal language by its name in itself ("Polski", "العربية"); other codes as they are."""
    names = portal_languages().get(code)
    return names[1] if names else code


def number(value: float | None, share: bool, signed: bool = False) -> str:
    if value is None:
        return "–"
    shown = 100 * value if share else value
    text = f"{shown:+.1f}" if signed else f"{shown:.1f}"
    return (
        f"{text} {'pp' if signed else '%'}"
        if share
        else (f"{shown:+.2f}" if signed else f"{shown:.2f}")
    )


def too_small_text(estimate: Estimate) -> str:
    reason = estimate.too_small.message if estimate.too_small else ""
    return _("Sample too small to say anything (%(reason)s).") % {"reason": reason}


def with_interval(estimate: Estimate, share: bool, signed: bool = False) -> str:
    if estimate.too_small is not None or estimate.estimate is None:
        return too_small_text(estimate)
    return (
        f"{number(estimate.estimate, share, signed)} "
        f"({_('95 % CI')} {number(estimate.ci_low, share, signed)} "
        f"{_('to')} {number(estimate.ci_high, share, signed)})"
    )


def p_value(estimate: Estimate) -> str:
    if estimate.p_value is None:
        return "p –"
    return "p < 0.001" if estimate.p_value < 0.001 else f"p = {estimate.p_value:.3f}"


@dataclass(frozen=True)
class Row:
    group: str
    before: str
    before_n: int
    after: str
    after_n: int
    change: str
    small: bool  # any part too small


@dataclass(frozen=True)
class ItemView:
    column: str
    question: str
    option: str
    share: bool
    rows: list[Row]
    did: str
    did_p: str
    did_small: bool
    chart: str


def item_view(item: Item) -> ItemView:
    share = item.is_share
    result = item.result
    names = {CAMPAIGN: _("Campaign regions"), COMPARISON: _("Comparison regions")}
    rows = []
    for group in (CAMPAIGN, COMPARISON):
        before, after = result.cell("before", group), result.cell("after", group)
        change = result.change[group]
        rows.append(
            Row(
                group=names[group],
                before=with_interval(before.result, share),
                before_n=before.responses,
                after=with_interval(after.result, share),
                after_n=after.responses,
                change=with_interval(change, share, signed=True),
                small=any(e.too_small is not None for e in (before.result, after.result, change)),
            )
        )
    scale = 100.0 if share else 1.0

    def value(wave: str, group: str) -> float | None:
        estimate = result.cell(wave, group).result.estimate
        return None if estimate is None else round(scale * estimate, 1)

    title = f"{item.question}" + (f" — {item.option}" if item.option else "")
    chart = bar_chart(
        title=title,
        desc=_("Estimate before and after, campaign and comparison regions")
        + (" (%)" if share else ""),
        labels=[_("Before"), _("After")],
        series=[
            (names[CAMPAIGN], [value("before", CAMPAIGN), value("after", CAMPAIGN)]),
            (names[COMPARISON], [value("before", COMPARISON), value("after", COMPARISON)]),
        ],
    )
    return ItemView(
        column=item.column,
        question=item.question,
        option=item.option,
        share=share,
        rows=rows,
        did=with_interval(result.did, share, signed=True),
        did_p=p_value(result.did),
        did_small=result.did.too_small is not None,
        chart=chart,
    )


@dataclass(frozen=True)
class SurveyView:
    result: SurveyResult
    items: list[ItemView]


def survey_views(results: list[SurveyResult]) -> list[SurveyView]:
    return [SurveyView(r, [item_view(i) for i in r.items]) for r in results]
