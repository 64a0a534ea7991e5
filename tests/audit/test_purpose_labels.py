"""The audit log names purposes in the reader's language; the filter still takes the codes."""

from __future__ import annotations

import dataclasses
import re
from typing import Any

import pytest

from akrim.audit import services as audit
from akrim.core.actor import PURPOSE_LABELS, Purpose, purpose_label
from tests.cast import Cast

pytestmark = pytest.mark.django_db


def test_every_purpose_has_a_label() -> None:
    assert set(PURPOSE_LABELS) == set(Purpose)
    assert purpose_label("follow_up") == "Following up a control"
    assert purpose_label("") == ""
    assert purpose_label("curiosity") == "curiosity"


def test_the_log_page_names_the_purposes(client_for: Any, cast: Cast) -> None:
    planning = dataclasses.replace(cast.actor("skv_inspector"), purpose=Purpose.PLANNING)
    audit.record(actor=planning, action="read", object_id="X1", object_owner="SKV")
    client = client_for("skv_auditor")
    page = client.get("/sv/audit/").content.decode()
    options = page.split('id="filter-purpose"')[1].split("</select>")[0]
    assert '<option value="planning">Planera en kontroll</option>' in options
    assert '<option value="follow_up">Följa upp en kontroll</option>' in options
    assert '<option value="statistics">Statistik</option>' in options
    assert not re.search(r">(planning|execution|follow_up|analysis|statistics)<", options)
    table = page.split('data-testid="audit"')[1].split("</table>")[0]
    assert "<td>Planera en kontroll</td>" in table
    assert "<td>planning</td>" not in table
    chosen = client.get("/sv/audit/?purpose=planning").content.decode()
    assert '<option value="planning" selected>Planera en kontroll</option>' in chosen


def test_the_person_extract_names_the_purpose(client_for: Any, cast: Cast) -> None:
    follow_up = dataclasses.replace(cast.actor("skv_inspector"), purpose=Purpose.FOLLOW_UP)
    audit.record(
        actor=follow_up,
        action="read",
        object_type="person",
        object_id="X1",
        object_owner="SKV",
        persons=[("X1", "SKV")],
    )
    page = client_for("skv_auditor").get("/sv/audit/persons/X1/").content.decode()
    assert "<td>Följa upp en kontroll</td>" in page
    assert "<td>follow_up</td>" not in page
