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


# SNI 2007 sections (the same as NACE Rev. 2): section -> (first division, last division,
# Swedish name, English name).
SNI_SECTIONS: dict[str, tuple[int, int, str, str]] = {
    "A": (1, 3, "Jordbruk, skogsbruk och fiske", "Agriculture, forestry and fishing"),
    "B": (5, 9, "Utvinning av mineral", "Mining and quarrying"),
    "C": (10, 33, "Tillverkning", "Manufacturing"),
    "D": (35, 35, "Försörjning av el, gas, värme och kyla", "Electricity, gas, steam"),
    "E": (36, 39, "Vattenförsörjning, avfallshantering", "Water supply, waste management"),
    "F": (41, 43, "Byggverksamhet", "Construction"),
    "G": (45, 47, "Handel; reparation av motorfordon", "Trade; repair of motor vehicles"),
    "H": (49, 53, "Transport och magasinering", "Transportation and storage"),
    "I": (55, 56, "Hotell- och restaurangverksamhet", "Accommodation and food service"),
    "J": (58, 63, "Informations- och kommunikationsverksamhet", "Information and communication"),
    "K": (64, 66, "Finans- och försäkringsverksamhet", "Financial and insurance activities"),
    "L": (68, 68, "Fastighetsverksamhet", "Real estate activities"),
    "M": (
        69,
        75,
        "Verksamhet inom juridik, ekonomi, vetenskap och teknik",
        "Professional, scientific and technical activities",
    ),
    "N": (
        77,
        82,
        "Uthyrning, fastighetsservice, resetjänster och andra stödtjänster",
        "Administrative and support service activities",
    ),
    "O": (84, 84, "Offentlig förvaltning och försvar", "Public administration and defence"),
    "P": (85, 85, "Utbildning", "Education"),
    "Q": (86, 88, "Vård och omsorg; sociala tjänster", "Human health and social work"),
    "R": (90, 93, "Kultur, nöje och fritid", "Arts, entertainment and recreation"),
    "S": (94, 96, "Annan serviceverksamhet", "Other service activities"),
    "T": (97, 98, "Förvärvsarbete i hushåll", "Activities of households as employers"),
    "U": (
        99,
        99,
        "Verksamhet vid internationella organisationer",
        "Extraterritorial organisations",
    ),
}


def sni_section(code: str) -> str:
    """The section letter (A–U) of an SNI code by its first two digits, or "" when the
    code is not an SNI code."""
    if len(code) < 2 or not code[:2].isdigit():
        return ""
    division = int(code[:2])
    for section, (first, last, _sv, _en) in SNI_SECTIONS.items():
        if first <= division <= last:
            return section
    return ""


def sni_section_label(section: str, language: str = "sv") -> str:
    row = SNI_SECTIONS.get(section)
    if row is None:
        return section or "–"
    return row[3] if language.startswith("en") else row[2]
