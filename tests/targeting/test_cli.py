"""``akrim targeting score`` and ``akrim targeting train`` on the registers in the database."""

from __future__ import annotations

import pytest

from akrim.cli import main
from akrim.targeting.models import ScoringModel, ScoringRun

pytestmark = pytest.mark.django_db


def test_score_scores_every_owner_and_says_what_it_did(
    imported: object, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["targeting", "score"]) == 0
    run = ScoringRun.objects.get()
    out = capsys.readouterr().out
    assert f"scored {run.workplaces} workplaces of SKV's registers: run {run.pk}" in out
    assert run.scores.count() == run.workplaces > 0
    assert main(["targeting", "score", "--owner", "skv"]) == 0
    assert ScoringRun.objects.count() == 2
    assert ScoringModel.objects.count() == 1


def test_score_refuses_an_owner_without_registers(
    imported: object, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["targeting", "score", "--owner", "POL"]) == 1
    assert "POL has no workplaces" in capsys.readouterr().err
    assert main(["targeting", "score", "--owner", "XX"]) == 1
    assert "Unknown agency XX" in capsys.readouterr().err
    assert not ScoringRun.objects.filter(status=ScoringRun.Status.DONE).exists()


def test_score_with_nothing_imported_exits_1(db: None, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["targeting", "score"]) == 1
    assert "no register holds workplaces" in capsys.readouterr().err


def test_train_prints_old_and_new_validation_side_by_side(
    imported: object, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["targeting", "train", "--owner", "SKV"]) == 0
    first = ScoringModel.objects.get()
    out = capsys.readouterr().out
    assert f"model {first.pk} for SKV" in out
    assert "active: yes" in out
    assert "old (none)" in out
    assert main(["targeting", "train", "--owner", "SKV", "--seed", "3"]) == 0
    second = ScoringModel.objects.exclude(pk=first.pk).get()
    out = capsys.readouterr().out
    assert f"old (model {first.pk})" in out
    assert f"new (model {second.pk})" in out
    assert "active: no" in out
    assert "--activate" in out
    for name, value in second.validation.items():
        line = next(x for x in out.splitlines() if x.strip().startswith(name + " "))
        assert f"{value:.4f}" in line
    assert main(["targeting", "train", "--owner", "SKV", "--activate"]) == 0
    assert ScoringModel.objects.filter(active=True).get().pk not in (first.pk, second.pk)


def test_train_usage_errors_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["targeting", "train"])
    assert exit_.value.code == 2
    assert "--owner" in capsys.readouterr().err
