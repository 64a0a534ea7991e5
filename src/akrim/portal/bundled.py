"""The content shipped with akrim: ``portal/content/<code>.json``, one file per language.

Format (written by the content writers): ``{"language", "ui": {key: text},
"pages": {slug: {"title", "summary", "body"}}}``. Read-only here; seeding copies it into
the database (``akrim.portal.services.seed_content``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

CONTENT_DIR = Path(__file__).resolve().parent / "content"
DEFAULT_LANGUAGE = "en"


@dataclass(frozen=True)
class PageText:
    title: str
    summary: str
    body: str


@dataclass(frozen=True)
class Bundle:
    language: str
    ui: dict[str, str]
    pages: dict[str, PageText]  # in the file's order


_cache: dict[Path, tuple[float, Bundle | None]] = {}


def bundle(code: str, directory: Path = CONTENT_DIR) -> Bundle | None:
    """The shipped content of one language, or None when there is no (valid) file yet."""
    path = directory / f"{code}.json"
    try:
        mtime = path.stat().st_mtime
    except OSError:
        return None
    cached = _cache.get(path)
    if cached is not None and cached[0] == mtime:
        return cached[1]
    result = _read(path, code)
    _cache[path] = (mtime, result)
    return result


def _read(path: Path, code: str) -> Bundle | None:
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(raw, dict) or raw.get("language") != code:
        return None
    ui = raw.get("ui") or {}
    pages = raw.get("pages") or {}
    if not isinstance(ui, dict) or not isinstance(pages, dict):
        return None
    return Bundle(
        language=code,
        ui={str(k): str(v) for k, v in ui.items() if isinstance(v, str)},
        pages={
            str(slug): PageText(
                title=str(p.get("title", "")),
                summary=str(p.get("summary", "")),
                body=str(p.get("body", "")),
            )
            for slug, p in pages.items()
            if isinstance(p, dict)
        },
    )


def available(directory: Path = CONTENT_DIR) -> list[str]:
    """Language codes with a content file, sorted."""
    return sorted(p.stem for p in directory.glob("*.json"))
