"""Verification of the audit log (``akrim audit verify``): the hash chain, then the signed
checkpoints against it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from akrim.audit.checkpoints import CHECKPOINT_ACTION, signature_problem, verify_keys
from akrim.audit.models import GENESIS, AuditCheckpoint, AuditEntry, AuditHead


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    checked: int
    first_bad_seq: int | None = None
    reason: str = ""
    checkpoints: int = 0  # checkpoints verified
    bad_checkpoint_seq: int | None = None  # set when a checkpoint fails or is missing


@dataclass
class _Walk:
    """What one pass over the chain learnt."""

    checked: int = 0
    last_hash: str = GENESIS
    hashes: dict[int, str] = field(default_factory=dict)  # at the checkpoints' seqs
    recorded_checkpoints: list[int] = field(default_factory=list)  # seqs of their entries
    broken: VerifyResult | None = None


def verify_chain(*, progress: Callable[[int], None] | None = None) -> VerifyResult:
    """Recompute every hash and link, compare the head, then check every signed checkpoint:
    its signature, that the chain still reaches it and that the entry it signed is unchanged.
    Reports the first entry or checkpoint that fails. Reads only.

    Raises ImproperlyConfigured when ``AKRIM_AUDIT_VERIFY_KEY`` or the signing key is malformed.
    """
    # Checkpoints first: each one read now has its entry committed already, so a checkpoint
    # written while the chain is walked cannot look like a rewrite or a cut.
    checkpoints = list(AuditCheckpoint.objects.order_by("seq"))
    walk = _walk_chain({checkpoint.seq for checkpoint in checkpoints}, progress)
    if walk.broken is not None:
        return walk.broken
    head = AuditHead.objects.filter(id=1).first()
    head_seq, head_hash = (head.seq, head.hash) if head else (0, GENESIS)
    checked = walk.checked
    if head_seq != checked or head_hash != walk.last_hash:
        return VerifyResult(
            False,
            checked,
            checked + 1 if head_seq > checked else head_seq,
            f"the chain ends at #{checked} but its head says #{head_seq}: "
            "entries were removed from the end or the head was altered",
        )
    return _verify_checkpoints(walk, checkpoints)


def _walk_chain(signed_seqs: set[int], progress: Callable[[int], None] | None) -> _Walk:
    walk = _Walk()
    for entry in AuditEntry.objects.order_by("seq").iterator(chunk_size=5000):
        seq, checked = walk.checked + 1, walk.checked
        if entry.seq != seq:
            reason = f"entry #{seq} is missing (next found is #{entry.seq})"
            walk.broken = VerifyResult(False, checked, seq, reason)
        elif entry.prev_hash != walk.last_hash:
            reason = f"entry #{seq} does not link to the previous entry"
            walk.broken = VerifyResult(False, checked, seq, reason)
        elif entry.compute_hash() != entry.hash:
            reason = f"entry #{seq} was changed after it was written"
            walk.broken = VerifyResult(False, checked, seq, reason)
        if walk.broken is not None:
            return walk
        if seq in signed_seqs:
            walk.hashes[seq] = entry.hash
        if entry.action == CHECKPOINT_ACTION:
            walk.recorded_checkpoints.append(seq)
        walk.last_hash, walk.checked = entry.hash, seq
        if progress and seq % 5000 == 0:
            progress(seq)
    return walk


def _verify_checkpoints(walk: _Walk, checkpoints: list[AuditCheckpoint]) -> VerifyResult:
    """Every checkpoint, oldest first; then every checkpoint the chain says was written."""
    keys = verify_keys()
    count, last_good = 0, 0
    for checkpoint in checkpoints:
        seq = checkpoint.seq
        first_bad: int | None = None
        reason = signature_problem(checkpoint, keys=keys)
        if not reason and seq > walk.checked:
            first_bad = walk.checked + 1
            reason = (
                f"the chain ends at #{walk.checked} but checkpoint #{seq} signed entry #{seq} "
                f"at {checkpoint.at.isoformat()}: entries #{first_bad}–#{seq} (at least) "
                "were removed, and the head rewound"
            )
        elif not reason and walk.hashes.get(seq) != checkpoint.hash:
            reason = (
                f"entry #{seq} no longer has the hash that checkpoint #{seq} signed at "
                f"{checkpoint.at.isoformat()}: entries #{last_good + 1}–#{seq} were rewritten"
            )
        if reason:
            return VerifyResult(False, walk.checked, first_bad, reason, count, seq)
        count, last_good = count + 1, seq
    unread = [seq for seq in walk.recorded_checkpoints if seq not in walk.hashes]
    if unread:  # written while the chain was walked, or deleted
        late = set(AuditCheckpoint.objects.filter(seq__in=unread).values_list("seq", flat=True))
        for seq in unread:
            if seq not in late:
                reason = (
                    f"entry #{seq} records a checkpoint, but checkpoint #{seq} is gone: deleted"
                )
                return VerifyResult(False, walk.checked, None, reason, count, seq)
    return VerifyResult(True, walk.checked, checkpoints=count)
