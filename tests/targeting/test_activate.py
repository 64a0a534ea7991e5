"""Making a kept model the active one from the feedback page: who may, what is written and
audited, and wrong input."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.contrib.auth.models import User
from django.test import Client

from akrim.audit.models import AuditEntry
from akrim.core.actor import Actor
from akrim.targeting import services
from akrim.targeting.models import ScoringModel, ScoringRun
from tests.conftest import login
from tests.targeting.conftest import Staffed

pytestmark = pytest.mark.django_db

ClientFor = Callable[[str], Client]


def url(model_id: int | str) -> str:
    return f"/en/targeting/models/{model_id}/activate/"


@pytest.fixture
def two_models(scored: ScoringRun) -> tuple[ScoringModel, ScoringModel]:
    """SKV's first (active) model and a retrained one kept beside it."""
    first = ScoringModel.objects.get()
    second = services.train_model(actor=Actor.system(), owner="SKV", seed=1).new
    assert first.active
    assert not second.active
    return first, second


def active_pk() -> int:
    return ScoringModel.objects.get(owner__code="SKV", active=True).pk


def test_an_analyst_makes_the_retrained_model_active_from_the_feedback_page(
    two_models: tuple[ScoringModel, ScoringModel], staff: Staffed
) -> None:
    first, second = two_models
    client = login(Client(), "skv_analyst")
    page = client.get("/en/targeting/feedback/").content.decode()
    assert 'data-testid="activate"' in page
    assert f'action="{url(second.pk)}"' in page
    assert f'action="{url(first.pk)}"' not in page  # already active: no button

    response = client.post(url(second.pk))

    assert response.status_code == 302
    assert response["Location"] == "/en/targeting/feedback/?owner=SKV"
    assert active_pk() == second.pk
    assert ScoringModel.objects.filter(active=True).count() == 1
    entry = AuditEntry.objects.filter(action="activate_scoring_model").get()
    assert (entry.object_id, entry.object_owner) == (str(second.pk), "SKV")
    assert entry.username == "skv_analyst"
    after = client.get(response["Location"]).content.decode()
    assert f"Model {second.pk} is now the active model" in after
    assert f'action="{url(first.pk)}"' in after  # and back again is offered
    run = services.run_scoring(actor=Actor.system(), owner="SKV")
    assert run.model_id == second.pk  # the next run uses it


def test_an_administrator_may_switch_back(
    two_models: tuple[ScoringModel, ScoringModel], client_for: ClientFor
) -> None:
    first, second = two_models
    client = client_for("admin")
    assert client.post(url(second.pk)).status_code == 302
    assert client.post(url(first.pk)).status_code == 302
    assert active_pk() == first.pk
    assert AuditEntry.objects.filter(action="activate_scoring_model").count() == 2


def test_anonymous_visitors_are_sent_to_the_login_page(
    two_models: tuple[ScoringModel, ScoringModel],
) -> None:
    first, second = two_models
    response = Client().post(url(second.pk))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
    assert active_pk() == first.pk


@pytest.mark.parametrize(
    "name", ["skv_inspector", "pol_inspector", "other_centre", "skv_auditor", "national_reader"]
)
def test_staff_outside_analysis_and_coordination_may_not_switch(
    two_models: tuple[ScoringModel, ScoringModel], client_for: ClientFor, name: str
) -> None:
    first, second = two_models
    assert client_for(name).post(url(second.pk)).status_code == 403
    assert active_pk() == first.pk
    assert not AuditEntry.objects.filter(action="activate_scoring_model").exists()


def test_another_agencys_analyst_may_not_switch_skvs_model_nor_is_offered_it(
    two_models: tuple[ScoringModel, ScoringModel], staff: Staffed
) -> None:
    first, second = two_models
    client = login(Client(), "pol_analyst")
    assert client.post(url(second.pk)).status_code == 403
    assert active_pk() == first.pk
    page = client.get("/en/targeting/feedback/?owner=SKV").content.decode()
    assert 'data-testid="activate"' not in page


def test_wrong_and_hostile_requests_change_nothing(
    two_models: tuple[ScoringModel, ScoringModel], staff: Staffed
) -> None:
    first, second = two_models
    client = login(Client(), "skv_analyst")
    assert client.get(url(second.pk)).status_code == 405
    assert client.post(url(999_999)).status_code == 404
    for bad in ["abc", "-1", "1%27%20OR%201=1", "9" * 400]:
        assert client.post(url(bad)).status_code == 404, bad
    guarded = Client(enforce_csrf_checks=True)
    guarded.force_login(User.objects.get(username="skv_analyst"))
    assert guarded.post(url(second.pk)).status_code == 403  # no CSRF token
    assert active_pk() == first.pk
    assert not AuditEntry.objects.filter(action="activate_scoring_model").exists()
    assert client.post(url(first.pk)).status_code == 302  # the active one stays active
    assert active_pk() == first.pk
