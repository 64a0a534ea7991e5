"""Browser journeys: Playwright driving Debian's headless Chromium against a live server."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from typing import Any

import pytest

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop; Django must allow ORM calls beside it.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    executable = shutil.which("chromium") or "/usr/bin/chromium"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(locale="sv-SE")
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture(autouse=True)
def _reference_data(transactional_db: None) -> None:
    """Transactional tests flush the database, seeded rows included: seed them again."""
    from akrim.organisation import models
    from akrim.organisation.seed import seed_organisation

    names = ["Agency", "Centre", "County", "Municipality", "Membership", "MembershipDeadline"]
    seed_organisation({name: getattr(models, name) for name in names})
    from akrim.access import models as access
    from akrim.access.seed import seed_access
    from akrim.controls import models as controls
    from akrim.controls.seed import seed_checklists

    seed_access({"DataCategory": access.DataCategory, "LegalBasis": access.LegalBasis})
    seed_checklists(
        {
            "Agency": models.Agency,
            "Checklist": controls.Checklist,
            "ChecklistVersion": controls.ChecklistVersion,
        }
    )
