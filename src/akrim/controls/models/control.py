"""Joint workplace controls (myndighetsgemensamma kontroller): one record that every
participating agency works in.

A control concerns one or more workplaces, has a lead agency and participating agencies
(each closes its own part of the follow-up), and a team of named staff. Its lifecycle:
``draft → planned → prepared → carried_out → in_follow_up → closed``, or ``cancelled``
before it is carried out. Which moves are legal is a fact about one row (``MOVES``); who
may make them is decided in ``policies`` and enforced in ``services``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from akrim.organisation.models import Agency, Centre


class Status(models.TextChoices):
    DRAFT = "draft", _("draft")
    PLANNED = "planned", _("planned")
    PREPARED = "prepared", _("prepared")
    CARRIED_OUT = "carried_out", _("carried out")
    IN_FOLLOW_UP = "in_follow_up", _("in follow-up")
    CLOSED = "closed", _("closed")
    CANCELLED = "cancelled", _("cancelled")


# target status -> the statuses a control may move to it from
MOVES: dict[str, frozenset[str]] = {
    Status.PLANNED: frozenset({Status.DRAFT}),
    Status.PREPARED: frozenset({Status.PLANNED}),
    Status.CARRIED_OUT: frozenset({Status.PREPARED}),
    Status.IN_FOLLOW_UP: frozenset({Status.CARRIED_OUT}),
    Status.CLOSED: frozenset({Status.IN_FOLLOW_UP}),
    Status.CANCELLED: frozenset({Status.DRAFT, Status.PLANNED, Status.PREPARED}),
}

# A team can still change until the control is carried out.
TEAM_OPEN = frozenset({Status.DRAFT, Status.PLANNED, Status.PREPARED})

# Controls in force: decided (not a draft) and not cancelled. They book people and
# workplaces in the calendar and open the assigned_to_control sharing condition.
IN_FORCE = frozenset(
    {Status.PLANNED, Status.PREPARED, Status.CARRIED_OUT, Status.IN_FOLLOW_UP, Status.CLOSED}
)


class Control(models.Model):
    """One joint control: where, when, which centre, lead and participating agencies."""

    centre = models.ForeignKey(Centre, on_delete=models.PROTECT, related_name="controls")
    lead_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    purpose = models.TextField(blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.DRAFT)
    # SNI section (A–U) of the first workplace's industry when the control was planned or
    # imported; statistics count controls by it. Blank when no register knew the site.
    industry = models.CharField(max_length=1, blank=True)
    # Earlier controls brought in from an agency's extract (the exchange format's
    # ``controls`` table): the agency whose extract it came from and its key there.
    imported_from = models.ForeignKey(
        Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    external_id = models.CharField(max_length=40, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["starts_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="control_ends_after_start",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=Status.values), name="control_status_known"
            ),
            models.UniqueConstraint(
                fields=["imported_from", "external_id"],
                condition=models.Q(imported_from__isnull=False),
                name="control_imported_once",
            ),
        ]
        indexes = [
            models.Index(fields=["centre", "starts_at"]),
            models.Index(fields=["status", "starts_at"]),
            models.Index(fields=["starts_at", "status"]),
        ]

    def __str__(self) -> str:
        return f"control {self.pk} ({self.status})"

    @property
    def status_label(self) -> str:
        return str(Status(self.status).label)

    def may_move_to(self, status: str) -> bool:
        return self.status in MOVES[status]


class ControlWorkplace(models.Model):
    """A workplace the control concerns. ``workplace_id`` is the site's key in every
    agency's register (the same key as ``registry.Workplace.workplace_id``);
    ``register_workplace`` is the register row it was planned from. The key is kept even
    if that row is later removed, so the control still says where it was."""

    control = models.ForeignKey(Control, on_delete=models.CASCADE, related_name="workplaces")
    register_workplace = models.ForeignKey(
        "registry.Workplace", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    workplace_id = models.CharField(max_length=40)

    class Meta:
        ordering = ["workplace_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["control", "workplace_id"], name="control_workplace_once"
            )
        ]
        indexes = [models.Index(fields=["workplace_id"])]

    def __str__(self) -> str:
        return f"{self.control_id}: {self.workplace_id}"


class Participation(models.Model):
    """An agency's part in a control; the control closes when every part is closed."""

    class PartStatus(models.TextChoices):
        OPEN = "open", _("open")
        CLOSED = "closed", _("closed")

    control = models.ForeignKey(Control, on_delete=models.CASCADE, related_name="participations")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=6, choices=PartStatus.choices, default=PartStatus.OPEN)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["agency__code"]
        constraints = [
            models.UniqueConstraint(fields=["control", "agency"], name="participation_once"),
            models.CheckConstraint(
                condition=models.Q(status="open", closed_at__isnull=True)
                | models.Q(status="closed", closed_at__isnull=False),
                name="participation_closed_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agency_id} in {self.control_id} ({self.status})"


class TeamMember(models.Model):
    """A member of staff in the control's team, for their agency."""

    control = models.ForeignKey(Control, on_delete=models.CASCADE, related_name="team")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    assigned_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["agency__code", "user__username"]
        constraints = [models.UniqueConstraint(fields=["control", "user"], name="team_member_once")]
        indexes = [models.Index(fields=["user", "control"])]

    def __str__(self) -> str:
        return f"{self.user_id} ({self.agency_id}) in {self.control_id}"


class ControlTip(models.Model):
    """A tip the control follows up (its key in the owning agency's register or the
    tips module); kept as a key so the link survives the tip's retention."""

    control = models.ForeignKey(Control, on_delete=models.CASCADE, related_name="tips")
    tip_id = models.CharField(max_length=40)

    class Meta:
        ordering = ["tip_id"]
        constraints = [
            models.UniqueConstraint(fields=["control", "tip_id"], name="control_tip_once")
        ]

    def __str__(self) -> str:
        return f"{self.control_id}: tip {self.tip_id}"


class Target(models.Model):
    """The yearly target for the number of joint controls: per centre, or national when
    ``centre`` is empty."""

    year = models.PositiveIntegerField()
    centre = models.ForeignKey(
        Centre, null=True, blank=True, on_delete=models.CASCADE, related_name="targets"
    )
    controls = models.PositiveIntegerField()
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["year", "centre__code"]
        constraints = [
            models.UniqueConstraint(fields=["year", "centre"], name="target_once"),
            models.UniqueConstraint(
                fields=["year"],
                condition=models.Q(centre__isnull=True),
                name="national_target_once",
            ),
            models.CheckConstraint(
                condition=models.Q(year__gte=2017, year__lte=2100), name="target_year_sane"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.centre_id or 'national'}: {self.controls}"


class CalendarFeed(models.Model):
    """A member of staff's private iCalendar address for their own controls. Only the
    SHA-256 of the secret in the address is kept; a new address replaces the old one."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"calendar feed of {self.user_id}"
