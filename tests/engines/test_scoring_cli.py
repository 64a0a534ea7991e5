"""``akrim targeting rank``: the CSV contract, the model card, and refusing a broken extract."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest

from akrim.cli import main
from akrim.engines.exchange import ExtractInvalid, read_extract
from akrim.engines.scoring import INDICATORS, Model, compute_features
from akrim.engines.scoring.indicators import BY_CODE


def read_ranking(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(encoding="utf-8", newline="") as stream:
        reader = csv.DictReader(stream)
        return list(reader.fieldnames or []), list(reader)


def test_rank_writes_the_contract_csv_and_the_model_card_beside_it(
    small_world: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "lists" / "ranking.csv"

    assert main(["targeting", "rank", "--data", str(small_world), "--out", str(out)]) == 0

    header, rows = read_ranking(out)
    assert header == ["workplace_id", "score", "reasons"]
    features = compute_features(read_extract(small_world).tables)
    assert sorted(row["workplace_id"] for row in rows) == features["workplace_id"].to_list()
    scores = [float(row["score"]) for row in rows]
    assert scores == sorted(scores, reverse=True)
    assert all(0.0 <= value <= 1.0 for value in scores)
    assert all(row["reasons"] for row in rows[:10])
    card = (tmp_path / "lists" / "ranking.model-card.md").read_text(encoding="utf-8")
    assert card.startswith("# Model card")
    assert "## Indicators and weights" in card
    assert "## Limits" in card
    assert "ranked" in capsys.readouterr().out


def test_rank_top_n_writes_only_the_highest(small_world: Path, tmp_path: Path) -> None:
    full, top = tmp_path / "all.csv", tmp_path / "top.csv"
    assert main(["targeting", "rank", "--data", str(small_world), "--out", str(full)]) == 0
    args = ["targeting", "rank", "--data", str(small_world), "--out", str(top), "--top", "5"]
    assert main(args) == 0

    assert read_ranking(top)[1] == read_ranking(full)[1][:5]
    assert (tmp_path / "top.model-card.md").exists()
    assert main([*args[:-1], "0"]) == 2


def test_rank_refuses_a_broken_extract_with_the_importers_messages(
    small_world: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = tmp_path / "broken"
    shutil.copytree(small_world, broken)
    companies = broken / "companies.csv"
    lines = companies.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[1] = "12345," + lines[1].split(",", 1)[1]  # not an organisation number
    companies.write_text("".join(lines), encoding="utf-8")
    (broken / "workplaces.csv").unlink()
    out = tmp_path / "never.csv"

    assert main(["targeting", "rank", "--data", str(broken), "--out", str(out)]) == 1

    with pytest.raises(ExtractInvalid) as refused:
        read_extract(broken)
    err = capsys.readouterr().err
    assert (
        f"akrim targeting rank: The extract was refused: {refused.value.total} problem(s)." in err
    )
    for problem in refused.value.problems:
        assert f"  {problem}\n" in err
    assert "companies.csv, row 1, column org_no" in err
    assert "workplaces.csv: required table is missing" in err
    assert not out.exists()


def rank(world: Path, out: Path, *extra: str) -> int:
    return main(["targeting", "rank", "--data", str(world), "--out", str(out), *extra])


def test_a_saved_model_ranks_the_same_without_retraining(
    small_world: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    saved = tmp_path / "models" / "model.json"
    assert rank(small_world, tmp_path / "trained.csv", "--save-model", str(saved)) == 0
    stored = json.loads(saved.read_text(encoding="utf-8"))
    assert Model.from_json(stored).to_json() == stored
    capsys.readouterr()

    assert rank(small_world, tmp_path / "reused.csv", "--model", str(saved)) == 0

    assert f"stored in {saved} (not retrained)" in capsys.readouterr().out
    assert read_ranking(tmp_path / "reused.csv") == read_ranking(tmp_path / "trained.csv")


def test_a_stored_model_is_used_as_it_is(small_world: Path, tmp_path: Path) -> None:
    """A model that weighs only tips: every workplace without a tip scores the same, and the
    only reason given is the tip."""
    saved = tmp_path / "model.json"
    assert rank(small_world, tmp_path / "a.csv", "--save-model", str(saved)) == 0
    data = json.loads(saved.read_text(encoding="utf-8"))
    data["weights"] = {code: (2.0 if code == "tips" else 0.0) for code in data["weights"]}
    saved.write_text(json.dumps(data), encoding="utf-8")

    assert rank(small_world, tmp_path / "tips.csv", "--model", str(saved)) == 0

    rows = read_ranking(tmp_path / "tips.csv")[1]
    assert {row["reasons"] for row in rows} <= {"", BY_CODE["tips"].reason_en}
    untipped = {row["score"] for row in rows if not row["reasons"]}
    assert len(untipped) == 1
    assert json.loads(saved.read_text(encoding="utf-8")) == data  # --model never rewrites it


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "cannot read the model file"),
        ("{not json", "is not JSON"),
        ("[1, 2]", "does not hold a model"),
        ('{"weights": {}}', "does not hold a model"),
        ("UNKNOWN", "unknown indicator(s) nationality"),
        ("NAN", "not a number"),
    ],
)
def test_a_broken_model_file_is_refused_before_reading_the_extract(
    small_world: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    content: str | None,
    message: str,
) -> None:
    saved, path = tmp_path / "good.json", tmp_path / "model.json"
    assert rank(small_world, tmp_path / "a.csv", "--save-model", str(saved)) == 0
    good = json.loads(saved.read_text(encoding="utf-8"))
    if content == "UNKNOWN":
        good["indicators"].append("nationality")
        good["weights"]["nationality"] = 1.0
        content = json.dumps(good)
    elif content == "NAN":
        good["intercept"] = float("nan")
        content = json.dumps(good)
    if content is not None:
        path.write_text(content, encoding="utf-8")
    out = tmp_path / "never.csv"
    capsys.readouterr()

    assert rank(small_world, out, "--model", str(path)) == 1

    err = capsys.readouterr().err
    assert err.startswith("akrim targeting rank: ")
    assert message in err
    assert not out.exists()


def test_reasons_in_swedish_or_english(small_world: Path, tmp_path: Path) -> None:
    english, swedish = tmp_path / "en.csv", tmp_path / "sv.csv"
    assert rank(small_world, english) == 0
    assert rank(small_world, swedish, "--language", "sv") == 0

    header, en_rows = read_ranking(english)
    sv_header, sv_rows = read_ranking(swedish)
    assert sv_header == header == ["workplace_id", "score", "reasons"]
    assert [(r["workplace_id"], r["score"]) for r in sv_rows] == [
        (r["workplace_id"], r["score"]) for r in en_rows
    ]
    to_swedish = {i.reason_en: i.reason_sv for i in INDICATORS}
    for en_row, sv_row in zip(en_rows, sv_rows, strict=True):
        parts = [p for p in en_row["reasons"].split("; ") if p]
        assert sv_row["reasons"] == "; ".join(to_swedish[p] for p in parts)
    assert any(row["reasons"] for row in sv_rows)
    with pytest.raises(SystemExit) as wrong:
        rank(small_world, tmp_path / "de.csv", "--language", "de")
    assert wrong.value.code == 2
    assert not (tmp_path / "de.csv").exists()
