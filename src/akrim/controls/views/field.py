"""Pages of joint controls: the work on site, made for a phone or tablet.

A hub per control lists what the actor's agency and (as the sharing rules allow) the
other agencies recorded, with big links to the forms: a person met with the ILO
indicators, the staff-ledger check per workplace, the agency's checklist, an
observation, a photo or document. Each POST calls one service; refused input renders the
form again with each message beside its field and every typed value kept (400; 409 when
the control's state refuses). The forms work without script; ``drafts.js`` keeps what
is typed in the browser and on the server (``field_draft``) so nothing is lost.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import URLPattern, path, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods, require_POST

from akrim.controls import fieldwork_queries as queries
from akrim.controls.models import (
    Control,
    IdDocument,
    Indicator,
    LedgerResult,
    PayPeriod,
    PersonMet,
    YesNoUnknown,
)
from akrim.controls.services import fieldwork as services
from akrim.core.actor import Actor
from akrim.core.errors import Conflict, DomainError, InvalidInput
from akrim.core.http import domain_errors_as_pages
from akrim.core.requests import actor_from_request

INDICATOR_PREFIX = "indicator_"


def _hub(control_id: int, saved: str = "") -> HttpResponseRedirect:
    url = reverse("controls:field", args=[control_id])
    return HttpResponseRedirect(f"{url}?saved={saved}" if saved else url)


def _errors(error: DomainError) -> dict[str, str]:
    """Field → message from a refused service call; ``form`` for the form as a whole
    (templates cannot read ``__all__``)."""
    if isinstance(error, InvalidInput) and isinstance(error.fields.get("errors"), dict):
        found = {str(k): str(v) for k, v in error.fields["errors"].items()}
    else:
        found = {str(error.fields.get("input") or "form"): error.message}
    if "__all__" in found:
        found["form"] = found.pop("__all__")
    return found


def _draft_context(actor: Actor, control_id: int, form: str, bound: bool) -> dict[str, Any]:
    """What the draft script needs, and the server's draft for prefilling a fresh form."""
    draft = queries.load_draft(actor=actor, control_id=control_id, form=form)
    return {
        "draft_form": form,
        "draft_key": f"akrim-draft/{actor.user_id}/{control_id}/{form}",
        "draft_at": queries.draft_moment(draft),
        "draft_bound": bound,
        "draft": None if bound or draft is None else draft.data,
    }


Details = Callable[[dict[str, str], dict[str, str]], dict[str, Any]]


def _form_page(
    request: HttpRequest,
    actor: Actor,
    control: Control,
    *,
    template: str,
    form: str,
    values: dict[str, str],
    error: DomainError | None = None,
    details: Details | None = None,
) -> HttpResponse:
    """Render a form: on a fresh page the server's draft fills in what was typed before;
    after a refusal the typed values stay and each message stands beside its field.
    ``details(values, errors)`` adds what the template needs beyond them."""
    bound = request.method == "POST"
    drafts = _draft_context(actor, control.pk, form, bound)
    if drafts["draft"]:
        values.update({k: v for k, v in drafts["draft"].items() if k in values})
    errors = _errors(error) if error is not None else {}
    context: dict[str, Any] = {"c": control, "values": values, "errors": errors, **drafts}
    if details is not None:
        context.update(details(values, errors))
    status = 200 if error is None else 409 if isinstance(error, Conflict) else 400
    return render(request, template, context, status=status)


# --- the hub ---------------------------------------------------------------------------


@login_required
@domain_errors_as_pages
def hub(request: HttpRequest, control_id: int) -> HttpResponse:
    actor = actor_from_request(request)
    overview = queries.field_overview(actor=actor, control_id=control_id)
    saved = request.GET.get("saved", "")
    return render(
        request,
        "controls/field.html",
        {
            "o": overview,
            "c": overview.control,
            "agency": actor.agency,
            "saved": saved if services.DRAFT_FORM.match(saved) else "",
            "draft_prefix": f"akrim-draft/{actor.user_id}/{control_id}/",
        },
    )


# --- people met ------------------------------------------------------------------------


def _person_values(request: HttpRequest) -> dict[str, str]:
    values = {name: request.POST.get(name, "") for name in queries.PERSON_FIELDS}
    for code in Indicator.values:
        values[INDICATOR_PREFIX + code] = "1" if request.POST.get(INDICATOR_PREFIX + code) else ""
    return values


def _facts(values: dict[str, str]) -> services.PersonFacts:
    return services.PersonFacts(
        name_as_written=values["name_as_written"],
        birth_date=values["birth_date"],
        stated_nationality=values["stated_nationality"],
        id_document=values["id_document"],
        id_document_no=values["id_document_no"],
        role=values["role"],
        stated_pay_sek=values["stated_pay_sek"],
        pay_period=values["pay_period"],
        stated_hours_per_week=values["stated_hours_per_week"],
        housing_by_employer=values["housing_by_employer"],
        workplace_id=values["workplace_id"],
        note=values["note"],
        indicators=[c for c in Indicator.values if values.get(INDICATOR_PREFIX + c)],
    )


def _blank_person(control: Control) -> dict[str, str]:
    workplaces = list(control.workplaces.all())
    values = dict.fromkeys(queries.PERSON_FIELDS, "")
    values.update(
        {
            "id_document": IdDocument.NONE,
            "pay_period": PayPeriod.UNKNOWN,
            "housing_by_employer": YesNoUnknown.UNKNOWN,
            "workplace_id": workplaces[0].workplace_id if len(workplaces) == 1 else "",
        }
    )
    values.update(dict.fromkeys((INDICATOR_PREFIX + code for code in Indicator.values), ""))
    return values


def _person_page(
    request: HttpRequest,
    actor: Actor,
    control: Control,
    form: str,
    values: dict[str, str],
    error: DomainError | None = None,
    person: PersonMet | None = None,
) -> HttpResponse:
    def details(values: dict[str, str], errors: dict[str, str]) -> dict[str, Any]:
        return {
            "person": person,
            "workplaces": list(control.workplaces.all()),
            "id_documents": IdDocument.choices,
            "pay_periods": PayPeriod.choices,
            "housing": YesNoUnknown.choices,
            "indicators": [
                (INDICATOR_PREFIX + code, label, bool(values.get(INDICATOR_PREFIX + code)))
                for code, label in Indicator.choices
            ],
        }

    return _form_page(
        request,
        actor,
        control,
        template="controls/field_person.html",
        form=form,
        values=values,
        error=error,
        details=details,
    )


@login_required
@domain_errors_as_pages
@require_http_methods(["GET", "POST"])
def person_new(request: HttpRequest, control_id: int) -> HttpResponse:
    actor = actor_from_request(request)
    form = "person-new"
    control = queries.recording_control(actor=actor, control_id=control_id)
    if request.method != "POST":
        return _person_page(request, actor, control, form, _blank_person(control))
    values = _person_values(request)
    try:
        services.record_person_met(actor=actor, control_id=control_id, facts=_facts(values))
    except (InvalidInput, Conflict) as error:
        return _person_page(request, actor, control, form, values, error)
    services.clear_draft(actor=actor, control_id=control_id, form=form)
    return _hub(control_id, saved=form)


@login_required
@domain_errors_as_pages
@require_http_methods(["GET", "POST"])
def person_edit(request: HttpRequest, control_id: int, person_id: int) -> HttpResponse:
    actor = actor_from_request(request)
    form = f"person-{person_id}"
    found = queries.person_for_edit(actor=actor, control_id=control_id, person_id=person_id)
    if request.method != "POST":
        person = found.person
        values = {name: _shown(getattr(person, name)) for name in queries.PERSON_FIELDS}
        values.update(
            {INDICATOR_PREFIX + c: "1" if c in found.indicators else "" for c in Indicator.values}
        )
        return _person_page(request, actor, found.control, form, values, person=person)
    values = _person_values(request)
    try:
        services.update_person_met(
            actor=actor, control_id=control_id, person_id=person_id, facts=_facts(values)
        )
    except (InvalidInput, Conflict) as error:
        return _person_page(request, actor, found.control, form, values, error, found.person)
    services.clear_draft(actor=actor, control_id=control_id, form=form)
    return _hub(control_id, saved=form)


def _shown(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


@login_required
@domain_errors_as_pages
@require_POST
def person_delete(request: HttpRequest, control_id: int, person_id: int) -> HttpResponse:
    actor = actor_from_request(request)
    services.delete_person_met(actor=actor, control_id=control_id, person_id=person_id)
    services.clear_draft(actor=actor, control_id=control_id, form=f"person-{person_id}")
    return _hub(control_id)


# --- the staff ledger ------------------------------------------------------------------

LEDGER_FIELDS = ("result", "people_not_recorded", "note")


@login_required
@domain_errors_as_pages
@require_http_methods(["GET", "POST"])
def ledger(request: HttpRequest, control_id: int, place_id: int) -> HttpResponse:
    actor = actor_from_request(request)
    found = queries.ledger_form(actor=actor, control_id=control_id, place_id=place_id)
    form = f"ledger-{place_id}"
    error: DomainError | None = None
    if request.method == "POST":
        values = {name: request.POST.get(name, "") for name in LEDGER_FIELDS}
        try:
            services.record_ledger_check(
                actor=actor,
                control_id=control_id,
                workplace_id=found.workplace.workplace_id,
                result=values["result"],
                people_not_recorded=values["people_not_recorded"],
                note=values["note"],
            )
        except (InvalidInput, Conflict) as refused:
            error = refused
        else:
            services.clear_draft(actor=actor, control_id=control_id, form=form)
            return _hub(control_id, saved=form)
    elif found.check is not None:
        values = {name: _shown(getattr(found.check, name)) for name in LEDGER_FIELDS}
    else:
        values = {"result": "", "people_not_recorded": "0", "note": ""}
    return _form_page(
        request,
        actor,
        found.control,
        template="controls/field_ledger.html",
        form=form,
        values=values,
        error=error,
        details=lambda values, errors: {
            "workplace": found.workplace,
            "results": LedgerResult.choices,
        },
    )


# --- the agency's checklist ------------------------------------------------------------


@login_required
@domain_errors_as_pages
@require_http_methods(["GET", "POST"])
def checklist(request: HttpRequest, control_id: int, code: str) -> HttpResponse:
    actor = actor_from_request(request)
    found = queries.checklist_form(actor=actor, control_id=control_id, code=code)
    form = f"checklist-{code}"[:40].lower()
    error: DomainError | None = None
    if request.method == "POST":
        values = {line.key: request.POST.get(line.key, "") for line in found.lines}
        try:
            services.answer_checklist(
                actor=actor, control_id=control_id, checklist=code, answers=values
            )
        except (InvalidInput, Conflict) as refused:
            error = refused
        else:
            services.clear_draft(actor=actor, control_id=control_id, form=form)
            return _hub(control_id, saved=form)
    else:
        values = {line.key: line.answer for line in found.lines}
    return _form_page(
        request,
        actor,
        found.control,
        template="controls/field_checklist.html",
        form=form,
        values=values,
        error=error,
        details=lambda values, errors: {
            "title": found.title,
            "version": found.version,
            "rows": [
                (line, values.get(line.key, ""), errors.get(line.key)) for line in found.lines
            ],
            "answers": YES_NO_LABELS,
        },
    )


YES_NO_LABELS = [
    ("yes", gettext_lazy("Yes")),
    ("no", gettext_lazy("No")),
    ("na", gettext_lazy("Not applicable")),
]


# --- observations ----------------------------------------------------------------------


@login_required
@domain_errors_as_pages
@require_http_methods(["GET", "POST"])
def observation_new(request: HttpRequest, control_id: int) -> HttpResponse:
    actor = actor_from_request(request)
    control = queries.recording_control(actor=actor, control_id=control_id)
    form = "observation"
    values = {"text": request.POST.get("text", "")}
    error: DomainError | None = None
    if request.method == "POST":
        try:
            services.record_observation(actor=actor, control_id=control_id, text=values["text"])
        except (InvalidInput, Conflict) as refused:
            error = refused
        else:
            services.clear_draft(actor=actor, control_id=control_id, form=form)
            return _hub(control_id, saved=form)
    return _form_page(
        request,
        actor,
        control,
        template="controls/field_observation.html",
        form=form,
        values=values,
        error=error,
    )


@login_required
@domain_errors_as_pages
@require_POST
def observation_delete(request: HttpRequest, control_id: int, observation_id: int) -> HttpResponse:
    services.delete_observation(
        actor=actor_from_request(request), control_id=control_id, observation_id=observation_id
    )
    return _hub(control_id)


# --- photos and documents --------------------------------------------------------------


class LimitedUpload(FileUploadHandler):
    """Stops reading an upload as soon as it passes the size limit, so an oversized file
    never fills the disk or memory; the view then says it was too large."""

    def __init__(self, request: HttpRequest, limit: int) -> None:
        super().__init__(request)
        self.limit = limit
        self.too_large = False

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        if start + len(raw_data) > self.limit:
            self.too_large = True
            raise StopUpload(connection_reset=False)  # drain the rest, then answer
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None


@csrf_exempt  # checked by csrf_protect below, once the size limit is in place
@login_required
def attachment_new(request: HttpRequest, control_id: int) -> HttpResponse:
    limit = int(settings.AKRIM_ATTACHMENT_MAX_BYTES)
    guard = LimitedUpload(request, limit)
    request.upload_handlers = [guard, *request.upload_handlers]
    return _attachment_new(request, control_id, guard)


@csrf_protect
@domain_errors_as_pages
@require_http_methods(["GET", "POST"])
def _attachment_new(request: HttpRequest, control_id: int, guard: LimitedUpload) -> HttpResponse:
    actor = actor_from_request(request)
    control = queries.recording_control(actor=actor, control_id=control_id)
    max_mb = round(guard.limit / 1024 / 1024, 1)
    values = {"caption": request.POST.get("caption", "")}
    error: DomainError | None = None
    if request.method == "POST":
        upload = request.FILES.get("file")
        try:
            if guard.too_large:
                raise InvalidInput(
                    _("The file is too large: at most %(mb)s MB.") % {"mb": max_mb}, input="file"
                )
            if upload is None:
                raise InvalidInput(_("Choose a photo or a PDF document."), input="file")
            services.add_attachment(
                actor=actor,
                control_id=control_id,
                content=upload,
                name=upload.name or "",
                caption=values["caption"],
            )
        except (InvalidInput, Conflict) as refused:
            error = refused
        else:
            return _hub(control_id, saved="attachment")
    errors = _errors(error) if error is not None else {}
    status = 200 if error is None else 409 if isinstance(error, Conflict) else 400
    context = {"c": control, "values": values, "errors": errors, "max_mb": max_mb}
    return render(request, "controls/field_attachment.html", context, status=status)


@login_required
@domain_errors_as_pages  # type: ignore[arg-type]  # passes the streamed file response through as it is
@require_http_methods(["GET"])
def attachment_download(
    request: HttpRequest, control_id: int, attachment_id: int
) -> HttpResponseBase:
    found = queries.open_attachment(
        actor=actor_from_request(request), control_id=control_id, attachment_id=attachment_id
    )
    response = FileResponse(
        found.path.open("rb"),
        as_attachment=True,
        filename=found.download_name,
        content_type=found.attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@login_required
@domain_errors_as_pages
@require_POST
def attachment_delete(request: HttpRequest, control_id: int, attachment_id: int) -> HttpResponse:
    services.delete_attachment(
        actor=actor_from_request(request), control_id=control_id, attachment_id=attachment_id
    )
    return _hub(control_id)


# --- drafts ----------------------------------------------------------------------------


@login_required
@require_POST
def draft(request: HttpRequest, control_id: int, form: str) -> HttpResponse:
    """The script saves (``{"data": {...}}``) or clears (``{"clear": true}``) a draft as
    JSON; without script, a form post with ``clear`` discards it and returns to ``next``.
    Errors answer as JSON with the error's code and status."""
    actor = actor_from_request(request)
    if request.content_type != "application/json":
        return _discard(request, actor, control_id, form)
    try:
        payload = json.loads(request.body)
    except (ValueError, UnicodeDecodeError):
        payload = None
    try:
        if not isinstance(payload, dict):
            raise InvalidInput("Send a JSON object.")
        if payload.get("clear") is True:
            services.clear_draft(actor=actor, control_id=control_id, form=form)
            return JsonResponse({"cleared": True})
        saved = services.save_draft(
            actor=actor,
            control_id=control_id,
            form=form,
            data=payload.get("data"),  # type: ignore[arg-type]  # checked by the service
        )
    except DomainError as error:
        return JsonResponse(error.as_dict(), status=error.status)
    return JsonResponse({"saved": True, "at": queries.draft_moment(saved)})


@domain_errors_as_pages
def _discard(request: HttpRequest, actor: Actor, control_id: int, form: str) -> HttpResponse:
    if request.POST.get("clear"):
        services.clear_draft(actor=actor, control_id=control_id, form=form)
    target = request.POST.get("next", "")
    hub_url = reverse("controls:field", args=[control_id])
    safe = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    if safe and target.startswith(hub_url):
        return HttpResponseRedirect(target)
    return HttpResponseRedirect(hub_url)


urlpatterns: list[URLPattern] = [
    path("<int:control_id>/field/", hub, name="field"),
    path("<int:control_id>/field/person/new/", person_new, name="field_person_new"),
    path("<int:control_id>/field/person/<int:person_id>/", person_edit, name="field_person"),
    path(
        "<int:control_id>/field/person/<int:person_id>/delete/",
        person_delete,
        name="field_person_delete",
    ),
    path("<int:control_id>/field/ledger/<int:place_id>/", ledger, name="field_ledger"),
    path("<int:control_id>/field/checklist/<slug:code>/", checklist, name="field_checklist"),
    path("<int:control_id>/field/observation/new/", observation_new, name="field_observation_new"),
    path(
        "<int:control_id>/field/observation/<int:observation_id>/delete/",
        observation_delete,
        name="field_observation_delete",
    ),
    path("<int:control_id>/field/attachment/new/", attachment_new, name="field_attachment_new"),
    path(
        "<int:control_id>/field/attachment/<int:attachment_id>/",
        attachment_download,
        name="field_attachment",
    ),
    path(
        "<int:control_id>/field/attachment/<int:attachment_id>/delete/",
        attachment_delete,
        name="field_attachment_delete",
    ),
    path("<int:control_id>/field/draft/<slug:form>/", draft, name="field_draft"),
]
