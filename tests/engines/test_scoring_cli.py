"""``akrim targeting rank``: the CSV contract, the model card, and refusing a broken extract."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest

from akrim.cli import main
from akrim.engines.exchange import ExtractInvalid, read_extract
from akrim.engines.scoring import compute_features


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
