"""The organisation as it is: agencies, centres, counties, municipalities, memberships."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from akrim.core.actor import Actor
from akrim.core.errors import Conflict, Forbidden, InvalidInput
from akrim.organisation import queries, services
from akrim.organisation.models import Agency, Centre, County, Membership, Municipality, Staff
from tests.cast import Cast

pytestmark = pytest.mark.django_db


def test_the_nine_agencies_and_seven_centres_are_seeded() -> None:
    assert sorted(Agency.objects.values_list("code", flat=True)) == sorted(
        ["AF", "AV", "EBM", "FK", "JAMY", "MV", "POL", "SKV", "AM"]
    )
    assert sorted(Centre.objects.values_list("name", flat=True)) == sorted(
        ["Nord", "Mitt", "Stockholm", "Öst", "Väst", "Syd", "Bergslagen"]
    )


def test_every_municipality_maps_to_a_centre_through_its_county() -> None:
    assert County.objects.count() == 21
    assert Municipality.objects.count() == 290
    assert not Municipality.objects.filter(county__centre__isnull=True).exists()
    assert Municipality.objects.get(code="0180").county.centre.name == "Stockholm"
    assert Municipality.objects.get(code="1280").county.centre.name == "Syd"  # Malmö
    assert Municipality.objects.get(code="2480").county.centre.name == "Nord"  # Umeå
    gotland = Municipality.objects.get(code="0980")
    assert gotland.county.centre.name == "Stockholm"


def test_founders_join_each_centre_when_it_opens() -> None:
    for centre in Centre.objects.all():
        founders = Membership.objects.filter(centre=centre, agency__code__in=["AV", "POL", "SKV"])
        assert founders.count() == 3
        assert all(m.joined_on == centre.opened_on for m in founders)


def test_overview_flags_missing_and_late_agencies_against_the_deadline() -> None:
    overview, deadline = queries.membership_overview(today=dt.date(2026, 1, 1))
    assert deadline == dt.date(2023, 12, 31)
    assert all(not row.missing for row in overview)  # everyone joined by end of 2023
    nord = Centre.objects.get(name="Nord")
    Membership.objects.filter(centre=nord, agency__code="AM").update(joined_on=dt.date(2024, 3, 1))
    services.set_membership_deadline(actor=Actor.system(), deadline=dt.date(2024, 1, 31))
    overview, _ = queries.membership_overview(today=dt.date(2024, 2, 15))
    row = next(r for r in overview if r.centre.name == "Nord")
    assert [a.code for a in row.missing] == ["AM"]
    assert [m.agency.code for m in row.late] == ["AM"]
    overview, _ = queries.membership_overview(today=dt.date(2024, 6, 1))
    row = next(r for r in overview if r.centre.name == "Nord")
    assert row.missing == []
    assert "AM" in row.members_today


def test_only_an_administrator_sets_the_deadline(cast: Cast) -> None:
    with pytest.raises(Forbidden):
        services.set_membership_deadline(
            actor=cast.actor("coordinator"), deadline=dt.date(2024, 1, 1)
        )
    row = services.set_membership_deadline(
        actor=cast.actor("admin"), deadline=dt.date(2024, 1, 1), note="moved"
    )
    assert queries.current_deadline() == row


def _create(
    actor: Actor,
    username: str,
    agency: str = "AV",
    roles: tuple[str, ...] = ("inspector",),
    password: str = "a long enough passphrase",
    centres: tuple[str, ...] = ("Väst",),
) -> None:
    services.create_staff(
        actor=actor,
        username=username,
        password=password,
        agency=agency,
        centres=list(centres),
        roles=list(roles),
    )


def test_create_staff_refuses_unknown_agency_role_weak_password_and_taken_name(
    cast: Cast,
) -> None:
    system = Actor.system()
    with pytest.raises(InvalidInput, match="Unknown agency"):
        _create(system, "x1", agency="XYZ")
    with pytest.raises(InvalidInput, match="role"):
        _create(system, "x2", roles=("boss",))
    with pytest.raises(InvalidInput, match="centre"):
        _create(system, "x3", centres=("Atlantis",))
    with pytest.raises(InvalidInput):
        _create(system, "x4", password="123")
    with pytest.raises(Conflict):
        _create(system, "skv_inspector")
    with pytest.raises(Forbidden):
        _create(cast.actor("coordinator"), "x5")
    _create(system, "x6")
    assert Staff.objects.get(user__username="x6").agency.code == "AV"


def test_membership_page_shows_every_centre_and_lets_only_admins_set_the_deadline(
    client_for: Any,
) -> None:
    response = client_for("pol_inspector").get("/en/centres/")
    assert response.status_code == 200
    for name in ["Nord", "Mitt", "Stockholm", "Öst", "Väst", "Syd", "Bergslagen"]:
        assert name in response.content.decode()
    assert b"Set the deadline" not in response.content
    refused = client_for("pol_inspector").post("/en/centres/", {"deadline": "2024-01-01"})
    assert refused.status_code == 403
    admin = client_for("admin")
    assert b"Set the deadline" in admin.get("/en/centres/").content
    assert admin.post("/en/centres/", {"deadline": "2024-02-01"}).status_code == 302
    assert queries.current_deadline().deadline == dt.date(2024, 2, 1)  # type: ignore[union-attr]
    bad = admin.post("/en/centres/", {"deadline": "not a date"})
    assert bad.status_code == 200
    assert b"Enter a valid date" in bad.content


def test_anonymous_visitors_are_sent_to_login() -> None:
    for url in ["/sv/home/", "/en/centres/", "/en/registry/search/?q=x", "/en/audit/"]:
        response = Client().get(url)
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]


def test_start_page_names_the_users_centre(client_for: Any) -> None:
    response = client_for("skv_inspector").get("/en/home/")
    assert b"Regional centre Stockholm" in response.content
    national = client_for("national_reader").get("/en/home/")
    assert b"National view" in national.content
