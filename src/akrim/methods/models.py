"""The methods handbook: methods as versioned documents, the checklists they define,
lessons learned after controls, and each agency's adoption of established methods.

A saved ``MethodVersion`` is never changed: a revision adds the next version. An
``Adoption`` row is never changed either: recording a new state adds a row, so the
history of an agency's adoption is kept; the newest row is the current state.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from akrim.controls.models import Checklist, Control
from akrim.organisation.models import Agency


class MethodStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    TESTED = "tested", _("tested")
    ESTABLISHED = "established", _("established")


# target status -> the status a method may move to it from
STATUS_MOVES: dict[str, str] = {
    MethodStatus.TESTED: MethodStatus.DRAFT,
    MethodStatus.ESTABLISHED: MethodStatus.TESTED,
}


class Method(models.Model):
    """A method of the handbook (metod), e.g. how to plan a joint control."""

    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=80, unique=True)
    owner_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        max_length=12, choices=MethodStatus.choices, default=MethodStatus.DRAFT
    )
    status_changed_at = models.DateTimeField()
    # When the method became tested and established (moves only go forward), so reports
    # can say what the status was on a past day.
    tested_at = models.DateTimeField(null=True, blank=True)
    established_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["title", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=MethodStatus.values), name="method_status_known"
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def status_label(self) -> str:
        return str(MethodStatus(self.status).label)

    def status_at(self, moment: dt.datetime) -> str:
        """The status the method had just before ``moment``."""
        if self.established_at is not None and self.established_at < moment:
            return MethodStatus.ESTABLISHED.value
        if self.tested_at is not None and self.tested_at < moment:
            return MethodStatus.TESTED.value
        return MethodStatus.DRAFT.value


class LessonStatus(models.TextChoices):
    OPEN = "open", _("open")
    USED = "used", _("used in a revision")
    DISMISSED = "dismissed", _("dismissed")


class Lesson(models.Model):
    """What worked and what did not in a control, written by someone in its team."""

    control = models.ForeignKey(Control, on_delete=models.CASCADE, related_name="+")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    worked = models.TextField(blank=True)
    did_not_work = models.TextField(blank=True)
    methods = models.ManyToManyField(Method, related_name="lessons", blank=True)
    status = models.CharField(max_length=10, choices=LessonStatus.choices, default="open")
    dismissed_reason = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=LessonStatus.values), name="lesson_status_known"
            ),
            models.CheckConstraint(
                condition=~models.Q(worked="", did_not_work=""), name="lesson_not_empty"
            ),
        ]

    def __str__(self) -> str:
        return f"lesson {self.pk} from control {self.control_id}"

    @property
    def status_label(self) -> str:
        return str(LessonStatus(self.status).label)


class MethodVersion(models.Model):
    """One saved version of a method's text, with the checklists it defines and the
    lessons it drew on. Never changed once saved."""

    method = models.ForeignKey(Method, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    summary = models.CharField(max_length=500)  # what this version changed
    body = models.TextField()
    status = models.CharField(max_length=12, choices=MethodStatus.choices)  # when saved
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    checklists = models.ManyToManyField(Checklist, related_name="method_versions", blank=True)
    from_lessons = models.ManyToManyField(Lesson, related_name="used_in_versions", blank=True)
    # Experience from information campaigns aimed at vulnerable workers (issue 9's log)
    from_experience = models.ManyToManyField(
        "campaigns.ExperienceEntry", related_name="used_in_versions", blank=True
    )

    class Meta:
        ordering = ["method", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["method", "number"], name="method_version_once"),
            models.CheckConstraint(
                condition=models.Q(number__gte=1), name="method_version_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.method} v{self.number}"


class AdoptionStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("not started")
    IN_PROGRESS = "in_progress", _("in progress")
    ORDINARY = "ordinary", _("part of ordinary work")


class Adoption(models.Model):
    """An agency's state of adoption of an established method from ``since`` on, with
    the evidence (e.g. "in the agency's inspection manual, chapter 4"). Append-only."""

    method = models.ForeignKey(Method, on_delete=models.CASCADE, related_name="adoptions")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=12, choices=AdoptionStatus.choices)
    since = models.DateField()
    evidence = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["method", "agency__code", "-recorded_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=AdoptionStatus.values),
                name="adoption_status_known",
            )
        ]
        indexes = [models.Index(fields=["method", "agency", "-recorded_at"])]

    def __str__(self) -> str:
        return f"{self.agency_id} {self.status} {self.method_id}"

    @property
    def status_label(self) -> str:
        return str(AdoptionStatus(self.status).label)
