"""Audit entries, each chained to the previous one by a SHA-256 hash, and signed checkpoints."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

from django.db import models

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
