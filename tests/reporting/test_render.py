# ruff: noqa: S603, S607  (fixed poppler-utils commands on a temporary file)
"""The PDF renders: page 1 and a chart page converted to PNG (pdftoppm) are not blank, and
the text holds Swedish characters (pdftotext). Needs Debian's poppler-utils."""

from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path

import pytest
from PIL import Image

from akrim.core.actor import Actor, Purpose
from akrim.reporting.build import build
from tests.reporting.conftest import World, carried_out

pytestmark = [pytest.mark.django_db, pytest.mark.e2e]


def _png(pdf: Path, page: int, out: Path) -> Image.Image:
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            "50",
            "-f",
            str(page),
            "-l",
            str(page),
            "-singlefile",
            str(pdf),
            str(out),
        ],
        check=True,
    )
    return Image.open(f"{out}.png").convert("L")


def _ink(image: Image.Image) -> float:
    """The share of pixels that are not white."""
    histogram = image.histogram()
    return 1 - sum(histogram[250:]) / sum(histogram)


def test_pdf_pages_are_not_blank_and_speak_swedish(world: World, tmp_path: Path) -> None:
    carried_out(world, "2025-05-06")
    carried_out(world, "2025-06-06")
    built = build(
        actor=Actor.system(purpose=Purpose.STATISTICS),
        kind="annual",
        period="2025",
        cutoff=dt.date(2026, 1, 31),
        narratives={"centres": "Samverkan på centrumen i Göteborg och Västerås."},
    )
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(built.pdf())
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    for letters in ("å", "ä", "ö", "Å", "Ö"):
        assert letters in text
    assert "Innehåll" in text
    assert "Sida 2 av" in text
    pages = text.split("\f")
    chart_page = next(
        i
        for i, p in enumerate(pages, start=1)
        if "per månad" in p or "per year" in p or ("Myndighetsgemensamma kontroller" in p and i > 2)
    )
    assert _ink(_png(pdf, 1, tmp_path / "p1")) > 0.002
    assert _ink(_png(pdf, chart_page, tmp_path / "chart")) > 0.01
