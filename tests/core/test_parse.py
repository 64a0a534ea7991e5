"""Typed form values: only ASCII digits are numbers; dates are 2025-05-06; and text that a
spreadsheet would run is defused."""

from __future__ import annotations

import datetime as dt

import pytest

from akrim.core.errors import InvalidInput
from akrim.core.parse import iso_date, whole_number
from akrim.core.spreadsheet import defuse


def test_whole_numbers() -> None:
    assert whole_number(" 42 ", "The number") == 42
    for bad in ["²", "١٢", "4 2", "-1", "", "1" * 10, "1.5"]:
        with pytest.raises(InvalidInput, match="The number must be a whole number"):
            whole_number(bad, "The number")
    assert whole_number("1" * 12, "The number", max_digits=12) == 111111111111
    # amounts as people write them: groups of digits apart
    assert whole_number("12 500", "The amount", grouped=True) == 12_500
    assert whole_number("1\u00a0000\u00a0000", "The amount", grouped=True) == 1_000_000
    for bad in ["12²", "1 ٢", "- 5", "1 000" + "0" * 9]:
        with pytest.raises(InvalidInput, match="The amount must be a whole number"):
            whole_number(bad, "The amount", grouped=True)


def test_dates() -> None:
    assert iso_date(" 2025-05-06 ", "The day") == dt.date(2025, 5, 6)
    for bad in ["2025-13-01", "06/05/2025", "2025-5-6", "", "<script>", "２０２５-05-06"]:
        with pytest.raises(InvalidInput, match="The day must be a date like 2025-05-06"):
            iso_date(bad, "The day")


@pytest.mark.parametrize("text", ["=1+1", "+46 8 123", "-x", "@SUM(A1)", "\tx", "\rx"])
def test_formulas_are_defused(text: str) -> None:
    assert defuse(text) == "'" + text


def test_plain_text_is_kept() -> None:
    assert defuse("Skatteverket") == "Skatteverket"
    assert defuse("") == ""
