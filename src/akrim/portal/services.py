"""Portal writes (seeding, staff edits and reviews, visit counts) and the interface texts.

Every staff write is audited. Versions are never changed: an edit adds a version.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from akrim.audit.services import record
from akrim.controls.services.common import text as clean_text
from akrim.core.actor import Actor
from akrim.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from akrim.core.i18n import portal_languages
from akrim.portal import bundled
from akrim.portal.models import (
    MAX_BODY,
    MAX_SUMMARY,
    MAX_TITLE,
    MAX_UI_TEXT,
    Kind,
    Page,
    PageVersion,
    PageVisit,
    Status,
    UiText,
)
from akrim.portal.policies import may_edit

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
PLACEHOLDER_RE = re.compile(r"\{[a-z_]+\}")
EDITABLE_STATUSES = (Status.DRAFT, Status.AWAITING_REVIEW)


# --- interface texts -----------------------------------------------------------------------


def _published_ui(languages: list[str]) -> dict[str, dict[str, UiText]]:
    """Per language, per key: the newest version that is not a draft."""
    result: dict[str, dict[str, UiText]] = {code: {} for code in languages}
    rows = (
        UiText.objects.filter(language__in=languages)
        .exclude(status=Status.DRAFT)
        .order_by("language", "key", "-number")
    )
    for row in rows:
        result[row.language].setdefault(row.key, row)
    return result


def ui_texts(lang: str) -> dict[str, str]:
    """The portal's interface texts in ``lang``: key → text.

    Missing keys fall back to English. Layers, later wins: English shipped file, English in
    the database, ``lang``'s shipped file, ``lang`` in the database (newest non-draft).
    """
    codes = [bundled.DEFAULT_LANGUAGE] if lang == bundled.DEFAULT_LANGUAGE else ["en", lang]
    published = _published_ui(codes)
    texts: dict[str, str] = {}
    for code in codes:
        shipped = bundled.bundle(code)
        if shipped is not None:
            texts.update(shipped.ui)
        texts.update({key: row.text for key, row in published[code].items()})
    return texts


def ui_awaiting_review(lang: str) -> bool:
    """True when some interface text shown in ``lang`` has not been reviewed."""
    published = _published_ui([lang])[lang]
    if not published:
        return True  # not seeded: the shipped content is unreviewed
    return any(row.status != Status.REVIEWED for row in published.values())


# --- seeding -------------------------------------------------------------------------------


@dataclass(frozen=True)
class SeedResult:
    languages: list[str]
    pages_created: int
    page_versions_created: int
    ui_texts_created: int
    kept_staff_versions: int


def _touched_by_staff(versions: list[PageVersion] | list[UiText]) -> bool:
    return any(v.author_id is not None or v.reviewed_by_id is not None for v in versions)


def seed_content(*, actor: Actor) -> SeedResult:
    """Load ``portal/content/*.json`` into the database; idempotent.

    New content becomes a version awaiting review. A page or text that staff have edited or
    reviewed is never touched; a seeded version whose file changed gets a newer version.
    """
    if not actor.is_system and not may_edit(actor):
        raise Forbidden("Only communication staff may load portal content.")
    known = portal_languages()
    codes = [code for code in bundled.available() if code in known]
    english = bundled.bundle(bundled.DEFAULT_LANGUAGE)
    order = {slug: i for i, slug in enumerate(english.pages if english else [])}
    created_pages = created_versions = created_ui = kept = 0
    with transaction.atomic():
        for code in codes:
            shipped = bundled.bundle(code)
            if shipped is None:
                continue
            for slug, text in shipped.pages.items():
                if not SLUG_RE.match(slug):
                    continue
                page, new = Page.objects.get_or_create(
                    slug=slug,
                    defaults={
                        "kind": Kind.CAMPAIGN if slug.startswith("campaign-") else Kind.INFO,
                        "order": 10 * order.get(slug, 100),
                    },
                )
                created_pages += int(new)
                versions = list(page.versions.filter(language=code).order_by("-number"))
                if _touched_by_staff(versions):
                    kept += 1
                    continue
                latest = versions[0] if versions else None
                if latest and (latest.title, latest.summary, latest.body) == (
                    text.title,
                    text.summary,
                    text.body,
                ):
                    continue
                PageVersion.objects.create(
                    page=page,
                    language=code,
                    number=(latest.number + 1) if latest else 1,
                    title=text.title[:MAX_TITLE],
                    summary=text.summary[:MAX_SUMMARY],
                    body=text.body[:MAX_BODY],
                    status=Status.AWAITING_REVIEW,
                )
                created_versions += 1
            existing: dict[str, list[UiText]] = {}
            for row in UiText.objects.filter(language=code).order_by("key", "-number"):
                existing.setdefault(row.key, []).append(row)
            for key, value in shipped.ui.items():
                ui_versions = existing.get(key, [])
                if _touched_by_staff(ui_versions):
                    kept += 1
                    continue
                if ui_versions and ui_versions[0].text == value:
                    continue
                UiText.objects.create(
                    language=code,
                    key=key[:60],
                    number=(ui_versions[0].number + 1) if ui_versions else 1,
                    text=value[:MAX_UI_TEXT],
                    status=Status.AWAITING_REVIEW,
                )
                created_ui += 1
        if created_pages or created_versions or created_ui:
            record(
                actor=actor,
                action="portal.content_seeded",
                object_type="portal.content",
                detail={
                    "languages": codes,
                    "pages": created_pages,
                    "page_versions": created_versions,
                    "ui_texts": created_ui,
                },
            )
    return SeedResult(codes, created_pages, created_versions, created_ui, kept)


# --- staff edits ---------------------------------------------------------------------------


def require_editor(actor: Actor) -> None:
    if not may_edit(actor):
        raise Forbidden("Only communication staff may change the portal's content.")


def _language(code: str) -> str:
    if code not in portal_languages():
        raise InvalidInput("Unknown portal language %(code)s.", code=code[:10])
    return code


def _status(value: str) -> Status:
    if value not in {s.value for s in EDITABLE_STATUSES}:
        raise InvalidInput("Choose draft or awaiting review.")
    return Status(value)


def _user(actor: Actor) -> User | None:
    return User.objects.filter(pk=actor.user_id).first() if actor.user_id else None


def save_page_version(
    *,
    actor: Actor,
    slug: str,
    language: str,
    title: str,
    summary: str,
    body: str,
    status: str,
) -> PageVersion:
    """Add a version of a page in a language (draft, or awaiting review)."""
    require_editor(actor)
    code = _language(language)
    chosen = _status(status)
    title = clean_text(title, field="The title", max_length=MAX_TITLE, required=True)
    summary = clean_text(summary, field="The summary", max_length=MAX_SUMMARY)
    body = clean_text(body, field="The text", max_length=MAX_BODY, required=True)
    with transaction.atomic():
        page = Page.objects.select_for_update().filter(slug=slug).first()
        if page is None:
            raise NotFound("No such page.")
        latest = page.versions.filter(language=code).order_by("-number").first()
        version = PageVersion.objects.create(
            page=page,
            language=code,
            number=(latest.number + 1) if latest else 1,
            title=title,
            summary=summary,
            body=body,
            status=chosen,
            author=_user(actor),
        )
        record(
            actor=actor,
            action="portal.page_version_saved",
            object_type="portal.page_version",
            object_id=str(version.pk),
            fields=["title", "summary", "body", "status"],
            detail={"page": page.slug, "language": code, "number": version.number},
        )
    return version


def create_campaign_page(
    *, actor: Actor, slug: str, language: str, title: str, summary: str, body: str, status: str
) -> PageVersion:
    """A new campaign page with its first version in one language."""
    require_editor(actor)
    slug = clean_text(slug, field="The address (slug)", max_length=80, required=True).lower()
    if not SLUG_RE.match(slug):
        raise InvalidInput("The address may contain only a-z, 0-9 and single hyphens.")
    with transaction.atomic():
        if Page.objects.filter(slug=slug).exists():
            raise Conflict("A page with this address exists already.")
        last = Page.objects.order_by("-order").values_list("order", flat=True).first() or 0
        page = Page.objects.create(slug=slug, kind=Kind.CAMPAIGN, order=last + 10)
        record(
            actor=actor,
            action="portal.page_created",
            object_type="portal.page",
            object_id=str(page.pk),
            fields=["slug", "kind"],
            detail={"slug": slug, "kind": Kind.CAMPAIGN.value},
        )
        return save_page_version(
            actor=actor,
            slug=slug,
            language=language,
            title=title,
            summary=summary,
            body=body,
            status=status,
        )


def review_page_version(*, actor: Actor, version_id: int) -> PageVersion:
    """Mark a version awaiting review as reviewed (by someone other than its author)."""
    require_editor(actor)
    with transaction.atomic():
        version = PageVersion.objects.select_for_update().filter(pk=version_id).first()
        if version is None:
            raise NotFound("No such version.")
        _check_reviewable(actor, version.status, version.author_id)
        version.status = Status.REVIEWED
        version.reviewed_by = _user(actor)
        version.reviewed_at = timezone.now()
        version.save(update_fields=["status", "reviewed_by", "reviewed_at"])
        record(
            actor=actor,
            action="portal.page_version_reviewed",
            object_type="portal.page_version",
            object_id=str(version.pk),
            fields=["status"],
            detail={
                "page": version.page.slug,
                "language": version.language,
                "number": version.number,
            },
        )
    return version


def _check_reviewable(actor: Actor, status: str, author_id: int | None) -> None:
    if status != Status.AWAITING_REVIEW:
        raise Conflict("Only a version awaiting review can be marked reviewed.")
    if author_id is not None and author_id == actor.user_id:
        raise Conflict("Someone other than the author must review a version.")


def save_ui_text(*, actor: Actor, language: str, key: str, text: str, status: str) -> UiText:
    """Add a version of an interface text. The key must be one the portal knows, and the
    placeholders ({max} ...) must be those of the English text."""
    require_editor(actor)
    code = _language(language)
    chosen = _status(status)
    english = ui_texts(bundled.DEFAULT_LANGUAGE)
    if key not in english:
        raise InvalidInput("Unknown interface text.")
    value = clean_text(text, field="The text", max_length=MAX_UI_TEXT, required=True)
    if sorted(PLACEHOLDER_RE.findall(value)) != sorted(PLACEHOLDER_RE.findall(english[key])):
        raise InvalidInput(
            "Keep the placeholders exactly as in English: %(placeholders)s",
            placeholders=" ".join(PLACEHOLDER_RE.findall(english[key])) or "-",
        )
    with transaction.atomic():
        latest = (
            UiText.objects.select_for_update()
            .filter(language=code, key=key)
            .order_by("-number")
            .first()
        )
        row = UiText.objects.create(
            language=code,
            key=key,
            number=(latest.number + 1) if latest else 1,
            text=value,
            status=chosen,
            author=_user(actor),
        )
        record(
            actor=actor,
            action="portal.ui_text_saved",
            object_type="portal.ui_text",
            object_id=str(row.pk),
            fields=["text", "status"],
            detail={"language": code, "key": key, "number": row.number},
        )
    return row


def review_ui_text(*, actor: Actor, ui_text_id: int) -> UiText:
    require_editor(actor)
    with transaction.atomic():
        row = UiText.objects.select_for_update().filter(pk=ui_text_id).first()
        if row is None:
            raise NotFound("No such text.")
        _check_reviewable(actor, row.status, row.author_id)
        row.status = Status.REVIEWED
        row.reviewed_by = _user(actor)
        row.reviewed_at = timezone.now()
        row.save(update_fields=["status", "reviewed_by", "reviewed_at"])
        record(
            actor=actor,
            action="portal.ui_text_reviewed",
            object_type="portal.ui_text",
            object_id=str(row.pk),
            fields=["status"],
            detail={"language": row.language, "key": row.key, "number": row.number},
        )
    return row


# --- visits --------------------------------------------------------------------------------


def count_visit(*, page: Page, language: str, day: dt.date | None = None) -> None:
    """Count one public view of a page: an atomic increment, nothing about the reader."""
    day = day or timezone.localdate()
    rows = PageVisit.objects.filter(page=page, language=language, day=day)
    if rows.update(count=F("count") + 1):
        return
    try:
        with transaction.atomic():
            PageVisit.objects.create(page=page, language=language, day=day, count=1)
    except IntegrityError:  # another request created the row first
        rows.update(count=F("count") + 1)
