"""Staff content management: permissions, new versions, reviews, interface texts, campaign
pages, and wrong, missing, oversized and hostile input on every form."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from akrim.audit.models import AuditEntry
from akrim.portal.models import MAX_BODY, MAX_UI_TEXT, Kind, Page, PageVersion, Status, UiText
from akrim.portal.services import SeedResult
from tests.cast import Cast

ClientFor = Callable[[str], Client]
EDIT = "/en/portal/pages/safety/pl/"
TEXTS = "/en/portal/texts/pl/"
NEW = "/en/portal/campaigns/new/"
GOOD = {
    "title": "Tytuł testowy ZXQ",
    "summary": "Krótko.",
    "body": "## A\n\n- b",
    "status": "draft",
}


def _newest(slug: str = "safety", language: str = "pl") -> PageVersion:
    version = (
        PageVersion.objects.filter(page__slug=slug, language=language).order_by("-number").first()
    )
    assert version is not None
    return version


@pytest.mark.parametrize(
    "url",
    [
        "/en/portal/",
        EDIT,
        TEXTS,
        NEW,
        "/en/portal/versions/1/review/",
        "/en/portal/texts/review/1/",
    ],
)
def test_anonymous_is_sent_to_login(seeded: SeedResult, client: Client, url: str) -> None:
    response = client.get(url) if "review" not in url else client.post(url)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_other_staff_may_read_but_not_write(
    seeded: SeedResult, communicators: Cast, client_for: ClientFor
) -> None:
    inspector = client_for("skv_inspector")
    assert inspector.get("/en/portal/").status_code == 200
    page = inspector.get(EDIT)
    assert page.status_code == 200
    assert b'name="body"' not in page.content
    assert b'name="text"' not in inspector.get(TEXTS).content
    before = PageVersion.objects.count(), UiText.objects.count(), Page.objects.count()
    assert inspector.post(EDIT, GOOD).status_code == 403
    assert (
        inspector.post(TEXTS, {"key": "site_name", "text": "x", "status": "draft"}).status_code
        == 403
    )
    assert inspector.get(NEW).status_code == 403
    assert inspector.post(NEW, {**GOOD, "slug": "campaign-x", "language": "sv"}).status_code == 403
    version = _newest()
    assert inspector.post(f"/en/portal/versions/{version.pk}/review/").status_code == 403
    ui = UiText.objects.filter(language="pl").first()
    assert ui is not None
    assert inspector.post(f"/en/portal/texts/review/{ui.pk}/").status_code == 403
    assert (PageVersion.objects.count(), UiText.objects.count(), Page.objects.count()) == before
    assert not PageVersion.objects.filter(status=Status.REVIEWED).exists()


def test_the_matrix_shows_every_page_and_language(
    seeded: SeedResult, communicators: Cast, client_for: ClientFor
) -> None:
    html = client_for("skv_communicator").get("/en/portal/").content.decode()
    for slug in Page.objects.values_list("slug", flat=True):
        assert f"/en/portal/pages/{slug}/ar/" in html
    assert html.count("Awaiting review") == Page.objects.count() * 14
    # one column per portal language, each headed by its code and named in itself, the
    # interface texts of each language linked (base.html's own "languages" did not leak in)
    from akrim.core.i18n import portal_languages

    header = html.split("<thead>", 1)[1].split("</thead>", 1)[0]
    assert header.count('<th scope="col">') == 2 + len(portal_languages())
    for code, names in portal_languages().items():
        assert f'title="{names[1]}" lang="{code}">{code}</abbr>' in header
        assert f'href="/en/portal/texts/{code}/"' in html
    assert "bidi" not in html
    # pages by their title, not their slug
    housing = PageVersion.objects.filter(page__slug="housing", language="en").first()
    assert housing is not None
    assert f"{housing.title} <small>" in html
    swedish = client_for("skv_communicator").get("/sv/portal/").content.decode()
    title_sv = PageVersion.objects.filter(page__slug="housing", language="sv").first()
    assert title_sv is not None
    assert f"{title_sv.title} <small>" in swedish


def test_a_communicator_edits_and_another_reviews(
    seeded: SeedResult, communicators: Cast, client_for: ClientFor, client: Client
) -> None:
    editor = client_for("skv_communicator")
    response = editor.post(EDIT, {**GOOD, "status": "awaiting_review"})
    assert response.status_code == 302
    version = _newest()
    assert (version.number, version.title, version.status) == (
        2,
        "Tytuł testowy ZXQ",
        "awaiting_review",
    )
    assert version.author == communicators.user("skv_communicator")
    assert (
        PageVersion.objects.get(page__slug="safety", language="pl", number=1).title != GOOD["title"]
    )
    assert AuditEntry.objects.filter(action="portal.page_version_saved").count() == 1
    # The author may not review their own version.
    assert editor.post(f"/en/portal/versions/{version.pk}/review/").status_code == 409
    reviewer = client_for("skv_reviewer")
    assert reviewer.post(f"/en/portal/versions/{version.pk}/review/").status_code == 302
    version.refresh_from_db()
    assert version.status == Status.REVIEWED
    assert version.reviewed_by == communicators.user("skv_reviewer")
    assert version.reviewed_at is not None
    assert AuditEntry.objects.filter(action="portal.page_version_reviewed").count() == 1
    # Reviewing twice is a conflict; the public now sees the reviewed version.
    assert reviewer.post(f"/en/portal/versions/{version.pk}/review/").status_code == 409
    assert "Tytuł testowy ZXQ" in client.get("/pl/info/safety/").content.decode()


def test_a_draft_stays_private(
    seeded: SeedResult, communicators: Cast, client_for: ClientFor, client: Client
) -> None:
    client_for("skv_communicator").post(EDIT, GOOD)
    assert _newest().status == Status.DRAFT
    assert "Tytuł testowy ZXQ" not in client.get("/pl/info/safety/").content.decode()
    draft = _newest()
    assert (
        client_for("skv_reviewer").post(f"/en/portal/versions/{draft.pk}/review/").status_code
        == 409
    )


@pytest.mark.parametrize(
    "change",
    [
        {"title": ""},
        {"body": "   "},
        {"title": "x" * 201},
        {"summary": "x" * 501},
        {"body": "x" * (MAX_BODY + 1)},
        {"status": "reviewed"},  # reviewing is its own step
        {"status": ""},
        {"status": "<script>"},
        {"title": "bad\x00byte"},
    ],
)
def test_a_bad_page_edit_is_refused_and_nothing_saved(
    seeded: SeedResult,
    communicators: Cast,
    client_for: ClientFor,
    change: dict[str, str],
) -> None:
    before = PageVersion.objects.count()
    response = client_for("skv_communicator").post(EDIT, {**GOOD, **change})
    assert response.status_code == 400
    assert b'role="alert"' in response.content
    assert PageVersion.objects.count() == before


def test_missing_fields_are_refused(
    seeded: SeedResult, communicators: Cast, client_for: ClientFor
) -> None:
    editor = client_for("skv_communicator")
    assert editor.post(EDIT, {}).status_code == 400
    assert editor.post(TEXTS, {}).status_code == 400
    assert editor.post(NEW, {}).status_code == 400
    assert PageVersion.objects.filter(author__isnull=False).count() == 0


def test_hostile_text_is_stored_as_text_and_escaped_for_staff(
    seeded: SeedResult, communicators: Cast, client_for: ClientFor
) -> None:
    editor = client_for("skv_communicator")
    hostile = "<script>alert('x')</script>"
    assert editor.post(EDIT, {**GOOD, "title": hostile, "body": hostile}).status_code == 302
    assert _newest().title == hostile
    html = editor.get(EDIT).content.decode()
    assert hostile not in html
    assert "&lt;script&gt;" in html


@pytest.mark.parametrize(
    "url", ["/en/portal/pages/safety/xx/", "/en/portal/pages/nope/pl/", "/en/portal/texts/de/"]
)
def test_unknown_page_or_language_is_404(
    seeded: SeedResult, communicators: Cast, client_for: ClientFor, url: str
) -> None:
    editor = client_for("skv_communicator")
    assert editor.get(url).status_code == 404
    assert editor.post(url, {**GOOD, "key": "site_name", "text": "x"}).status_code == 404


@pytest.mark.parametrize(
    "url", ["/en/portal/versions/999999/review/", "/en/portal/texts/review/999999/"]
)
def test_reviewing_an_unknown_version_is_404(
    seeded: SeedResult, communicators: Cast, client_for: ClientFor, url: str
) -> None:
    assert client_for("skv_communicator").post(url).status_code == 404


def test_review_needs_post(seeded: SeedResult, communicators: Cast, client_for: ClientFor) -> None:
    version = _newest()
    assert (
        client_for("skv_reviewer").get(f"/en/portal/versions/{version.pk}/review/").status_code
        == 405
    )


def test_ui_texts_are_edited_and_reviewed(
    seeded: SeedResult, communicators: Cast, client_for: ClientFor, client: Client
) -> None:
    editor = client_for("skv_communicator")
    assert editor.get(TEXTS).status_code == 200
    response = editor.post(
        TEXTS, {"key": "site_name", "text": "Uczciwa praca", "status": "awaiting_review"}
    )
    assert response.status_code == 302
    row = UiText.objects.filter(language="pl", key="site_name").order_by("-number").first()
    assert row is not None
    assert row.number == 2
    assert row.text == "Uczciwa praca"
    assert "Uczciwa praca" in client.get("/pl/").content.decode()
    reviewer = client_for("skv_reviewer")
    assert reviewer.post(f"/en/portal/texts/review/{row.pk}/").status_code == 302
    row.refresh_from_db()
    assert row.status == Status.REVIEWED
    assert row.reviewed_by == communicators.user("skv_reviewer")
    assert AuditEntry.objects.filter(action__startswith="portal.ui_text_").count() == 2


@pytest.mark.parametrize(
    "data",
    [
        {"key": "no_such_key", "text": "x", "status": "draft"},
        {"key": "site_name", "text": "", "status": "draft"},
        {"key": "site_name", "text": "x" * (MAX_UI_TEXT + 1), "status": "draft"},
        {"key": "site_name", "text": "x", "status": "reviewed"},
        {"key": "error_too_long", "text": "Za długie: najwyżej {count}.", "status": "draft"},
        {"key": "error_too_long", "text": "Za długie.", "status": "draft"},
        {"key": "<img src=x>", "text": "x", "status": "draft"},
    ],
)
def test_a_bad_ui_text_is_refused(
    seeded: SeedResult, communicators: Cast, client_for: ClientFor, data: dict[str, str]
) -> None:
    before = UiText.objects.count()
    response = client_for("skv_communicator").post(TEXTS, data)
    assert response.status_code == 400
    assert b"<img src=x>" not in response.content
    assert UiText.objects.count() == before


def test_a_campaign_page_is_created(
    seeded: SeedResult, communicators: Cast, client_for: ClientFor, client: Client
) -> None:
    editor = client_for("skv_communicator")
    form = editor.get(NEW)
    assert form.status_code == 200
    from akrim.core.i18n import portal_languages

    shown = form.content.decode()
    select = shown.split('id="language" name="language"', 1)[1].split("</select>", 1)[0]
    assert select.count("<option ") == len(portal_languages())  # every language to choose
    data = {**GOOD, "slug": "campaign-cleaning-2026", "language": "sv", "status": "awaiting_review"}
    response = editor.post(NEW, data)
    assert response.status_code == 302
    assert response["Location"] == "/en/portal/pages/campaign-cleaning-2026/sv/"
    page = Page.objects.get(slug="campaign-cleaning-2026")
    assert page.kind == Kind.CAMPAIGN
    assert client.get("/sv/info/campaign-cleaning-2026/").status_code == 200
    assert AuditEntry.objects.filter(action="portal.page_created").count() == 1
    # The same address again is a conflict.
    assert editor.post(NEW, data).status_code == 409
    assert Page.objects.filter(slug="campaign-cleaning-2026").count() == 1


@pytest.mark.parametrize(
    "change",
    [
        {"slug": ""},
        {"slug": "Has Spaces"},
        {"slug": "../etc/passwd"},
        {"slug": "<script>"},
        {"slug": "x" * 81},
        {"slug": "double--hyphen"},
        {"language": "xx"},
        {"language": ""},
        {"title": ""},
        {"body": "x" * (MAX_BODY + 1)},
    ],
)
def test_a_bad_campaign_page_is_refused(
    seeded: SeedResult, communicators: Cast, client_for: ClientFor, change: dict[str, str]
) -> None:
    pages = Page.objects.count()
    data = {**GOOD, "slug": "campaign-new", "language": "sv", **change}
    response = client_for("skv_communicator").post(NEW, data)
    assert response.status_code == 400
    assert b"<script>" not in response.content
    assert Page.objects.count() == pages


def test_an_administrator_may_edit(seeded: SeedResult, cast: Cast, client_for: ClientFor) -> None:
    assert client_for("admin").post(EDIT, GOOD).status_code == 302


def test_the_matrix_counts_views_in_few_queries(
    seeded: SeedResult,
    communicators: Cast,
    client_for: ClientFor,
    client: Client,
    django_assert_max_num_queries: Any,
) -> None:
    client.get("/th/info/housing/")
    client.get("/ar/info/housing/")
    editor = client_for("skv_communicator")
    editor.get("/en/portal/")  # warm the session
    with django_assert_max_num_queries(12):
        html = editor.get("/en/portal/").content.decode()
    assert 'data-testid="visits-housing">2<' in html
    assert 'data-testid="visits-safety">0<' in html
