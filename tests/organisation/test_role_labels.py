"""The start page names the user's roles, not their codes."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.utils import translation

from akrim.core.actor import ROLE_LABELS, Role, role_label

pytestmark = pytest.mark.django_db


def test_every_role_has_a_label() -> None:
    assert set(ROLE_LABELS) == set(Role)
    assert role_label("dp_auditor") == "data-protection auditor"
    assert role_label("national_reader") == "national reader"
    assert role_label("no_such_role") == "no_such_role"


def test_role_labels_follow_the_active_language() -> None:
    with translation.override("sv"):
        assert role_label(Role.ADMIN) == "administratör"
        assert role_label(Role.DP_AUDITOR) == "dataskyddsgranskare"


@pytest.mark.parametrize(
    ("username", "code", "label", "swedish_label"),
    [
        ("skv_auditor", "dp_auditor", "data-protection auditor", "dataskyddsgranskare"),
        ("national_reader", "national_reader", "national reader", "nationell läsare"),
    ],
)
def test_the_start_page_shows_role_names(
    client_for: Callable[[str], Client], username: str, code: str, label: str, swedish_label: str
) -> None:
    client = client_for(username)
    english = _who(client.get("/en/home/").content.decode(), "You are")
    assert english.endswith(f"· {label}")
    assert code not in english
    swedish = _who(client.get("/sv/home/").content.decode(), "Du är")
    assert swedish.endswith(f"· {swedish_label}")
    assert code not in swedish


def _who(page: str, lead: str) -> str:
    """The start page's "You are …" line, after the user name."""
    line = page.split(f"{lead} ", 1)[1].split("</p>", 1)[0]
    return line.split(",", 1)[1]  # after the user name (which may be a role's code)
