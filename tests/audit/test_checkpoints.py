"""Signed checkpoints: written, verified, and every forgery, rewrite or cut below one detected.

Tamperings play a DBA who opens the maintenance window and edits rows directly.
"""

from __future__ import annotations

import base64
import os
import stat
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.exceptions import ImproperlyConfigured

from akrim.audit import services as audit
from akrim.audit import verify
from akrim.audit.checkpoints import (
    CHECKPOINT_ACTION,
    DEMO_KEY_NAME,
    key_id_of,
    public_key_b64,
    verify_keys,
    write_checkpoint,
    write_checkpoint_if_head_moved,
)
from akrim.audit.maintenance import audit_maintenance
from akrim.audit.models import AuditCheckpoint, AuditEntry, AuditHead
from akrim.audit.verify import verify_chain
from akrim.cli import main
from akrim.core.actor import Actor, Role
from akrim.core.errors import Forbidden

pytestmark = pytest.mark.django_db

AS_DBA = "test: a DBA tampers with the audit log"
SYSTEM = Actor.system()


@pytest.fixture(autouse=True)
def var_dir(settings: Any, tmp_path: Path) -> Path:
    """Demo mode, no key configured, the generated key kept in this test's own folder."""
    settings.AKRIM_ENV = "demo"
    settings.VAR_DIR = tmp_path
    settings.AKRIM_AUDIT_SIGNING_KEY = ""
    settings.AKRIM_AUDIT_SIGNING_KEY_FILE = ""
    settings.AKRIM_AUDIT_VERIFY_KEY = ""
    return tmp_path


def _fill(n: int) -> None:
    actor = Actor(user_id=7, username="tester", agency="SKV", request_id="req-1234")
    for i in range(n):
        audit.record(actor=actor, action="read", object_type="person", object_id=f"X{i}")


def _new_key() -> tuple[Ed25519PrivateKey, str]:
    """A fresh private key and its base64, as AKRIM_AUDIT_SIGNING_KEY takes it."""
    raw = os.urandom(32)
    return Ed25519PrivateKey.from_private_bytes(raw), base64.b64encode(raw).decode()


def _rewrite_from(seq: int, **changes: Any) -> None:
    """Change entry ``seq`` and recompute every later hash and the head: a perfect rewrite
    that the chain alone cannot tell from the real thing."""
    with audit_maintenance(reason=AS_DBA):
        AuditEntry.objects.filter(seq=seq).update(**changes)
        prev_hash = AuditEntry.objects.get(seq=seq - 1).hash
        for entry in AuditEntry.objects.filter(seq__gte=seq).order_by("seq"):
            entry.prev_hash = prev_hash
            entry.hash = prev_hash = entry.compute_hash()
            AuditEntry.objects.filter(pk=entry.pk).update(
                prev_hash=entry.prev_hash, hash=entry.hash
            )
        AuditHead.objects.filter(id=1).update(hash=prev_hash)


def test_checkpoint_signs_the_head_and_its_own_entry_and_verifies() -> None:
    _fill(4)
    checkpoint = write_checkpoint(actor=SYSTEM)
    entry = AuditEntry.objects.get(seq=5)
    assert checkpoint.seq == 5
    assert entry.action == CHECKPOINT_ACTION
    assert checkpoint.hash == entry.hash == AuditHead.objects.get().hash
    key = verify_keys()[checkpoint.key_id]
    key.verify(base64.b64decode(checkpoint.signature), checkpoint.signed_message())  # no raise
    result = verify_chain()
    assert result.ok, result.reason
    assert (result.checked, result.checkpoints) == (5, 1)


def test_demo_key_is_generated_once_and_readable_by_its_owner_only(var_dir: Path) -> None:
    path = var_dir / DEMO_KEY_NAME
    assert not path.exists()
    first = write_checkpoint(actor=SYSTEM)
    key_text = path.read_text()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    second = write_checkpoint(actor=SYSTEM)
    assert path.read_text() == key_text
    assert first.key_id == second.key_id
    assert [p.name for p in var_dir.iterdir()] == [DEMO_KEY_NAME]  # no temporary left over


def test_production_without_a_key_refuses_and_writes_nothing(settings: Any, var_dir: Path) -> None:
    settings.AKRIM_ENV = "production"
    _fill(2)
    with pytest.raises(ImproperlyConfigured, match="AKRIM_AUDIT_SIGNING_KEY"):
        write_checkpoint(actor=SYSTEM)
    assert AuditEntry.objects.count() == 2
    assert not AuditCheckpoint.objects.exists()
    assert not (var_dir / DEMO_KEY_NAME).exists()


def test_key_from_the_environment_or_a_file_is_the_one_that_signs(
    settings: Any, tmp_path: Path
) -> None:
    settings.AKRIM_ENV = "production"
    env_key, env_b64 = _new_key()
    settings.AKRIM_AUDIT_SIGNING_KEY = env_b64
    assert write_checkpoint(actor=SYSTEM).key_id == key_id_of(env_key.public_key())
    file_key, file_b64 = _new_key()
    key_file = tmp_path / "signing.key"
    key_file.write_text(file_b64 + "\n")
    settings.AKRIM_AUDIT_SIGNING_KEY = ""
    settings.AKRIM_AUDIT_SIGNING_KEY_FILE = str(key_file)
    assert write_checkpoint(actor=SYSTEM).key_id == key_id_of(file_key.public_key())
    assert not (tmp_path / DEMO_KEY_NAME).exists()


@pytest.mark.parametrize(
    ("inline", "file_name", "message"),
    [
        ("c2VjcmV0LXRoYXQtaXMtdG9vLXNob3J0", "", "32-byte raw Ed25519 private key"),
        ("not base64 at all!", "", "32-byte raw Ed25519 private key"),
        ("", "/nonexistent/akrim/key", "cannot read it"),
        (base64.b64encode(bytes(32)).decode(), "/some/file", "set only one of"),
    ],
)
def test_bad_key_settings_are_refused_without_showing_the_key(
    settings: Any, inline: str, file_name: str, message: str
) -> None:
    settings.AKRIM_AUDIT_SIGNING_KEY = inline
    settings.AKRIM_AUDIT_SIGNING_KEY_FILE = file_name
    with pytest.raises(ImproperlyConfigured, match=message) as refused:
        write_checkpoint(actor=SYSTEM)
    assert not inline or inline not in str(refused.value)
    assert not AuditEntry.objects.exists()


def test_auditor_verifies_with_the_public_key_alone(settings: Any) -> None:
    key, key_b64 = _new_key()
    settings.AKRIM_AUDIT_SIGNING_KEY = key_b64
    _fill(3)
    write_checkpoint(actor=SYSTEM)
    settings.AKRIM_ENV = "production"
    settings.AKRIM_AUDIT_SIGNING_KEY = ""
    settings.AKRIM_AUDIT_VERIFY_KEY = public_key_b64(key.public_key())
    assert verify_chain().ok
    stranger, _ = _new_key()
    settings.AKRIM_AUDIT_VERIFY_KEY = public_key_b64(stranger.public_key())
    result = verify_chain()
    assert not result.ok
    assert result.bad_checkpoint_seq == 4
    assert "not a configured verify key" in result.reason


def test_checkpoints_cannot_be_verified_once_the_demo_key_is_lost(var_dir: Path) -> None:
    write_checkpoint(actor=SYSTEM)
    (var_dir / DEMO_KEY_NAME).unlink()
    result = verify_chain()
    assert not result.ok
    assert result.bad_checkpoint_seq == 1


def test_signature_copied_from_an_attackers_key_is_detected() -> None:
    _fill(3)
    checkpoint = write_checkpoint(actor=SYSTEM)
    attacker, _ = _new_key()
    forged = base64.b64encode(attacker.sign(checkpoint.signed_message())).decode()
    with audit_maintenance(reason=AS_DBA):
        AuditCheckpoint.objects.filter(pk=checkpoint.pk).update(signature=forged)
    result = verify_chain()
    assert not result.ok
    assert result.bad_checkpoint_seq == 4
    assert "forged or changed" in result.reason


@pytest.mark.parametrize("field", ["hash", "at", "seq"])
def test_edited_checkpoint_is_detected(field: str) -> None:
    _fill(3)
    checkpoint = write_checkpoint(actor=SYSTEM)
    _fill(2)
    edits: dict[str, Any] = {
        "hash": {"hash": AuditEntry.objects.get(seq=2).hash},
        "at": {"at": checkpoint.at.replace(year=2020)},
        "seq": {"seq": 2, "hash": AuditEntry.objects.get(seq=2).hash},
    }
    with audit_maintenance(reason=AS_DBA):
        AuditCheckpoint.objects.filter(pk=checkpoint.pk).update(**edits[field])
    result = verify_chain()
    assert not result.ok
    assert result.bad_checkpoint_seq == AuditCheckpoint.objects.get().seq
    assert "forged or changed" in result.reason


def test_checkpoint_forged_with_the_attackers_own_key_is_detected() -> None:
    _fill(3)
    write_checkpoint(actor=SYSTEM)
    attacker, _ = _new_key()
    entry = AuditEntry.objects.get(seq=2)
    forged = AuditCheckpoint(
        seq=2, hash=entry.hash, at=entry.at, key_id=key_id_of(attacker.public_key())
    )
    forged.signature = base64.b64encode(attacker.sign(forged.signed_message())).decode()
    forged.save()  # inserting is allowed: the log is append-only, not write-protected
    result = verify_chain()
    assert not result.ok
    assert result.bad_checkpoint_seq == 2
    assert "not a configured verify key" in result.reason


def test_chain_rewritten_below_a_checkpoint_is_detected_and_the_range_named() -> None:
    _fill(2)
    write_checkpoint(actor=SYSTEM)  # #3
    _fill(3)
    write_checkpoint(actor=SYSTEM)  # #7
    _fill(2)
    _rewrite_from(5, username="someone-else")
    result = verify_chain()
    assert not result.ok
    assert result.first_bad_seq is None  # the chain itself is consistent again
    assert result.bad_checkpoint_seq == 7
    assert result.checkpoints == 1  # #3 still vouches for #1–#3
    assert "entries #4–#7 were rewritten" in result.reason


def test_truncation_below_the_newest_checkpoint_with_the_head_rewound_is_detected(
    capsys: pytest.CaptureFixture[str],
) -> None:
    _fill(10)
    write_checkpoint(actor=SYSTEM)  # #11
    _fill(3)
    with audit_maintenance(reason=AS_DBA):
        AuditEntry.objects.filter(seq__gte=8).delete()
        last = AuditEntry.objects.get(seq=7)
        AuditHead.objects.filter(id=1).update(seq=7, hash=last.hash)
    result = verify_chain()
    assert not result.ok
    assert (result.checked, result.first_bad_seq, result.bad_checkpoint_seq) == (7, 8, 11)
    assert "the chain ends at #7 but checkpoint #11" in result.reason
    assert main(["audit", "verify"]) == 1
    assert "BROKEN at checkpoint #11" in capsys.readouterr().err


def test_deleted_checkpoint_is_detected_by_its_entry() -> None:
    _fill(2)
    write_checkpoint(actor=SYSTEM)  # #3
    _fill(2)
    with audit_maintenance(reason=AS_DBA):
        AuditCheckpoint.objects.all().delete()
    result = verify_chain()
    assert not result.ok
    assert result.bad_checkpoint_seq == 3
    assert "is gone" in result.reason


def test_checkpoint_written_while_the_chain_is_walked_is_no_false_alarm(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _fill(3)
    walk_chain = verify._walk_chain

    def checkpoint_then_walk(*args: Any) -> Any:
        write_checkpoint(actor=SYSTEM)  # a periodic job, just after verify read the checkpoints
        return walk_chain(*args)

    monkeypatch.setattr(verify, "_walk_chain", checkpoint_then_walk)
    result = verify_chain()
    assert result.ok, result.reason
    assert (result.checked, result.checkpoints) == (4, 0)


def test_periodic_checkpoint_is_skipped_while_nothing_is_appended() -> None:
    _fill(2)
    first = write_checkpoint_if_head_moved(actor=SYSTEM)
    assert first is not None
    assert write_checkpoint_if_head_moved(actor=SYSTEM) is None
    _fill(1)
    second = write_checkpoint_if_head_moved(actor=SYSTEM)
    assert second is not None
    assert second.seq == first.seq + 2
    assert AuditCheckpoint.objects.count() == 2


def test_only_administrators_and_the_system_write_checkpoints() -> None:
    inspector = Actor(
        user_id=3, username="skv_inspector", agency="SKV", roles=frozenset({Role.INSPECTOR})
    )
    with pytest.raises(Forbidden):
        write_checkpoint(actor=inspector)
    assert not AuditCheckpoint.objects.exists()
    admin = Actor(user_id=4, username="admin", agency="SKV", roles=frozenset({Role.ADMIN}))
    assert write_checkpoint(actor=admin).seq == 1


def test_checkpoint_command_prints_seq_and_hash_and_verify_exits_zero(
    capsys: pytest.CaptureFixture[str],
) -> None:
    _fill(2)
    assert main(["audit", "checkpoint"]) == 0
    checkpoint = AuditCheckpoint.objects.get()
    assert capsys.readouterr().out.strip() == f"audit checkpoint #3 {checkpoint.hash}"
    assert main(["audit", "verify"]) == 0
    assert "3 entries, 1 signed checkpoints" in capsys.readouterr().out


def test_checkpoint_command_without_a_key_in_production_exits_one(
    settings: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    settings.AKRIM_ENV = "production"
    assert main(["audit", "checkpoint"]) == 1
    assert "AKRIM_AUDIT_SIGNING_KEY" in capsys.readouterr().err
    assert not AuditCheckpoint.objects.exists()
