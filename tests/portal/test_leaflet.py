"""The one-page A4 leaflet of every page in every language, with a QR code to the page."""

from __future__ import annotations

import io

import pytest
from django.test import Client
from pypdf import PdfReader

from akrim.portal.leaflet import qr_data_uri
from akrim.portal.models import Page, PageVersion, Status
from akrim.portal.services import SeedResult
from tests.portal.test_public import LANGUAGES

A4 = (595, 842)  # points, rounded


def _pdf(client: Client, url: str) -> PdfReader:
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["Content-Type"] == "application/pdf"
    assert not response.cookies
    return PdfReader(io.BytesIO(response.content))


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_leaflet_is_exactly_one_a4_page(
    seeded: SeedResult, client: Client, lang: str
) -> None:
    for page in Page.objects.all():
        reader = _pdf(client, f"/{lang}/info/{page.slug}/leaflet.pdf")
        assert len(reader.pages) == 1, (lang, page.slug)
        box = reader.pages[0].mediabox
        assert (round(float(box.width)), round(float(box.height))) == A4


def test_the_leaflet_carries_the_title_and_the_page_address(
    seeded: SeedResult, client: Client
) -> None:
    reader = _pdf(client, "/en/info/safety/leaflet.pdf")
    text = reader.pages[0].extract_text()
    title = PageVersion.objects.get(page__slug="safety", language="en").title
    assert title.split()[0] in text
    assert "http://testserver/en/info/safety/" in text.replace("\n", "")


def test_an_overlong_page_still_fits_on_one_page(seeded: SeedResult, client: Client) -> None:
    page = Page.objects.get(slug="safety")
    body = "\n\n".join(["## Heading"] + ["A fairly long sentence about safety at work. " * 6] * 9)
    PageVersion.objects.create(
        page=page, language="en", number=2, title="Long", body=body, status=Status.AWAITING_REVIEW
    )
    assert len(_pdf(client, "/en/info/safety/leaflet.pdf").pages) == 1


def test_a_page_too_long_for_any_size_is_cut_to_one_page_pointing_to_the_whole(
    seeded: SeedResult, client: Client
) -> None:
    page = Page.objects.get(slug="safety")
    paragraphs = [
        f"Paragraph {n}: " + "a long sentence about safety at work. " * 12 for n in range(60)
    ]
    PageVersion.objects.create(
        page=page,
        language="en",
        number=2,
        title="Very long",
        body="\n\n".join(["## Heading", *paragraphs]),
        status=Status.AWAITING_REVIEW,
    )
    reader = _pdf(client, "/en/info/safety/leaflet.pdf")
    assert len(reader.pages) == 1
    text = reader.pages[0].extract_text()
    assert "Paragraph 0:" in text  # the beginning is kept
    assert "Paragraph 59:" not in text  # the end is not
    assert "…" in text
    assert "http://testserver/en/info/safety/" in text.replace("\n", "")  # where the rest is


def test_blocks_and_join_blocks_round_trip() -> None:
    from akrim.portal.body import blocks, join_blocks

    text = "## A\n\nOne\ntwo\n\n- x\n- y\n\nEnd"
    assert blocks(join_blocks(blocks(text))) == blocks(text)


def test_the_qr_code_is_an_svg_data_uri() -> None:
    uri = qr_data_uri("https://example.org/en/info/safety/")
    assert uri.startswith("data:image/svg+xml")


def test_a_leaflet_is_rendered_once_per_version(
    seeded: SeedResult, client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    from akrim.portal import leaflet

    first = client.get("/en/info/housing/leaflet.pdf").content
    calls: list[str] = []

    def counting(**kwargs: object) -> bytes:
        calls.append("render")
        return b"%PDF-new"

    monkeypatch.setattr(leaflet, "_render", counting)
    assert client.get("/en/info/housing/leaflet.pdf").content == first
    assert calls == []
    page = Page.objects.get(slug="housing")
    PageVersion.objects.create(
        page=page, language="en", number=2, title="New", body="b", status=Status.AWAITING_REVIEW
    )
    assert client.get("/en/info/housing/leaflet.pdf").content == b"%PDF-new"
    assert calls == ["render"]
