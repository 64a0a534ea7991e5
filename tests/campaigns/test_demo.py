"""The demo campaign: created once, with simulated responses the engine can evaluate."""

from __future__ import annotations

import pytest

from akrim.campaigns.demo import DEMO_NAME, demo_responses_csv, setup_demo_campaign
from akrim.campaigns.evaluation import evaluate
from akrim.campaigns.models import Campaign, Response
from akrim.core.actor import Actor

pytestmark = pytest.mark.django_db


def test_demo_responses_are_deterministic_and_synthetic() -> None:
    first, second = demo_responses_csv(), demo_responses_csv()
    assert first == second
    assert demo_responses_csv(seed=1) != first
    lines = first.splitlines()
    assert lines[0].startswith("wave,group,weight,knows_rights")
    assert len(lines) == 1 + 4 * 160


def test_demo_campaign_is_evaluated_and_created_once() -> None:
    campaign = setup_demo_campaign()
    assert campaign is not None
    assert setup_demo_campaign() is None
    assert Campaign.objects.filter(name=DEMO_NAME).count() == 1
    assert Response.objects.filter(wave__survey__campaign=campaign).count() == 640
    result = evaluate(actor=Actor.system(), campaign_id=campaign.pk)
    items = {i.column: i for i in result.surveys[0].items}
    knows = items["knows_rights=yes"].result
    assert knows.did.estimate is not None
    assert knows.did.p_value is not None
    assert knows.did.ci_low is not None
    assert knows.did.ci_low < knows.did.estimate
    # simulated truth: +0.16 in the campaign regions, +0.03 in the comparison regions
    assert 0.0 < knows.did.estimate < 0.3
    ledger = items["knows_ledger=yes"].result
    assert ledger.did.too_small is not None
    assert result.reach.leaflets == 420 + 610 + 280 + 540
    assert len(result.lessons) == 2


def test_the_demo_campaign_links_the_portal_campaign_page_when_it_is_there() -> None:
    from akrim.portal.services import seed_content

    seed_content(actor=Actor.system())
    campaign = setup_demo_campaign()
    assert campaign is not None
    slugs = set(campaign.materials.values_list("page__slug", flat=True))
    assert slugs == {"campaign-know-your-rights"}
    assert evaluate(actor=Actor.system(), campaign_id=campaign.pk).visits.pages == [
        "campaign-know-your-rights"
    ]
