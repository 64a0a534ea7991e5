"""The adoption matrix names the agencies in the reader's language."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from akrim.methods.models import Method

pytestmark = pytest.mark.django_db


def test_the_agency_names_follow_the_language(
    client_for: Callable[[str], Client], established: Method
) -> None:
    client = client_for("coordinator")
    swedish = client.get("/sv/methods/adoption/").content.decode()
    head = swedish.split('data-testid="matrix"')[1].split("</thead>")[0]
    assert '<abbr title="Skatteverket">SKV</abbr>' in head
    assert '<abbr title="Polismyndigheten">POL</abbr>' in head
    assert "Swedish Tax Agency" not in head
    english = client.get("/en/methods/adoption/").content.decode()
    assert '<abbr title="Swedish Tax Agency">SKV</abbr>' in english
