"""The organisation as it is: agencies, regional centres, counties, municipalities, staff."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from akrim.core.actor import Role
from akrim.core.i18n import sv_or_en

AGENCY_CODES = ("AF", "AV", "EBM", "FK", "JAMY", "MV", "POL", "SKV", "AM")


class Agency(models.Model):
    """One of the nine agencies (myndigheter) of the assignment."""

    code = models.CharField(max_length=8, unique=True)
    name_sv = models.CharField(max_length=120)
    name_en = models.CharField(max_length=120)
    brings = models.TextField(blank=True, help_text="What the agency brings to a joint control.")

    class Meta:
        ordering = ["code"]
        verbose_name_plural = "agencies"

    def __str__(self) -> str:
        return self.code

    @property
    def name(self) -> str:
        """The agency's name in the active language."""
        return sv_or_en(self.name_sv, self.name_en)


class Centre(models.Model):
    """A regional centre against work-related crime; one per police region."""

    code = models.SlugField(max_length=20, unique=True)
    name = models.CharField(max_length=40, unique=True)  # = the police region's name
    city = models.CharField(max_length=40)
    opened_on = models.DateField(null=True, blank=True)
    opened_note = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class County(models.Model):
    """A county (län) and the centre of its police region."""

    code = models.CharField(max_length=2, unique=True)
    name = models.CharField(max_length=60)
    centre = models.ForeignKey(Centre, on_delete=models.PROTECT, related_name="counties")

    class Meta:
        ordering = ["code"]
        verbose_name_plural = "counties"

    def __str__(self) -> str:
        return self.name


class Municipality(models.Model):
    """A municipality (kommun), its county and so its centre; population and a map point."""

    code = models.CharField(max_length=4, unique=True)
    name = models.CharField(max_length=60)
    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="municipalities")
    population = models.PositiveIntegerField()
    lat = models.FloatField()
    lon = models.FloatField()

    class Meta:
        ordering = ["code"]
        verbose_name_plural = "municipalities"

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Membership(models.Model):
    """An agency's membership of a centre, from the day it joined (and until it left)."""

    centre = models.ForeignKey(Centre, on_delete=models.CASCADE, related_name="memberships")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="memberships")
    joined_on = models.DateField()
    left_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["centre__name", "joined_on", "agency__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["centre", "agency", "joined_on"], name="membership_unique_start"
            ),
            models.CheckConstraint(
                condition=models.Q(left_on__isnull=True)
                | models.Q(left_on__gt=models.F("joined_on")),
                name="membership_left_after_joined",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agency} @ {self.centre} from {self.joined_on}"

    def active_on(self, day: dt.date) -> bool:
        return self.joined_on <= day and (self.left_on is None or day < self.left_on)


class MembershipDeadline(models.Model):
    """The date by which every agency should have joined every centre (set by an admin).

    The newest row is in force; older rows are kept as history.
    """

    deadline = models.DateField()
    note = models.CharField(max_length=200, blank=True)
    set_at = models.DateTimeField(auto_now_add=True)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )

    class Meta:
        ordering = ["-set_at", "-id"]

    def __str__(self) -> str:
        return str(self.deadline)


def validate_roles(value: object) -> None:
    allowed = {role.value for role in Role}
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ValidationError(_("Roles must be a list of role names."))
    unknown = sorted(set(value) - allowed)
    if unknown:
        raise ValidationError(_("Unknown roles: %(roles)s"), params={"roles": ", ".join(unknown)})


class Staff(models.Model):
    """A member of staff: their agency, centre(s) and roles."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff"
    )
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="staff")
    centres = models.ManyToManyField(Centre, related_name="staff", blank=True)
    roles = models.JSONField(default=list, validators=[validate_roles])
    title = models.CharField(max_length=120, blank=True)

    class Meta:
        ordering = ["user__username"]
        verbose_name_plural = "staff"

    def __str__(self) -> str:
        return f"{self.user} ({self.agency})"
