"""The audit chain: appends link by hash; every kind of tampering is detected.

The database refuses to edit audit rows, so each tampering here plays a DBA who opens the
maintenance window (``audit_maintenance``) and edits the rows directly.
"""

from __future__ import annotations

import itertools
import random

import pytest

from akrim.audit import services as audit
from akrim.audit.maintenance import audit_maintenance
from akrim.audit.models import AuditEntry, AuditHead
from akrim.audit.verify import verify_chain
from akrim.cli import main
from akrim.core.actor import Actor

pytestmark = pytest.mark.django_db

AS_DBA = "test: a DBA tampers with the audit log"


def _fill(n: int) -> None:
    actor = Actor(user_id=7, username="tester", agency="SKV", request_id="req-1234")
    for i in range(n):
        audit.record(
            actor=actor,
            action="read",
            object_type="person",
            object_id=f"X{i}",
            object_owner="SKV",
            fields=["name", "birth_date"],
            detail={"i": i},
        )


def test_entries_are_numbered_and_chained() -> None:
    _fill(5)
    entries = list(AuditEntry.objects.order_by("seq"))
    assert [e.seq for e in entries] == [1, 2, 3, 4, 5]
    assert all(b.prev_hash == a.hash for a, b in itertools.pairwise(entries))
    assert verify_chain().ok
    assert verify_chain().checked == 5
    assert AuditHead.objects.get().seq == 5


def test_changed_field_is_detected_and_named(capsys: pytest.CaptureFixture[str]) -> None:
    _fill(6)
    with audit_maintenance(reason=AS_DBA):
        AuditEntry.objects.filter(seq=4).update(username="someone-else")
    result = verify_chain()
    assert not result.ok
    assert result.first_bad_seq == 4
    assert main(["audit", "verify"]) == 1
    assert "#4" in capsys.readouterr().err


def test_deleted_entry_is_detected() -> None:
    _fill(6)
    with audit_maintenance(reason=AS_DBA):
        AuditEntry.objects.filter(seq=3).delete()
    result = verify_chain()
    assert not result.ok
    assert result.first_bad_seq == 3


def test_truncated_tail_is_detected() -> None:
    _fill(6)
    with audit_maintenance(reason=AS_DBA):
        AuditEntry.objects.filter(seq__gte=5).delete()
    result = verify_chain()
    assert not result.ok
    assert "head" in result.reason


def test_intact_chain_exits_zero(capsys: pytest.CaptureFixture[str]) -> None:
    _fill(3)
    assert main(["audit", "verify"]) == 0
    assert "3 entries" in capsys.readouterr().out


TAMPERINGS = ["edit", "delete", "swap", "insert", "truncate", "rehash_one"]


def _tamper(kind: str, rng: random.Random, n: int) -> None:
    seq = rng.randint(1, n)
    if kind == "edit":
        field = rng.choice(["username", "action", "object_id", "agency", "purpose"])
        AuditEntry.objects.filter(seq=seq).update(**{field: "tampered"})
    elif kind == "delete":
        AuditEntry.objects.filter(seq=seq).delete()
    elif kind == "swap":
        other = seq % n + 1
        a, b = AuditEntry.objects.get(seq=seq), AuditEntry.objects.get(seq=other)
        AuditEntry.objects.filter(pk=a.pk).update(seq=-1)
        AuditEntry.objects.filter(pk=b.pk).update(seq=a.seq)
        AuditEntry.objects.filter(pk=a.pk).update(seq=b.seq)
    elif kind == "insert":
        forged = AuditEntry.objects.get(seq=seq)
        forged.pk, forged.seq, forged.object_id = None, n + 1, "forged"
        forged.prev_hash = AuditEntry.objects.get(seq=n).hash
        forged.hash = forged.compute_hash()
        forged.save()  # appended without moving the head: detected as a chain/head mismatch
    elif kind == "truncate":
        AuditEntry.objects.filter(seq__gte=seq).delete()
    else:  # recompute one entry's own hash after editing it: the next link breaks
        entry = AuditEntry.objects.get(seq=seq)
        entry.detail = {"i": "changed"}
        entry.hash = entry.compute_hash()
        # The next entry's link breaks; for the last entry, the head still holds the old hash.
        AuditEntry.objects.filter(pk=entry.pk).update(detail=entry.detail, hash=entry.hash)


def test_two_hundred_random_tamperings_are_all_detected() -> None:
    n = 12
    _fill(n)
    pristine = list(AuditEntry.objects.order_by("seq").values())
    rng = random.Random(2026)
    detected = 0
    for case in range(200):
        kind = TAMPERINGS[case % len(TAMPERINGS)]
        with audit_maintenance(reason=AS_DBA):
            _tamper(kind, rng, n)
        if not verify_chain().ok:
            detected += 1
        with audit_maintenance(reason="test: restore the pristine log"):
            AuditEntry.objects.all().delete()
            AuditEntry.objects.bulk_create(AuditEntry(**row) for row in pristine)
        assert verify_chain().ok
    assert detected == 200
