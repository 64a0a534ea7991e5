"""What the agencies record in a control: pre-checks and the safety assessment before it,
people met, the staff-ledger check, checklists, observations and files on the day.

Every recorded row is owned by the agency that recorded it (``owner``) and belongs to a
data category; another agency sees it only as the sharing rules allow (``CATEGORIES``
below, read by ``controls.policies``). The safety assessment is the exception: it is for
the whole team and holds no personal data.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from akrim.controls.models.control import Control
from akrim.organisation.models import Agency


class Recorded(models.Model):
    """An agency's own record in a control."""

    control = models.ForeignKey(Control, on_delete=models.CASCADE, related_name="+")
    owner = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class PreCheck(Recorded):
    """What an agency found in its own registers before the control."""

    category = models.CharField(max_length=40)  # access.DataCategory code
    workplace_id = models.CharField(max_length=40, blank=True)
    summary = models.TextField()

    class Meta:
        ordering = ["owner__code", "recorded_at", "id"]
        indexes = [models.Index(fields=["control", "owner"])]

    def __str__(self) -> str:
        return f"pre-check {self.pk} ({self.owner_id}) in {self.control_id}"


class SafetyAssessment(models.Model):
    """The team's safety assessment (one per control), kept current before the day."""

    control = models.OneToOneField(Control, on_delete=models.CASCADE, related_name="safety")
    known_threats = models.TextField(blank=True)
    dogs = models.BooleanField(default=False)
    weapons = models.BooleanField(default=False)
    police_presence_needed = models.BooleanField(default=False)
    other = models.TextField(blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"safety of control {self.control_id}"


class IdDocument(models.TextChoices):
    PASSPORT = "passport", _("passport")
    ID_CARD = "id_card", _("national ID card")
    RESIDENCE_PERMIT = "residence_permit", _("residence permit card")
    DRIVING_LICENCE = "driving_licence", _("driving licence")
    OTHER = "other", _("other document")
    NONE = "none", _("no document shown")


class PayPeriod(models.TextChoices):
    HOUR = "hour", _("per hour")
    DAY = "day", _("per day")
    MONTH = "month", _("per month")
    PIECE = "piece", _("per piece")
    UNKNOWN = "unknown", _("not stated")


class YesNoUnknown(models.TextChoices):
    YES = "yes", _("yes")
    NO = "no", _("no")
    UNKNOWN = "unknown", _("not known")


class PersonMet(Recorded):
    """A person met on site, as written down: spelling and stated facts are kept as
    given, never matched to a register here."""

    workplace_id = models.CharField(max_length=40, blank=True)
    name_as_written = models.CharField(max_length=200)
    birth_date = models.DateField(null=True, blank=True)
    stated_nationality = models.CharField(max_length=2, blank=True)  # ISO 3166 alpha-2
    id_document = models.CharField(
        max_length=20, choices=IdDocument.choices, default=IdDocument.NONE
    )
    id_document_no = models.CharField(max_length=40, blank=True)
    role = models.CharField(max_length=120, blank=True)
    stated_pay_sek = models.PositiveIntegerField(null=True, blank=True)
    pay_period = models.CharField(
        max_length=8, choices=PayPeriod.choices, default=PayPeriod.UNKNOWN
    )
    stated_hours_per_week = models.PositiveSmallIntegerField(null=True, blank=True)
    housing_by_employer = models.CharField(
        max_length=8, choices=YesNoUnknown.choices, default=YesNoUnknown.UNKNOWN
    )
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["recorded_at", "id"]
        indexes = [models.Index(fields=["control", "owner"])]

    def __str__(self) -> str:
        return f"person met {self.pk} in {self.control_id}"


class Indicator(models.TextChoices):
    """The ILO's eleven indicators of forced labour."""

    ABUSE_OF_VULNERABILITY = "abuse_of_vulnerability", _("abuse of vulnerability")
    DECEPTION = "deception", _("deception")
    RESTRICTION_OF_MOVEMENT = "restriction_of_movement", _("restriction of movement")
    ISOLATION = "isolation", _("isolation")
    VIOLENCE = "violence", _("physical and sexual violence")
    INTIMIDATION = "intimidation", _("intimidation and threats")
    RETENTION_OF_DOCUMENTS = "retention_of_documents", _("retention of identity documents")
    WITHHOLDING_OF_WAGES = "withholding_of_wages", _("withholding of wages")
    DEBT_BONDAGE = "debt_bondage", _("debt bondage")
    ABUSIVE_CONDITIONS = "abusive_conditions", _("abusive working and living conditions")
    EXCESSIVE_OVERTIME = "excessive_overtime", _("excessive overtime")


class PersonIndicator(models.Model):
    """An ILO indicator seen for a person met. Owned by the agency that saw it; its
    category is possible-victim data, the most protected there is."""

    person = models.ForeignKey(PersonMet, on_delete=models.CASCADE, related_name="indicators")
    control = models.ForeignKey(Control, on_delete=models.CASCADE, related_name="+")
    owner = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    indicator = models.CharField(max_length=30, choices=Indicator.choices)
    note = models.CharField(max_length=500, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["indicator"]
        constraints = [
            models.UniqueConstraint(fields=["person", "indicator"], name="indicator_once"),
            models.CheckConstraint(
                condition=models.Q(indicator__in=Indicator.values), name="indicator_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator} for {self.person_id}"


class LedgerResult(models.TextChoices):
    PRESENT = "present", _("present and complete")
    MISSING = "missing", _("missing")
    INCOMPLETE = "incomplete", _("incomplete")


class LedgerCheck(Recorded):
    """The staff-ledger (personalliggare) check at one workplace."""

    workplace_id = models.CharField(max_length=40)
    result = models.CharField(max_length=10, choices=LedgerResult.choices)
    people_not_recorded = models.PositiveIntegerField(default=0)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["workplace_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["control", "owner", "workplace_id"], name="ledger_check_once"
            ),
            models.CheckConstraint(
                condition=models.Q(result__in=LedgerResult.values), name="ledger_result_known"
            ),
        ]

    def __str__(self) -> str:
        return f"ledger {self.workplace_id}: {self.result}"


class Checklist(models.Model):
    """An agency's checklist for its part of a control. Its items live in versions, so
    an answered checklist always shows the questions as they were asked."""

    owner = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    code = models.SlugField(max_length=60)
    title_sv = models.CharField(max_length=200)
    title_en = models.CharField(max_length=200)

    class Meta:
        ordering = ["owner__code", "code"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "code"], name="checklist_code_once")
        ]

    def __str__(self) -> str:
        return f"{self.owner_id}/{self.code}"


class ChecklistVersion(models.Model):
    """One version of a checklist. ``items``: a list of {"key", "sv", "en", "kind"}
    where kind is "yes_no" (yes / no / not applicable) or "text". A published version
    is never changed; a new version is added instead."""

    checklist = models.ForeignKey(Checklist, on_delete=models.CASCADE, related_name="versions")
    version = models.PositiveIntegerField()
    items = models.JSONField()
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["checklist", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["checklist", "version"], name="checklist_version_once")
        ]

    def __str__(self) -> str:
        return f"{self.checklist} v{self.version}"


class ChecklistAnswer(Recorded):
    """An agency's answers to one checklist version in a control: {item key: answer}."""

    version = models.ForeignKey(ChecklistVersion, on_delete=models.PROTECT, related_name="+")
    answers = models.JSONField(default=dict)

    class Meta:
        ordering = ["owner__code", "version"]
        constraints = [
            models.UniqueConstraint(
                fields=["control", "owner", "version"], name="checklist_answer_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.version} answered in {self.control_id}"


class Observation(Recorded):
    """A free observation on site."""

    text = models.TextField()

    class Meta:
        ordering = ["recorded_at", "id"]

    def __str__(self) -> str:
        return f"observation {self.pk} in {self.control_id}"


class Attachment(Recorded):
    """A photo or document taken at the control. The file is stored under a random name
    outside the web root, with its metadata stripped; ``sha256`` is of what is stored."""

    class Kind(models.TextChoices):
        PHOTO = "photo", _("photo")
        DOCUMENT = "document", _("document")

    kind = models.CharField(max_length=8, choices=Kind.choices)
    stored_name = models.CharField(max_length=80, unique=True)
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=60)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    caption = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["recorded_at", "id"]

    def __str__(self) -> str:
        return f"{self.kind} {self.pk} in {self.control_id}"


class FormDraft(models.Model):
    """What a user has typed into a control's form but not yet saved: kept on the
    server so that a lost connection or a closed tab loses nothing."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    control = models.ForeignKey(Control, on_delete=models.CASCADE, related_name="+")
    form = models.SlugField(max_length=40)
    data = models.JSONField(default=dict)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "control", "form"], name="draft_once")
        ]

    def __str__(self) -> str:
        return f"draft {self.form} of {self.user_id} in {self.control_id}"
