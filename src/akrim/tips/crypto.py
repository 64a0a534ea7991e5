"""Encryption at rest of tip texts, message bodies and attachments (AES-256-GCM).

The key is ``settings.AKRIM_TIPS_KEY`` (base64 of 32 bytes). When it is empty (the demo),
a key is derived from ``SECRET_KEY`` with HKDF-SHA256; production refuses to start without
its own key (settings). Each value is sealed with a fresh 96-bit nonce and the name of its
field as associated data, so a ciphertext moved to another field does not open.
Stored form: ``v1:`` + base64(nonce + ciphertext + tag).
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

VERSION = "v1:"
NONCE_BYTES = 12


def _key() -> bytes:
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


def seal_bytes(data: bytes, *, field: str) -> bytes:
    nonce = os.urandom(NONCE_BYTES)
    return nonce + AESGCM(_key()).encrypt(nonce, data, field.encode())


def open_bytes(sealed: bytes, *, field: str) -> bytes:
    """Raises ``cryptography.exceptions.InvalidTag`` when the ciphertext was changed."""
    return AESGCM(_key()).decrypt(sealed[:NONCE_BYTES], sealed[NONCE_BYTES:], field.encode())


def seal(text: str, *, field: str) -> str:
    """The sealed form of ``text``; an empty text stays empty (nothing was given)."""
    if not text:
        return ""
    return VERSION + base64.b64encode(seal_bytes(text.encode(), field=field)).decode()


def unseal(sealed: str, *, field: str) -> str:
    if not sealed:
        return ""
    if not sealed.startswith(VERSION):
        raise ValueError("unknown sealed format")
    return open_bytes(base64.b64decode(sealed[len(VERSION) :]), field=field).decode()


def digest(value: str, *, purpose: str) -> str:
    """A keyed hash (HMAC-SHA256) of ``value`` for matching without decrypting."""
    if not value:
        return ""
    return hmac.new(_key(), f"{purpose}|{value}".encode(), hashlib.sha256).hexdigest()
