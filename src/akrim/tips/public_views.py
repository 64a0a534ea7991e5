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

import io
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.files.uploadedfile import InMemoryUploadedFile
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from akrim.tips import codes, guards, intake, queries
from akrim.tips.intake import ATTACHMENT_MAX_MB, Errors, Outcome

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


# The only request headers the tip pages keep (an allow-list: a proxy's own client-address
# header, whatever it is called, goes with the rest).
KEPT_HEADERS = frozenset(
    {
        "HTTP_HOST",
        "HTTP_ACCEPT",
        "HTTP_ACCEPT_LANGUAGE",
        "HTTP_ACCEPT_ENCODING",
        "HTTP_CONTENT_TYPE",
        "HTTP_CONTENT_LENGTH",
        "HTTP_X_FORWARDED_PROTO",  # https behind the proxy (SECURE_PROXY_SSL_HEADER)
    }
)


def forget(request: HttpRequest) -> None:
    for key in CLIENT_KEYS:
        request.META.pop(key, None)
    for key in [k for k in request.META if k.startswith("HTTP_") and k not in KEPT_HEADERS]:
        del request.META[key]
    for key in [k for k in request.META if k.startswith(("gunicorn.", "uwsgi.", "mod_wsgi."))]:
        del request.META[key]  # server objects whose text names the client's socket


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


class MemoryUpload(FileUploadHandler):
    """Holds an upload in memory only — an anonymous sender's photo is never written to a
    temporary file on disk before its metadata is removed and it is encrypted — and stops
    reading it as soon as it passes the limit."""

    def __init__(self, request: HttpRequest, limit: int) -> None:
        super().__init__(request)
        self.limit = limit
        self.too_large = False
        self.buffer = io.BytesIO()

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self.buffer = io.BytesIO()

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        if start + len(raw_data) > self.limit:
            self.too_large = True
            raise StopUpload(connection_reset=False)
        self.buffer.write(raw_data)
        return None

    def file_complete(self, file_size: int) -> InMemoryUploadedFile:
        self.buffer.seek(0)
        return InMemoryUploadedFile(
            self.buffer,
            self.field_name,
            self.file_name,
            self.content_type,
            file_size,
            self.charset,
            self.content_type_extra,
        )


ATTACHMENT_BYTES = ATTACHMENT_MAX_MB * 1024 * 1024
MAX_BODY = ATTACHMENT_BYTES + 256 * 1024  # the form's text beside the largest file


def _guard_body(request: HttpRequest) -> MemoryUpload | None:
    """Before anything reads the POST: None when the body is larger than any valid form
    (it is then never parsed); else the upload handler, to ask whether a file was cut off."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return None
    if length > MAX_BODY:
        return None
    guard = MemoryUpload(request, ATTACHMENT_BYTES)
    request.upload_handlers = [guard]
    return guard


FILE_TOO_LARGE: dict[str, tuple[str, dict[str, Any]]] = {
    "attachment": ("error_file", {"max": ATTACHMENT_MAX_MB})
}


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
    guard = _guard_body(request)
    if guard is None:
        return _tip_form(request, lang, 413, errors=FILE_TOO_LARGE)
    if not guards.use_token(request.POST.get("token", ""), "tip").ok:
        return _tip_form(
            request,
            lang,
            400,
            values=request.POST,
            errors={"form": ("error_form_expired", {})},
        )
    guards.count(guards.SUBMISSIONS)  # every sending with a valid token, accepted or not
    if guard.too_large:
        return _tip_form(request, lang, 413, values=request.POST, errors=FILE_TOO_LARGE)
    try:
        received = intake.receive_tip(
            lang=lang, data=request.POST, upload=request.FILES.get("attachment")
        )
    except codes.Busy:  # nothing stored; the text stays in the form to send again
        return _tip_form(request, lang, 503, values=request.POST, throttled=True)
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
    if guards.adds_blocked():
        return _status_form(request, lang, 429, throttled=True)
    guard = _guard_body(request)
    if guard is None:
        return _status_form(request, lang, 413, errors={"form": FILE_TOO_LARGE["attachment"]})
    check = guards.use_token(request.POST.get("token", ""), "add")
    if not check.ok or not check.tip:
        return _status_form(request, lang, 400, errors={"form": ("error_form_expired", {})})
    guards.count(guards.ADDS)
    if guard.too_large:
        return _status_form(request, lang, 413, errors={"form": FILE_TOO_LARGE["attachment"]})
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
                # the same expiry as the token the code gave: an error does not extend it
                "add_token": guards.issue_token("add", tip=check.tip, issued=check.issued),
                "errors": errors,
                "body": request.POST.get("body", "")[:5000],
            },
            400,
        )
    return _page(request, lang, "tips/public_added.html", {})
