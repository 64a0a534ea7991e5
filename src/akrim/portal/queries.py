"""Portal reads: what the public sees, translation status, and the staff's content matrix."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Sum
from django.utils import timezone

from akrim.core.actor import Actor
from akrim.core.errors import Forbidden, NotFound
from akrim.core.i18n import portal_languages
from akrim.portal import bundled
from akrim.portal.models import Page, PageVersion, PageVisit, Status, UiText
from akrim.portal.policies import may_read
from akrim.portal.services import ui_texts


@dataclass(frozen=True)
class Shown:
    """A page as the public sees it in a language (``version.language`` may be the
    English fallback when the page has no version in the language asked for)."""

    page: Page
    version: PageVersion

    @property
    def awaiting_review(self) -> bool:
        return self.version.status != Status.REVIEWED


def _newest_published(languages: list[str]) -> dict[tuple[int, str], PageVersion]:
    newest: dict[tuple[int, str], PageVersion] = {}
    rows = (
        PageVersion.objects.filter(language__in=languages)
        .exclude(status=Status.DRAFT)
        .select_related("page")
        .order_by("page_id", "language", "-number")
    )
    for row in rows:
        newest.setdefault((row.page_id, row.language), row)
    return newest


def public_pages(lang: str) -> list[Shown]:
    """Every page with a published version, in ``lang`` or else in English, in order."""
    codes = [lang] if lang == bundled.DEFAULT_LANGUAGE else [lang, bundled.DEFAULT_LANGUAGE]
    newest = _newest_published(codes)
    shown = []
    for page in Page.objects.order_by("order", "slug"):
        version = newest.get((page.pk, lang)) or newest.get((page.pk, bundled.DEFAULT_LANGUAGE))
        if version is not None:
            shown.append(Shown(page, version))
    return shown


def public_page(lang: str, slug: str) -> Shown:
    """One page as the public sees it; NotFound when it has nothing published."""
    page = Page.objects.filter(slug=slug).first()
    if page is None:
        raise NotFound("No such page.")
    for code in dict.fromkeys([lang, bundled.DEFAULT_LANGUAGE, "sv"]):
        version = (
            page.versions.filter(language=code)
            .exclude(status=Status.DRAFT)
            .order_by("-number")
            .first()
        )
        if version is not None:
            return Shown(page, version)
    # a new page written first in another language: shown in that language (marked so)
    version = page.versions.exclude(status=Status.DRAFT).order_by("-number").first()
    if version is not None:
        return Shown(page, version)
    raise NotFound("No such page.")


@dataclass(frozen=True)
class LanguageStatus:
    code: str
    native: str
    english: str
    dir: str
    status: str  # "complete", "awaiting_review" or "missing"
    pages_done: int
    pages_total: int


def language_statuses() -> list[LanguageStatus]:
    """Per portal language: complete (every page and interface text published and
    reviewed), missing (no page published) or awaiting review (anything in between)."""
    languages = portal_languages()
    newest = _newest_published(list(languages))
    page_ids = {page_id for page_id, _ in newest}
    keys = set(ui_texts(bundled.DEFAULT_LANGUAGE))
    ui: dict[str, dict[str, str]] = defaultdict(dict)
    for row in UiText.objects.exclude(status=Status.DRAFT).order_by("language", "key", "-number"):
        ui[row.language].setdefault(row.key, row.status)
    result = []
    for code, (english, native, way) in languages.items():
        statuses = [newest[(pid, code)].status for pid in page_ids if (pid, code) in newest]
        ui_statuses = [ui[code].get(key) for key in keys]
        if not statuses:
            status = "missing"
        elif (
            len(statuses) == len(page_ids)
            and all(s == Status.REVIEWED for s in statuses)
            and all(s == Status.REVIEWED for s in ui_statuses)
        ):
            status = "complete"
        else:
            status = "awaiting_review"
        reviewed = sum(1 for s in statuses if s == Status.REVIEWED)
        result.append(LanguageStatus(code, native, english, way, status, reviewed, len(page_ids)))
    return result


# --- staff ---------------------------------------------------------------------------------


def _require_reader(actor: Actor) -> None:
    if not may_read(actor):
        raise Forbidden("You are not allowed to see the portal's content.")


@dataclass(frozen=True)
class Cell:
    language: str
    newest: PageVersion | None  # newest of any status
    published: PageVersion | None  # newest that is not a draft


@dataclass(frozen=True)
class Row:
    page: Page
    cells: list[Cell]
    visits: int  # public views in the last VISIT_DAYS days, all languages

    def title(self, language: str) -> str:
        """The page's title in ``language`` (else Swedish, else its slug)."""
        versions = {cell.language: cell.published or cell.newest for cell in self.cells}
        for code in (language, "sv"):
            version = versions.get(code)
            if version is not None:
                return version.title
        return self.page.slug


VISIT_DAYS = 30


def content_matrix(*, actor: Actor) -> list[Row]:
    """Pages × portal languages with the newest and the published version of each, and
    each page's public views in the last 30 days. Three queries."""
    _require_reader(actor)
    since = timezone.localdate() - dt.timedelta(days=VISIT_DAYS - 1)
    visits = dict(
        PageVisit.objects.filter(day__gte=since)
        .values("page_id")
        .annotate(total=Sum("count"))
        .values_list("page_id", "total")
    )
    codes = list(portal_languages())
    newest: dict[tuple[int, str], PageVersion] = {}
    published: dict[tuple[int, str], PageVersion] = {}
    for v in PageVersion.objects.order_by("page_id", "language", "-number"):
        newest.setdefault((v.page_id, v.language), v)
        if v.status != Status.DRAFT:
            published.setdefault((v.page_id, v.language), v)
    return [
        Row(
            page,
            [Cell(c, newest.get((page.pk, c)), published.get((page.pk, c))) for c in codes],
            visits.get(page.pk, 0),
        )
        for page in Page.objects.order_by("order", "slug")
    ]


def page_versions(*, actor: Actor, slug: str, language: str) -> tuple[Page, list[PageVersion]]:
    _require_reader(actor)
    if language not in portal_languages():
        raise NotFound("No such language.")
    page = Page.objects.filter(slug=slug).first()
    if page is None:
        raise NotFound("No such page.")
    versions = list(
        page.versions.filter(language=language)
        .select_related("author", "reviewed_by")
        .order_by("-number")
    )
    return page, versions


@dataclass(frozen=True)
class UiRow:
    key: str
    english: str
    newest: UiText | None
    published: UiText | None


def ui_text_rows(*, actor: Actor, language: str) -> list[UiRow]:
    """Every interface key with its English text and the language's newest versions."""
    _require_reader(actor)
    if language not in portal_languages():
        raise NotFound("No such language.")
    newest: dict[str, UiText] = {}
    published: dict[str, UiText] = {}
    for row in UiText.objects.filter(language=language).order_by("key", "-number"):
        newest.setdefault(row.key, row)
        if row.status != Status.DRAFT:
            published.setdefault(row.key, row)
    english = ui_texts(bundled.DEFAULT_LANGUAGE)
    return [UiRow(k, english[k], newest.get(k), published.get(k)) for k in english]
