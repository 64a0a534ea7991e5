"""Earlier controls from an agency's extract become closed joint controls: counts match
the extract, a second run changes nothing, findings keep their amounts, centre and
industry are derived, and only the system or an administrator may run it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from akrim.audit.models import AuditEntry
from akrim.cli import main
from akrim.controls.models import Control, ControlWorkplace, Finding, Participation, Status
from akrim.controls.services import import_history
from akrim.core.actor import Actor
from akrim.core.errors import Forbidden, InvalidInput
from akrim.core.reference import sni_section
from akrim.organisation.models import Municipality
from akrim.registry.models import ControlRecord, FindingRecord
from tests.controls.conftest import World

pytestmark = pytest.mark.django_db

SYSTEM = Actor.system(agency="SKV")
STOCKHOLM_TIME = ZoneInfo("Europe/Stockholm")


def _imported() -> Any:
    return Control.objects.filter(imported_from__code="SKV")


def test_every_record_becomes_a_closed_control_with_its_findings(world: World) -> None:
    records = ControlRecord.objects.filter(owner__code="SKV").count()
    finding_rows = FindingRecord.objects.filter(owner__code="SKV").count()
    assert records > 10
    assert finding_rows > 0

    result = import_history(actor=SYSTEM, owner="skv")

    assert (result.records, result.created, result.updated) == (records, records, 0)
    assert (result.skipped, result.unknown_agencies) == (0, 0)
    assert result.findings == result.findings_written == finding_rows
    assert _imported().count() == records
    assert set(_imported().values_list("status", flat=True)) == {Status.CLOSED}
    assert ControlWorkplace.objects.filter(control__imported_from__code="SKV").count() == records
    assert Finding.objects.filter(control__imported_from__code="SKV").count() == finding_rows
    parts = Participation.objects.filter(control__imported_from__code="SKV")
    assert set(parts.values_list("status", flat=True)) == {Participation.PartStatus.CLOSED}
    assert not parts.filter(closed_at__isnull=True).exists()


def test_a_control_takes_date_centre_industry_lead_and_agencies_from_its_record(
    world: World,
) -> None:
    import_history(actor=SYSTEM, owner="SKV")
    for record in ControlRecord.objects.filter(owner__code="SKV").select_related("workplace"):
        control = Control.objects.get(imported_from__code="SKV", external_id=record.control_id)
        codes = record.agencies.split(";")
        municipality = Municipality.objects.select_related("county").get(
            code=record.workplace.municipality
        )
        assert control.centre_id == municipality.county.centre_id
        assert control.industry == sni_section(record.workplace.sni) != ""
        assert control.lead_agency.code == ("AV" if "AV" in codes else codes[0])
        start = dt.datetime.combine(record.date, dt.time(8), tzinfo=STOCKHOLM_TIME)
        assert (control.starts_at, control.ends_at) == (start, start + dt.timedelta(hours=4))
        assert sorted(control.participations.values_list("agency__code", flat=True)) == sorted(
            codes
        )
        assert [w.workplace_id for w in control.workplaces.all()] == [record.workplace.workplace_id]


def test_findings_keep_agency_code_amount_and_order(world: World) -> None:
    import_history(actor=SYSTEM, owner="SKV")
    with_amount = FindingRecord.objects.filter(owner__code="SKV", amount_sek__isnull=False)
    assert with_amount.exists()
    for row in FindingRecord.objects.filter(owner__code="SKV").select_related("control"):
        finding = Finding.objects.get(
            control__imported_from__code="SKV",
            control__external_id=row.control.control_id,
            ordinal=row.ordinal,
        )
        assert (finding.owner.code, finding.code, finding.amount_sek) == (
            row.agency,
            row.code,
            row.amount_sek,
        )


def test_a_second_run_changes_nothing_and_keeps_the_ids(world: World) -> None:
    first = import_history(actor=SYSTEM, owner="SKV")
    controls = dict(_imported().values_list("external_id", "pk"))
    stamps = dict(_imported().values_list("pk", "updated_at"))
    findings = sorted(Finding.objects.values_list("pk", flat=True))
    parts = sorted(Participation.objects.values_list("pk", flat=True))

    again = import_history(actor=SYSTEM, owner="SKV")

    assert (again.created, again.updated, again.findings_written) == (0, 0, 0)
    assert again.unchanged == first.records
    assert dict(_imported().values_list("external_id", "pk")) == controls
    assert dict(_imported().values_list("pk", "updated_at")) == stamps
    assert sorted(Finding.objects.values_list("pk", flat=True)) == findings
    assert sorted(Participation.objects.values_list("pk", flat=True)) == parts


def test_a_changed_record_updates_only_its_control(world: World) -> None:
    import_history(actor=SYSTEM, owner="SKV")
    row = FindingRecord.objects.filter(owner__code="SKV").select_related("control").first()
    assert row is not None
    record = row.control
    others = set(
        Finding.objects.exclude(control__external_id=record.control_id).values_list("pk", flat=True)
    )
    FindingRecord.objects.filter(pk=row.pk).update(amount_sek=123_456)
    ControlRecord.objects.filter(pk=record.pk).update(date=dt.date(2024, 2, 29))

    result = import_history(actor=SYSTEM, owner="SKV")

    assert (result.created, result.updated) == (0, 1)
    control = Control.objects.get(imported_from__code="SKV", external_id=record.control_id)
    assert control.starts_at.astimezone(STOCKHOLM_TIME).date() == dt.date(2024, 2, 29)
    assert Finding.objects.get(control=control, ordinal=row.ordinal).amount_sek == 123_456
    kept = set(
        Finding.objects.exclude(control__external_id=record.control_id).values_list("pk", flat=True)
    )
    assert kept == others  # the other controls' findings were not replaced


def test_unknown_agency_codes_are_skipped_and_counted(world: World) -> None:
    # The exchange reader refuses unknown codes; an older archive written straight to the
    # registry tables might still hold them.
    records = list(ControlRecord.objects.filter(owner__code="SKV").order_by("pk")[:2])
    ControlRecord.objects.filter(pk=records[0].pk).update(agencies="XX;POL")
    ControlRecord.objects.filter(pk=records[1].pk).update(agencies="XX;YY")

    result = import_history(actor=SYSTEM, owner="SKV")

    assert (result.unknown_agencies, result.skipped) == (3, 1)
    first = Control.objects.get(external_id=records[0].control_id)
    assert first.lead_agency.code == "POL"
    assert list(first.participations.values_list("agency__code", flat=True)) == ["POL"]
    assert not Control.objects.filter(external_id=records[1].control_id).exists()


def test_one_audit_entry_per_run_with_the_counts(world: World) -> None:
    before = AuditEntry.objects.filter(action="import_control_history").count()
    result = import_history(actor=SYSTEM, owner="SKV")
    entries = AuditEntry.objects.filter(action="import_control_history")
    assert entries.count() == before + 1
    entry = entries.order_by("-seq").first()
    assert entry is not None
    assert entry.object_id == "SKV"
    assert entry.detail["created"] == result.created == result.records


@pytest.mark.parametrize("name", ["coordinator", "skv_inspector", "national_reader", "skv_auditor"])
def test_only_the_system_or_an_administrator_may_import(world: World, name: str) -> None:
    with pytest.raises(Forbidden):
        import_history(actor=world.actor(name), owner="SKV")
    assert not _imported().exists()


def test_an_administrator_may_import(world: World) -> None:
    result = import_history(actor=world.actor("admin"), owner="SKV")
    assert result.created == _imported().count() > 0


def test_an_unknown_owner_is_refused(world: World) -> None:
    with pytest.raises(InvalidInput, match="Unknown agency XYZ"):
        import_history(actor=SYSTEM, owner="XYZ")


def test_the_import_costs_a_fixed_number_of_queries(
    world: World, django_assert_max_num_queries: Any
) -> None:
    import_history(actor=SYSTEM, owner="SKV")
    with django_assert_max_num_queries(16):  # 9 reads, the audit entry, savepoints; per row none
        import_history(actor=SYSTEM, owner="SKV")


def test_progress_is_reported(world: World) -> None:
    seen: list[tuple[str, int, int]] = []
    result = import_history(
        actor=SYSTEM,
        owner="SKV",
        progress=lambda stage, done, total: seen.append((stage, done, total)),
    )
    assert seen[-1] == ("history", result.created, result.created)


def test_the_import_command_brings_in_the_earlier_controls(
    cast: Any, small_world: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["import", str(small_world), "--owner", "SKV"]) == 0
    out = capsys.readouterr().out
    records = ControlRecord.objects.filter(owner__code="SKV").count()
    findings = FindingRecord.objects.filter(owner__code="SKV").count()
    assert f"earlier controls: {records} records, {records} created, 0 updated" in out
    assert f"{findings} findings, {findings} written" in out
    assert _imported().count() == records

    assert main(["import", str(small_world), "--owner", "SKV"]) == 0
    out = capsys.readouterr().out
    assert f"{records} records, 0 created, 0 updated, {records} unchanged" in out
