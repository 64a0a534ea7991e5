"""Verification of the audit chain (``akrim audit verify``)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from akrim.audit.models import GENESIS, AuditEntry, AuditHead


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    checked: int
    first_bad_seq: int | None = None
    reason: str = ""


def verify_chain(*, progress: Callable[[int], None] | None = None) -> VerifyResult:
    """Recompute every hash and link; report the first entry that breaks the chain."""
    expected_seq, prev_hash, checked = 1, GENESIS, 0
    for entry in AuditEntry.objects.order_by("seq").iterator(chunk_size=5000):
        if entry.seq != expected_seq:
            return VerifyResult(
                False,
                checked,
                expected_seq,
                f"entry #{expected_seq} is missing (next found is #{entry.seq})",
            )
        if entry.prev_hash != prev_hash:
            return VerifyResult(
                False, checked, entry.seq, f"entry #{entry.seq} does not link to the previous entry"
            )
        if entry.compute_hash() != entry.hash:
            return VerifyResult(
                False, checked, entry.seq, f"entry #{entry.seq} was changed after it was written"
            )
        prev_hash, expected_seq, checked = entry.hash, expected_seq + 1, checked + 1
        if progress and checked % 5000 == 0:
            progress(checked)
    head = AuditHead.objects.filter(id=1).first()
    head_seq, head_hash = (head.seq, head.hash) if head else (0, GENESIS)
    if head_seq != checked or head_hash != prev_hash:
        return VerifyResult(
            False,
            checked,
            checked + 1 if head_seq > checked else head_seq,
            f"the chain ends at #{checked} but its head says #{head_seq}: "
            "entries were removed from the end or the head was altered",
        )
    return VerifyResult(True, checked)
