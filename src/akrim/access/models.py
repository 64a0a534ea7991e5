"""Data categories, legal bases and sharing rules: what may be shared, with whom, why.

All of it is data an administrator edits; nothing here hard-codes a statute. Deny by
default: a record of another agency is visible only through an active rule.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from akrim.core.actor import Purpose
from akrim.organisation.models import Agency


class DataCategory(models.Model):
    """A kind of data with its own secrecy and retention (identity, tax, tip, …)."""

    code = models.SlugField(max_length=40, unique=True)
    name_sv = models.CharField(max_length=120)
    name_en = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    personal = models.BooleanField(help_text="Holds personal data: every read is audited.")
    sensitive = models.BooleanField(
        default=False, help_text="Offence, possible-victim or tip data (ASVS level 3)."
    )
    retention_days = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name_plural = "data categories"

    def __str__(self) -> str:
        return self.code


class LegalBasis(models.Model):
    """The legal ground a sharing rule rests on, with its citation when it is known."""

    class CitationStatus(models.TextChoices):
        KNOWN = "known"
        UNKNOWN = "unknown", "Citation unknown: to be filled in by the agencies' lawyers"
        PROPOSED = "proposed", "Proposed law, not yet in force"

    code = models.SlugField(max_length=60, unique=True)
    title_sv = models.CharField(max_length=200)
    title_en = models.CharField(max_length=200)
    citation = models.CharField(max_length=200, blank=True)
    citation_status = models.CharField(
        max_length=10, choices=CitationStatus.choices, default=CitationStatus.UNKNOWN
    )
    description = models.TextField(blank=True)
    in_force_from = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name_plural = "legal bases"

    def __str__(self) -> str:
        return self.code


class Condition(models.TextChoices):
    """When a rule applies beyond owner, recipient, category and purpose."""

    NONE = "none", "Always (for the purpose)"
    SAME_CENTRE = "same_centre", "The record lies in a centre the recipient works in"
    ASSIGNED_TO_CONTROL = (
        "assigned_to_control",
        "The recipient is assigned to a joint control concerning the record",
    )


class SharingRule(models.Model):
    """Owner agency → recipient agency may share ``category`` for ``purpose``."""

    owner = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    recipient = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    category = models.ForeignKey(DataCategory, on_delete=models.PROTECT, related_name="rules")
    purpose = models.CharField(max_length=30, choices=[(p.value, p.value) for p in Purpose])
    legal_basis = models.ForeignKey(LegalBasis, on_delete=models.PROTECT, related_name="rules")
    condition = models.CharField(max_length=30, choices=Condition.choices, default=Condition.NONE)
    fields = models.JSONField(
        default=list, blank=True, help_text="Fields that may be shown; empty list = all fields."
    )
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["owner__code", "recipient__code", "category__code", "purpose"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(owner=models.F("recipient")), name="rule_between_agencies"
            )
        ]

    def __str__(self) -> str:
        return f"{self.owner}→{self.recipient} {self.category} for {self.purpose}"


class BreakGlassAccess(models.Model):
    """Emergency access to one record outside every sharing rule (nödåtkomst).

    Opened with a written reason after re-entering the second factor; lasts at most 60
    minutes; every read under it is flagged in the audit log, and the owning agency gets a
    review task.
    """

    MAX_MINUTES = 60

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    owner = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    object_type = models.CharField(max_length=20)  # company, person, workplace
    object_key = models.CharField(max_length=40)
    reason = models.TextField()
    started_at = models.DateTimeField()
    expires_at = models.DateTimeField()

    class Meta:
        ordering = ["-started_at"]
        indexes = [models.Index(fields=["user", "expires_at"])]

    def __str__(self) -> str:
        return f"{self.user} → {self.owner} {self.object_type} {self.object_key}"


class ReviewTask(models.Model):
    """The owning agency's review of one break-the-glass access."""

    class Status(models.TextChoices):
        OPEN = "open"
        JUSTIFIED = "justified"
        UNJUSTIFIED = "unjustified"

    access = models.OneToOneField(BreakGlassAccess, on_delete=models.PROTECT, related_name="review")
    owner = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.OPEN)
    note = models.TextField(blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["status", "-access__started_at"]

    def __str__(self) -> str:
        return f"review of {self.access} ({self.status})"
