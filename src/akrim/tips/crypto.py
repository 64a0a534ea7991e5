"""Encryption at rest of tip texts, message bodies and attachments (AES-256-GCM).

The key is ``settings.AKRIM_TIPS_KEY`` (base64 of 32 bytes). When it is empty (the demo),
a key is derived from ``SECRET_KEY`` with HKDF-SHA256; production refuses to start without
its own key (settings). Each value is sealed with a fresh 96-bit nonce and, as associated
data, the name of its field and the record it belongs to (``owner``: a tip's lookup id), so
a ciphertext moved to another field or to another tip does not open.
Stored form: ``v2:`` + base64(nonce + ciphertext + tag). Values sealed by the first version
(``v1:``, the field name alone as associated data) are sealed again, bound to their tip, by
the migration ``tips 0002`` (and ``partners 0004``); after it nothing opens them
(``open_first_version`` is for those migrations alone), so no value falls back to the
weaker binding.

Matching without decrypting (``digest``) uses its own key, derived from the sealing key with
HKDF, so the sealing key is never used for two purposes.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

VERSION = "v2:"
LEGACY_VERSION = "v1:"
NONCE_BYTES = 12


def _master_key() -> bytes:
    configured = str(getattr(settings, "AKRIM_TIPS_KEY", "") or "")
    if configured:
        try:
            key = base64.b64decode(configured, validate=True)
        except ValueError as error:
            raise ImproperlyConfigured("AKRIM_TIPS_KEY is not valid base64") from error
        if len(key) != 32:
            raise ImproperlyConfigured("AKRIM_TIPS_KEY must be base64 of 32 bytes")
        return key
    return HKDF(
        algorithm=hashes.SHA256(), length=32, salt=b"akrim-tips", info=b"tips-at-rest/v1"
    ).derive(settings.SECRET_KEY.encode())


def _key() -> bytes:
    """The sealing key (AES-256-GCM)."""
    return _master_key()


def _matching_key() -> bytes:
    """The key of ``digest``: separate from the sealing key."""
    return HKDF(
        algorithm=hashes.SHA256(), length=32, salt=b"akrim-tips", info=b"tips-matching/v1"
    ).derive(_master_key())


def _associated(field: str, owner: str) -> bytes:
    if "|" in field:
        raise ValueError("a field name cannot contain '|'")
    return f"{field}|{owner}".encode()


def seal_bytes(data: bytes, *, field: str, owner: str) -> bytes:
    nonce = os.urandom(NONCE_BYTES)
    return nonce + AESGCM(_key()).encrypt(nonce, data, _associated(field, owner))


def open_bytes(sealed: bytes, *, field: str, owner: str) -> bytes:
    """Raises ``cryptography.exceptions.InvalidTag`` when the ciphertext was changed or
    belongs to another field or record."""
    cipher = AESGCM(_key())
    return cipher.decrypt(sealed[:NONCE_BYTES], sealed[NONCE_BYTES:], _associated(field, owner))


def open_first_version(sealed: bytes, *, field: str) -> bytes:
    """A value as the first version sealed it (the field name alone as associated data).
    Only for the migrations that seal such values again, bound to their record."""
    cipher = AESGCM(_key())
    return cipher.decrypt(sealed[:NONCE_BYTES], sealed[NONCE_BYTES:], field.encode())


def seal(text: str, *, field: str, owner: str) -> str:
    """The sealed form of ``text``; an empty text stays empty (nothing was given)."""
    if not text:
        return ""
    sealed = seal_bytes(text.encode(), field=field, owner=owner)
    return VERSION + base64.b64encode(sealed).decode()


def unseal(sealed: str, *, field: str, owner: str) -> str:
    if not sealed:
        return ""
    if not sealed.startswith(VERSION):
        raise ValueError("unknown sealed format")
    return open_bytes(base64.b64decode(sealed[len(VERSION) :]), field=field, owner=owner).decode()


def reseal_first_version(sealed: str, *, field: str, owner: str) -> str:
    """A ``v1:`` value sealed again as ``v2:``, bound to ``owner``; any other value as it
    is. For the migrations."""
    if not sealed.startswith(LEGACY_VERSION):
        return sealed
    raw = base64.b64decode(sealed[len(LEGACY_VERSION) :])
    return seal(open_first_version(raw, field=field).decode(), field=field, owner=owner)


def digest(value: str, *, purpose: str) -> str:
    """A keyed hash (HMAC-SHA256) of ``value`` for matching without decrypting."""
    if not value:
        return ""
    return hmac.new(_matching_key(), f"{purpose}|{value}".encode(), hashlib.sha256).hexdigest()
