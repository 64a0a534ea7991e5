"""Fixtures shared by the whole suite."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from django.test import Client
from hypothesis import settings as hypothesis_settings

from akrim.core.actor import Actor
from tests.cast import PASSWORD, Cast, make_cast

if TYPE_CHECKING:
    from akrim.registry.services import ImportResult

SMALL_WORLD_COMPANIES = 150

# Property tests run without Hypothesis' time limit per example (200 ms): the examples take
# milliseconds, but on a machine busy with other work (CI runs two workers) one of them can
# stall past the limit, and Hypothesis then fails the test though nothing is wrong. Loaded
# here, before the test modules, so their own @settings inherit it.
hypothesis_settings.register_profile("akrim", deadline=None)
hypothesis_settings.load_profile("akrim")


@pytest.fixture(autouse=True)
def _fast_passwords_and_clean_cache(settings: Any) -> Iterator[None]:
    from django.core.cache import cache
    from django.utils import translation

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    cache.clear()  # login throttling counts live in the cache
    translation.activate("en")  # services called outside a request speak English, like the CLI
    yield
    translation.deactivate()
    cache.clear()


@pytest.fixture
def cast(db: None) -> Cast:
    return make_cast()


@pytest.fixture(scope="session")
def small_world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small synthetic extract (CSV), generated once per test session."""
    from akrim.demo.world import generate_world

    out = tmp_path_factory.mktemp("world") / "extract"
    generate_world(out, companies=SMALL_WORLD_COMPANIES, seed=7, months=3)
    return out


@pytest.fixture
def imported(db: None, small_world: Path) -> ImportResult:
    """The small world imported as Skatteverket's extract."""
    from akrim.registry.services import import_registers

    return import_registers(actor=Actor.system(), folder=small_world, owner="SKV")


def login(client: Client, username: str) -> Client:
    response = client.post("/en/accounts/login/", {"username": username, "password": PASSWORD})
    assert response.status_code == 302, response.content[:500]
    return client


@pytest.fixture
def client_for(cast: Cast) -> Callable[[str], Client]:
    """``client_for("skv_inspector")`` gives a logged-in test client."""

    def make(username: str) -> Client:
        return login(Client(), username)

    return make
