"""The public tip pages: send a tip, get a receipt code, read answers, add information.

No cookies: these views neither read nor write a session and set no CSRF cookie; they are
``csrf_exempt`` because Django's CSRF check needs a cookie. Each POST is protected instead
by a signed, time-stamped, single-use form token (``akrim.tips.guards``): a page on another
site cannot read the token out of our form, so it cannot forge a POST, and a token works
once and only after a person could have filled in the form.

Nothing about the sender's connection is kept: ``forget_client`` removes the address and
browser headers from the request before the view runs, so no log line, audit entry or
error report made while handling it can contain them; error reports also leave out every
posted field (``sensitive_post_parameters``), so a receipt code never reaches one.
Receipt and status responses are ``Cache-Control: no-store``; the receipt code is in no
URL and never logged.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from akrim.tips import guards, intake, queries
from akrim.tips.intake import Errors, Outcome

# Request headers that identify the sender's connection or device.
CLIENT_KEYS = (
    "REMOTE_ADDR",
    "REMOTE_HOST",
    "HTTP_USER_AGENT",
    "HTTP_X_FORWARDED_FOR",
    "HTTP_X_REAL_IP",
    "HTTP_FORWARDED",
    "HTTP_CLIENT_IP",
    "HTTP_TRUE_CLIENT_IP",
    "HTTP_CF_CONNECTING_IP",
    "HTTP_SEC_CH_UA",
    "HTTP_SEC_CH_UA_PLATFORM",
    "HTTP_SEC_CH_UA_MOBILE",
)


def forget(request: HttpRequest) -> None:
    for key in CLIENT_KEYS:
        request.META.pop(key, None)


def forget_client(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Drop the sender's address and browser from the request before anything else."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        forget(request)
        response = view(request, *args, **kwargs)
        response["Referrer-Policy"] = "no-referrer"
        return response

    return wrapper


def _page(
    request: HttpRequest, lang: str, template: str, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    from akrim.portal.public import public_context

    page = public_context(lang)
    ui = page["ui"]
    errors: Errors = context.pop("errors", {})
    page["errors"] = {
        name: ui.get(key, key).replace("{max}", str(params.get("max", "")))
        for name, (key, params) in errors.items()
    }
    page["attachment_help"] = ui.get("tip_attachment_help", "").replace(
        "{max}", str(intake.ATTACHMENT_MAX_MB)
    )
    page.update(context)
    return render(request, template, page, status=status)


def _tip_form(request: HttpRequest, lang: str, status: int = 200, **extra: Any) -> HttpResponse:
    context = {
        "token": guards.issue_token("tip"),
        "municipalities": queries.municipalities(),
        "values": {},
        **extra,
    }
    return _page(request, lang, "tips/public_form.html", context, status)


@csrf_exempt
@forget_client
@sensitive_post_parameters()  # error reports show no field: not the code, not the tip
@never_cache
@require_http_methods(["GET", "POST"])
def tip_form(request: HttpRequest, lang: str) -> HttpResponse:
    """The tip form (GET); sending it (POST) shows the receipt code, once."""
    if request.method == "GET":
        return _tip_form(request, lang)
    if guards.submissions_blocked():
        return _tip_form(request, lang, 429, throttled=True)
    if not guards.use_token(request.POST.get("token", ""), "tip").ok:
        return _tip_form(
            request,
            lang,
            400,
            values=request.POST,
            errors={"form": ("error_form_expired", {})},
        )
    guards.count(guards.SUBMISSIONS)  # every sending with a valid token, accepted or not
    received = intake.receive_tip(
        lang=lang, data=request.POST, upload=request.FILES.get("attachment")
    )
    if received.code is None:
        return _tip_form(request, lang, 400, values=received.values, errors=received.errors)
    return _page(request, lang, "tips/public_receipt.html", {"code": received.code.grouped})


def _status_form(request: HttpRequest, lang: str, status: int = 200, **extra: Any) -> HttpResponse:
    return _page(
        request,
        lang,
        "tips/public_status.html",
        {"token": guards.issue_token("status"), **extra},
        status,
    )


@csrf_exempt
@forget_client
@sensitive_post_parameters()
@never_cache
@require_http_methods(["GET", "POST"])
def status(request: HttpRequest, lang: str) -> HttpResponse:
    """Enter the receipt code (GET); with the right code (POST) read the messages and get a
    form to add information, bound to this tip for a while."""
    if request.method == "GET":
        return _status_form(request, lang)
    if guards.lookups_blocked():
        return _status_form(request, lang, 429, throttled=True)
    if not guards.use_token(request.POST.get("token", ""), "status").ok:
        return _status_form(request, lang, 400, errors={"form": ("error_form_expired", {})})
    found = intake.look_up(request.POST.get("code", ""))
    if found.outcome is Outcome.THROTTLED:
        return _status_form(request, lang, 429, throttled=True)
    if found.outcome is Outcome.WRONG or found.tip is None:
        return _status_form(request, lang, 400, wrong=True)
    return _page(
        request,
        lang,
        "tips/public_messages.html",
        {
            "messages_shown": intake.messages_for_sender(found.tip),
            "add_token": guards.issue_token("add", tip=found.tip.lookup_id),
        },
    )


@csrf_exempt
@forget_client
@sensitive_post_parameters()
@never_cache
@require_http_methods(["POST"])
def add(request: HttpRequest, lang: str) -> HttpResponse:
    """Add information to the tip the token was issued for (after its code was given)."""
    check = guards.use_token(request.POST.get("token", ""), "add")
    if not check.ok or not check.tip:
        return _status_form(request, lang, 400, errors={"form": ("error_form_expired", {})})
    errors = intake.add_information(
        lookup_id=check.tip, data=request.POST, upload=request.FILES.get("attachment")
    )
    if errors:
        return _page(
            request,
            lang,
            "tips/public_messages.html",
            {
                "messages_shown": [],
                "add_token": guards.issue_token("add", tip=check.tip),
                "errors": errors,
                "body": request.POST.get("body", "")[:5000],
            },
            400,
        )
    return _page(request, lang, "tips/public_added.html", {})
