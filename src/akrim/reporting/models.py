"""A report to the Government: kind, period and cut-off; its sections' narrative in
versions (who, when); a sign-off per participating agency. A new narrative version clears
the sign-offs (services.save_narrative)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ReportKind(models.TextChoices):
    INTERIM = "interim", _("interim report")
    ANNUAL = "annual", _("annual report")


class Report(models.Model):
    kind = models.CharField(max_length=8, choices=ReportKind.choices)
    period = models.CharField(max_length=6)  # "2025" or "2022H1"
    cutoff = models.DateField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-period", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "period"], name="report_unique_period")
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.period}"


class NarrativeVersion(models.Model):
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="narratives")
    section = models.CharField(max_length=30)
    number = models.PositiveIntegerField()
    text = models.TextField()
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    author_name = models.CharField(max_length=150)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["section", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["report", "section", "number"], name="narrative_unique_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.section} v{self.number}"


class SignOff(models.Model):
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="signoffs")
    agency = models.ForeignKey("organisation.Agency", on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    username = models.CharField(max_length=150)
    signed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["agency__code"]
        constraints = [
            models.UniqueConstraint(fields=["report", "agency"], name="signoff_one_per_agency")
        ]

    def __str__(self) -> str:
        return f"{self.agency_id} signed {self.report_id}"
