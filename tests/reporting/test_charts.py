"""The SVG charts: accessible names, black-and-white marks, no style attribute, no script,
escaped labels, and None drawn as no bar."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from akrim.reporting.charts import bar_chart, line_chart

NS = "{http://www.w3.org/2000/svg}"


def test_bar_chart_is_accessible_and_black_and_white() -> None:
    svg = bar_chart(
        title="Controls <by> centre",
        desc="The same figures are in the table.",
        labels=["Stockholm", "Väst & Syd"],
        series=[("Controls", [10, None]), ("With a finding", [3, 1])],
        reference=("Target", 12),
    )
    root = ET.fromstring(svg)  # noqa: S314  (our own SVG: well-formed, labels escaped)
    assert root.get("role") == "img"
    title = root.find(f"{NS}title")
    assert title is not None
    assert title.text == "Controls <by> centre"
    assert root.find(f"{NS}desc") is not None
    assert " style=" not in svg
    assert "<script" not in svg
    assert "url(#" in svg  # the second series is hatched, not only another colour
    assert "stroke-dasharray" in svg  # the target line is dashed and labelled
    assert "Target: 12" in svg
    bars = [r for r in root.iter(f"{NS}rect") if r.get("stroke-width") == "0.5"]
    assert len(bars) == 3  # None draws no bar
    assert "–" in svg  # ...and says so in its label


def test_line_chart_series_differ_without_colour() -> None:
    svg = line_chart(
        title="Per month",
        desc="d",
        labels=[f"2025-{m:02d}" for m in range(1, 13)],
        series=[("Controls", list(range(12))), ("With a finding", [1] * 12)],
    )
    ET.fromstring(svg)  # noqa: S314  (our own SVG)
    dashes = re.findall(r'<polyline[^>]*?(stroke-dasharray="[^"]+")?/>', svg)
    assert len(dashes) == 2
    assert dashes[0] == ""  # solid
    assert dashes[1]  # dashed
    assert " style=" not in svg
