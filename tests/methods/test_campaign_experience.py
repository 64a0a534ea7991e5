"""Issue 9's experience log carried into the methods handbook: a revision cites campaign
experience, the method page names it, the campaign's log links back."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.test import Client

from akrim.campaigns import services as campaigns
from akrim.core.errors import InvalidInput
from akrim.methods import services
from akrim.methods.models import Method
from tests.campaigns.conftest import plan
from tests.cast import Cast

pytestmark = pytest.mark.django_db


def test_a_revision_cites_campaign_experience_and_both_pages_show_it(
    cast: Cast, method: Method, client_for: Callable[[str], Client]
) -> None:
    coordinator = cast.actor("coordinator")
    campaign = campaigns.plan_campaign(actor=coordinator, plan=plan())
    entry = campaigns.add_experience(
        actor=coordinator,
        campaign_id=campaign.pk,
        group="Polish construction workers",
        tried="Leaflets in Polish handed out at building sites by inspectors.",
        reached_how="At the site gates before the morning shift.",
        worked="Talking in Polish with a union organiser present.",
        recorded_on=dt.date(2025, 5, 20),
    )
    client = client_for("coordinator")
    form = client.get(f"/en/methods/{method.slug}/revise/").content.decode()
    assert f'name="experience" value="{entry.pk}"' in form

    response = client.post(
        f"/en/methods/{method.slug}/revise/",
        {
            "base": "1",
            "body": "1. Plan.\n2. Bring leaflets in the workers' languages.",
            "summary": "Leaflets in the workers' languages",
            "experience": [str(entry.pk)],
        },
    )
    assert response.status_code == 302
    version = method.versions.get(number=2)
    assert list(version.from_experience.all()) == [entry]
    page = client.get(f"/en/methods/{method.slug}/").content.decode()
    assert f"{campaign.name} (2025-05-20)" in page
    log = client.get("/en/campaigns/experience/").content.decode()
    assert f"/en/methods/{method.slug}/versions/2/" in log


def test_experience_the_reviser_may_not_see_is_refused(cast: Cast, method: Method) -> None:
    coordinator = cast.actor("coordinator")
    campaign = campaigns.plan_campaign(actor=coordinator, plan=plan())
    entry = campaigns.add_experience(
        actor=coordinator,
        campaign_id=campaign.pk,
        group="Cleaners",
        tried="Radio spots in Romanian.",
        reached_how="Local radio.",
        recorded_on=dt.date(2025, 5, 20),
    )
    for wrong in ([999999], [entry.pk, 999999]):
        with pytest.raises(InvalidInput, match="Unknown experience entry"):
            services.revise_method(
                actor=coordinator,
                method_id=method.pk,
                base=1,
                body="New text.",
                summary="Change",
                experience=wrong,
            )
    assert method.versions.count() == 1
