"""On PostgreSQL the registers are read with ``COPY … TO STDOUT`` into Polars: the frames are
exactly those of the ORM path (run with DATABASE_URL=postgres://…; skipped on SQLite)."""

from __future__ import annotations

import polars as pl
import pytest
from django.db import connection

from akrim.registry.models import Company, Workplace
from akrim.targeting.frames import register_frames

pytestmark = pytest.mark.django_db


def orm_frames(monkeypatch: pytest.MonkeyPatch) -> dict[str, pl.DataFrame]:
    with monkeypatch.context() as patch:
        patch.setattr(connection, "vendor", "sqlite")
        return dict(register_frames(owner="SKV"))


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only")
def test_copy_gives_the_frames_the_orm_gives(
    imported: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    company = Company.objects.filter(owner__code="SKV").order_by("pk").first()
    assert company is not None
    company.address = 'Storgatan 1, "baksidan"\nPort 2'
    company.postal_code = ""
    company.save(update_fields=["address", "postal_code"])
    site = Workplace.objects.filter(owner__code="SKV").order_by("pk").first()
    assert site is not None
    site.name = "Café, \\ ; ' \" tab\there"
    site.opening_hours = ""
    site.save(update_fields=["name", "opening_hours"])

    copied = register_frames(owner="SKV")
    expected = orm_frames(monkeypatch)

    assert copied.keys() == expected.keys()
    for name, frame in copied.items():
        assert frame.schema == expected[name].schema, name
        assert frame.equals(expected[name]), name
    companies = copied["companies"]
    row = companies.filter(companies["org_no"] == company.org_no).row(0, named=True)
    assert row["address"] == company.address
    assert row["postal_code"] == ""  # required text: empty stays empty, as in the ORM path
    assert site.name in copied["workplaces"].get_column("name").to_list()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only")
def test_copy_of_an_owner_without_registers_is_empty(imported: object) -> None:
    frames = register_frames(owner="POL")
    assert all(frame.height == 0 for frame in frames.values())
    assert (
        frames["payroll"].schema["gross_pay"]
        == register_frames(owner="SKV")["payroll"].schema["gross_pay"]
    )
