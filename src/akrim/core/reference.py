"""Labels for codes from the shipped reference data (SNI industries, municipalities).

Pure lookups from CSV files in ``akrim.reference``, read once and cached.
"""

from __future__ import annotations

import csv
from functools import lru_cache
from importlib import resources


def reference_rows(name: str) -> list[dict[str, str]]:
    """The rows of one shipped reference CSV (``akrim/reference/NAME``)."""
    text = resources.files("akrim.reference").joinpath(name).read_text(encoding="utf-8")
    return list(csv.DictReader(text.splitlines()))


@lru_cache(maxsize=1)
def _sni() -> dict[str, dict[str, str]]:
    return {row["code"]: row for row in reference_rows("sni.csv")}


@lru_cache(maxsize=1)
def _municipalities() -> dict[str, str]:
    return {
        row["municipality_code"]: row["municipality"]
        for row in reference_rows("municipalities.csv")
    }


def sni_label(code: str, language: str = "sv") -> str:
    """The industry's name in Swedish or English, or the bare code when it is not listed."""
    row = _sni().get(code)
    if row is None:
        return code
    return row["label_en"] if language.startswith("en") else row["label_sv"]


def municipality_name(code: str) -> str:
    return _municipalities().get(code, code)
