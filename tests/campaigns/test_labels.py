"""Campaign pages in Swedish: channels, phases, languages and industries by their names,
not their codes (the evaluation page and its PDF alike)."""

from __future__ import annotations

import datetime as dt
import io
import itertools
import re
from collections.abc import Callable
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.utils import translation

from akrim.campaigns import services
from akrim.campaigns.models import Campaign
from akrim.campaigns.report import evaluation_pdf
from akrim.core.actor import Actor
from akrim.organisation.models import Centre
from tests.campaigns.conftest import SurveySet

pytestmark = pytest.mark.django_db
ClientFor = Callable[[str], Client]
STOCKHOLM = ZoneInfo("Europe/Stockholm")
_ids = itertools.count(1)


def _row_heads(page: str, testid: str) -> list[str]:
    table = page.split(f'data-testid="{testid}"')[1].split("</table>")[0]
    return re.findall(r'<th scope="row">([^<]*)</th>', table)


def test_the_plan_shows_channels_and_languages_by_name(
    client_for: ClientFor, campaign: Campaign
) -> None:
    page = client_for("communicator").get(f"/sv/campaigns/{campaign.pk}/").content.decode()
    plan = page.split('data-testid="plan"')[1].split("</dl>")[0]
    assert "<dd>sociala medier, foldrar som delas ut vid kontroller</dd>" in plan
    assert "<dd>Polski, العربية</dd>" in plan
    assert "social, leaflets" not in plan
    assert "pl, ar" not in plan


@pytest.mark.parametrize("where", ["new", "edit"])
def test_the_plan_form_names_languages_in_themselves(
    client_for: ClientFor, campaign: Campaign, where: str
) -> None:
    url = "/sv/campaigns/" if where == "new" else f"/sv/campaigns/{campaign.pk}/edit/"
    response = client_for("communicator").get(url)
    assert response.status_code == 200
    page = response.content.decode()
    assert '<span lang="pl">Polski</span>' in page
    assert '<span lang="ti">ትግርኛ</span>' in page
    assert '<span lang="ar">العربية</span>' in page
    for english in ("Polish", "Arabic", "Tigrinya"):
        assert english not in page
    assert "> sociala medier</label>" in page  # the channels by their labels, as before


def _tip(when: dt.datetime, language: str, centre: str, sni: str) -> None:
    from akrim.tips.models import Tip

    Tip.objects.create(
        lookup_id=f"L{next(_ids):08d}",
        received_at=when,
        language=language,
        centre=Centre.objects.get(code=centre),
        sni_section=sni,
        what_sealed="sealed",
    )


def _evaluated(survey_set: SurveySet, communicator: Actor) -> int:
    """The survey set's campaign with a radio activity, a visited page and two tips."""
    from akrim.portal.models import Page, PageVisit

    campaign_id = survey_set.survey.campaign_id
    services.log_activity(
        actor=communicator,
        campaign_id=campaign_id,
        day=dt.date(2025, 3, 9),
        channel="radio",
        impressions=500,
    )
    page = Page.objects.create(slug="campaign-page", kind="campaign")
    services.add_material(
        actor=communicator,
        campaign_id=campaign_id,
        language="pl",
        kind="page",
        title="Prawa",
        page_slug="campaign-page",
    )
    PageVisit.objects.create(page=page, language="pl", day=dt.date(2025, 3, 1), count=4)
    march = dt.datetime(2025, 3, 10, 12, tzinfo=STOCKHOLM)
    _tip(march, "pl", "stockholm", "")
    _tip(march, "ar", "stockholm", "F")
    return campaign_id


def test_the_evaluation_names_phases_languages_and_industries(
    client_for: ClientFor, survey_set: SurveySet, communicator: Actor
) -> None:
    campaign_id = _evaluated(survey_set, communicator)
    page = client_for("communicator").get(f"/sv/campaigns/{campaign_id}/evaluation/")
    html = page.content.decode()
    assert _row_heads(html, "response-counts") == ["Före", "Under", "Efter"]
    assert _row_heads(html, "tips-language") == ["العربية", "Polski"]
    assert _row_heads(html, "tips-industry")[-1] == "okänd"
    assert _row_heads(html, "visits") == ["Polski", "Totalt"]
    assert '<th scope="row">radio</th>' in html  # the channel's label (radio in Swedish too)
    for code in ("before", "during", "after", "unknown"):
        assert f'<th scope="row">{code}</th>' not in html
    # and in English, the English labels
    english = client_for("communicator").get(f"/en/campaigns/{campaign_id}/evaluation/")
    assert _row_heads(english.content.decode(), "response-counts") == ["Before", "During", "After"]


def test_the_evaluation_report_names_phases_and_languages(
    survey_set: SurveySet, communicator: Actor
) -> None:
    from pypdf import PdfReader

    campaign_id = _evaluated(survey_set, communicator)
    with translation.override("sv"):
        _name, pdf = evaluation_pdf(actor=communicator, campaign_id=campaign_id)
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    words = set(text.split())
    assert {"Före", "Under", "Efter", "Polski", "okänd"} <= words
    assert not {"before", "during", "after", "unknown", "pl"} & words
