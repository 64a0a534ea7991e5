"""Compile the translation catalogues (.po → .mo) without GNU gettext.

``python -m akrim.core.i18n`` is run by ``make`` at install time, so compiled catalogues
are never committed.
"""

from __future__ import annotations

import sys
from pathlib import Path

import polib

LOCALE_DIR = Path(__file__).resolve().parents[1] / "locale"


def sv_or_en(swedish: str, english: str) -> str:
    """Of a value kept in both staff languages, the one of the active language."""
    from django.utils.translation import get_language

    return swedish if (get_language() or "sv").startswith("sv") else english


def portal_languages() -> dict[str, tuple[str, str, str]]:
    """The portal's languages: code → (English name, name in itself, "ltr" or "rtl")."""
    from django.conf import settings

    languages = settings.PORTAL_LANGUAGES
    return {code: (english, native, way) for code, english, native, way in languages}


class PortalLanguageConverter:
    """URL converter matching exactly the portal's language codes (``/pl/``, ``/ar/`` ...)."""

    regex = "[a-z]{2}"

    def to_python(self, value: str) -> str:
        if value not in portal_languages():
            raise ValueError(value)
        return value

    def to_url(self, value: str) -> str:
        return value


def compile_catalogues(locale_dir: Path = LOCALE_DIR) -> list[Path]:
    written = []
    for po_path in sorted(locale_dir.glob("*/LC_MESSAGES/*.po")):
        mo_path = po_path.with_suffix(".mo")
        polib.pofile(str(po_path)).save_as_mofile(str(mo_path))
        written.append(mo_path)
    return written


if __name__ == "__main__":
    for path in compile_catalogues():
        print(f"compiled {path}", file=sys.stderr)
