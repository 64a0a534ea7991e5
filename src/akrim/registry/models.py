"""Register data as delivered by an agency in the exchange format.

Every row is owned by the agency that delivered the extract (``owner``); the same company
delivered by two agencies is two records, each under its owner's secrecy. Natural keys are
unique per owner, so a re-import updates in place and an identical one changes nothing.
"""

from __future__ import annotations

from django.db import models

from akrim.core.identity import format_orgno
from akrim.organisation.models import Agency


class ImportBatch(models.Model):
    """One import of an extract: who, when, what, and how many rows changed."""

    class Status(models.TextChoices):
        RUNNING = "running"
        DONE = "done"
        REFUSED = "refused"

    owner = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    source = models.CharField(max_length=500)
    digest = models.CharField(max_length=64)
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.RUNNING)
    rows = models.JSONField(default=dict)  # table -> rows in the extract
    changed = models.JSONField(default=dict)  # table -> rows inserted or updated
    username = models.CharField(max_length=150)

    class Meta:
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.owner} {self.source} ({self.status})"


class Owned(models.Model):
    owner = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    batch = models.ForeignKey(ImportBatch, on_delete=models.PROTECT, related_name="+", null=True)

    class Meta:
        abstract = True


class Company(Owned):
    """A company (företag) with its organisation number (organisationsnummer)."""

    org_no = models.CharField(max_length=10)  # 10 digits, no hyphen
    name = models.CharField(max_length=200)
    legal_form = models.CharField(max_length=5)
    registered_on = models.DateField()
    deregistered_on = models.DateField(null=True)
    bankrupt_on = models.DateField(null=True)
    sni = models.CharField(max_length=5)
    municipality = models.CharField(max_length=4)
    address = models.CharField(max_length=200)
    postal_code = models.CharField(max_length=5)
    f_tax = models.BooleanField()
    vat = models.BooleanField()
    employer = models.BooleanField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["owner", "org_no"], name="company_owner_org_no")
        ]
        indexes = [models.Index(fields=["org_no"]), models.Index(fields=["name"])]
        verbose_name_plural = "companies"

    def __str__(self) -> str:
        return f"{self.org_no_display} {self.name}"

    @property
    def org_no_display(self) -> str:
        return format_orgno(self.org_no)

    @property
    def operating(self) -> bool:
        return self.deregistered_on is None and self.bankrupt_on is None


class Person(Owned):
    """A person known to a register. ``person_id`` is a personnummer, samordningsnummer or
    an ``X`` id."""

    person_id = models.CharField(max_length=21)
    name = models.CharField(max_length=200)
    birth_date = models.DateField(null=True)
    citizenship = models.CharField(max_length=2, blank=True)
    municipality = models.CharField(max_length=4, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["owner", "person_id"], name="person_owner_pid")
        ]
        indexes = [models.Index(fields=["person_id"]), models.Index(fields=["name"])]

    def __str__(self) -> str:
        return self.name


class Role(Owned):
    """A person's role in a company (board, chair, ceo, …), from ``valid_from``."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="roles")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="roles")
    role = models.CharField(max_length=20)
    valid_from = models.DateField()
    valid_to = models.DateField(null=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "company", "person", "role", "valid_from"], name="role_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.role} {self.company_id}"


class Workplace(Owned):
    """A site where a company operates (arbetsställe)."""

    workplace_id = models.CharField(max_length=40)
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="workplaces")
    name = models.CharField(max_length=200)
    address = models.CharField(max_length=200)
    municipality = models.CharField(max_length=4)
    lat = models.FloatField()
    lon = models.FloatField()
    sni = models.CharField(max_length=5)
    opening_hours = models.CharField(max_length=255)
    staff_ledger = models.BooleanField()  # the site must keep a personalliggare

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["owner", "workplace_id"], name="workplace_owner_id")
        ]
        indexes = [models.Index(fields=["workplace_id"]), models.Index(fields=["name"])]

    def __str__(self) -> str:
        return f"{self.workplace_id} {self.name}"


class Payroll(Owned):
    """An employer declaration at individual level (arbetsgivardeklaration) for one month."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="payroll")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="payroll")
    period = models.CharField(max_length=7)  # YYYY-MM
    gross_pay = models.BigIntegerField()
    tax_withheld = models.BigIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "company", "person", "period"], name="payroll_key"
            )
        ]
        indexes = [models.Index(fields=["person", "period"])]

    def __str__(self) -> str:
        return f"{self.company_id}/{self.person_id} {self.period}"


class Permit(Owned):
    """A work permit naming an employer and the salary offered."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="permits")
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="permits")
    valid_from = models.DateField()
    valid_to = models.DateField()
    monthly_salary_offered = models.BigIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "person", "company", "valid_from"], name="permit_key"
            )
        ]

    def __str__(self) -> str:
        return f"permit {self.person_id} {self.company_id}"


class ControlRecord(Owned):
    """An earlier control, as delivered in an extract (not a joint control planned here)."""

    control_id = models.CharField(max_length=40)
    workplace = models.ForeignKey(Workplace, on_delete=models.CASCADE, related_name="controls")
    date = models.DateField()
    agencies = models.CharField(max_length=60)  # agency codes separated by ';'

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["owner", "control_id"], name="control_record_key")
        ]

    def __str__(self) -> str:
        return self.control_id


class FindingRecord(Owned):
    """One finding of an earlier control (catalogue code, agency, amount decided)."""

    control = models.ForeignKey(ControlRecord, on_delete=models.CASCADE, related_name="findings")
    ordinal = models.PositiveIntegerField()
    agency = models.CharField(max_length=8)
    code = models.CharField(max_length=40)
    amount_sek = models.BigIntegerField(null=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["owner", "control", "ordinal"], name="finding_key")
        ]

    def __str__(self) -> str:
        return f"{self.control_id} {self.code}"


class TipRecord(Owned):
    """A tip about a workplace or company, as delivered in an extract."""

    tip_id = models.CharField(max_length=40)
    received_on = models.DateField()
    workplace = models.ForeignKey(Workplace, on_delete=models.CASCADE, null=True, related_name="+")
    company = models.ForeignKey(Company, on_delete=models.CASCADE, null=True, related_name="+")
    category = models.CharField(max_length=200)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["owner", "tip_id"], name="tip_record_key")]

    def __str__(self) -> str:
        return self.tip_id


class Encounter(Owned):
    """A person met at an earlier control, as written down on site."""

    encounter_id = models.CharField(max_length=40)
    control = models.ForeignKey(ControlRecord, on_delete=models.CASCADE, related_name="encounters")
    name = models.CharField(max_length=200)
    birth_date = models.DateField(null=True)
    nationality = models.CharField(max_length=2, blank=True)
    document_no = models.CharField(max_length=40, blank=True)
    phone = models.CharField(max_length=40, blank=True)
    person = models.ForeignKey(Person, on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["owner", "encounter_id"], name="encounter_key")
        ]

    def __str__(self) -> str:
        return self.encounter_id
