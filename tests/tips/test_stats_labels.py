"""The tip statistics name the centres and the national queue, not their codes."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def _row_heads(page: str) -> list[str]:
    table = page.split('data-testid="tip-stats"')[1].split("</table>")[0]
    return re.findall(r'<th scope="row">([^<]*)</th>', table)


def test_the_statistics_name_the_centres(client_for: Callable[[str], Client], cast: object) -> None:
    client = client_for("coordinator")
    swedish = _row_heads(client.get("/sv/tips/stats/").content.decode())
    assert swedish == [
        "Bergslagen",
        "Mitt",
        "Nord",
        "Stockholm",
        "Syd",
        "Väst",
        "Öst",
        "Nationell kö",
    ]
    english = _row_heads(client.get("/en/tips/stats/").content.decode())
    assert english[-1] == "National queue"
    assert "national" not in english
    assert "vast" not in english
