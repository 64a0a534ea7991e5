"""Receipt codes (randomness, reading aloud, Argon2id) and encryption at rest."""

from __future__ import annotations

import base64
import math
import os

import pytest
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.db import connection

from akrim.tips import codes, crypto
from akrim.tips.models import Message, Tip
from tests.tips.conftest import receipt_code, send_tip


def test_a_code_has_at_least_64_random_bits_and_80_secret_bits() -> None:
    code = codes.new_code()
    bits_per_char = math.log2(len(codes.ALPHABET))
    assert len(code.code) * bits_per_char >= 120
    assert codes.SECRET_CHARS * bits_per_char >= 80
    assert code.code.startswith(code.lookup_id)
    assert len({codes.new_code().code for _ in range(200)}) == 200


def test_a_code_is_grouped_for_reading_aloud_and_read_back_forgivingly() -> None:
    code = codes.new_code()
    groups = code.grouped.split("-")
    assert [len(g) for g in groups] == [4] * 6
    typed = " ".join(groups).lower().replace("1", "l").replace("0", "o")
    assert codes.normalize(typed) == code.code
    assert codes.normalize(code.code[:-1]) is None
    assert codes.normalize(code.code[:-1] + "U") is None  # not in Crockford's alphabet
    assert codes.normalize("x" * 5000) is None


def test_production_hasher_is_argon2id_with_rfc9106_parameters() -> None:
    # The module's own hasher (the tests swap in a cheap one through the fixture).
    from argon2 import PasswordHasher, Type

    hasher = PasswordHasher(time_cost=3, memory_cost=64 * 1024, parallelism=4, type=Type.ID)
    import importlib

    fresh = importlib.reload(codes)
    assert fresh.HASHER.type == hasher.type == Type.ID
    assert fresh.HASHER.memory_cost == 64 * 1024
    assert fresh.HASHER.time_cost == 3


def test_the_database_holds_an_argon2id_hash_and_never_the_code(db: None, client) -> None:  # type: ignore[no-untyped-def]
    code = receipt_code(send_tip(client))
    tip = Tip.objects.get()
    assert tip.code_hash.startswith("$argon2id$")
    plain = code.replace("-", "")
    assert plain not in tip.code_hash
    assert codes.matches(tip.code_hash, plain)
    assert tip.lookup_id == plain[:8]
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM tips_tip")
        dump = repr(cursor.fetchall())
    assert plain not in dump
    assert code not in dump


def test_tip_texts_and_messages_are_ciphertext_in_the_database(db: None, client) -> None:  # type: ignore[no-untyped-def]
    secret = "Passports kept in the office safe by the manager"
    send_tip(client, what=secret, contact="+46 70 000 00 00", where_name="Hidden Cafe AB")
    tip = Tip.objects.get()
    Message.objects.create(
        tip=tip,
        direction="in",
        body_sealed=crypto.seal(
            "Another secret sentence", field="tips.message", owner=tip.lookup_id
        ),
        created_at=tip.received_at,
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM tips_tip")
        tips = repr(cursor.fetchall())
        cursor.execute("SELECT * FROM tips_message")
        msgs = repr(cursor.fetchall())
    for plain in ("Passports", "+46 70", "Hidden Cafe"):
        assert plain not in tips
    assert "Another secret" not in msgs
    assert crypto.unseal(tip.what_sealed, field="tips.what", owner=tip.lookup_id) == secret
    assert tip.has_contact


def test_a_sealed_value_does_not_open_in_another_field_or_tip_or_when_changed(settings) -> None:  # type: ignore[no-untyped-def]
    sealed = crypto.seal("text", field="tips.what", owner="TIPA")
    assert sealed.startswith("v2:")
    assert crypto.unseal(sealed, field="tips.what", owner="TIPA") == "text"
    with pytest.raises(InvalidTag):
        crypto.unseal(sealed, field="tips.contact", owner="TIPA")
    with pytest.raises(InvalidTag):  # copied onto another tip's row
        crypto.unseal(sealed, field="tips.what", owner="TIPB")
    with pytest.raises(ValueError, match="unknown"):  # nor passed off as a first-version one
        crypto.unseal("v1:" + sealed[3:], field="tips.what", owner="TIPA")
    with pytest.raises(InvalidTag):  # not even by the migration's reader
        crypto.reseal_first_version("v1:" + sealed[3:], field="tips.what", owner="TIPB")
    raw = bytearray(base64.b64decode(sealed[3:]))
    raw[-1] ^= 1
    with pytest.raises(InvalidTag):
        crypto.unseal(
            "v2:" + base64.b64encode(bytes(raw)).decode(), field="tips.what", owner="TIPA"
        )
    data = crypto.seal_bytes(b"%PDF", field="tips.attachment", owner="TIPA")
    with pytest.raises(InvalidTag):
        crypto.open_bytes(data, field="tips.attachment", owner="TIPB")
    assert crypto.open_bytes(data, field="tips.attachment", owner="TIPA") == b"%PDF"
    assert crypto.seal("same", field="f", owner="o") != crypto.seal("same", field="f", owner="o")
    with pytest.raises(ValueError, match="cannot contain"):
        crypto.seal("x", field="a|b", owner="o")


def _first_version(text: str, field: str) -> str:
    """``text`` as the first version sealed it: the field name alone as associated data."""
    nonce = os.urandom(crypto.NONCE_BYTES)
    sealed = AESGCM(crypto._key()).encrypt(nonce, text.encode(), field.encode())
    return "v1:" + base64.b64encode(nonce + sealed).decode()


def test_values_of_the_first_version_open_only_for_the_migration(settings) -> None:  # type: ignore[no-untyped-def]
    stored = _first_version("old text", "tips.what")
    with pytest.raises(ValueError, match="unknown sealed format"):  # no silent fallback
        crypto.unseal(stored, field="tips.what", owner="ANY")
    raw = base64.b64decode(stored[3:])
    with pytest.raises(InvalidTag):
        crypto.open_bytes(raw, field="tips.what", owner="ANY")
    assert crypto.open_first_version(raw, field="tips.what") == b"old text"
    bound = crypto.reseal_first_version(stored, field="tips.what", owner="TIPA")
    assert bound.startswith("v2:")
    assert crypto.unseal(bound, field="tips.what", owner="TIPA") == "old text"
    with pytest.raises(InvalidTag):
        crypto.unseal(bound, field="tips.what", owner="TIPB")
    assert crypto.reseal_first_version(bound, field="tips.what", owner="TIPA") == bound


def test_matching_digests_use_a_key_of_their_own(settings) -> None:  # type: ignore[no-untyped-def]
    import hashlib
    import hmac

    value = crypto.digest("5566778899", purpose="org_no")
    assert value == crypto.digest("5566778899", purpose="org_no")
    assert value != crypto.digest("5560000002", purpose="org_no")
    # the same value and purpose, keyed with the sealing key (what the first version did)
    with_sealing_key = hmac.new(crypto._key(), b"org_no|5566778899", hashlib.sha256)
    assert value != with_sealing_key.hexdigest()


def test_the_key_comes_from_the_setting_when_given(settings) -> None:  # type: ignore[no-untyped-def]
    settings.AKRIM_TIPS_KEY = ""
    derived = crypto.seal("x", field="f", owner="o")
    settings.AKRIM_TIPS_KEY = base64.b64encode(b"k" * 32).decode()
    with pytest.raises(InvalidTag):
        crypto.unseal(derived, field="f", owner="o")
    assert crypto.unseal(crypto.seal("x", field="f", owner="o"), field="f", owner="o") == "x"
    settings.AKRIM_TIPS_KEY = base64.b64encode(b"short").decode()
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured):
        crypto.seal("x", field="f", owner="o")


def test_the_migration_binds_first_version_values_and_rekeys_digests(db: None, client) -> None:  # type: ignore[no-untyped-def]
    import importlib

    from django.apps import apps

    from akrim.tips.models import TipAttachment

    migration = importlib.import_module("akrim.tips.migrations.0002_bound_values_and_matching_key")
    send_tip(client, org_no="556677-8899", what="Passports kept in the office safe")
    tip = Tip.objects.get()
    fresh = tip.org_no_digest
    assert len(fresh) == 64
    texts = {
        name: crypto.unseal(
            getattr(tip, f"{name}_sealed"), field=f"tips.{name}", owner=tip.lookup_id
        )
        for name in migration.TEXTS
    }
    # everything as the first version stored it: bound to the field name alone
    Tip.objects.update(
        **{f"{n}_sealed": _first_version(t, f"tips.{n}") if t else "" for n, t in texts.items()},
        org_no_digest="stale digest of the first version",
    )
    message = Message.objects.create(
        tip=tip,
        direction="in",
        body_sealed=_first_version("They moved", "tips.message"),
        created_at=tip.received_at,
    )
    nonce = os.urandom(crypto.NONCE_BYTES)
    photo = nonce + AESGCM(crypto._key()).encrypt(nonce, b"\xff\xd8photo", b"tips.attachment")
    attachment = TipAttachment.objects.create(
        tip=tip,
        content_type="image/jpeg",
        extension=".jpg",
        size=7,
        data=photo,
        created_at=tip.received_at,
    )
    migration.reseal_and_rekey(apps, None)
    migration.reseal_and_rekey(apps, None)  # re-runnable: bound values stay as they are
    tip.refresh_from_db()
    assert tip.org_no_digest == fresh
    for name, text in texts.items():
        sealed = getattr(tip, f"{name}_sealed")
        assert sealed == "" if not text else sealed.startswith("v2:")
        assert crypto.unseal(sealed, field=f"tips.{name}", owner=tip.lookup_id) == text
    message.refresh_from_db()
    assert crypto.unseal(message.body_sealed, field="tips.message", owner=tip.lookup_id) == (
        "They moved"
    )
    attachment.refresh_from_db()
    stored = bytes(attachment.data)
    assert crypto.open_bytes(stored, field="tips.attachment", owner=tip.lookup_id) == (
        b"\xff\xd8photo"
    )
    with pytest.raises(InvalidTag):  # no longer opens under the field name alone
        crypto.open_first_version(stored, field="tips.attachment")
