"""The statistics page and its CSV and XLSX downloads: who may see them, the tables and the
chart, suppressed cells, bad and hostile input, and text that must not become a formula."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable

import pytest
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from akrim.controls.models import Target
from tests.controls.conftest import World
from tests.controls.test_stats import carried_out, decision, finding, people

pytestmark = pytest.mark.django_db

PAGE, CSV, XLSX = "/en/controls/stats/", "/en/controls/stats.csv", "/en/controls/stats.xlsx"
ClientFor = Callable[[str], Client]


@pytest.fixture
def figures(world: World) -> World:
    """Two controls in Stockholm (May, June) and one in Syd; a finding, two decisions and
    five people met, one of them without an indicator (so two cells are suppressed)."""
    may = carried_out(world, "2025-05-06")
    carried_out(world, "2025-06-10")
    carried_out(world, "2025-05-20", centre="syd")
    finding(may, "SKV", "SKV_LEDGER_MISSING", 25_000)
    decision(may, "SKV", "control_fee", 25_000)
    decision(may, "SKV", "control_fee", 5_000, status="withdrawn")
    people(may, 5, {n: ["deception"] for n in range(4)})
    return world


def rows_of(response: object) -> list[list[str]]:
    text = response.content.decode()  # type: ignore[attr-defined]
    return list(csv.reader(io.StringIO(text)))


@pytest.mark.parametrize("url", [PAGE, CSV, XLSX])
def test_anonymous_visitors_are_sent_to_the_login_page(url: str, cast: object) -> None:
    response = Client().get(url, {"year": "2025"})
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("name", ["skv_inspector", "pol_inspector", "other_centre", "skv_auditor"])
def test_every_member_of_staff_with_a_role_sees_the_aggregates(
    figures: World, client_for: ClientFor, name: str
) -> None:
    client = client_for(name)
    page = client.get(PAGE, {"year": "2025"})
    assert page.status_code == 200
    assert b'data-testid="by_centre"' in page.content
    assert client.get(CSV, {"year": "2025"}).status_code == 200
    assert client.get(XLSX, {"year": "2025"}).status_code == 200


def test_the_page_shows_the_figures_in_accessible_tables_and_a_chart(
    figures: World, client_for: ClientFor
) -> None:
    response = client_for("skv_analyst").get(PAGE, {"year": "2025"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Statistics of joint controls 2025" in html
    for caption in [
        "Summary",
        "Target and growth",
        "Controls by month",
        "Controls by centre",
        "Controls by industry (SNI section)",
        "Controls, findings and decisions by agency",
        "Decisions by kind",
        "Findings by catalogue code",
        "People met",
        "People met with each ILO indicator of forced labour",
    ]:
        assert f"<caption>{caption}</caption>" in html, caption
    assert re.search(r'<th scope="row">Stockholm</th><td>2</td><td>1</td><td>–</td>', html)
    assert re.search(r'<th scope="row">Syd</th><td>1</td><td>0</td>', html)
    assert re.search(r'<th scope="row">Joint controls</th><td>3</td>', html)
    assert re.search(r'<th scope="row">Share with a finding</th><td>33[.,]3 %</td>', html)
    assert re.search(
        r'<th scope="row">Control fee</th><td>2</td><td>1</td><td>25[ ,.\xa0]?000</td>', html
    )
    # 5 met = 4 with + 1 without: both parts suppressed, the total shown
    assert re.search(r'<th scope="row">People met</th><td>5</td>', html)
    assert re.search(
        r'<th scope="row">With at least one ILO indicator</th><td><span class="akrim-withheld">'
        r"suppressed</span>",
        html,
    )
    # the chart: one bar per month, May (2 controls) the tallest; no script, no style
    svg = html[html.index("<svg") : html.index("</svg>")]
    assert svg.count("<rect") == 12
    assert "<title>May: 2</title>" in svg
    assert 'height="160"' in svg
    assert "<script" not in svg
    assert " style=" not in html
    assert "<script>" not in html
    assert 'href="/en/controls/stats.csv?year=2025"' in html


def test_the_page_shows_the_target_and_the_growth(figures: World, client_for: ClientFor) -> None:
    Target.objects.create(year=2025, centre=None, controls=6)
    carried_out(figures, "2024-05-07")
    html = client_for("skv_inspector").get(PAGE, {"year": "2025"}).content.decode()
    assert re.search(r"<dt>Target</dt><dd>6 \(50[.,]0 % reached\)</dd>", html)
    assert re.search(r"<dt>Change over 2024</dt><dd>\+2 \(\+200[.,]0 %\)</dd>", html)
    assert re.search(r'<th scope="row">Share of target reached</th><td>50[.,]0 %</td>', html)
    assert re.search(r'<th scope="row">Actual minus target</th><td>-3</td>', html)
    assert re.search(r'<th scope="row">Controls in 2024</th><td>1</td>', html)


def test_the_centre_filter_narrows_the_page_and_the_downloads(
    figures: World, client_for: ClientFor
) -> None:
    client = client_for("skv_inspector")
    html = client.get(PAGE, {"year": "2025", "centre": "syd"}).content.decode()
    assert "Statistics of joint controls 2025 · Syd" in html
    assert re.search(r'<th scope="row">Joint controls</th><td>1</td>', html)
    assert '<th scope="row">Stockholm</th>' not in html
    assert 'href="/en/controls/stats.xlsx?year=2025&amp;centre=syd"' in html
    response = client.get(CSV, {"year": "2025", "centre": "syd"})
    assert 'filename="akrim-controls-2025-syd.csv"' in response["Content-Disposition"]
    assert ["summary", "controls", "value", "1"] in rows_of(response)


def test_without_a_year_the_page_shows_this_year(figures: World, client_for: ClientFor) -> None:
    response = client_for("skv_inspector").get(PAGE)
    assert response.status_code == 200
    year = timezone.localdate().year
    assert f"Statistics of joint controls {year}" in response.content.decode()


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"year": "abc"}, "four digits from 2017 to 2100"),
        ({"year": ""}, "four digits from 2017 to 2100"),
        ({"year": "1700"}, "four digits from 2017 to 2100"),
        ({"year": "99999"}, "four digits from 2017 to 2100"),
        ({"year": "2025\x00"}, "four digits from 2017 to 2100"),
        ({"year": "2025", "centre": "Gotham"}, "Unknown centre"),
        ({"year": "2025", "centre": "x" * 5000}, "Unknown centre"),
        ({"year": "2025", "centre": "<script>alert(1)</script>"}, "Unknown centre"),
    ],
)
def test_bad_input_gives_400_with_a_clear_message(
    figures: World, client_for: ClientFor, params: dict[str, str], message: str
) -> None:
    client = client_for("skv_inspector")
    page = client.get(PAGE, params)
    assert page.status_code == 400
    html = page.content.decode()
    assert message in html
    assert 'role="alert"' in html
    assert '<form method="get"' in html  # the visitor can put it right
    assert 'aria-invalid="true"' in html
    assert "<script>alert(1)" not in html
    assert "\x00" not in html
    for url in [CSV, XLSX]:
        download = client.get(url, params)
        assert download.status_code == 400
        assert message in download.content.decode()
        assert "<script>alert(1)" not in download.content.decode()


def test_the_csv_holds_every_table_as_one_long_table(figures: World, client_for: ClientFor) -> None:
    response = client_for("skv_inspector").get(CSV, {"year": "2025"})
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="akrim-controls-2025.csv"' in response["Content-Disposition"]
    rows = rows_of(response)
    assert rows[0] == ["table", "key", "measure", "value"]
    assert all(len(row) == 4 for row in rows)
    for expected in [
        ["summary", "controls", "value", "3"],
        ["summary", "with_findings", "value", "1"],
        ["summary", "share_with_findings", "value", "0.3333"],
        ["summary", "decisions_amount_sek", "value", "25000"],
        ["target", "target", "value", ""],
        ["by_month", "05", "controls", "2"],
        ["by_centre", "stockholm", "controls", "2"],
        ["by_centre", "syd", "with_findings", "0"],
        ["by_agency", "SKV", "decisions", "2"],
        ["decisions", "control_fee", "withdrawn", "1"],
        ["decisions", "total", "count", "2"],
        ["findings", "SKV_LEDGER_MISSING", "amount_sek", "25000"],
        ["people_met", "total", "people", "5"],
        ["people_met", "with_indicators", "people", "suppressed"],
        ["people_met", "without_indicators", "people", "suppressed"],
        ["indicators", "deception", "people", "4"],
        ["indicators", "isolation", "people", "suppressed"],
    ]:
        assert expected in rows, expected
    tables = {row[0] for row in rows[1:]}
    assert tables == {
        "summary",
        "target",
        "by_month",
        "by_centre",
        "by_industry",
        "by_agency",
        "decisions",
        "findings",
        "people_met",
        "indicators",
    }


def test_the_xlsx_has_one_sheet_per_table(figures: World, client_for: ClientFor) -> None:
    response = client_for("skv_inspector").get(XLSX, {"year": "2025"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert 'filename="akrim-controls-2025.xlsx"' in response["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == [
        "summary",
        "target",
        "by_month",
        "by_centre",
        "by_industry",
        "by_agency",
        "decisions",
        "findings",
        "people_met",
        "indicators",
        "definitions",
    ]
    centres = [list(row) for row in book["by_centre"].iter_rows(values_only=True)]
    assert centres[0] == ["Code", "Centre", "Controls", "With a finding", "Target"]
    assert ["stockholm", "Stockholm", 2, 1, None] in centres
    people_met = [list(row) for row in book["people_met"].iter_rows(values_only=True)]
    assert ["total", "People met", 5] in people_met
    assert ["with_indicators", "With at least one ILO indicator", "suppressed"] in people_met
    summary = {row[0]: row[2] for row in book["summary"].iter_rows(min_row=2, values_only=True)}
    assert summary["controls"] == 3
    assert summary["share_with_findings"] == pytest.approx(0.3333)
    assert book["definitions"]["A1"].value == "Definitions, version 1"


def test_text_from_the_data_never_becomes_a_spreadsheet_formula(
    world: World, client_for: ClientFor
) -> None:
    control = carried_out(world)
    finding(control, "SKV", '=HYPERLINK("http://x.invalid","y")', 1)
    finding(control, "SKV", "@SUM(A1)", 1)
    client = client_for("skv_inspector")
    rows = rows_of(client.get(CSV, {"year": "2025"}))
    keys = {row[1] for row in rows if row[0] == "findings"}
    assert '\'=HYPERLINK("http://x.invalid","y")' in keys
    assert "'@SUM(A1)" in keys
    assert not any(key.startswith(("=", "@")) for key in keys)
    book = load_workbook(io.BytesIO(client.get(XLSX, {"year": "2025"}).content))
    cells = [row[0] for row in book["findings"].iter_rows(min_row=2)]
    assert all(cell.data_type != "f" for cell in cells)
    assert "'@SUM(A1)" in [cell.value for cell in cells]
