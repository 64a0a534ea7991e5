"""Writes to the registers: importing an extract in the exchange format."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from akrim.audit import services as audit
from akrim.core.actor import Actor, Role
from akrim.core.errors import Forbidden, InvalidInput
from akrim.engines.exchange.reader import ExtractInvalid, Problem, read_extract
from akrim.organisation.models import Agency
from akrim.registry.loader import MERGES, load_table
from akrim.registry.models import ImportBatch

Progress = Callable[[str, int, int], None]


class ExtractRefused(InvalidInput):
    """The extract broke the exchange format; ``problems`` lists every error found."""

    code = "extract_refused"

    def __init__(self, problems: list[Problem], total: int) -> None:
        super().__init__("The extract was refused: %(total)s problem(s).", total=total)
        self.problems = problems
        self.total = total


@dataclass(frozen=True)
class ImportResult:
    batch: ImportBatch
    rows: dict[str, int]
    changed: dict[str, int]
    warnings: list[Problem]

    @property
    def changed_total(self) -> int:
        return sum(self.changed.values())


def import_registers(
    *, actor: Actor, folder: Path, owner: str, progress: Progress | None = None
) -> ImportResult:
    """Validate an extract completely, then write all of it or nothing, owned by ``owner``.

    Callable by the system (command line) or an administrator. Raises Forbidden, InvalidInput
    (unknown owner) or ExtractRefused (every problem of every file; nothing written).
    A second import of the same extract changes no row.
    """
    if not (actor.is_system or actor.has_role(Role.ADMIN)):
        raise Forbidden()
    agency = Agency.objects.filter(code=owner.upper()).first()
    if agency is None:
        raise InvalidInput("Unknown agency %(code)s.", code=owner)
    report = progress or (lambda stage, done, total: None)
    try:
        extract = read_extract(folder, progress=report)
    except ExtractInvalid as refused:
        audit.record(
            actor=actor,
            action="import_refused",
            object_type="extract",
            object_id=str(folder)[:120],
            object_owner=agency.code,
            detail={"problems": refused.total},
        )
        raise ExtractRefused(refused.problems, refused.total) from refused
    with transaction.atomic():
        batch = ImportBatch.objects.create(
            owner=agency,
            source=str(folder)[:500],
            digest=extract.digest,
            rows=extract.rows,
            username=actor.username,
        )
        changed = {}
        for merge in MERGES:
            frame = extract.tables[merge.table]
            done = 0

            def step(n: int, name: str = merge.table, total: int = frame.height) -> None:
                nonlocal done
                done += n
                report(f"write {name}", done, total)

            changed[merge.table] = load_table(
                frame, merge, owner_id=agency.pk, batch_id=batch.pk, progress=step
            )
        batch.changed, batch.status = changed, ImportBatch.Status.DONE
        batch.finished_at = timezone.now()
        batch.save(update_fields=["changed", "status", "finished_at"])
        audit.record(
            actor=actor,
            action="import",
            object_type="import_batch",
            object_id=str(batch.pk),
            object_owner=agency.code,
            detail={"digest": extract.digest, "rows": extract.rows, "changed": changed},
        )
    return ImportResult(batch, extract.rows, changed, extract.warnings)
