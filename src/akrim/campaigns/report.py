"""The evaluation report of a campaign as a PDF: WeasyPrint, like the Government report
(``akrim.reporting.build``), with the SVG charts of ``akrim.reporting.charts``."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from akrim.campaigns.evaluation import Evaluation, evaluate
from akrim.campaigns.present import language_label, survey_views
from akrim.core.actor import Actor
from akrim.reporting.charts import bar_chart


def evaluation_context(evaluation: Evaluation) -> dict[str, Any]:
    """What the evaluation page and the report show (one presentation for both)."""
    reach = evaluation.reach
    visits = evaluation.visits
    reach_chart = (
        bar_chart(
            title=_("Reach by channel"),
            desc=_("Leaflets handed out and people spoken to, by channel"),
            labels=[row[0] for row in reach.by_channel],
            series=[
                (_("Leaflets"), [float(row[3]) for row in reach.by_channel]),
                (_("People spoken to"), [float(row[4]) for row in reach.by_channel]),
            ],
        )
        if reach.by_channel
        else ""
    )
    visits_chart = (
        bar_chart(
            title=_("Portal visits by language"),
            desc=_("Visits of the campaign's pages in the period and the same days before"),
            labels=[language_label(row[0]) for row in visits.rows],
            series=[
                (_("Before"), [float(row[2]) for row in visits.rows]),
                (_("Campaign period"), [float(row[1]) for row in visits.rows]),
            ],
        )
        if visits.rows
        else ""
    )
    return {
        "ev": evaluation,
        "c": evaluation.campaign,
        "surveys": survey_views(evaluation.surveys),
        "reach_chart": reach_chart,
        "visits_chart": visits_chart,
    }


def evaluation_pdf(*, actor: Actor, campaign_id: int) -> tuple[str, bytes]:
    """The report's file name and bytes. Raises NotFound outside the actor's scope."""
    from akrim.core.pdf import pdf_bytes

    evaluation = evaluate(actor=actor, campaign_id=campaign_id)
    html = render_to_string(
        "campaigns/evaluation_pdf.html",
        evaluation_context(evaluation) | {"made_on": timezone.localdate(), "pdf": True},
    )
    name = f"campaign-{evaluation.campaign.pk}-evaluation.pdf"
    return name, pdf_bytes(html)
