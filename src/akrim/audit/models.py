"""Audit entries, each chained to the previous one by a SHA-256 hash, and signed checkpoints;
the persons each entry touched; weekly sampled log checks."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from akrim.core.actor import purpose_label

GENESIS = "0" * 64
CHECKPOINT_FORMAT = "akrim-audit-checkpoint/1"


class AuditEntry(models.Model):
    """One audited action. Never updated or deleted; ``seq`` runs 1, 2, 3, … without gaps."""

    seq = models.BigIntegerField(unique=True)
    at = models.DateTimeField()
    user_id = models.BigIntegerField(null=True)
    username = models.CharField(max_length=150)
    agency = models.CharField(max_length=8, blank=True)
    purpose = models.CharField(max_length=30, blank=True)
    action = models.CharField(max_length=40)
    object_type = models.CharField(max_length=60, blank=True)
    object_id = models.CharField(max_length=120, blank=True)
    object_owner = models.CharField(max_length=8, blank=True)
    fields = models.JSONField(default=list)
    detail = models.JSONField(default=dict)
    request_id = models.CharField(max_length=64, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["seq"]
        indexes = [
            models.Index(fields=["object_type", "object_id"]),
            models.Index(fields=["user_id", "at"]),
            models.Index(fields=["object_owner", "at"]),
        ]
        verbose_name_plural = "audit entries"

    def __str__(self) -> str:
        return f"#{self.seq} {self.username} {self.action} {self.object_type}:{self.object_id}"

    @property
    def purpose_label(self) -> str:
        """The purpose in the active language (the code when it is not a known purpose)."""
        return purpose_label(self.purpose)

    def payload(self) -> dict[str, Any]:
        """The fields covered by the hash, in a canonical form."""
        return {
            "seq": self.seq,
            "at": self.at.isoformat(timespec="microseconds"),
            "user_id": self.user_id,
            "username": self.username,
            "agency": self.agency,
            "purpose": self.purpose,
            "action": self.action,
            "object_type": self.object_type,
            "object_id": self.object_id,
            "object_owner": self.object_owner,
            "fields": self.fields,
            "detail": self.detail,
            "request_id": self.request_id,
            "prev_hash": self.prev_hash,
        }

    def compute_hash(self) -> str:
        canonical = json.dumps(
            self.payload(), sort_keys=True, separators=(",", ":"), ensure_ascii=False
        )
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


class AuditHead(models.Model):
    """The chain's head (one row): the last sequence number and hash.

    Appends lock this row so entries are chained one at a time; verification compares it
    with the last entry, so a truncated tail is detected.
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    seq = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64, default=GENESIS)

    def __str__(self) -> str:
        return f"head #{self.seq}"


class AuditCheckpoint(models.Model):
    """A signed statement that entry ``seq`` had hash ``hash`` at time ``at`` (Ed25519).

    The signing key lives outside the database, so whoever can write to the database can
    neither forge a checkpoint nor rewrite or cut the chain below one unnoticed. Never
    updated or deleted. Each checkpoint sits on its own audit entry (``audit_checkpoint``),
    so ``seq`` is unique.
    """

    seq = models.BigIntegerField(unique=True)
    hash = models.CharField(max_length=64)
    at = models.DateTimeField()
    key_id = models.CharField(max_length=32)
    signature = models.CharField(max_length=88)  # base64 of the 64-byte signature

    class Meta:
        ordering = ["seq"]

    def __str__(self) -> str:
        return f"checkpoint #{self.seq} ({self.key_id})"

    def signed_message(self) -> bytes:
        """The bytes the signature covers, in a canonical form."""
        payload = {
            "format": CHECKPOINT_FORMAT,
            "seq": self.seq,
            "hash": self.hash,
            "at": self.at.astimezone(dt.UTC).isoformat(timespec="microseconds"),
        }
        return json.dumps(payload, sort_keys=True, separators=(",", ":")).encode("ascii")


class AuditSubject(models.Model):
    """One person whose data an entry's action showed: the index behind per-person extracts.

    Written by ``record(..., persons=...)`` in the entry's own transaction, and never
    updated or deleted (the database refuses: migration ``0005_audit_subjects_append_only``).
    ``owner`` is the agency that owns the person record shown, whose data-protection
    auditor reviews the access.

    The hash chain covers these rows through the entry: ``record`` writes the same
    (person id, owner) pairs, sorted, into the entry's ``detail["subjects"]``, which is
    hashed with the rest of the entry. A row here that its entry's detail does not name
    was not written by ``record`` and is not trusted by the extract.
    """

    # No foreign-key constraint in the database: its check locks the entry row (FOR KEY
    # SHARE), which needs the UPDATE privilege that migration 0003 revokes, and it would
    # turn a TRUNCATE of the entries into a foreign-key error before the append-only trigger
    # speaks. Rows are written only next to their entry, which is never deleted. The unique
    # constraint's index starts with ``entry``, so the field needs no index of its own.
    entry = models.ForeignKey(
        AuditEntry,
        on_delete=models.PROTECT,
        related_name="subjects",
        db_constraint=False,
        db_index=False,
    )
    person_id = models.CharField(max_length=21)
    owner = models.CharField(max_length=8)

    class Meta:
        ordering = ["entry_id", "owner", "person_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["entry", "owner", "person_id"], name="audit_subject_once_per_entry"
            )
        ]
        indexes = [models.Index(fields=["owner", "person_id"], name="audit_subject_person")]

    def __str__(self) -> str:
        return f"#{self.entry_id} → {self.owner} {self.person_id}"


class LogCheck(models.Model):
    """One agency's sampled check of one week of its audit log (stickprovskontroll), signed
    off by its data-protection auditor.

    The sample (``sampled_seqs``: sequence numbers of audit entries about the agency's
    records in that week) is drawn once, deterministically from the agency and the week.
    Signing records the outcome and is final: a signed check never changes.
    """

    class Outcome(models.TextChoices):
        OK = "ok", _("No findings")
        FINDINGS = "findings", _("Findings")

    SAMPLE_SIZE = 20

    agency = models.ForeignKey("organisation.Agency", on_delete=models.PROTECT, related_name="+")
    week = models.DateField()  # the Monday the week starts
    sampled_seqs = models.JSONField(default=list)
    created_at = models.DateTimeField()
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    signed_at = models.DateTimeField(null=True, blank=True)
    note = models.TextField(blank=True)
    outcome = models.CharField(max_length=10, choices=Outcome.choices, blank=True)

    class Meta:
        ordering = ["-week"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "week"], name="log_check_once_per_week"),
            models.CheckConstraint(
                condition=Q(signed_at__isnull=True, signed_by__isnull=True, outcome="")
                | Q(
                    signed_at__isnull=False, signed_by__isnull=False, outcome__in=["ok", "findings"]
                ),
                name="log_check_signed_completely",
            ),
        ]

    def __str__(self) -> str:
        return f"log check of the week of {self.week}"

    @property
    def is_signed(self) -> bool:
        return self.signed_at is not None
