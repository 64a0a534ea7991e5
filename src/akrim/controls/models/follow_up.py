"""The follow-up of a control: findings (the exchange format's catalogue), each agency's
decisions with their deadlines, and the tasks a passed deadline creates."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from akrim.controls.models.control import Control
from akrim.controls.models.fieldwork import Recorded
from akrim.organisation.models import Agency

# The finding catalogue, version 1 (shared/spec/register-exchange.md): code -> agency.
FINDING_CATALOGUE: dict[str, str] = {
    "SKV_LEDGER_MISSING": "SKV",
    "SKV_LEDGER_INCOMPLETE": "SKV",
    "SKV_UNDECLARED_PAY": "SKV",
    "SKV_NO_FTAX": "SKV",
    "POL_NO_WORK_RIGHT": "POL",
    "POL_CRIME_REPORT": "POL",
    "AV_ORDER": "AV",
    "AV_PROHIBITION": "AV",
    "AV_SANCTION_FEE": "AV",
    "MV_PERMIT_CONDITIONS": "MV",
    "FK_BENEFIT_ERROR": "FK",
    "AF_SUBSIDY_ERROR": "AF",
    "JAMY_EXPLOITATION_INDICATORS": "JAMY",
    "EBM_INVESTIGATION": "EBM",
    "AM_PROSECUTION": "AM",
}


# What each catalogue code means, in the words of the agency's decision.
FINDING_LABELS: dict[str, Promise] = {
    "SKV_LEDGER_MISSING": _("No staff ledger kept"),
    "SKV_LEDGER_INCOMPLETE": _("Staff ledger incomplete"),
    "SKV_UNDECLARED_PAY": _("Undeclared pay"),
    "SKV_NO_FTAX": _("No F-tax approval"),
    "POL_NO_WORK_RIGHT": _("Worker without the right to work"),
    "POL_CRIME_REPORT": _("Crime reported"),
    "AV_ORDER": _("Order (föreläggande)"),
    "AV_PROHIBITION": _("Prohibition (förbud)"),
    "AV_SANCTION_FEE": _("Sanction fee"),
    "MV_PERMIT_CONDITIONS": _("Work-permit conditions not met"),
    "FK_BENEFIT_ERROR": _("Incorrect benefit payment"),
    "AF_SUBSIDY_ERROR": _("Incorrect employment subsidy"),
    "JAMY_EXPLOITATION_INDICATORS": _("Signs of exploitation"),
    "EBM_INVESTIGATION": _("Economic-crime investigation"),
    "AM_PROSECUTION": _("Prosecution"),
}


def finding_label(code: str) -> str:
    """The catalogue code in words (the code itself when it is not in the catalogue)."""
    return str(FINDING_LABELS.get(code, code))


class Finding(Recorded):
    """One finding of an agency in a control, by the catalogue code."""

    code = models.CharField(max_length=40)
    workplace_id = models.CharField(max_length=40, blank=True)
    amount_sek = models.BigIntegerField(null=True, blank=True)
    ordinal = models.PositiveIntegerField(default=0)  # order within an imported control

    @property
    def label(self) -> str:
        return finding_label(self.code)

    class Meta:
        ordering = ["owner__code", "code", "id"]
        indexes = [models.Index(fields=["control", "owner"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount_sek__isnull=True) | models.Q(amount_sek__gte=0),
                name="finding_amount_not_negative",
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} in {self.control_id}"


class DecisionKind(models.TextChoices):
    CONTROL_FEE = "control_fee", _("control fee")
    SANCTION_FEE = "sanction_fee", _("sanction fee")
    ORDER = "order", _("order")
    PROHIBITION = "prohibition", _("prohibition")
    CRIME_REPORT = "crime_report", _("crime report")
    PERMIT_REVOCATION = "permit_revocation", _("permit revocation")
    BENEFIT_RECLAIM = "benefit_reclaim", _("benefit reclaim")
    SUBSIDY_RECLAIM = "subsidy_reclaim", _("subsidy reclaim")
    VICTIM_SUPPORT = "victim_support", _("referral to victim support")
    OTHER_AGENCY = "other_agency", _("referral to another agency")


class DecisionStatus(models.TextChoices):
    DECIDED = "decided", _("decided")
    APPEALED = "appealed", _("appealed")
    UPHELD = "upheld", _("upheld")
    PAID = "paid", _("paid")
    WITHDRAWN = "withdrawn", _("withdrawn")


class Decision(Recorded):
    """An agency's decision after a control. A deadline (e.g. when an order must be
    followed) that passes while the decision stands creates a ``Task``."""

    kind = models.CharField(max_length=20, choices=DecisionKind.choices)
    amount_sek = models.BigIntegerField(null=True, blank=True)
    decided_on = models.DateField()
    status = models.CharField(
        max_length=10, choices=DecisionStatus.choices, default=DecisionStatus.DECIDED
    )
    deadline = models.DateField(null=True, blank=True)
    deadline_note = models.CharField(max_length=300, blank=True)
    workplace_id = models.CharField(max_length=40, blank=True)

    class Meta:
        ordering = ["owner__code", "decided_on", "id"]
        indexes = [
            models.Index(fields=["control", "owner"]),
            models.Index(fields=["deadline", "status"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=DecisionKind.values), name="decision_kind_known"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=DecisionStatus.values),
                name="decision_status_known",
            ),
            models.CheckConstraint(
                condition=models.Q(amount_sek__isnull=True) | models.Q(amount_sek__gte=0),
                name="decision_amount_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} by {self.owner_id} in {self.control_id}"


class Task(models.Model):
    """Work that follows from a control, e.g. a re-visit to check that an order was
    followed. Created when a decision's deadline passes; done by the owning agency."""

    class State(models.TextChoices):
        OPEN = "open", _("open")
        DONE = "done", _("done")

    control = models.ForeignKey(Control, on_delete=models.CASCADE, related_name="tasks")
    owner = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    decision = models.OneToOneField(
        Decision, null=True, blank=True, on_delete=models.CASCADE, related_name="task"
    )
    title = models.CharField(max_length=300)
    due_on = models.DateField()
    state = models.CharField(max_length=4, choices=State.choices, default=State.OPEN)
    created_at = models.DateTimeField(auto_now_add=True)
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["owner", "state", "due_on"])]

    def __str__(self) -> str:
        return f"task {self.pk}: {self.title}"
