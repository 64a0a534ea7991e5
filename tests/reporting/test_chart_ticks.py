"""The y axis of a chart of counts has whole-number ticks (four gridlines)."""

from __future__ import annotations

import pytest

from akrim.reporting.charts import _nice_max


@pytest.mark.parametrize("value", [0, 1, 2, 3, 4, 5, 7, 9, 13, 38, 99, 361, 1234, 15000])
def test_the_top_of_the_axis_covers_the_value_and_divides_into_four(value: int) -> None:
    top = _nice_max(value)
    assert top >= max(value, 1)
    assert top % 4 == 0
    assert top <= max(8, 2.5 * value)  # not absurdly far above the largest bar
