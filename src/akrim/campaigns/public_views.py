"""The public survey form (no login, no cookies, nothing about the respondent).

The view never touches the session or Django's CSRF token, so no cookie is set and no IP
address or user agent is read or stored.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from akrim.campaigns import surveys
from akrim.campaigns.models import Wave
from akrim.core.errors import Conflict, NotFound
from akrim.portal.public import public_context

MAX_VALUES = 20  # per field: more than any question has options


def _form(
    request: HttpRequest,
    lang: str,
    wave: Wave,
    *,
    errors: dict[int, str] | None = None,
    sent: dict[str, list[str]] | None = None,
    notice: str = "",
    status: int = 200,
) -> HttpResponse:
    context = public_context(lang)
    ui = context["ui"]
    texts = {
        qid: ui.get(key, key).replace("{max}", str(surveys.MAX_TEXT_ANSWER))
        for qid, key in (errors or {}).items()
    }
    context.update(
        {
            "wave": wave,
            "questions": surveys.shown_questions(wave, lang, texts, sent),
            "form_token": surveys.form_token(wave),
            "notice": ui.get(notice, notice) if notice else "",
            "has_errors": bool(errors),
        }
    )
    return render(request, "campaigns/public/survey.html", context, status=status)


def _page(request: HttpRequest, lang: str, key: str, status: int) -> HttpResponse:
    context = public_context(lang)
    context["message"] = context["ui"].get(key, key)
    return render(request, "campaigns/public/message.html", context, status=status)


# The portal sets no cookies, so the CSRF cookie cannot be used here. The form carries a
# signed, expiring, single-use token instead (see akrim.campaigns.surveys): a post without
# a valid one is refused. The form changes nothing but adds an anonymous response.
@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def survey(request: HttpRequest, lang: str, token: str) -> HttpResponse:
    try:
        wave = surveys.wave_by_token(token)
    except NotFound:
        return render(request, "portal/not_found.html", public_context(lang), status=404)
    if not surveys.is_open(wave):
        return _page(request, lang, "survey_closed", 410 if request.method == "POST" else 200)
    if request.method != "POST":
        return _form(request, lang, wave)
    sent = {
        key: request.POST.getlist(key)[:MAX_VALUES]
        for key in list(request.POST.keys())[:200]
        if key.startswith("q")
    }
    try:
        surveys.submit_response(
            wave=wave, lang=lang, token=request.POST.get("form_token", ""), sent=sent
        )
    except surveys.FormExpired:
        return _form(request, lang, wave, notice="error_form_expired", status=400)
    except surveys.Throttled:
        return _form(request, lang, wave, notice="tip_throttled", sent=sent, status=429)
    except surveys.AnswersRefused as refused:
        return _form(request, lang, wave, errors=refused.errors, sent=sent, status=400)
    except Conflict:
        return _page(request, lang, "survey_closed", 410)
    return _page(request, lang, "survey_thanks", 200)
