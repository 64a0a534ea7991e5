"""Report builds: two builds of the same data give the same table hashes, a change in the
data changes them, the sections without a module say so, and ``akrim report build``
(files written, usage errors exit 2)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

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
    assert html.count("akrim har ännu ingen modul") == 4  # methods, campaigns, partners, OC
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
