"""The base context of every public portal page (portal, tips, campaigns).

``public_context(lang)`` gives what ``portal/public_base.html`` needs: ``lang``, ``dir``,
``ui`` (the interface texts), the language list for the picker and whether the interface
texts shown are still awaiting review.
"""

from __future__ import annotations

from typing import Any

from django.urls import NoReverseMatch, reverse

from akrim.core.i18n import portal_languages


def tip_url(lang: str) -> str:
    """The tip form's address (tips_public:form), as a plain path until tips provides it."""
    try:
        return reverse("tips_public:form", kwargs={"lang": lang})
    except NoReverseMatch:
        return f"/{lang}/tip/"


def public_context(lang: str) -> dict[str, Any]:
    """Context for templates extending ``portal/public_base.html`` in language ``lang``."""
    from akrim.portal.services import ui_awaiting_review, ui_texts

    languages = portal_languages()
    _english, native, direction = languages[lang]
    return {
        "lang": lang,
        "dir": direction,
        "ui": ui_texts(lang),
        "language_name": native,
        "portal_languages": [
            {"code": code, "native": name, "dir": way, "english": eng}
            for code, (eng, name, way) in languages.items()
        ],
        "awaiting_review": ui_awaiting_review(lang),
        "home_url": f"/{lang}/",
        "languages_url": f"/{lang}/languages/",
        "tip_url": tip_url(lang),
    }
