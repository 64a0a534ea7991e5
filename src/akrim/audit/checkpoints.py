"""Signed checkpoints of the audit chain (Ed25519).

A checkpoint signs the chain's head: "entry #seq had hash H at time T". The private key is
kept outside the database, so someone who can write to the database can neither forge a
checkpoint nor rewrite, cut or rewind the chain below one without ``akrim audit verify``
noticing. Copies of the printed checkpoints kept elsewhere also survive a wiped table.

The key, read when first needed (never at import):

- ``AKRIM_AUDIT_SIGNING_KEY``: base64 of the 32-byte raw Ed25519 private key, or
- ``AKRIM_AUDIT_SIGNING_KEY_FILE``: a file holding that base64 (mode 0600).
- Neither, in demo mode: one is generated into ``VAR_DIR / "audit_signing_key"`` on first
  use. In production, writing a checkpoint without a key raises ``ImproperlyConfigured``.
- ``AKRIM_AUDIT_VERIFY_KEY``: base64 public keys (comma-separated) for verifying without the
  private key, e.g. on an auditor's machine, or an old key after a rotation.

Any 32 random bytes are a valid key:
``python -c 'import base64, os; print(base64.b64encode(os.urandom(32)).decode())'``.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import os
import tempfile
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils import timezone

from akrim.audit import services as audit
from akrim.audit.models import AuditCheckpoint, AuditHead
from akrim.core.actor import Actor, Role
from akrim.core.errors import Forbidden

CHECKPOINT_ACTION = "audit_checkpoint"
DEMO_KEY_NAME = "audit_signing_key"
NO_KEY = (
    "audit checkpoints need a signing key: set AKRIM_AUDIT_SIGNING_KEY (base64 of a 32-byte "
    "Ed25519 private key) or AKRIM_AUDIT_SIGNING_KEY_FILE (a file holding it)"
)


def write_checkpoint(*, actor: Actor) -> AuditCheckpoint:
    """Sign the chain's head and store the checkpoint; return it.

    For the system (``akrim audit checkpoint``, a scheduled job) and administrators; raises
    Forbidden for everyone else, ImproperlyConfigured when no usable signing key is set. The
    checkpoint's own audit entry is appended first, so the checkpoint covers it, and a
    deleted checkpoint leaves its entry behind for verification to notice.
    """
    if not actor.has_role(Role.ADMIN):
        raise Forbidden()
    key = signing_key()
    key_id = key_id_of(key.public_key())
    with transaction.atomic():
        # record() locks the head row until this transaction ends: nothing is appended
        # between the entry and its checkpoint.
        entry = audit.record(
            actor=actor,
            action=CHECKPOINT_ACTION,
            object_type="audit_log",
            detail={"key_id": key_id},
        )
        checkpoint = AuditCheckpoint(
            seq=entry.seq, hash=entry.hash, at=timezone.now().astimezone(dt.UTC), key_id=key_id
        )
        checkpoint.signature = _b64(key.sign(checkpoint.signed_message()))
        checkpoint.save(force_insert=True)
    return checkpoint


def write_checkpoint_if_head_moved(*, actor: Actor) -> AuditCheckpoint | None:
    """Like ``write_checkpoint``, but None when nothing was appended since the newest
    checkpoint: for a job that runs every few minutes, also when nobody works."""
    head = AuditHead.objects.filter(id=1).first()
    newest = AuditCheckpoint.objects.order_by("-seq").values_list("seq", flat=True).first()
    if head is not None and newest is not None and head.seq <= newest:
        return None
    return write_checkpoint(actor=actor)


def signature_problem(checkpoint: AuditCheckpoint, *, keys: dict[str, Ed25519PublicKey]) -> str:
    """Why the checkpoint's signature is not good (a sentence), or "" when it is."""
    key = keys.get(checkpoint.key_id)
    if key is None:
        return (
            f"checkpoint #{checkpoint.seq} names key {checkpoint.key_id!r}, which is not a "
            "configured verify key (AKRIM_AUDIT_VERIFY_KEY or the signing key): forged, or "
            "signed with a key that was not kept"
        )
    try:
        signature = base64.b64decode(checkpoint.signature, validate=True)
        key.verify(signature, checkpoint.signed_message())
    except (binascii.Error, ValueError, InvalidSignature):
        return (
            f"checkpoint #{checkpoint.seq}'s signature does not match its seq, hash and time: "
            "the checkpoint was forged or changed"
        )
    return ""


def signing_key() -> Ed25519PrivateKey:
    """The configured private key; in demo mode generated on first use.

    Raises ImproperlyConfigured when none is configured in production, when both settings
    are set, or when the value is not a base64 32-byte key (the message never shows it).
    """
    configured = _configured_private_key()
    if configured is not None:
        return configured
    if settings.AKRIM_ENV != "demo":
        raise ImproperlyConfigured(NO_KEY)
    path = Path(settings.VAR_DIR) / DEMO_KEY_NAME
    if not path.exists():
        _generate_key_file(path)
    return _private_key_from(path.read_text(), source=str(path))


def verify_keys() -> dict[str, Ed25519PublicKey]:
    """Public keys by key id: ``AKRIM_AUDIT_VERIFY_KEY`` and the signing key's public half
    (the demo key only if it was generated already). Raises ImproperlyConfigured on a
    malformed key."""
    keys: dict[str, Ed25519PublicKey] = {}
    for text in str(settings.AKRIM_AUDIT_VERIFY_KEY).split(","):
        if text.strip():
            public = _public_key_from(text)
            keys[key_id_of(public)] = public
    private = _configured_private_key()
    demo_path = Path(settings.VAR_DIR) / DEMO_KEY_NAME
    if private is None and settings.AKRIM_ENV == "demo" and demo_path.exists():
        private = _private_key_from(demo_path.read_text(), source=str(demo_path))
    if private is not None:
        keys[key_id_of(private.public_key())] = private.public_key()
    return keys


def key_id_of(public: Ed25519PublicKey) -> str:
    """A short, stable name for a public key: the start of its SHA-256."""
    return hashlib.sha256(public.public_bytes_raw()).hexdigest()[:16]


def public_key_b64(public: Ed25519PublicKey) -> str:
    """The public key as ``AKRIM_AUDIT_VERIFY_KEY`` takes it."""
    return _b64(public.public_bytes_raw())


def _configured_private_key() -> Ed25519PrivateKey | None:
    inline = str(settings.AKRIM_AUDIT_SIGNING_KEY)
    file_name = str(settings.AKRIM_AUDIT_SIGNING_KEY_FILE)
    if inline and file_name:
        raise ImproperlyConfigured(
            "set only one of AKRIM_AUDIT_SIGNING_KEY and AKRIM_AUDIT_SIGNING_KEY_FILE"
        )
    if inline:
        return _private_key_from(inline, source="AKRIM_AUDIT_SIGNING_KEY")
    if file_name:
        try:
            text = Path(file_name).read_text()
        except OSError as exc:
            raise ImproperlyConfigured(
                f"AKRIM_AUDIT_SIGNING_KEY_FILE={file_name}: cannot read it ({exc.strerror})"
            ) from exc
        return _private_key_from(text, source=f"AKRIM_AUDIT_SIGNING_KEY_FILE={file_name}")
    return None


def _private_key_from(text: str, *, source: str) -> Ed25519PrivateKey:
    return Ed25519PrivateKey.from_private_bytes(_raw_32(text, source=source, kind="private"))


def _public_key_from(text: str) -> Ed25519PublicKey:
    raw = _raw_32(text, source="AKRIM_AUDIT_VERIFY_KEY", kind="public")
    return Ed25519PublicKey.from_public_bytes(raw)


def _raw_32(text: str, *, source: str, kind: str) -> bytes:
    try:
        raw = base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError):
        raw = b""
    if len(raw) != 32:
        raise ImproperlyConfigured(
            f"{source}: expected the base64 of a 32-byte raw Ed25519 {kind} key"
        )
    return raw


def _generate_key_file(path: Path) -> None:
    """Write a new demo key, readable by the owner only. Two processes starting at once
    both write a temporary file; the first link wins and the other reads the winner's."""
    path.parent.mkdir(parents=True, exist_ok=True)
    key = _b64(Ed25519PrivateKey.generate().private_bytes_raw())
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=".audit_key")  # mode 0600
    try:
        with os.fdopen(descriptor, "w") as file:
            file.write(key + "\n")
        os.link(temporary, path)
    except FileExistsError:
        pass
    finally:
        os.unlink(temporary)


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")
