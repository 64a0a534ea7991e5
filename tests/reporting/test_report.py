"""Report builds: two builds of the same data give the same table hashes, a change in the
data changes them, the sections without a module say so, and ``akrim report build``
(files written, usage errors exit 2)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from akrim.cli import main
from akrim.core.actor import Actor, Purpose
from akrim.core.errors import InvalidInput
from akrim.reporting.build import build
from akrim.reporting.figures import SUPPRESSED
from tests.reporting.conftest import World, carried_out, people

pytestmark = pytest.mark.django_db
SYSTEM = Actor.system(purpose=Purpose.STATISTICS)
CUTOFF = dt.date(2026, 1, 31)


def test_two_builds_give_identical_table_hashes_and_a_change_changes_them(world: World) -> None:
    control = carried_out(world, "2025-05-06")
    people(control, 4, {0: ["deception"]})
    first = build(actor=SYSTEM, kind="annual", period="2025", cutoff=CUTOFF)
    second = build(actor=SYSTEM, kind="annual", period="2025", cutoff=CUTOFF)
    assert first.hashes == second.hashes
    assert first.data_version == second.data_version
    assert len(first.hashes) == len(first.tables) >= 10
    assert all(len(h) == 64 for h in first.hashes.values())
    carried_out(world, "2025-06-06")
    third = build(actor=SYSTEM, kind="annual", period="2025", cutoff=CUTOFF)
    assert third.hashes["by_month"] != first.hashes["by_month"]
    assert third.data_version != first.data_version
    assert third.hashes["memberships"] == first.hashes["memberships"]


def test_cutoff_leaves_out_later_controls(world: World) -> None:
    carried_out(world, "2025-05-06")
    carried_out(world, "2025-09-06")
    early = build(actor=SYSTEM, kind="annual", period="2025", cutoff=dt.date(2025, 6, 30))
    target = next(t for t in early.tables if t.name == "target")
    assert target.rows[0][1] == 1
    assert "2025-06-30" in early.html


def test_report_text_sections_and_disclosure(world: World) -> None:
    control = carried_out(world, "2024-05-06")
    people(control, 2)
    built = build(
        actor=SYSTEM,
        kind="interim",
        period="2024h1",
        cutoff=dt.date(2024, 6, 30),
        narratives={"controls": "Kontrollerna ökade under våren."},
    )
    html = built.html
    assert "Innehåll" in html
    assert "Bilaga: Källor och definitioner" in html
    assert "Kontrollerna ökade under våren." in html
    assert html.count("akrim har ännu ingen modul") == 1  # only organised-crime coordination
    for title in [
        "Utbildning",
        "Metodhandboken",
        "Tips från allmänheten",
        "arbetsmarknadens parter",
    ]:
        assert title in html, title
    assert "counter(page)" in html
    assert "<svg" in html
    assert "style=" not in html.split("</style>")[1]
    people_table = next(t for t in built.tables if t.name == "people")
    assert all(r[1] == SUPPRESSED or r[1] >= 3 for r in people_table.rows)  # type: ignore[operator]
    assert people_table.rows[0][1] == SUPPRESSED  # two people met: below 3
    for digest in built.hashes.values():
        assert digest in html


@pytest.mark.parametrize(
    ("kind", "period"), [("interim", "2025"), ("annual", "2025H1"), ("annual", "25"), ("x", "2025")]
)
def test_kind_and_period_must_agree(cast: object, kind: str, period: str) -> None:
    with pytest.raises(InvalidInput):
        build(actor=SYSTEM, kind=kind, period=period, cutoff=CUTOFF)


def test_cli_writes_pdf_and_xlsx(
    world: World, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    carried_out(world, "2025-05-06")
    out = tmp_path / "report.pdf"
    code = main(
        [
            "report",
            "build",
            "--kind",
            "annual",
            "--period",
            "2025",
            "--out",
            str(out),
            "--cutoff",
            "2026-01-31",
        ]
    )
    assert code == 0, capsys.readouterr().err
    assert out.read_bytes().startswith(b"%PDF")
    book = load_workbook(tmp_path / "report.xlsx")
    assert "report" in book.sheetnames
    assert "by_month" in book.sheetnames
    front = {row[0].value: row[1].value for row in book["report"].iter_rows()}
    assert front["cutoff"] == "2026-01-31"
    assert "sha256 by_month" in capsys.readouterr().out


@pytest.mark.parametrize(
    "argv",
    [
        ["report", "build", "--kind", "monthly", "--period", "2025", "--out", "r.pdf"],
        ["report", "build", "--kind", "annual", "--out", "r.pdf"],
        [
            "report",
            "build",
            "--kind",
            "annual",
            "--period",
            "2025",
            "--out",
            "r.pdf",
            "--cutoff",
            "31/01/2026",
        ],
        ["report", "frobnicate", "--kind", "annual", "--period", "2025", "--out", "r.pdf"],
    ],
)
def test_cli_usage_errors_exit_2(cast: object, argv: list[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(argv)
    assert caught.value.code == 2


@pytest.mark.parametrize(
    ("period", "out"),
    [
        ("2025H1", "report.pdf"),
        ("20x5", "report.pdf"),
        ("2025", "report.txt"),
        ("2025", "no/such/dir/report.pdf"),
    ],
)
def test_cli_bad_values_exit_2(
    cast: object, tmp_path: Path, period: str, out: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(
        ["report", "build", "--kind", "annual", "--period", period, "--out", str(tmp_path / out)]
    )
    assert code == 2
    assert "akrim report build:" in capsys.readouterr().err
    assert not list(tmp_path.glob("*.pdf"))


def test_the_other_modules_figures_count_what_happened_in_the_period(world: World) -> None:
    """Training, methods, adoption, campaigns, tips and partners: each table counts the
    period's own events, made through the modules' services."""
    from django.utils import timezone

    from akrim.methods import services as methods
    from akrim.methods.models import Method, MethodStatus
    from akrim.partners.services import MeetingFields, create_meeting, open_forum
    from akrim.tips.models import Tip
    from akrim.tips.services import create_tip

    coordinator = world.actor("coordinator")
    method = methods.create_method(actor=coordinator, title="Plan a control", body="1. Plan.")
    for to in (MethodStatus.TESTED, MethodStatus.ESTABLISHED):
        methods.move_method_status(actor=coordinator, method_id=method.pk, to=to)
    methods.record_adoption(
        actor=coordinator,
        method_id=method.pk,
        agency="AV",
        status="ordinary",
        since=dt.date(2024, 2, 1),
        evidence="In AV's inspection manual since February.",
    )
    from akrim.methods.models import Adoption

    Adoption.objects.update(recorded_at=timezone.make_aware(dt.datetime(2024, 2, 1, 9)))
    Method.objects.filter(pk=method.pk).update(
        tested_at=timezone.make_aware(dt.datetime(2024, 1, 15, 9)),
        established_at=timezone.make_aware(dt.datetime(2024, 1, 20, 9)),
    )
    forum = open_forum(actor=coordinator, centre="stockholm")
    create_meeting(
        actor=coordinator,
        forum_id=forum.pk,
        fields=MeetingFields(starts_at=timezone.make_aware(dt.datetime(2024, 3, 5, 10))),
    )
    tip = create_tip(SYSTEM, source="staff", what="Unpaid wages.", municipality_code="0180")
    Tip.objects.filter(pk=tip.pk).update(
        received_at=timezone.make_aware(dt.datetime(2024, 4, 2, 9))
    )
    create_tip(SYSTEM, source="staff", what="Outside the period.", municipality_code="0180")

    built = build(actor=SYSTEM, kind="interim", period="2024h1", cutoff=dt.date(2024, 6, 30))
    tables = {t.name: t for t in built.tables}
    stockholm = next(r for r in tables["tips"].rows if r[0] == "Stockholm")
    assert stockholm[1:] == (1, 0, 0)  # the tip of April; today's lies after the period
    assert tables["tips"].rows[-1][1] == 1
    assert next(r for r in tables["partners"].rows if r[0] == "Stockholm")[1] == 1
    av = next(r for r in tables["adoption"].rows if str(r[0]).startswith("AV "))
    assert av[1:] == (1, 1)
    skv = next(r for r in tables["adoption"].rows if str(r[0]).startswith("SKV "))
    assert skv[1:] == (0, 1)
    assert {str(r[0]): r[1] for r in tables["methods"].rows}["etablerad"] == 0  # added later
    Method.objects.filter(pk=method.pk).update(
        created_at=timezone.make_aware(dt.datetime(2024, 1, 10, 9))
    )
    again = build(actor=SYSTEM, kind="interim", period="2024h1", cutoff=dt.date(2024, 6, 30))
    methods_table = next(t for t in again.tables if t.name == "methods")
    assert {str(r[0]): r[1] for r in methods_table.rows}["etablerad"] == 1
    assert tables["campaigns"].rows == ()  # none planned


def test_methods_are_counted_by_the_status_they_had_at_the_end_of_the_period(
    world: World,
) -> None:
    """A method established after the period was only tested in it: the methods table and
    the adoption table of that period say so, whatever its status today."""
    from django.utils import timezone

    from akrim.methods import services as methods
    from akrim.methods.models import Method, MethodStatus

    coordinator = world.actor("coordinator")
    method = methods.create_method(actor=coordinator, title="Plan a control", body="1. Plan.")
    for to in (MethodStatus.TESTED, MethodStatus.ESTABLISHED):
        methods.move_method_status(actor=coordinator, method_id=method.pk, to=to)
    moved = Method.objects.get(pk=method.pk)
    assert moved.tested_at is not None
    assert moved.established_at is not None
    assert moved.tested_at <= moved.established_at
    methods.record_adoption(
        actor=coordinator,
        method_id=method.pk,
        agency="AV",
        status="ordinary",
        since=dt.date(2024, 2, 1),
        evidence="In AV's inspection manual since February.",
    )
    Method.objects.filter(pk=method.pk).update(
        created_at=timezone.make_aware(dt.datetime(2024, 1, 10, 9)),
        tested_at=timezone.make_aware(dt.datetime(2024, 3, 1, 9)),
        established_at=timezone.make_aware(dt.datetime(2024, 9, 1, 9)),  # after the period
    )

    def tables() -> dict[str, Any]:
        built = build(actor=SYSTEM, kind="interim", period="2024h1", cutoff=dt.date(2024, 6, 30))
        return {t.name: t for t in built.tables}

    counted = {str(r[0]): r[1] for r in tables()["methods"].rows}
    assert (counted["utkast"], counted["prövad"], counted["etablerad"]) == (0, 1, 0)
    av = next(r for r in tables()["adoption"].rows if str(r[0]).startswith("AV "))
    assert av[1:] == (0, 0)  # not yet established at the cut-off
    Method.objects.filter(pk=method.pk).update(
        tested_at=timezone.make_aware(dt.datetime(2024, 8, 1, 9))
    )
    counted = {str(r[0]): r[1] for r in tables()["methods"].rows}
    assert (counted["utkast"], counted["prövad"], counted["etablerad"]) == (1, 0, 0)


def test_the_tips_table_says_what_was_handled_as_of_the_cut_off(world: World) -> None:
    """A tip handled after the cut-off is not handled in a report for that cut-off."""
    from django.utils import timezone

    from akrim.tips.models import Tip
    from akrim.tips.services import close_tip, create_tip

    tip = create_tip(SYSTEM, source="staff", what="Unpaid wages.", municipality_code="0180")
    Tip.objects.filter(pk=tip.pk).update(
        received_at=timezone.make_aware(dt.datetime(2024, 4, 2, 9))
    )
    close_tip(actor=world.actor("coordinator"), tip_id=tip.pk)  # closed today

    def stockholm() -> tuple[object, ...]:
        built = build(actor=SYSTEM, kind="interim", period="2024h1", cutoff=dt.date(2024, 6, 30))
        table = next(t for t in built.tables if t.name == "tips")
        return next(r for r in table.rows if r[0] == "Stockholm")[1:]

    assert stockholm() == (1, 0, 0)  # received then, handled only later
    Tip.objects.filter(pk=tip.pk).update(
        handled_at=timezone.make_aware(dt.datetime(2024, 5, 20, 9))
    )
    assert stockholm() == (1, 1, 0)
