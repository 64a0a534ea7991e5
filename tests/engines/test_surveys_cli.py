"""``akrim survey analyse``: the JSON contract, and refusing bad input with nothing written."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from akrim.cli import main
from akrim.engines.surveys import MAX_BYTES

HEADER = "wave,group,weight,trust,knows_rights\n"


def good_csv(rows_per_cell: int = 40) -> str:
    lines = [HEADER]
    for wave, bump in (("before", 0), ("after", 1)):
        for group in ("campaign", "comparison"):
            for i in range(rows_per_cell):
                lift = bump if group == "campaign" else 0
                knows = 1 if (i + 3 * lift) % 4 == 0 or (lift and i % 3 == 0) else 0
                lines.append(f"{wave},{group},{1 + i % 3},{(i % 5) + lift},{knows}\n")
    return "".join(lines)


def run(tmp_path: Path, text: str | bytes) -> tuple[int, Path]:
    source = tmp_path / "responses.csv"
    if isinstance(text, bytes):
        source.write_bytes(text)
    else:
        source.write_text(text, encoding="utf-8")
    out = tmp_path / "out" / "analysis.json"
    code = main(["survey", "analyse", "--responses", str(source), "--out", str(out)])
    return code, out


def test_analyse_writes_the_contract_json(tmp_path: Path) -> None:
    code, out = run(tmp_path, good_csv())

    assert code == 0
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert doc["weighted"] is True
    assert doc["responses"] == 160
    assert doc["method"]["confidence"] == 0.95
    assert set(doc["questions"]) == {"trust", "knows_rights"}
    assert doc["questions"]["knows_rights"]["kind"] == "proportion"
    trust = doc["questions"]["trust"]
    assert trust["kind"] == "mean"
    for wave in ("before", "after"):
        for group in ("campaign", "comparison"):
            cell = trust["estimates"][wave][group]
            assert cell["responses"] == 40
            assert cell["ci_low"] < cell["estimate"] < cell["ci_high"]
            assert cell["too_small"] is None
    for group in ("campaign", "comparison"):
        change = trust["change"][group]
        assert change["ci_low"] <= change["estimate"] <= change["ci_high"]
    did = trust["difference_in_differences"]
    assert did["estimate"] == pytest.approx(1.0)
    assert did["ci_low"] < 1.0 < did["ci_high"]
    assert 0.0 <= did["p_value"] <= 1.0
    assert doc["too_small"] == []


def test_analyse_states_too_small_cells_in_the_json(tmp_path: Path) -> None:
    code, out = run(tmp_path, good_csv(rows_per_cell=10))

    assert code == 0
    doc = json.loads(out.read_text(encoding="utf-8"))
    did = doc["questions"]["trust"]["difference_in_differences"]
    assert did["estimate"] is None
    assert did["too_small"]["code"] == "depends_on_too_small_cell"
    codes = {(s["question"], s["part"], s["code"]) for s in doc["too_small"]}
    assert ("trust", "estimate", "too_few_responses") in codes


def test_weight_column_is_optional_and_empty_answers_are_no_answer(tmp_path: Path) -> None:
    rows = [line.split(",") for line in good_csv().splitlines()[1:]]
    lines = ["wave,group,trust\n"] + [
        f"{wave},{group},{'' if i == 0 else trust}\n"
        for i, (wave, group, _weight, trust, _knows) in enumerate(rows)
    ]

    code, out = run(tmp_path, "".join(lines))

    assert code == 0
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert doc["weighted"] is False
    assert doc["questions"]["trust"]["estimates"]["before"]["campaign"]["responses"] == 39


BAD = [
    pytest.param("group,trust\ncampaign,1\n", "column 'wave' is missing", id="missing-column"),
    pytest.param(
        "wave,group,trust\nduring,campaign,1\n",
        "row 2, column 'wave': 'during'",
        id="unknown-wave",
    ),
    pytest.param(
        "wave,group,trust\nbefore,campaign,1\nafter,control,2\n",
        "row 3, column 'group': 'control'",
        id="unknown-group",
    ),
    pytest.param(
        "wave,group,trust\nbefore,campaign,1\nafter,campaign,yes\n",
        "row 3, column 'trust': 'yes' is not a number",
        id="non-numeric",
    ),
    pytest.param(
        "wave,group,weight,trust\nbefore,campaign,0,1\n",
        "row 2, column 'weight': '0' is not a positive number",
        id="zero-weight",
    ),
    pytest.param(
        "wave,group,weight,trust\nbefore,campaign,1,1\nafter,campaign,-2,1\n",
        "row 3, column 'weight': '-2' is not a positive number",
        id="negative-weight",
    ),
    pytest.param(
        "wave,group,weight,trust\nbefore,campaign,,1\n",
        "row 2, column 'weight': None is not a positive number",
        id="missing-weight",
    ),
    pytest.param(
        "wave,group,trust\nbefore,campaign,inf\n",
        "row 2, column 'trust': 'inf' is not a number",
        id="infinite",
    ),
    pytest.param("", "the file is empty", id="empty"),
    pytest.param("wave,group,trust\n", "a header but no responses", id="header-only"),
    pytest.param(
        "wave,group,Weight\nbefore,campaign,1\n",
        "column 'Weight': named like the reserved column 'weight'",
        id="reserved-name",
    ),
    pytest.param("wave,group\nbefore,campaign\n", "there is no question column", id="no-q"),
]


@pytest.mark.parametrize(("text", "message"), BAD)
def test_bad_input_is_refused_naming_row_and_column_and_nothing_is_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, message: str
) -> None:
    code, out = run(tmp_path, text)

    assert code == 1
    assert message in capsys.readouterr().err
    assert not out.exists()


def test_oversized_file_is_refused_before_reading(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "responses.csv"
    source.write_text(HEADER, encoding="utf-8")
    with source.open("r+b") as stream:
        stream.truncate(MAX_BYTES + 1)  # sparse: no 50 MB written
    out = tmp_path / "analysis.json"

    code = main(["survey", "analyse", "--responses", str(source), "--out", str(out)])

    assert code == 1
    assert "over the limit" in capsys.readouterr().err
    assert not out.exists()


def test_refusal_keeps_an_earlier_result_untouched(tmp_path: Path) -> None:
    code, out = run(tmp_path, good_csv())
    assert code == 0
    before = out.read_text(encoding="utf-8")

    code, _ = run(tmp_path, "wave,group,trust\nbefore,nowhere,1\n")

    assert code == 1
    assert out.read_text(encoding="utf-8") == before
