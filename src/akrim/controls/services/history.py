"""Earlier controls from an agency's extract, brought in as closed joint controls.

The registry keeps the extract's ``controls`` and ``findings`` tables as delivered
(``ControlRecord``, ``FindingRecord``, owned by the delivering agency). ``import_history``
turns them into ``Control`` rows so that the statistics count them like controls planned
here: closed, with each agency's part closed and the findings attached.

What is derived, per record:
- time: the record's date, 08:00–12:00 Swedish time (the extract has no times);
- centre: the centre of the workplace's municipality (municipality → county → centre);
- industry: the SNI section of the workplace's SNI code;
- lead agency: AV when it took part, otherwise the first agency listed;
- one closed ``Participation`` per agency listed (codes unknown here are skipped, counted);
- one ``Finding`` per finding row (owner = the finding's agency, with code, amount and
  the row's ordinal).

Today's membership rules are not applied: an extract may hold controls from before an
agency joined a centre, and the joining dates we hold are approximate, so history is
taken as the agencies recorded it. Nor are conflicts checked (history cannot be re-planned).
An imported control whose record later leaves the extract (e.g. by retention) is kept:
the statistics of earlier years do not change when a register is purged.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from akrim.audit import services as audit
from akrim.controls.models import Control, ControlWorkplace, Finding, Participation, Status
from akrim.core.actor import Actor, Role
from akrim.core.errors import Forbidden, InvalidInput
from akrim.core.reference import sni_section
from akrim.organisation.models import Agency, Municipality
from akrim.registry.models import ControlRecord, FindingRecord

Progress = Callable[[str, int, int], None]
T = TypeVar("T")

SWEDISH_TIME = ZoneInfo("Europe/Stockholm")
STARTS = dt.time(8, 0)
ENDS = dt.time(12, 0)
PREFERRED_LEAD = "AV"
BATCH = 1000  # rows per bulk write, and ids per ``__in`` (below SQLite's variable limit)
STAGE = "history"

# (owner agency id, code, amount, ordinal, workplace key): a finding as compared
FindingKey = tuple[int, str, int | None, int, str]
CONTROL_FIELDS = ("centre_id", "industry", "lead_agency_id", "starts_at", "ends_at", "status")


@dataclass(frozen=True)
class HistoryResult:
    """What one run did. ``skipped`` records had no centre (municipality unknown here) or
    no agency known here; ``unknown_agencies`` counts agency codes skipped in records'
    agency lists and findings."""

    owner: str
    records: int
    created: int
    updated: int
    unchanged: int
    skipped: int
    findings: int  # findings the records carry (agencies known here)
    findings_written: int  # findings created, for new controls or changed ones
    unknown_agencies: int
    seconds: float

    @property
    def changed(self) -> int:
        return self.created + self.updated


@dataclass
class _Wanted:
    """One record as the control it becomes."""

    external_id: str
    centre_id: int
    industry: str
    lead_agency_id: int
    starts_at: dt.datetime
    ends_at: dt.datetime
    workplace: tuple[str, int]  # (key, register row id)
    agency_ids: frozenset[int]
    findings: list[FindingKey] = field(default_factory=list)

    def values(self) -> dict[str, Any]:
        return {
            "centre_id": self.centre_id,
            "industry": self.industry,
            "lead_agency_id": self.lead_agency_id,
            "starts_at": self.starts_at,
            "ends_at": self.ends_at,
            "status": Status.CLOSED,
        }


@dataclass
class _Existing:
    """An imported control as it is now, with its parts."""

    pk: int
    values: dict[str, Any]
    workplaces: set[tuple[str, int | None]] = field(default_factory=set)
    parts: set[tuple[int, str]] = field(default_factory=set)
    findings: list[FindingKey] = field(default_factory=list)


@dataclass
class _Counts:
    skipped: int = 0
    unknown_agencies: int = 0


def _check_may_import(actor: Actor, owner: str) -> Agency:
    if not (actor.is_system or actor.has_role(Role.ADMIN)):
        raise Forbidden("Only an administrator may import earlier controls.")
    agency = Agency.objects.filter(code=owner.strip().upper()).first()
    if agency is None:
        raise InvalidInput("Unknown agency %(code)s.", code=owner[:8])
    return agency


def _at(day: dt.date, moment: dt.time) -> dt.datetime:
    return dt.datetime.combine(day, moment, tzinfo=SWEDISH_TIME)


def _wanted(agency: Agency, counts: _Counts) -> dict[str, _Wanted]:
    """Every record of the owner as the control it becomes, findings attached: four
    queries, whatever the number of records."""
    agency_ids = dict(Agency.objects.values_list("code", "pk"))
    centres = dict(Municipality.objects.values_list("code", "county__centre_id"))
    by_record: dict[int, _Wanted] = {}
    records = (
        ControlRecord.objects.filter(owner=agency)
        .order_by("pk")
        .values_list(
            "pk",
            "control_id",
            "date",
            "agencies",
            "workplace_id",
            "workplace__workplace_id",
            "workplace__municipality",
            "workplace__sni",
        )
    )
    for pk, external_id, day, listed, site_pk, site_key, municipality, sni in records.iterator(
        chunk_size=5000
    ):
        codes = [code.strip().upper() for code in listed.split(";") if code.strip()]
        known = [code for code in dict.fromkeys(codes) if code in agency_ids]
        counts.unknown_agencies += sum(code not in agency_ids for code in codes)
        centre_id = centres.get(municipality)
        if not known or centre_id is None:
            counts.skipped += 1
            continue
        lead = PREFERRED_LEAD if PREFERRED_LEAD in known else known[0]
        by_record[pk] = _Wanted(
            external_id=external_id,
            centre_id=centre_id,
            industry=sni_section(sni),
            lead_agency_id=agency_ids[lead],
            starts_at=_at(day, STARTS),
            ends_at=_at(day, ENDS),
            workplace=(site_key, site_pk),
            agency_ids=frozenset(agency_ids[code] for code in known),
        )
    findings = (
        FindingRecord.objects.filter(owner=agency)
        .order_by("control_id", "ordinal")
        .values_list("control_id", "agency", "code", "amount_sek", "ordinal")
    )
    for record_pk, code_of_agency, code, amount, ordinal in findings.iterator(chunk_size=5000):
        wanted = by_record.get(record_pk)
        if wanted is None:
            continue
        owner_id = agency_ids.get(code_of_agency.strip().upper())
        if owner_id is None:
            counts.unknown_agencies += 1
            continue
        wanted.findings.append((owner_id, code, amount, ordinal, wanted.workplace[0]))
    return {wanted.external_id: wanted for wanted in by_record.values()}


def _existing(agency: Agency) -> dict[str, _Existing]:
    """The controls imported from this agency before, with their parts: four queries."""
    controls = Control.objects.filter(imported_from=agency)
    found: dict[str, _Existing] = {}
    by_pk: dict[int, _Existing] = {}
    for row in controls.values("pk", "external_id", *CONTROL_FIELDS).iterator(chunk_size=5000):
        pk, external_id = row.pop("pk"), row.pop("external_id")
        by_pk[pk] = found[external_id] = _Existing(pk=pk, values=row)
    sites = ControlWorkplace.objects.filter(control__imported_from=agency).values_list(
        "control_id", "workplace_id", "register_workplace_id"
    )
    for control_id, key, register_id in sites.iterator(chunk_size=5000):
        by_pk[control_id].workplaces.add((key, register_id))
    parts = Participation.objects.filter(control__imported_from=agency).values_list(
        "control_id", "agency_id", "status"
    )
    for control_id, agency_id, status in parts.iterator(chunk_size=5000):
        by_pk[control_id].parts.add((agency_id, status))
    findings = (
        Finding.objects.filter(control__imported_from=agency)
        .order_by("control_id", "ordinal", "pk")
        .values_list("control_id", "owner_id", "code", "amount_sek", "ordinal", "workplace_id")
    )
    for control_id, owner_id, code, amount, ordinal, key in findings.iterator(chunk_size=5000):
        by_pk[control_id].findings.append((owner_id, code, amount, ordinal, key))
    return found


def _batches(items: Sequence[T], size: int = BATCH) -> Iterable[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


@dataclass
class _Plan:
    """The writes one run makes."""

    new: list[Control] = field(default_factory=list)
    new_wanted: list[_Wanted] = field(default_factory=list)
    changed: list[Control] = field(default_factory=list)
    # control pk -> what its workplaces, parts or findings become (replaced as a whole)
    sites: dict[int, _Wanted] = field(default_factory=dict)
    parts: dict[int, _Wanted] = field(default_factory=dict)
    findings: dict[int, _Wanted] = field(default_factory=dict)
    unchanged: int = 0


def _closed_parts(wanted: _Wanted) -> set[tuple[int, str]]:
    return {(agency_id, Participation.PartStatus.CLOSED) for agency_id in wanted.agency_ids}


def _plan(agency: Agency, wanted: dict[str, _Wanted], existing: dict[str, _Existing]) -> _Plan:
    plan = _Plan()
    now = timezone.now()
    for external_id, want in wanted.items():
        have = existing.get(external_id)
        if have is None:
            plan.new.append(Control(imported_from=agency, external_id=external_id, **want.values()))
            plan.new_wanted.append(want)
            continue
        touched = False
        if have.values != want.values():
            plan.changed.append(Control(pk=have.pk, updated_at=now, **want.values()))
            touched = True
        if have.workplaces != {want.workplace}:
            plan.sites[have.pk] = want
            touched = True
        if have.parts != _closed_parts(want):
            plan.parts[have.pk] = want
            touched = True
        if have.findings != want.findings:
            plan.findings[have.pk] = want
            touched = True
        plan.unchanged += not touched
    return plan


def _sites(pk: int, want: _Wanted) -> list[ControlWorkplace]:
    key, register_id = want.workplace
    return [ControlWorkplace(control_id=pk, workplace_id=key, register_workplace_id=register_id)]


def _parts(pk: int, want: _Wanted) -> list[Participation]:
    return [
        Participation(
            control_id=pk,
            agency_id=agency_id,
            status=Participation.PartStatus.CLOSED,
            closed_at=want.ends_at,
        )
        for agency_id in sorted(want.agency_ids)
    ]


def _findings(pk: int, want: _Wanted) -> list[Finding]:
    return [
        Finding(
            control_id=pk,
            owner_id=owner_id,
            code=code,
            amount_sek=amount,
            ordinal=ordinal,
            workplace_id=key,
        )
        for owner_id, code, amount, ordinal, key in want.findings
    ]


def _write(plan: _Plan, report: Progress) -> int:
    """Apply the plan in batches; returns how many findings were created."""
    for model, replaced in (
        (ControlWorkplace, plan.sites),
        (Participation, plan.parts),
        (Finding, plan.findings),
    ):
        for chunk in _batches(sorted(replaced)):
            model.objects.filter(control_id__in=chunk).delete()
    for batch in _batches(plan.changed):
        Control.objects.bulk_update(batch, [*CONTROL_FIELDS, "updated_at"])
    done = 0
    report(STAGE, done, len(plan.new))
    for controls, wants in zip(_batches(plan.new), _batches(plan.new_wanted), strict=True):
        Control.objects.bulk_create(controls)
        for control, want in zip(controls, wants, strict=True):
            plan.sites[control.pk] = plan.parts[control.pk] = plan.findings[control.pk] = want
        done += len(controls)
        report(STAGE, done, len(plan.new))
    ControlWorkplace.objects.bulk_create(
        [row for pk, want in plan.sites.items() for row in _sites(pk, want)], batch_size=BATCH
    )
    Participation.objects.bulk_create(
        [row for pk, want in plan.parts.items() for row in _parts(pk, want)], batch_size=BATCH
    )
    findings = [row for pk, want in plan.findings.items() for row in _findings(pk, want)]
    Finding.objects.bulk_create(findings, batch_size=BATCH)
    return len(findings)


def import_history(*, actor: Actor, owner: str, progress: Progress | None = None) -> HistoryResult:
    """Turn the earlier controls in ``owner``'s imported extract into closed controls.

    Callable by the system (command line, demo set-up) or an administrator. Idempotent:
    a control is matched by (owner, the extract's control_id); a second run over the same
    records changes no row, and findings are replaced only when they changed. All or
    nothing, in one transaction, with one audit entry giving the counts. A fixed number
    of queries plus one per ``BATCH`` rows written. Raises Forbidden, InvalidInput
    (unknown agency).
    """
    agency = _check_may_import(actor, owner)
    report = progress or (lambda stage, done, total: None)
    began = time.monotonic()
    counts = _Counts()
    with transaction.atomic():
        wanted = _wanted(agency, counts)
        plan = _plan(agency, wanted, _existing(agency))
        touched = set(plan.sites) | set(plan.parts) | set(plan.findings)
        touched |= {control.pk for control in plan.changed}
        written = _write(plan, report)
        result = HistoryResult(
            owner=agency.code,
            records=len(wanted) + counts.skipped,
            created=len(plan.new),
            updated=len(touched),
            unchanged=plan.unchanged,
            skipped=counts.skipped,
            findings=sum(len(w.findings) for w in wanted.values()),
            findings_written=written,
            unknown_agencies=counts.unknown_agencies,
            seconds=round(time.monotonic() - began, 2),
        )
        audit.record(
            actor=actor,
            action="import_control_history",
            object_type="agency",
            object_id=agency.code,
            object_owner=agency.code,
            detail={
                "records": result.records,
                "created": result.created,
                "updated": result.updated,
                "unchanged": result.unchanged,
                "skipped": result.skipped,
                "findings": result.findings,
                "findings_written": result.findings_written,
                "unknown_agencies": result.unknown_agencies,
            },
        )
    return result
