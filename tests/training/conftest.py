"""Training fixtures: the cast, a session at Stockholm, and the joint-control world."""

from __future__ import annotations

import datetime as dt

import pytest

from akrim.training import services
from akrim.training.models import Session
from tests.cast import Cast
from tests.controls.conftest import world  # noqa: F401 - fixture re-export

DAY = dt.date(2025, 3, 10)


@pytest.fixture
def session(cast: Cast) -> Session:
    return services.create_session(
        actor=cast.actor("coordinator"),
        course="trafficking-indicators",
        centre="stockholm",
        held_on=DAY,
        capacity=2,
        place="Centre office, room 3",
        trainers=["pol_inspector"],
    )
