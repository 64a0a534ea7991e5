"""Portal fixtures: the shipped content seeded, and communication staff."""

from __future__ import annotations

import pytest

from akrim.core.actor import Actor, Role
from akrim.organisation.services import create_staff
from akrim.portal.services import SeedResult, seed_content
from tests.cast import PASSWORD, Cast


@pytest.fixture
def seeded(db: None) -> SeedResult:
    """The shipped content (portal/content/*.json) loaded, awaiting review."""
    return seed_content(actor=Actor.system())


@pytest.fixture
def communicators(cast: Cast) -> Cast:
    """Two communication staff at Skatteverket (one writes, the other reviews)."""
    users = dict(cast.users)
    for username in ("skv_communicator", "skv_reviewer"):
        users[username] = create_staff(
            actor=Actor.system(),
            username=username,
            password=PASSWORD,
            agency="SKV",
            centres=["stockholm"],
            roles=[Role.COMMUNICATOR],
        ).user
    return Cast(users)
