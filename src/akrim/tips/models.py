"""Tips about workplaces: from the public portal, from partners or entered by staff.

A tip's texts (what, where, since, contact) and every message body are encrypted at rest
(``akrim.tips.crypto``); the database holds only ciphertext for them. The person who sent
a tip holds a receipt code; the database keeps its public lookup part and an Argon2id hash
of the whole code, never the code. Nothing about the sender's connection (address, browser)
is stored anywhere.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from akrim.controls.models import Control
from akrim.organisation.models import Centre, Municipality
from akrim.registry.models import Company, Workplace


class Status(models.TextChoices):
    NEW = "new", _("new")
    TRIAGED = "triaged", _("triaged")
    HANDLED = "handled", _("handled")
    DUPLICATE = "duplicate", _("duplicate")
    CLOSED = "closed", _("closed")


class Source(models.TextChoices):
    PORTAL = "portal", _("portal")
    PARTNER = "partner", _("partner")
    STAFF = "staff", _("staff")


class Category(models.TextChoices):
    WAGES = "wages", _("wages")
    SAFETY = "safety", _("safety")
    RIGHT_TO_WORK = "right_to_work", _("right to work, permits")
    HOUSING = "housing", _("housing")
    TRAFFICKING = "trafficking", _("trafficking, exploitation")
    STAFF_LEDGER = "staff_ledger", _("staff ledger")
    OTHER = "other", _("other")


class Urgency(models.TextChoices):
    NORMAL = "normal", _("normal")
    HIGH = "high", _("high")
    RISK_TO_LIFE = "risk_to_life", _("risk to life")


class Tip(models.Model):
    """One tip. ``*_sealed`` fields hold ciphertext (see ``akrim.tips.crypto``)."""

    lookup_id = models.CharField(max_length=12, unique=True)  # public part of the receipt code
    code_hash = models.CharField(max_length=200, blank=True)  # Argon2id of the whole code
    received_at = models.DateTimeField()
    language = models.CharField(max_length=5, default="sv")
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.PORTAL)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.NEW)
    centre = models.ForeignKey(
        Centre, null=True, blank=True, on_delete=models.PROTECT, related_name="tips"
    )
    municipality = models.ForeignKey(
        Municipality, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    sni_section = models.CharField(max_length=1, blank=True)
    category = models.CharField(max_length=20, choices=Category.choices, blank=True)
    urgency = models.CharField(max_length=20, choices=Urgency.choices, default=Urgency.NORMAL)
    police_alerted_at = models.DateTimeField(null=True, blank=True)
    duplicate_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="duplicates"
    )
    workplace = models.ForeignKey(
        Workplace, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    company = models.ForeignKey(
        Company, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    control = models.ForeignKey(
        Control, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    selection_record = models.CharField(max_length=40, blank=True)  # registry TipRecord key
    # Sealed texts (ciphertext, base64). ``org_no_digest``: keyed hash of the org number
    # the sender gave, so duplicates can be found without decrypting every tip.
    what_sealed = models.TextField()
    where_name_sealed = models.TextField(blank=True)
    where_address_sealed = models.TextField(blank=True)
    org_no_sealed = models.TextField(blank=True)
    since_sealed = models.TextField(blank=True)
    contact_sealed = models.TextField(blank=True)
    org_no_digest = models.CharField(max_length=64, blank=True, db_index=True)
    has_contact = models.BooleanField(default=False)
    # Guessing the receipt code: failures for this tip and the lock they set.
    failed_lookups = models.PositiveSmallIntegerField(default=0)
    locked_until = models.DateTimeField(null=True, blank=True)
    new_information = models.BooleanField(default=False)  # the sender added something unread
    handled_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        indexes = [models.Index(fields=["centre", "status"]), models.Index(fields=["received_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=Status.values), name="tip_status_known"
            ),
            models.CheckConstraint(
                condition=models.Q(urgency__in=Urgency.values), name="tip_urgency_known"
            ),
        ]

    def __str__(self) -> str:
        return self.key

    @property
    def key(self) -> str:
        """The tip's number as staff and controls name it (``ControlTip.tip_id``)."""
        return f"TIP-{self.pk}"


class Message(models.Model):
    """A message through the receipt-code channel: from the sender (in) or from staff (out)."""

    class Direction(models.TextChoices):
        IN = "in", _("from the sender")
        OUT = "out", _("from staff")

    tip = models.ForeignKey(Tip, on_delete=models.CASCADE, related_name="messages")
    direction = models.CharField(max_length=3, choices=Direction.choices)
    body_sealed = models.TextField()
    created_at = models.DateTimeField()
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.tip_id} {self.direction} {self.created_at:%Y-%m-%d}"


class TipAttachment(models.Model):
    """A photo or PDF sent with a tip: cleaned of metadata, then encrypted (``data``)."""

    tip = models.ForeignKey(Tip, on_delete=models.CASCADE, related_name="attachments")
    content_type = models.CharField(max_length=40)
    extension = models.CharField(max_length=5)
    size = models.PositiveIntegerField()
    data = models.BinaryField()  # AES-GCM ciphertext of the cleaned file
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.tip_id} {self.content_type}"


class UsedFormToken(models.Model):
    """A public form token that has been used (its SHA-256 only), kept until it expires."""

    digest = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return self.digest[:12]


class RateWindow(models.Model):
    """A global fixed-window counter (no address, no person): ``key`` counted per minute."""

    key = models.CharField(max_length=20)
    window_start = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["key", "window_start"], name="tips_rate_window")
        ]

    def __str__(self) -> str:
        return f"{self.key} {self.window_start:%H:%M} {self.count}"
