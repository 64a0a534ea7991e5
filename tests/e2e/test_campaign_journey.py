"""Issue 9's journeys: a communicator plans a campaign, logs its activities, builds a
before/after survey, imports the demo panel responses, reads the evaluation and downloads
the PDF; respondents fill in the public survey form in a right-to-left and a
left-to-right language."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from akrim.campaigns.demo import demo_responses_csv
from akrim.campaigns.models import Campaign, Response, Wave
from akrim.core.actor import Actor
from akrim.organisation.services import create_staff
from tests.cast import PASSWORD, make_cast

pytestmark = pytest.mark.django_db(transaction=True)
NAME = "Know your rights at work – journey"
CSP_VIOLATIONS: list[str] = []


def log_in(browser: Any, base: str, username: str) -> Any:
    page = browser.new_context(locale="en-GB", accept_downloads=True).new_page()
    page.on(
        "console",
        lambda m: CSP_VIOLATIONS.append(m.text) if "Content Security Policy" in m.text else None,
    )
    page.goto(f"{base}/en/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]:has-text('Log in')")
    page.wait_for_url(f"{base}/en/home/")
    return page


def panel_file(folder: Path) -> Path:
    """The demo's simulated panel, with the two questions this journey's survey has."""
    rows = list(csv.DictReader(io.StringIO(demo_responses_csv())))
    out = io.StringIO()
    keep = ["wave", "group", "weight", "knows_rights", "would_report"]
    writer = csv.DictWriter(out, fieldnames=keep, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path = folder / "panel.csv"
    path.write_text(out.getvalue(), encoding="utf-8")
    return path


def plan_campaign(page: Any, base: str) -> int:
    page.goto(f"{base}/en/campaigns/")
    form = page.locator("[data-testid=plan-form]")
    form.locator("#name").fill(NAME)
    form.locator("#aim").select_option("knowledge")
    form.locator("#target_kind").select_option("workers")
    form.locator("#target_details").fill("Construction and cleaning workers")
    form.locator("input[name=target_languages][value=ar]").check()
    form.locator("input[name=target_languages][value=pl]").check()
    form.locator("input[name=target_industries][value=F]").check()
    form.locator("[data-testid=centre-stockholm]").check()
    form.locator("[data-testid=comparison-syd]").check()
    form.locator("#starts_on").fill("2025-03-01")
    form.locator("#ends_on").fill("2025-05-31")
    form.locator("input[name=channels][value=outreach]").check()
    form.locator("#budget_sek").fill("250000")
    form.locator("[data-testid=agency-AV]").check()
    form.locator("[data-testid=agency-SKV]").check()
    form.locator("button[type=submit]").click()
    page.wait_for_selector("[data-testid=plan]")
    return Campaign.objects.get(name=NAME).pk


def log_activity(page: Any, day: str, leaflets: str, people: str) -> None:
    form = page.locator("[data-testid=activity-form]")
    form.locator("#a_day").fill(day)
    form.locator("#a_channel").select_option("outreach")
    form.locator("#a_centre").select_option("stockholm")
    form.locator("#a_description").fill("Building sites, early morning")
    form.locator("#a_leaflets").fill(leaflets)
    form.locator("#a_people").fill(people)
    form.locator("button[type=submit]").click()
    page.wait_for_selector("[data-testid=activities]")


def add_question(page: Any, code: str, kind: str, text: str, options: str, labels: str) -> None:
    form = page.locator("[data-testid=question-form]")
    form.locator("#q_code").fill(code)
    form.locator("#q_kind").select_option(kind)
    form.locator("#q_language").select_option("sv")
    form.locator("#q_text").fill(text)
    form.locator("#q_options").fill(options)
    form.locator("#q_labels").fill(labels)
    form.locator("button[type=submit]").click()
    page.wait_for_selector(f"[data-testid=questions] >> text={code}")


def open_wave(page: Any, phase: str, group: str, opens: str, closes: str) -> None:
    form = page.locator("[data-testid=wave-form]")
    form.locator("#w_phase").select_option(phase)
    form.locator("#w_group").select_option(group)
    form.locator("#w_opens").fill(opens)
    form.locator("#w_closes").fill(closes)
    form.locator("button[type=submit]").click()
    page.wait_for_selector("[data-testid=waves]")


def test_plan_run_and_evaluate_a_campaign(live_server: Any, browser: Any, tmp_path: Path) -> None:
    make_cast()
    create_staff(
        actor=Actor.system(),
        username="communicator",
        password=PASSWORD,
        agency="SKV",
        centres=[],
        roles=["communicator"],
    )
    base = live_server.url
    page = log_in(browser, base, "communicator")

    campaign = plan_campaign(page, base)
    log_activity(page, "2025-03-04", "300", "80")
    log_activity(page, "2025-04-10", "150", "35")
    assert page.locator("[data-testid=activities] tbody tr").count() == 2

    page.fill("#s_title", "Rights before and after")
    page.click("form[action$='/surveys/'] button[type=submit]")
    page.wait_for_selector("[data-testid=question-form]")
    add_question(
        page,
        "knows_rights",
        "single",
        "Vet du att du har rätt till ett skriftligt avtal?",
        "yes,no",
        "Ja|Nej",
    )
    add_question(page, "would_report", "likert", "Jag skulle tipsa myndigheterna.", "", "")
    for phase, opens, closes in (
        ("before", "2025-02-01", "2025-02-21"),
        ("after", "2025-06-02", "2025-06-22"),
    ):
        for group in ("campaign", "comparison"):
            open_wave(page, phase, group, opens, closes)
    assert page.locator("[data-testid=waves] tbody tr").count() == 4
    assert "frozen" in page.locator("#questions").inner_text()

    page.set_input_files("#i_file", str(panel_file(tmp_path)))
    page.click("[data-testid=import-form] button[type=submit]")
    page.wait_for_selector("[data-testid=imported]")
    assert "640" in page.locator("[data-testid=imported]").inner_text()

    page.goto(f"{base}/en/campaigns/{campaign}/evaluation/")
    assert page.locator("[data-testid=leaflets]").inner_text() == "450"
    assert page.locator("[data-testid=people]").inner_text() == "115"
    knows = page.locator("[data-testid='item-knows_rights=yes']")
    did = knows.locator("[data-testid=did]").inner_text()
    assert "95 % CI" in did
    assert "pp" in did
    assert re.search(r"p (=|<) 0\.\d{3}", knows.inner_text())
    assert page.locator("[data-testid=controls]").is_visible()

    with page.expect_download() as download:
        page.click("[data-testid=pdf-link]")
    path = download.value.path()
    pdf = Path(path).read_bytes()
    assert pdf.startswith(b"%PDF")
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert NAME in " ".join(text.split())
    assert not CSP_VIOLATIONS, CSP_VIOLATIONS


def test_the_public_survey_in_arabic_and_polish(
    live_server: Any, browser: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from akrim.campaigns import surveys
    from akrim.campaigns.services import plan_campaign as plan_service

    monkeypatch.setattr(surveys, "MIN_FILL_SECONDS", 0)  # the browser answers in a second
    from tests.campaigns.conftest import make_survey, plan

    make_cast()
    admin = Actor.system()
    campaign = plan_service(actor=admin, plan=plan())
    made = make_survey(admin, campaign)
    wave: Wave = made.open_wave
    base = live_server.url

    for lang, direction, text in (("ar", "rtl", "هل تعلم؟"), ("pl", "ltr", "Do you know?")):
        context = browser.new_context(locale="en-GB")
        page = context.new_page()
        page.on(
            "console",
            lambda m: (
                CSP_VIOLATIONS.append(m.text) if "Content Security Policy" in m.text else None
            ),
        )
        page.goto(f"{base}/{lang}/survey/{wave.token}/")
        assert page.evaluate("document.documentElement.dir") == direction
        assert page.evaluate("document.documentElement.lang") == lang
        knows = page.locator("[data-testid=question-knows]")
        assert text in knows.inner_text()
        # the required question left out: refused, with the error shown in the form
        page.click("[data-testid=survey-form] button[type=submit]")
        page.evaluate("document.querySelector('[data-testid=survey-form]').noValidate = true")
        page.click("[data-testid=survey-form] button[type=submit]")
        page.wait_for_selector("p.error[role=alert]")
        assert page.evaluate("document.documentElement.dir") == direction
        page.locator("[data-testid=question-knows] input[value=yes]").check()
        page.locator("[data-testid=question-agree] input[value='4']").check()
        page.locator("[data-testid=question-where] input[value=radio]").check()
        page.locator("[data-testid=question-hours] input").fill("38")
        page.locator("[data-testid=question-note] textarea").fill("شكرا" if lang == "ar" else "ok")
        page.click("[data-testid=survey-form] button[type=submit]")
        page.wait_for_selector("[data-testid=message]")
        assert page.evaluate("document.documentElement.dir") == direction
        assert context.cookies() == []
        context.close()

    stored = list(Response.objects.filter(wave=wave).order_by("pk"))
    assert [r.language for r in stored] == ["ar", "pl"]
    assert not CSP_VIOLATIONS, CSP_VIOLATIONS
