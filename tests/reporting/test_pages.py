"""Pages: who sees the dashboard and the reports, hostile filters (400 with a message),
the CSV/XLSX of each table, SVG without style attributes, the narrative with versions and
sign-offs (a new version clears them), audit entries, and the PDF/XLSX downloads."""

from __future__ import annotations

import io
import re
from collections.abc import Callable

import pytest
from django.test import Client
from openpyxl import load_workbook

from akrim.audit.models import AuditEntry
from akrim.reporting.models import NarrativeVersion, Report, SignOff
from tests.reporting.conftest import World, carried_out

pytestmark = pytest.mark.django_db
ClientFor = Callable[[str], Client]
DASH = "/en/reports/dashboard/"


def test_anonymous_is_sent_to_login(cast: object) -> None:
    for url in (DASH, "/en/reports/", f"{DASH}by_month.csv", "/en/reports/1/report.pdf"):
        response = Client().get(url)
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("name", ["skv_inspector", "pol_inspector", "other_centre", "skv_auditor"])
def test_others_are_refused(client_for: ClientFor, name: str) -> None:
    client = client_for(name)
    assert client.get(DASH).status_code == 403
    assert client.get("/en/reports/").status_code == 403
    assert client.get(f"{DASH}by_month.csv").status_code == 403


@pytest.mark.parametrize("name", ["national_reader", "coordinator", "skv_analyst", "admin"])
def test_readers_see_charts_with_tables(world: World, client_for: ClientFor, name: str) -> None:
    carried_out(world, "2025-05-06")
    response = client_for(name).get(DASH, {"year": "2025"})
    assert response.status_code == 200
    html = response.content.decode()
    for table in (
        "target",
        "by_month",
        "by_industry",
        "by_centre",
        "decisions",
        "people",
        "memberships",
    ):
        assert f'id="table-{table}"' in html
    svgs = re.findall(r"<svg.*?</svg>", html, flags=re.S)
    assert len(svgs) >= 6
    for svg in svgs:
        assert " style=" not in svg
        assert "<script" not in svg
        assert "http://" not in svg.replace('xmlns="http://www.w3.org/2000/svg"', "")
        assert "<title" in svg
        assert "<desc" in svg


@pytest.mark.parametrize(
    "query",
    [
        {"year": "2025'; DROP TABLE x;--"},
        {"centre": "<script>alert(1)</script>"},
        {"agency": "NOPE"},
        {"industry": "ZZ"},
        {"from": "2025-00", "to": "2025-05"},
        {"year": "2025", "to": "2025-05"},
        {"centre": "a" * 5000},
    ],
)
def test_hostile_filters_give_400_with_a_message(
    client_for: ClientFor, query: dict[str, str]
) -> None:
    response = client_for("national_reader").get(DASH, query)
    assert response.status_code == 400
    html = response.content.decode()
    assert "<script>alert(1)</script>" not in html
    assert re.search(r"Give|Unknown|too long|not both", html)


def test_each_table_as_csv_and_xlsx(world: World, client_for: ClientFor) -> None:
    carried_out(world, "2025-05-06")
    client = client_for("coordinator")
    csv = client.get(f"{DASH}by_month.csv", {"year": "2025"})
    assert csv.status_code == 200
    assert csv["Content-Type"].startswith("text/csv")
    lines = csv.content.decode("utf-8-sig").splitlines()
    assert lines[0] == "Month,Controls,With a finding"
    assert "2025-05,1,0" in lines
    xlsx = client.get(f"{DASH}by_centre.xlsx", {"year": "2025"})
    sheet = load_workbook(io.BytesIO(xlsx.content))["by_centre"]
    assert [c.value for c in next(r for r in sheet.iter_rows() if r[0].value == "Stockholm")][
        :2
    ] == ["Stockholm", 1]
    assert client.get(f"{DASH}nonsense.csv").status_code == 404
    assert client.get(f"{DASH}by_month.csv", {"agency": "=cmd"}).status_code == 400


def test_narrative_versions_signoff_and_downloads(world: World, client_for: ClientFor) -> None:
    carried_out(world, "2025-05-06")
    reader = client_for("national_reader")
    response = reader.post(
        "/en/reports/", {"kind": "annual", "period": "2025", "cutoff": "2026-01-31"}
    )
    assert response.status_code == 302
    report = Report.objects.get()
    url = f"/en/reports/{report.pk}/"
    assert reader.post("/en/reports/", {"kind": "annual", "period": "2025"}).status_code == 409
    bad = reader.post("/en/reports/", {"kind": "interim", "period": "2025"})
    assert bad.status_code == 400
    assert b"half year" in bad.content
    assert (
        reader.post(
            "/en/reports/", {"kind": "annual", "period": "2024", "cutoff": "yesterday"}
        ).status_code
        == 400
    )

    edit = f"{url}sections/controls/"
    assert reader.post(edit, {"text": "Första versionen, åäö."}).status_code == 302
    coordinator = client_for("coordinator")
    assert coordinator.post(edit, {"text": "coordinator text"}).status_code == 403
    assert client_for("skv_inspector").post(edit, {"text": "x"}).status_code == 403
    assert reader.post(edit, {"text": "x" * 20_001}).status_code == 400
    assert reader.post(edit, {"text": "nul\x00"}).status_code == 400
    assert reader.get(f"{url}sections/nonsense/").status_code == 404

    assert coordinator.post(f"{url}sign/").status_code == 302
    assert SignOff.objects.filter(report=report, agency__code="AV").exists()
    assert coordinator.post(f"{url}sign/").status_code == 409  # once per agency
    assert client_for("skv_analyst").post(f"{url}sign/").status_code == 403  # not coordinator
    assert reader.post(edit, {"text": "Andra versionen."}).status_code == 302
    assert not SignOff.objects.filter(report=report).exists()  # cleared by the new version
    versions = NarrativeVersion.objects.filter(report=report, section="controls")
    assert sorted(versions.values_list("number", flat=True)) == [1, 2]
    page = reader.get(edit).content.decode()
    assert "Version 2 by national_reader" in page
    assert "Andra versionen." in page

    actions = list(AuditEntry.objects.filter(object_type="report").values_list("action", flat=True))
    assert actions.count("report.create") == 1
    assert actions.count("report.narrative") == 2
    assert actions.count("report.sign_off") == 1

    pdf = reader.get(f"{url}report.pdf")
    assert pdf.status_code == 200
    assert pdf.content.startswith(b"%PDF")
    xlsx = coordinator.get(f"{url}report.xlsx")
    assert "report" in load_workbook(io.BytesIO(xlsx.content)).sheetnames
    assert client_for("skv_inspector").get(f"{url}report.pdf").status_code == 403
    assert reader.get("/en/reports/99999/report.pdf").status_code == 404
