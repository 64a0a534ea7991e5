"""Text for CSV and XLSX cells that a spreadsheet will not run as a formula."""

from __future__ import annotations

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def defuse(text: str) -> str:
    """``text`` with a leading apostrophe when a spreadsheet would read it as a formula."""
    return "'" + text if text.startswith(FORMULA_START) else text
