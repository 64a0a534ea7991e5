"""Scores of workplaces, the models that made them, and the runs that stored them.

A score is derived from one agency's registers (the run's ``owner``): it is that agency's
record, of the data category "company", and is shown only as the sharing rules allow the
owner's workplace record to be shown (see ``policies``). Scores are about workplaces,
never about persons.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from akrim.organisation.models import Agency


class ScoringModel(models.Model):
    """One trained model (the engine's ``Model`` as JSON) with its validation and model
    card. At most one model per owner agency is active: the one nightly runs use."""

    owner = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    model = models.JSONField()  # akrim.engines.scoring.model.Model.to_json()
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by_name = models.CharField(max_length=150)  # "system" for batch runs
    trained_on = models.PositiveIntegerField()  # controlled workplaces it learned from
    positives = models.PositiveIntegerField()  # of which with a finding
    fallback = models.BooleanField()  # prior weights: too little history to learn from
    validation = models.JSONField(default=dict)  # metric -> value on held-out history
    active = models.BooleanField(default=False)
    activated_at = models.DateTimeField(null=True, blank=True)
    card = models.TextField()  # the model card, Markdown

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["owner"], condition=models.Q(active=True), name="one_active_model"
            )
        ]

    def __str__(self) -> str:
        return f"model {self.pk} ({self.owner_id}{', active' if self.active else ''})"


class ScoringRun(models.Model):
    """One scoring of every workplace of an owner's operating companies."""

    class Status(models.TextChoices):
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    owner = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    model = models.ForeignKey(
        ScoringModel, null=True, blank=True, on_delete=models.PROTECT, related_name="runs"
    )
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField()
    started_by = models.CharField(max_length=150)
    status = models.CharField(max_length=8, choices=Status.choices)
    workplaces = models.PositiveIntegerField(default=0)  # workplaces scored
    seconds = models.FloatField(default=0)
    error = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-finished_at", "-id"]
        indexes = [models.Index(fields=["owner", "status", "finished_at"], name="run_latest")]

    def __str__(self) -> str:
        return f"run {self.pk} ({self.owner_id}, {self.status})"


class WorkplaceScore(models.Model):
    """A workplace's score in one run, with each indicator's contribution (log-odds) and
    its raw signal, and where it lies (for the selection list's filters)."""

    run = models.ForeignKey(ScoringRun, on_delete=models.CASCADE, related_name="scores")
    workplace_id = models.CharField(max_length=40)
    rank = models.PositiveIntegerField()  # 1 = highest score in the run
    score = models.FloatField()  # calibrated chance of a finding, 0..1
    contributions = models.JSONField(default=dict)  # indicator code -> log-odds
    signals = models.JSONField(default=dict)  # indicator code -> raw value (0 = none)
    reasons = models.TextField(blank=True)  # the engine's top reasons, in English
    centre = models.CharField(max_length=20, blank=True)  # centre code of the municipality
    municipality = models.CharField(max_length=4)
    sni_section = models.CharField(max_length=1, blank=True)
    opening_hours = models.CharField(max_length=255, blank=True)
    controlled_before = models.BooleanField(default=False)
    found_before = models.BooleanField(default=False)

    class Meta:
        ordering = ["run", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["run", "workplace_id"], name="score_once_per_run")
        ]
        indexes = [
            models.Index(fields=["run", "centre", "rank"], name="score_selection"),
            models.Index(fields=["run", "rank"], name="score_run_rank"),
            models.Index(fields=["workplace_id", "run"], name="score_history"),
        ]

    def __str__(self) -> str:
        return f"{self.workplace_id}: {self.score:.3f} (run {self.run_id})"
