"""Courses, their sessions, enrolments with attendance and completion, and staffing rules."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models

from akrim.core.actor import role_label
from akrim.core.i18n import sv_or_en
from akrim.organisation.models import Agency, Centre


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` moved ``months`` ahead, clamped to the month's last day."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for candidate in (31, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, candidate))
        except ValueError:
            continue
    raise AssertionError("unreachable")


class Course(models.Model):
    code = models.SlugField(max_length=40, unique=True)
    title_sv = models.CharField(max_length=200)
    title_en = models.CharField(max_length=200)
    content = models.TextField(blank=True)
    target_roles = models.JSONField(default=list)  # role names; the course is required for them
    agencies = models.ManyToManyField(Agency, related_name="courses", blank=True)
    validity_months = models.PositiveSmallIntegerField(default=24)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.title_en

    @property
    def title(self) -> str:
        """The title in the active language (Swedish or English)."""
        return sv_or_en(self.title_sv, self.title_en)

    @property
    def target_role_labels(self) -> list[str]:
        """The names of the roles the course is for, in the active language."""
        return [role_label(role) for role in self.target_roles]


class Session(models.Model):
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="sessions")
    centre = models.ForeignKey(Centre, on_delete=models.PROTECT, related_name="+")
    held_on = models.DateField()
    place = models.CharField(max_length=200, blank=True)
    online = models.BooleanField(default=False)
    capacity = models.PositiveSmallIntegerField()
    trainers = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="+", blank=True)

    class Meta:
        ordering = ["-held_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(capacity__gt=0), name="session_capacity_positive"
            )
        ]

    def __str__(self) -> str:
        return f"{self.course} {self.held_on}"


class Enrolment(models.Model):
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="enrolments")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    enrolled_at = models.DateTimeField(auto_now_add=True)
    attended = models.BooleanField(default=False)
    completed_on = models.DateField(null=True, blank=True)
    valid_until = models.DateField(null=True, blank=True)  # completed_on + the course's months

    class Meta:
        ordering = ["session", "user__username"]
        constraints = [
            models.UniqueConstraint(fields=["session", "user"], name="enrolment_once"),
            models.CheckConstraint(
                condition=models.Q(completed_on__isnull=True) | models.Q(attended=True),
                name="enrolment_completed_attended",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.session}"

    def valid_on(self, day: dt.date) -> bool:
        return (
            self.completed_on is not None
            and self.valid_until is not None
            and self.completed_on <= day < self.valid_until
        )


class StaffingRule(models.Model):
    """Every control team of the centre includes someone with a valid completion of ``course``."""

    centre = models.ForeignKey(Centre, on_delete=models.CASCADE, related_name="+")
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=200)

    class Meta:
        ordering = ["centre", "name"]
        constraints = [
            models.UniqueConstraint(fields=["centre", "course"], name="staffing_rule_once")
        ]

    def __str__(self) -> str:
        return self.name
