"""The social partners (arbetsmarknadens parter): organisations and their contacts, the
forums where the centres consult them, meetings with their action items, and referrals
(a partner reporting a workplace) that become tips."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from akrim.organisation.models import Centre


class Organisation(models.Model):
    """A union, an employer organisation or another partner body."""

    class Kind(models.TextChoices):
        UNION = "union", _("union")
        EMPLOYER = "employer", _("employer organisation")
        OTHER = "other", _("other")

    class Scope(models.TextChoices):
        NATIONAL = "national", _("national")
        REGIONAL = "regional", _("regional")

    kind = models.CharField(max_length=10, choices=Kind.choices)
    name = models.CharField(max_length=200, unique=True)
    scope = models.CharField(max_length=10, choices=Scope.choices, default=Scope.REGIONAL)
    centres = models.ManyToManyField(Centre, related_name="+", blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Contact(models.Model):
    """A person at a partner organisation. Personal data: every read and write is audited."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="contacts"
    )
    name = models.CharField(max_length=200)
    role = models.CharField(max_length=200, blank=True)
    email = models.EmailField(max_length=254, blank=True)
    phone = models.CharField(max_length=40, blank=True)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["organisation__name", "name", "id"]

    def __str__(self) -> str:
        return self.name


class Forum(models.Model):
    """A consultation forum: one national (``centre`` empty) and one per centre."""

    centre = models.OneToOneField(
        Centre, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    national = models.BooleanField(default=False)
    name = models.CharField(max_length=200)
    members = models.ManyToManyField(Organisation, related_name="forums", blank=True)

    class Meta:
        ordering = ["-national", "centre__name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["national"],
                condition=models.Q(national=True),
                name="forum_one_national",
            ),
            models.CheckConstraint(
                condition=models.Q(national=True, centre__isnull=True)
                | models.Q(national=False, centre__isnull=False),
                name="forum_national_or_centre",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Meeting(models.Model):
    forum = models.ForeignKey(Forum, on_delete=models.PROTECT, related_name="meetings")
    starts_at = models.DateTimeField()
    place = models.CharField(max_length=200, blank=True)
    agenda = models.TextField(blank=True)
    minutes = models.TextField(blank=True)
    decisions = models.TextField(blank=True)
    contacts = models.ManyToManyField(Contact, related_name="meetings", blank=True)
    staff = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="+", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-starts_at", "id"]

    def __str__(self) -> str:
        return f"{self.forum} {self.starts_at:%Y-%m-%d}"


class ActionItem(models.Model):
    """Something a meeting decided someone does by a deadline. Its owner is a member of
    staff or a partner's contact (exactly one)."""

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        DONE = "done", _("done")
        CANCELLED = "cancelled", _("cancelled")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="actions")
    description = models.TextField()
    owner_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    owner_contact = models.ForeignKey(
        Contact, null=True, blank=True, on_delete=models.PROTECT, related_name="actions"
    )
    deadline = models.DateField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    status_changed_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["deadline", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(owner_user__isnull=True, owner_contact__isnull=False)
                | models.Q(owner_user__isnull=False, owner_contact__isnull=True),
                name="action_item_one_owner",
            )
        ]

    def __str__(self) -> str:
        return self.description[:60]

    @property
    def owner_name(self) -> str:
        if self.owner_user is not None:
            return self.owner_user.get_full_name() or self.owner_user.username
        return self.owner_contact.name if self.owner_contact else ""


class Referral(models.Model):
    """A partner reports a workplace; it becomes a tip (source "partner"). The contact may
    be told that the matter was handled — nothing more (the sharing rules allow no more)."""

    forum = models.ForeignKey(Forum, on_delete=models.PROTECT, related_name="referrals")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="referrals"
    )
    contact = models.ForeignKey(
        Contact, null=True, blank=True, on_delete=models.PROTECT, related_name="referrals"
    )
    received_at = models.DateTimeField()
    summary = models.TextField()  # sealed (akrim.tips.crypto), like the tip it became
    # The tip goes when its retention has passed (akrim.tips.retention); the referral stays.
    tip = models.OneToOneField(
        "tips.Tip", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    told_contact_at = models.DateTimeField(null=True, blank=True)
    told_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["-received_at", "-id"]

    def __str__(self) -> str:
        return f"{self.organisation} {self.received_at:%Y-%m-%d}"

    @property
    def summary_text(self) -> str:
        """What the partner reported, opened; empty once the tip it became is deleted."""
        from akrim.tips.crypto import unseal

        if not self.summary:
            return ""
        return unseal(
            self.summary, field="partners.referral_summary", owner=f"forum:{self.forum_id}"
        )
