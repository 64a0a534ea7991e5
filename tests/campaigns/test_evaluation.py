"""The evaluation: the engine's results for the survey's responses, reach, portal visits,
tips and controls in the campaign's and the comparison regions, and the PDF."""

from __future__ import annotations

import datetime as dt
import io
import itertools
from collections.abc import Callable
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import polars as pl
import pytest
from django.test import Client

from akrim.campaigns import imports, services
from akrim.campaigns.evaluation import evaluate, survey_frame, year_before
from akrim.campaigns.models import Campaign
from akrim.campaigns.report import evaluation_pdf
from akrim.core.actor import Actor
from akrim.core.errors import NotFound
from akrim.engines.surveys import analyse_question
from akrim.organisation.models import Agency, Centre
from tests.campaigns.conftest import SurveySet
from tests.cast import Cast

pytestmark = pytest.mark.django_db
STOCKHOLM = ZoneInfo("Europe/Stockholm")
_ids = itertools.count(1)


def simulated(per_cell: int, seed: int = 3) -> bytes:
    rng = np.random.default_rng(seed)
    lines = ["wave,group,weight,knows,agree,hours"]
    for wave, group, p in (
        ("before", "campaign", 0.3),
        ("after", "campaign", 0.6),
        ("before", "comparison", 0.3),
        ("after", "comparison", 0.35),
    ):
        for _ in range(per_cell):
            knows = "yes" if rng.random() < p else "no"
            lines.append(
                f"{wave},{group},{rng.uniform(0.5, 2):.2f},{knows},{rng.integers(1, 6)},"
                f"{rng.integers(20, 60)}"
            )
    return ("\n".join(lines) + "\n").encode()


def test_survey_results_are_the_engines(survey_set: SurveySet, communicator: Actor) -> None:
    imports.import_panel(actor=communicator, survey_id=survey_set.survey.pk, content=simulated(60))
    result = evaluate(actor=communicator, campaign_id=survey_set.survey.campaign_id)
    (survey,) = result.surveys
    assert survey.counts["before"] == {"campaign": 60, "comparison": 60}
    items = {i.column: i for i in survey.items}
    assert list(items) == [
        "knows=yes",
        "agree",
        "where=tv",
        "where=radio",
        "where=web",
        "hours",
    ]
    # the same numbers as the engine run on the raw file
    raw = pl.read_csv(io.BytesIO(simulated(60)))
    frame = raw.select(
        "wave",
        "group",
        pl.col("weight").cast(pl.Float64),
        (pl.col("knows") == "yes").cast(pl.Float64).alias("k"),
    )
    direct = analyse_question(frame, "k")
    knows = items["knows=yes"].result
    assert knows.did.estimate == pytest.approx(direct.did.estimate)
    assert knows.did.p_value == pytest.approx(direct.did.p_value)
    assert knows.did.ci_low == pytest.approx(direct.did.ci_low)
    assert knows.cell("after", "campaign").result.estimate == pytest.approx(
        direct.cell("after", "campaign").result.estimate
    )
    assert knows.did.estimate is not None
    assert knows.did.estimate > 0.1  # simulated: +0.30 against +0.05
    assert items["knows=yes"].is_share
    assert not items["agree"].is_share
    # nobody answered "where": too small to say anything, said so
    assert items["where=tv"].result.did.too_small is not None


def test_small_samples_are_said_to_be_too_small(survey_set: SurveySet, communicator: Actor) -> None:
    imports.import_panel(actor=communicator, survey_id=survey_set.survey.pk, content=simulated(10))
    result = evaluate(actor=communicator, campaign_id=survey_set.survey.campaign_id)
    knows = {i.column: i for i in result.surveys[0].items}["knows=yes"].result
    assert knows.did.estimate is None
    assert knows.did.too_small is not None
    assert knows.cell("before", "campaign").result.too_small is not None


def test_weights_enter_the_frame(survey_set: SurveySet, communicator: Actor) -> None:
    imports.import_panel(actor=communicator, survey_id=survey_set.survey.pk, content=simulated(5))
    frame, columns, weighted = survey_frame(survey_set.survey)
    assert weighted
    assert frame.height == 20
    assert "knows=yes" in columns
    assert "note" not in columns
    means = frame.group_by("wave", "group").agg(pl.col("weight").mean().alias("m"))
    assert all(abs(m - 1) < 1e-9 for m in means["m"])  # rescaled to a mean of 1 per wave


def test_reach_sums_the_activities(campaign: Campaign, communicator: Actor) -> None:
    for channel, leaflets, people, impressions in (
        ("outreach", 100, 30, 0),
        ("outreach", 50, 10, 0),
        ("social", 0, 0, 9000),
    ):
        services.log_activity(
            actor=communicator,
            campaign_id=campaign.pk,
            day=dt.date(2025, 3, 9),
            channel=channel,
            leaflets=leaflets,
            people_spoken_to=people,
            impressions=impressions,
        )
    reach = evaluate(actor=communicator, campaign_id=campaign.pk).reach
    assert (reach.activities, reach.leaflets, reach.people_spoken_to, reach.impressions) == (
        3,
        150,
        40,
        9000,
    )
    assert [row[1] for row in reach.by_channel] == [2, 1]


def test_portal_visits_in_the_period_against_the_days_before(
    campaign: Campaign, communicator: Actor
) -> None:
    from akrim.portal.models import Page, PageVisit

    page = Page.objects.create(slug="campaign-page", kind="campaign")
    other = Page.objects.create(slug="other-page")
    services.add_material(
        actor=communicator,
        campaign_id=campaign.pk,
        language="pl",
        kind="page",
        title="P",
        page_slug="campaign-page",
    )
    PageVisit.objects.create(page=page, language="pl", day=dt.date(2025, 3, 1), count=40)
    PageVisit.objects.create(page=page, language="pl", day=dt.date(2025, 5, 31), count=2)
    PageVisit.objects.create(page=page, language="ar", day=dt.date(2025, 4, 1), count=7)
    PageVisit.objects.create(page=page, language="pl", day=dt.date(2025, 2, 28), count=5)
    PageVisit.objects.create(page=page, language="pl", day=dt.date(2024, 11, 28), count=1000)
    PageVisit.objects.create(page=other, language="pl", day=dt.date(2025, 3, 2), count=999)
    visits = evaluate(actor=communicator, campaign_id=campaign.pk).visits
    assert visits.rows == [("ar", 7, 0), ("pl", 42, 5)]
    assert visits.before_start == dt.date(2024, 11, 29)  # 92 days before 1 March 2025
    assert visits.pages == ["campaign-page"]


def _tip(when: dt.datetime, language: str, centre: str | None, sni: str) -> None:
    from akrim.tips.models import Tip

    Tip.objects.create(
        lookup_id=f"T{next(_ids):08d}",
        received_at=when,
        language=language,
        centre=Centre.objects.get(code=centre) if centre else None,
        sni_section=sni,
        what_sealed="sealed",
    )


def test_tips_by_language_and_industry_beside_the_comparison_and_a_year_before(
    campaign: Campaign, communicator: Actor
) -> None:
    march = dt.datetime(2025, 3, 10, 12, tzinfo=STOCKHOLM)
    _tip(march, "pl", "stockholm", "F")
    _tip(march, "pl", "stockholm", "")
    _tip(march, "ar", "syd", "I")
    _tip(march.replace(year=2024), "pl", "stockholm", "F")
    _tip(march, "pl", "vast", "F")  # neither group
    _tip(march, "pl", None, "F")  # not routed
    _tip(dt.datetime(2025, 6, 1, 0, 30, tzinfo=STOCKHOLM), "pl", "stockholm", "F")  # after
    result = evaluate(actor=communicator, campaign_id=campaign.pk)
    assert result.tips_by_language is not None
    assert result.tips_by_industry is not None
    languages = {r.key: r for r in result.tips_by_language}
    assert (languages["pl"].campaign_now, languages["pl"].campaign_before) == (2, 1)
    assert languages["ar"].comparison_now == 1
    assert languages["ar"].campaign_now == 0
    industries = {r.key: r for r in result.tips_by_industry}
    assert industries["F"].campaign_now == 1
    assert industries["unknown"].campaign_now == 1
    assert industries["F"].campaign_change == 0
    assert list(industries)[-1] == "unknown"


def test_controls_in_the_targeted_industries(campaign: Campaign, communicator: Actor) -> None:
    from akrim.controls.models import Control, Finding

    def control(day: dt.date, centre: str, industry: str, status: str, findings: int) -> None:
        start = dt.datetime.combine(day, dt.time(9), tzinfo=STOCKHOLM)
        row = Control.objects.create(
            centre=Centre.objects.get(code=centre),
            lead_agency=Agency.objects.get(code="SKV"),
            starts_at=start,
            ends_at=start + dt.timedelta(hours=3),
            status=status,
            industry=industry,
        )
        for _ in range(findings):
            Finding.objects.create(control=row, owner=Agency.objects.get(code="SKV"), code="X")

    control(dt.date(2025, 3, 5), "stockholm", "F", "closed", 2)
    control(dt.date(2025, 3, 6), "stockholm", "I", "carried_out", 0)
    control(dt.date(2025, 3, 7), "stockholm", "G", "closed", 1)  # not targeted
    control(dt.date(2025, 3, 8), "stockholm", "F", "planned", 1)  # not counted
    control(dt.date(2024, 3, 8), "stockholm", "F", "closed", 1)  # a year before
    control(dt.date(2025, 4, 8), "syd", "I", "in_follow_up", 3)
    rows = {r.key: r for r in evaluate(actor=communicator, campaign_id=campaign.pk).controls}
    assert (rows["controls"].campaign_now, rows["controls"].campaign_before) == (2, 1)
    assert rows["with_findings"].campaign_now == 1
    assert rows["findings"].campaign_now == 2
    assert (rows["controls"].comparison_now, rows["findings"].comparison_now) == (1, 3)


def test_year_before_handles_a_leap_day() -> None:
    assert year_before(dt.date(2024, 2, 29)) == dt.date(2023, 2, 28)
    assert year_before(dt.date(2025, 3, 1)) == dt.date(2024, 3, 1)


def test_the_evaluation_is_not_found_outside_scope(cast: Cast, campaign: Campaign) -> None:
    assert evaluate(actor=cast.actor("national_reader"), campaign_id=campaign.pk)
    for name in ("skv_inspector", "skv_auditor"):
        with pytest.raises(NotFound):
            evaluate(actor=cast.actor(name), campaign_id=campaign.pk)


def test_the_pdf_report_renders_with_the_campaign_and_its_results(
    survey_set: SurveySet, communicator: Actor
) -> None:
    from pypdf import PdfReader

    imports.import_panel(actor=communicator, survey_id=survey_set.survey.pk, content=simulated(40))
    services.add_experience(
        actor=communicator,
        campaign_id=survey_set.survey.campaign_id,
        group="Cleaners",
        tried="Leaflets",
        reached_how="At controls",
        recorded_on=dt.date(2025, 4, 1),
    )
    name, pdf = evaluation_pdf(actor=communicator, campaign_id=survey_set.survey.campaign_id)
    assert pdf.startswith(b"%PDF")
    assert name.endswith("-evaluation.pdf")
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    flat = "".join(text.split())  # table cells break lines anywhere
    assert "Know your rights" in text
    assert "Difference-in-differences" in flat
    assert "95%CI" in flat
    assert "Sampletoosmalltosayanything" in flat  # the "where" options
    assert "Cleaners" in text


def test_the_responses_download_reproduces_the_figures_with_the_command(
    survey_set: SurveySet,
    communicator: Actor,
    client_for: Callable[[str], Client],
    tmp_path: Path,
) -> None:
    import json

    from akrim.cli import main

    imports.import_panel(actor=communicator, survey_id=survey_set.survey.pk, content=simulated(40))
    client = client_for("national_reader")
    campaign_id = survey_set.survey.campaign_id
    url = f"/en/campaigns/{campaign_id}/surveys/{survey_set.survey.pk}/responses.csv"
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    folder = tmp_path
    (folder / "r.csv").write_bytes(response.content)
    assert (
        main(
            [
                "survey",
                "analyse",
                "--responses",
                str(folder / "r.csv"),
                "--out",
                str(folder / "r.json"),
            ]
        )
        == 0
    )
    figures = json.loads((folder / "r.json").read_text())
    knows = {
        i.column: i for i in evaluate(actor=communicator, campaign_id=campaign_id).surveys[0].items
    }["knows=yes"].result
    did = figures["questions"]["knows=yes"]["difference_in_differences"]
    assert did["estimate"] == pytest.approx(knows.did.estimate)
    assert did["p_value"] == pytest.approx(knows.did.p_value)
    assert client_for("skv_inspector").get(url).status_code == 404
