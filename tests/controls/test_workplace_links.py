"""A control page links a workplace to its register record only for those who may open
it; others see the workplace's id without a link that would only say "not found"."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from tests.controls.conftest import World

pytestmark = pytest.mark.django_db


def test_workplace_links_only_where_the_record_opens(
    world: World, client_for: Callable[[str], Client]
) -> None:
    control = world.plan()
    workplace_id = control.workplaces.get().workplace_id
    link = f'href="/en/registry/workplaces/{workplace_id}/"'
    for name in ("skv_inspector", "coordinator"):
        client = client_for(name)
        page = client.get(f"/en/controls/{control.pk}/")
        assert page.status_code == 200
        html = page.content.decode()
        assert workplace_id in html  # the id is always shown
        opens = client.get(f"/en/registry/workplaces/{workplace_id}/").status_code == 200
        assert (link in html) == opens, name
    # the register's owner opens it, another agency without a sharing rule does not
    assert link in client_for("skv_inspector").get(f"/en/controls/{control.pk}/").content.decode()
    assert link not in client_for("coordinator").get(f"/en/controls/{control.pk}/").content.decode()
