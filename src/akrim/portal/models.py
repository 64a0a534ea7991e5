"""The public portal's content: pages, their per-language versions, interface texts, visits.

Content is versioned: a saved version never changes its text; an edit adds a new version.
The public sees, per page (or interface text) and language, the newest version that is not
a draft. Only the review fields of a version change, when someone marks it reviewed.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

MAX_TITLE = 200
MAX_SUMMARY = 500
MAX_BODY = 12_000
MAX_UI_TEXT = 1_000
MAX_KEY = 60


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    AWAITING_REVIEW = "awaiting_review", _("Awaiting review")
    REVIEWED = "reviewed", _("Reviewed")


class Kind(models.TextChoices):
    INFO = "info", _("Information page")
    CAMPAIGN = "campaign", _("Campaign page")


# Fields a saved version may still change: its review, never its text.
REVIEW_FIELDS = frozenset({"status", "reviewed_by", "reviewed_at"})


class _Immutable(models.Model):
    """A version: inserted once, afterwards only its review fields may be updated."""

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not kwargs.get("force_insert"):
            fields = kwargs.get("update_fields")
            if fields is None or not set(fields) <= REVIEW_FIELDS:
                raise ValueError("A saved version never changes; add a new version instead.")
        super().save(*args, **kwargs)


class Page(models.Model):
    slug = models.SlugField(max_length=80, unique=True)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.INFO)
    order = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["order", "slug"]

    def __str__(self) -> str:
        return self.slug


class PageVersion(_Immutable):
    page = models.ForeignKey(Page, on_delete=models.PROTECT, related_name="versions")
    language = models.CharField(max_length=5)
    number = models.PositiveIntegerField()
    title = models.CharField(max_length=MAX_TITLE)
    summary = models.CharField(max_length=MAX_SUMMARY, blank=True)
    body = models.TextField(max_length=MAX_BODY)
    status = models.CharField(max_length=20, choices=Status.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Empty for content loaded by `akrim portal seed`.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["page", "language", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["page", "language", "number"], name="portal_page_version_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.page.slug}/{self.language} v{self.number}"


class UiText(_Immutable):
    """One version of one interface text (button, heading, notice) in one language."""

    language = models.CharField(max_length=5)
    key = models.CharField(max_length=MAX_KEY)
    number = models.PositiveIntegerField()
    text = models.TextField(max_length=MAX_UI_TEXT)
    status = models.CharField(max_length=20, choices=Status.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["language", "key", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["language", "key", "number"], name="portal_ui_text_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.language}:{self.key} v{self.number}"


class PageVisit(models.Model):
    """How many times a page was read in a language on a day. Nothing about the reader."""

    page = models.ForeignKey(Page, on_delete=models.CASCADE, related_name="visits")
    language = models.CharField(max_length=5)
    day = models.DateField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["page", "language", "day"], name="portal_visit_unique")
        ]

    def __str__(self) -> str:
        return f"{self.page_id}/{self.language} {self.day}: {self.count}"
