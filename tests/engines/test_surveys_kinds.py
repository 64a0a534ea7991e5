"""A question's kind, when the caller knows it, decides share or mean — not the data."""

from __future__ import annotations

import polars as pl

from akrim.engines.surveys import Kind, analyse


def _frame() -> pl.DataFrame:
    rows = [
        (w, g, 1.0, float(i % 2))
        for w in ("before", "after")
        for g in ("campaign", "comparison")
        for i in range(40)
    ]
    return pl.DataFrame(rows, schema=["wave", "group", "weight", "hours"], orient="row")


def test_a_number_question_answered_only_with_0_and_1_is_a_mean_when_said_so() -> None:
    frame = _frame()
    guessed = analyse(frame, ["hours"], weighted=False).questions[0]
    told = analyse(frame, ["hours"], weighted=False, kinds={"hours": Kind.MEAN}).questions[0]
    assert guessed.kind == Kind.PROPORTION  # the command line's contract: 0/1 is yes/no
    assert told.kind == Kind.MEAN
    assert told.cells[0].result.estimate == guessed.cells[0].result.estimate  # same number
