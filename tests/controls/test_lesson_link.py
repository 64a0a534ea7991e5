"""The control page points its team to the methods handbook once the control is done."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from akrim.controls import services
from tests.controls.conftest import World

pytestmark = pytest.mark.django_db


def test_the_record_a_lesson_link_appears_after_the_day(
    world: World, client_for: Callable[[str], Client]
) -> None:
    coordinator = world.actor("coordinator")
    control = world.plan()
    services.assign_team_member(actor=coordinator, control_id=control.pk, username="skv_inspector")
    client = client_for("skv_inspector")
    link = f"/en/methods/lessons/new/?control={control.pk}"
    assert link not in client.get(f"/en/controls/{control.pk}/").content.decode()
    services.mark_prepared(actor=coordinator, control_id=control.pk)
    services.mark_carried_out(actor=coordinator, control_id=control.pk)
    page = client.get(f"/en/controls/{control.pk}/").content.decode()
    assert link in page
    assert client.get(link).status_code == 200  # the team member may record one
    # someone who reads the control but is not in its team gets no link that would refuse
    reader = client_for("skv_analyst")
    seen = reader.get(f"/en/controls/{control.pk}/")
    assert seen.status_code == 200
    assert link not in seen.content.decode()
    assert reader.get(link).status_code == 404
