"""Public portal pages: every language, right-to-left, picker, 404s, no cookies, weight,
visit counting without anything about the reader."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any

import pytest
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.test import Client

from akrim.core.i18n import portal_languages
from akrim.portal.models import Page, PageVersion, PageVisit, Status
from akrim.portal.services import SeedResult

LANGUAGES = [
    "sv", "en", "pl", "ro", "uk", "bg", "lt", "th", "vi", "ar", "fa", "ti", "so", "bn"
]  # fmt: skip
NATIVE = {
    "sv": "Svenska", "en": "English", "pl": "Polski", "ro": "Română", "uk": "Українська",
    "bg": "Български", "lt": "Lietuvių", "th": "ไทย", "vi": "Tiếng Việt", "ar": "العربية",
    "fa": "فارسی", "ti": "ትግርኛ", "so": "Soomaali", "bn": "বাংলা",
}  # fmt: skip
SENTINEL_IP = "203.0.113.77"
SENTINEL_UA = "SentinelAgent/9.9 (portal-test-4242)"
BUDGET = 100_000


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def tags(html: bytes) -> list[tuple[str, dict[str, str | None]]]:
    parser = _Tags()
    parser.feed(html.decode("utf-8"))
    return parser.tags


def public_urls(lang: str) -> list[str]:
    return [f"/{lang}/", f"/{lang}/languages/", f"/{lang}/info/safety/", f"/{lang}/info/nope/"]


def test_the_portal_speaks_exactly_the_fourteen_languages() -> None:
    assert list(portal_languages()) == LANGUAGES


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_language_home_has_lang_dir_and_the_picker(
    seeded: SeedResult, client: Client, lang: str
) -> None:
    response = client.get(f"/{lang}/")
    assert response.status_code == 200
    found = tags(response.content)
    html_tag = next(attrs for tag, attrs in found if tag == "html")
    assert html_tag["lang"] == lang
    assert html_tag["dir"] == ("rtl" if lang in {"ar", "fa"} else "ltr")
    picker = [
        attrs for tag, attrs in found if tag == "a" and attrs.get("hreflang") and attrs.get("lang")
    ]
    assert [a["lang"] for a in picker] == LANGUAGES
    assert all(a["hreflang"] == a["lang"] for a in picker)
    text = response.content.decode()
    for code, native in NATIVE.items():
        assert re.search(rf'lang="{code}" hreflang="{code}" dir="\w+"[^>]*>{native}</a>', text)
    assert f'href="/{lang}/tip/"' in text  # the tip form
    assert "112" in text  # the emergency line
    for page in Page.objects.all():
        assert f'href="/{lang}/info/{page.slug}/"' in text


@pytest.mark.parametrize("lang", ["ar", "fa"])
def test_right_to_left_languages_are_rtl_on_every_page(
    seeded: SeedResult, client: Client, lang: str
) -> None:
    for url in public_urls(lang):
        html = client.get(url).content.decode()
        assert f'<html lang="{lang}" dir="rtl">' in html, url


def test_the_picker_leads_to_the_same_page_in_the_other_language(
    seeded: SeedResult, client: Client
) -> None:
    html = client.get("/pl/info/housing/").content.decode()
    assert 'href="/ar/info/housing/" lang="ar" hreflang="ar" dir="rtl"' in html
    assert 'href="/pl/info/housing/" lang="pl" hreflang="pl" dir="ltr" aria-current="true"' in html


def test_a_page_shows_its_language_version_and_the_review_notice(
    seeded: SeedResult, client: Client
) -> None:
    version = PageVersion.objects.get(page__slug="safety", language="en")
    html = client.get("/en/info/safety/").content.decode()
    assert version.title in html
    assert 'class="notice"' in html
    assert 'href="/en/info/safety/leaflet.pdf"' in html


def test_a_reviewed_page_in_reviewed_language_has_no_notice(
    seeded: SeedResult, client: Client
) -> None:
    from akrim.portal.models import UiText

    PageVersion.objects.filter(language="en", page__slug="safety").update(status=Status.REVIEWED)
    UiText.objects.filter(language="en").update(status=Status.REVIEWED)
    assert 'class="notice"' not in client.get("/en/info/safety/").content.decode()
    assert 'class="notice"' in client.get("/sv/info/safety/").content.decode()


def test_hostile_content_is_escaped_on_the_public_page(seeded: SeedResult, client: Client) -> None:
    page = Page.objects.get(slug="safety")
    PageVersion.objects.create(
        page=page,
        language="en",
        number=99,
        title="<script>alert('t')</script>",
        summary='"><img src=x onerror=alert(1)>',
        body="## <b>h</b>\n\n- <iframe src=//evil.example>\n\n<script>alert(2)</script>",
        status=Status.AWAITING_REVIEW,
    )
    html = client.get("/en/info/safety/").content.decode()
    for raw in ("<script>", "<img src=x", "<iframe", "<b>h</b>"):
        assert raw not in html
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in html


def test_a_draft_is_not_public_but_the_version_before_it_is(
    seeded: SeedResult, client: Client
) -> None:
    published = PageVersion.objects.get(page__slug="safety", language="en")
    PageVersion.objects.create(
        page=published.page,
        language="en",
        number=2,
        title="Secret draft title",
        body="draft",
        status=Status.DRAFT,
    )
    html = client.get("/en/info/safety/").content.decode()
    assert "Secret draft title" not in html
    assert published.title in html


def test_a_language_without_the_page_falls_back_to_english_marked_as_english(
    seeded: SeedResult, client: Client
) -> None:
    PageVersion.objects.filter(page__slug="safety", language="so").delete()
    html = client.get("/so/info/safety/").content.decode()
    assert '<html lang="so"' in html
    assert '<article lang="en" dir="ltr">' in html


@pytest.mark.parametrize(
    "url", ["/en/info/no-such-page/", "/ar/info/x/", "/en/info/ab/leaflet.pdf"]
)
def test_a_wrong_slug_is_a_404_in_the_portal_language(
    seeded: SeedResult, client: Client, url: str
) -> None:
    response = client.get(url)
    assert response.status_code == 404
    lang = url.split("/")[1]
    html = response.content.decode()
    assert f'<html lang="{lang}"' in html
    from akrim.portal.services import ui_texts

    assert ui_texts(lang)["not_found"] in html


@pytest.mark.parametrize("url", ["/xx/", "/zz/info/safety/", "/de/languages/", "/EN/"])
def test_a_wrong_language_is_a_404(seeded: SeedResult, client: Client, url: str) -> None:
    assert client.get(url).status_code == 404


def test_a_page_with_only_drafts_is_a_404(seeded: SeedResult, client: Client) -> None:
    page = Page.objects.create(slug="hidden", order=999)
    PageVersion.objects.create(
        page=page, language="en", number=1, title="T", body="b", status=Status.DRAFT
    )
    assert client.get("/en/info/hidden/").status_code == 404


def test_public_pages_refuse_posts(seeded: SeedResult, client: Client) -> None:
    assert client.post("/en/").status_code == 405
    assert client.post("/en/info/safety/").status_code == 405


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_public_page_sets_a_cookie(seeded: SeedResult, lang: str) -> None:
    client = Client()
    for url in [*public_urls(lang), f"/{lang}/info/get-help/leaflet.pdf"]:
        response = client.get(url)
        assert response.status_code in (200, 404), url
        assert not response.cookies, (url, response.cookies)
        assert "Set-Cookie" not in response.headers, url
    assert not client.cookies


def test_public_pages_request_nothing_from_third_parties(
    seeded: SeedResult, client: Client
) -> None:
    for url in public_urls("th"):
        response = client.get(url)
        assert "default-src 'self'" in response.headers["Content-Security-Policy"]
        for tag, attrs in tags(response.content):
            for name in ("src", "href", "action"):
                value = attrs.get(name) or ""
                assert not value.startswith(("http:", "https:", "//")), (url, tag, value)
            assert "style" not in attrs, (url, tag)  # CSP: no inline style
            assert tag not in {"script", "style", "iframe"}, (url, tag)


def _weight(client: Client, url: str) -> int:
    response = client.get(url)
    assert response.status_code == 200
    total = len(response.content)
    for tag, attrs in tags(response.content):
        ref = attrs.get("src") if tag == "script" else None
        if tag == "link" and attrs.get("rel") == "stylesheet":
            ref = attrs.get("href")
        if ref:
            assert ref.startswith("/static/")
            path = finders.find(ref.removeprefix("/static/"))
            assert isinstance(path, str), ref
            with open(path, "rb") as handle:
                total += len(handle.read())
    return total


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_home_page_weighs_under_100_kb_with_its_css(
    seeded: SeedResult, client: Client, lang: str
) -> None:
    assert 5_000 < _weight(client, f"/{lang}/") < BUDGET
    assert _weight(client, f"/{lang}/info/get-help/") < BUDGET


def test_the_languages_page_tells_which_translations_are_complete(
    seeded: SeedResult, client: Client
) -> None:
    from akrim.portal.models import UiText

    PageVersion.objects.filter(language="sv").update(status=Status.REVIEWED)
    UiText.objects.filter(language="sv").update(status=Status.REVIEWED)
    PageVersion.objects.filter(language="bn").delete()
    html = client.get("/en/languages/").content.decode()
    rows = dict(
        re.findall(r'hreflang="(\w\w)"[^>]*>[^<]*</a></th>\s*<td class="status-(\w+)"', html)
    )
    assert rows["sv"] == "complete"
    assert rows["en"] == "awaiting_review"
    assert rows["bn"] == "missing"
    assert len(rows) == len(LANGUAGES)


def test_a_view_is_counted_without_anything_about_the_reader(
    seeded: SeedResult, client: Client
) -> None:
    for _ in range(3):
        client.get("/th/info/safety/", REMOTE_ADDR=SENTINEL_IP, HTTP_USER_AGENT=SENTINEL_UA)
    client.get("/en/info/safety/", REMOTE_ADDR=SENTINEL_IP, HTTP_USER_AGENT=SENTINEL_UA)
    client.head("/en/info/safety/")
    client.get("/th/info/nope/")
    visits = {(v.page.slug, v.language): v.count for v in PageVisit.objects.all()}
    assert visits == {("safety", "th"): 3, ("safety", "en"): 1}
    columns = {f.name for f in PageVisit._meta.get_fields()}
    assert columns == {"id", "page", "language", "day", "count"}
    import io

    dump = io.StringIO()
    call_command("dumpdata", stdout=dump)
    assert SENTINEL_IP not in dump.getvalue()
    assert SENTINEL_UA not in dump.getvalue()


@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_USER_AGENT": "Mozilla/5.0 (compatible; Googlebot/2.1)"},
        {"HTTP_USER_AGENT": "facebookexternalhit/1.1"},
        {"HTTP_USER_AGENT": "Mozilla/5.0", "HTTP_SEC_PURPOSE": "prefetch"},
        {"HTTP_USER_AGENT": "Mozilla/5.0 HeadlessChrome/120"},
    ],
)
def test_crawlers_previews_and_prefetches_are_not_counted_as_readers(
    seeded: SeedResult, client: Client, headers: dict[str, Any]
) -> None:
    assert client.get("/pl/info/safety/", **headers).status_code == 200
    assert not PageVisit.objects.exists()
    client.get("/pl/info/safety/", HTTP_USER_AGENT="Mozilla/5.0 (Linux; Android 10)")
    assert PageVisit.objects.get().count == 1


@pytest.mark.parametrize("url", ["/pl/foo/", "/th/a/b/c/", "/sv/no-such-page/", "/ar/tipx/"])
def test_an_unknown_address_under_a_portal_language_is_the_portals_404_without_cookies(
    seeded: SeedResult, client: Client, url: str
) -> None:
    from akrim.portal.services import ui_texts

    response = client.get(url)
    assert response.status_code == 404
    lang = url.split("/")[1]
    html = response.content.decode()
    assert f'<html lang="{lang}"' in html
    assert ui_texts(lang)["not_found"] in html
    assert not response.cookies  # the staff error page would set a CSRF cookie


def test_staff_who_mistype_an_address_get_the_staff_404(
    seeded: SeedResult, client_for: Any
) -> None:
    response = client_for("skv_inspector").get("/en/no-such-page/")
    assert response.status_code == 404
    assert "akrim-nav" in response.content.decode()  # the staff page, with its menu


def test_a_page_written_in_one_language_is_shown_in_it_everywhere(
    seeded: SeedResult, client: Client, communicators: Any
) -> None:
    from django.contrib.auth.models import User

    from akrim.organisation.queries import actor_for_user
    from akrim.portal.services import create_campaign_page

    editor = actor_for_user(User.objects.get(username="skv_communicator"))
    create_campaign_page(
        actor=editor,
        slug="schysst-stad",
        language="sv",
        title="Schysst städning",
        summary="Vad du har rätt till.",
        body="Du har rätt till lön.",
        status="awaiting_review",
    )
    response = client.get("/ar/info/schysst-stad/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<article lang="sv" dir="ltr">' in html  # in Swedish, marked as Swedish
    assert '<html lang="ar" dir="rtl"' in html  # the page around it stays Arabic
