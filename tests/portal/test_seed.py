"""Seeding the shipped content: idempotent, awaiting review, never over staff's work."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.core.management import call_command

from akrim.audit.models import AuditEntry
from akrim.cli import main
from akrim.core.actor import Actor
from akrim.core.errors import Forbidden
from akrim.portal import bundled, services
from akrim.portal.models import Kind, Page, PageVersion, Status, UiText
from akrim.portal.services import SeedResult, seed_content
from tests.cast import Cast

SLUGS = [
    "pay-and-hours",
    "safety",
    "work-permits",
    "housing",
    "staff-ledger",
    "controls",
    "get-help",
    "campaign-know-your-rights",
]


def test_seed_loads_every_shipped_language_awaiting_review(seeded: SeedResult) -> None:
    assert "en" in seeded.languages
    assert list(Page.objects.values_list("slug", flat=True)) == SLUGS
    assert Page.objects.get(slug="campaign-know-your-rights").kind == Kind.CAMPAIGN
    assert Page.objects.get(slug="safety").kind == Kind.INFO
    for code in seeded.languages:
        assert PageVersion.objects.filter(language=code).count() == len(SLUGS), code
    assert set(PageVersion.objects.values_list("status", flat=True)) == {Status.AWAITING_REVIEW}
    assert set(UiText.objects.values_list("status", flat=True)) == {Status.AWAITING_REVIEW}
    english = bundled.bundle("en")
    assert english is not None
    assert UiText.objects.filter(language="en").count() == len(english.ui)
    assert AuditEntry.objects.filter(action="portal.content_seeded").count() == 1


def test_seed_twice_adds_nothing(seeded: SeedResult) -> None:
    versions, texts = PageVersion.objects.count(), UiText.objects.count()
    again = seed_content(actor=Actor.system())
    assert (again.pages_created, again.page_versions_created, again.ui_texts_created) == (0, 0, 0)
    assert (PageVersion.objects.count(), UiText.objects.count()) == (versions, texts)
    assert AuditEntry.objects.filter(action="portal.content_seeded").count() == 1


def test_seed_never_overwrites_what_staff_edited_or_reviewed(
    seeded: SeedResult, communicators: Cast, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    editor = communicators.actor("skv_communicator")
    reviewer = communicators.actor("skv_reviewer")
    services.save_page_version(
        actor=editor,
        slug="safety",
        language="en",
        title="Edited by staff",
        summary="",
        body="Staff text.",
        status="awaiting_review",
    )
    seeded_housing = PageVersion.objects.get(page__slug="housing", language="en")
    services.review_page_version(actor=reviewer, version_id=seeded_housing.pk)
    # The content writers change the English file: every text differs now.
    english = json.loads((bundled.CONTENT_DIR / "en.json").read_text(encoding="utf-8"))
    for page in english["pages"].values():
        page["body"] += "\n\nNew sentence."
    (tmp_path / "en.json").write_text(json.dumps(english, ensure_ascii=False), encoding="utf-8")
    monkeypatch.setattr(bundled, "CONTENT_DIR", tmp_path)
    monkeypatch.setattr(bundled.bundle, "__defaults__", (tmp_path,))
    monkeypatch.setattr(bundled.available, "__defaults__", (tmp_path,))
    result = seed_content(actor=Actor.system())
    assert result.page_versions_created == len(SLUGS) - 2
    assert result.kept_staff_versions == 2
    safety = PageVersion.objects.filter(page__slug="safety", language="en").order_by("-number")
    assert next(v.title for v in safety) == "Edited by staff"
    housing = PageVersion.objects.filter(page__slug="housing", language="en")
    assert housing.count() == 1
    assert housing.get().status == Status.REVIEWED
    pay = PageVersion.objects.filter(page__slug="pay-and-hours", language="en").order_by("-number")
    assert pay[0].number == 2
    assert pay[0].body.endswith("New sentence.")
    assert pay[1].number == 1
    assert not pay[1].body.endswith("New sentence.")


def test_a_saved_version_cannot_be_changed(seeded: SeedResult) -> None:
    version = PageVersion.objects.filter(language="en").first()
    assert version is not None
    version.body = "rewritten"
    with pytest.raises(ValueError, match="never changes"):
        version.save()
    with pytest.raises(ValueError, match="never changes"):
        version.save(update_fields=["body"])


def test_staff_without_the_communicator_role_cannot_seed(cast: Cast) -> None:
    with pytest.raises(Forbidden):
        seed_content(actor=cast.actor("skv_inspector"))
    assert not PageVersion.objects.exists()


def test_ui_texts_fall_back_to_english_for_missing_keys(
    seeded: SeedResult, communicators: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    services.save_ui_text(
        actor=communicators.actor("skv_communicator"),
        language="ti",
        key="site_name",
        text="Tigrinya site name (test)",
        status="awaiting_review",
    )
    UiText.objects.filter(language="ti", key="tip_submit").delete()
    real = bundled.bundle
    monkeypatch.setattr(bundled, "bundle", lambda code: real(code) if code == "en" else None)
    english = services.ui_texts("en")
    tigrinya = services.ui_texts("ti")
    assert set(tigrinya) == set(english)
    assert tigrinya["site_name"] == "Tigrinya site name (test)"
    assert tigrinya["tip_submit"] == english["tip_submit"]


def test_drafts_are_not_shown_to_the_public(seeded: SeedResult, communicators: Cast) -> None:
    services.save_ui_text(
        actor=communicators.actor("skv_communicator"),
        language="en",
        key="site_name",
        text="Draft name",
        status="draft",
    )
    assert services.ui_texts("en")["site_name"] != "Draft name"


@pytest.mark.django_db
def test_the_command_line_seeds(capsys: pytest.CaptureFixture[str]) -> None:
    call_command("migrate", verbosity=0)
    assert main(["portal", "seed"]) == 0
    assert "pages" in capsys.readouterr().out
    assert PageVersion.objects.filter(language="en").count() == len(SLUGS)
