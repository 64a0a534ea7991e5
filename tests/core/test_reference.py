"""Reference labels for industry and municipality codes."""

from __future__ import annotations

import polars as pl

from akrim.core.reference import municipality_name, sni_label


def test_labels_in_both_languages_and_codes_for_unknowns() -> None:
    assert sni_label("56100", "en") == "Restaurants"
    assert sni_label("56100", "sv") == "Restaurangverksamhet"
    assert sni_label("99999", "en") == "99999"
    assert municipality_name("0180") == "Stockholm"
    assert municipality_name("9999") == "9999"


def test_every_industry_of_the_demo_world_has_a_label(small_world: object) -> None:
    from pathlib import Path

    assert isinstance(small_world, Path)
    codes = pl.read_csv(small_world / "companies.csv", infer_schema=False)["sni"].unique()
    unlabelled = [code for code in codes if sni_label(code, "en") == code]
    assert unlabelled == []
