"""Social-partner pages: organisations and contacts, forums, meetings with action items,
reminders, referrals and activity figures. Thin: parse, call one service or query, render."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from akrim.controls.stats import parse_year
from akrim.core.errors import InvalidInput
from akrim.core.http import domain_errors_as_pages
from akrim.core.parse import iso_date, whole_number
from akrim.core.requests import actor_from_request
from akrim.partners import policies, queries, services
from akrim.partners.models import ActionItem, Organisation

MAX_CHOICES = 100


# --- parsing -------------------------------------------------------------------------


def _id(value: str, field: str) -> int:
    try:
        return whole_number(value, field)
    except InvalidInput:
        raise InvalidInput(_("Choose %(field)s."), field=field) from None


def _ids(post: QueryDict, name: str, field: str) -> list[int]:
    values = post.getlist(name)
    if len(values) > MAX_CHOICES:
        raise InvalidInput(_("Too many %(field)s."), field=field)
    return [_id(v, field) for v in values]


def _datetime(value: str, field: str) -> dt.datetime:
    """A local date and time written 2025-05-06T09:30 (as a datetime-local input sends)."""
    value = value.strip()
    try:
        if len(value) == 16:
            naive = dt.datetime.fromisoformat(value)
            if 2000 <= naive.year <= 2100:
                return timezone.make_aware(naive)
    except ValueError:
        pass
    raise InvalidInput(_("%(field)s must be a date and time like 2025-05-06T09:30."), field=field)


def _usernames(value: str) -> list[str]:
    names = [n.strip() for n in value.split(",") if n.strip()]
    if len(names) > MAX_CHOICES or any(len(n) > 150 for n in names):
        raise InvalidInput(_("Too many or too long user names."))
    return names


def _days(value: str | None) -> int:
    if value is None or value == "":
        return services.REMINDER_DAYS
    if not (value.isascii() and value.isdigit()) or len(value) > 3:
        raise InvalidInput(_("The number of days must be between 0 and 365."))
    return int(value)


# --- forums --------------------------------------------------------------------------


@login_required
@domain_errors_as_pages
def index(request: HttpRequest) -> HttpResponse:
    actor = actor_from_request(request)
    return render(
        request,
        "partners/index.html",
        {
            "forums": queries.forums(actor=actor),
            "openable": queries.openable_forums(actor=actor),
        },
    )


@require_POST
@login_required
@domain_errors_as_pages
def open_forum(request: HttpRequest) -> HttpResponse:
    centre = request.POST.get("centre", "").strip()[:20]
    forum = services.open_forum(actor=actor_from_request(request), centre=centre or None)
    return HttpResponseRedirect(reverse("partners:forum", args=[forum.pk]))


@login_required
@domain_errors_as_pages
def forum(request: HttpRequest, id: int) -> HttpResponse:
    page = queries.forum_page(actor=actor_from_request(request), id=id)
    return render(request, "partners/forum.html", {"p": page})


@require_POST
@login_required
@domain_errors_as_pages
def set_members(request: HttpRequest, id: int) -> HttpResponse:
    services.set_members(
        actor=actor_from_request(request),
        forum_id=id,
        organisation_ids=_ids(request.POST, "organisations", _("organisations")),
    )
    return HttpResponseRedirect(reverse("partners:forum", args=[id]))


# --- meetings ------------------------------------------------------------------------


def _meeting_fields(post: QueryDict) -> services.MeetingFields:
    return services.MeetingFields(
        starts_at=_datetime(post.get("starts_at", ""), _("The meeting's time")),
        place=post.get("place", ""),
        agenda=post.get("agenda", ""),
        minutes=post.get("minutes", ""),
        decisions=post.get("decisions", ""),
        contact_ids=_ids(post, "contacts", _("participants")),
        staff=_usernames(post.get("staff", "")),
    )


@require_POST
@login_required
@domain_errors_as_pages
def create_meeting(request: HttpRequest, id: int) -> HttpResponse:
    meeting = services.create_meeting(
        actor=actor_from_request(request), forum_id=id, fields=_meeting_fields(request.POST)
    )
    return HttpResponseRedirect(reverse("partners:meeting", args=[meeting.pk]))


@login_required
@domain_errors_as_pages
def meeting(request: HttpRequest, id: int) -> HttpResponse:
    page = queries.meeting_page(actor=actor_from_request(request), id=id)
    return render(
        request,
        "partners/meeting.html",
        {
            "p": page,
            "m": page.meeting,
            "statuses": ActionItem.Status.choices,
            "participant_ids": {c.pk for c in page.contacts},
            "staff_names": ", ".join(u.username for u in page.staff),
        },
    )


@require_POST
@login_required
@domain_errors_as_pages
def edit_meeting(request: HttpRequest, id: int) -> HttpResponse:
    services.update_meeting(
        actor=actor_from_request(request), meeting_id=id, fields=_meeting_fields(request.POST)
    )
    return HttpResponseRedirect(reverse("partners:meeting", args=[id]))


@require_POST
@login_required
@domain_errors_as_pages
def add_action(request: HttpRequest, id: int) -> HttpResponse:
    owner = request.POST.get("owner", "").strip()
    kind, _sep, value = owner.partition(":")
    if kind not in {"user", "contact"} or not value:
        raise InvalidInput(_("Choose one owner: a member of staff or a partner's contact."))
    services.add_action_item(
        actor=actor_from_request(request),
        meeting_id=id,
        description=request.POST.get("description", ""),
        deadline=iso_date(request.POST.get("deadline", ""), _("The deadline")),
        owner_username=value[:150] if kind == "user" else "",
        owner_contact_id=_id(value, _("the owner")) if kind == "contact" else None,
    )
    return HttpResponseRedirect(reverse("partners:meeting", args=[id]) + "#actions")


@require_POST
@login_required
@domain_errors_as_pages
def set_action_status(request: HttpRequest, id: int) -> HttpResponse:
    item = services.set_action_status(
        actor=actor_from_request(request),
        action_id=id,
        status=request.POST.get("status", "")[:20],
    )
    return HttpResponseRedirect(reverse("partners:meeting", args=[item.meeting_id]) + "#actions")


@login_required
@domain_errors_as_pages
def reminders(request: HttpRequest) -> HttpResponse:
    result = queries.reminders(
        actor=actor_from_request(request), days=_days(request.GET.get("days"))
    )
    return render(request, "partners/reminders.html", {"r": result})


# --- organisations and contacts ------------------------------------------------------------


def _centres(post: QueryDict) -> list[str]:
    values = post.getlist("centres")
    if len(values) > 20:
        raise InvalidInput(_("Unknown centre."))
    return [v[:20] for v in values]


@login_required
@domain_errors_as_pages
def organisations(request: HttpRequest) -> HttpResponse:
    actor = actor_from_request(request)
    return render(
        request,
        "partners/organisations.html",
        {
            "organisations": queries.organisations(),
            "may_create": policies.may_create_organisation(actor),
            "kinds": Organisation.Kind.choices,
            "scopes": Organisation.Scope.choices,
            "centres": queries.centres(),
        },
    )


@require_POST
@login_required
@domain_errors_as_pages
def create_organisation(request: HttpRequest) -> HttpResponse:
    post = request.POST
    organisation = services.create_organisation(
        actor=actor_from_request(request),
        kind=post.get("kind", "")[:20],
        name=post.get("name", ""),
        scope=post.get("scope", "")[:20],
        centres=_centres(post),
    )
    return HttpResponseRedirect(reverse("partners:organisation", args=[organisation.pk]))


@login_required
@domain_errors_as_pages
def organisation(request: HttpRequest, id: int) -> HttpResponse:
    page = queries.organisation_page(actor=actor_from_request(request), id=id)
    return render(
        request,
        "partners/organisation.html",
        {
            "p": page,
            "o": page.organisation,
            "kinds": Organisation.Kind.choices,
            "scopes": Organisation.Scope.choices,
            "centres": queries.centres(),
            "chosen": {c.code for c in page.organisation.centres.all()},
        },
    )


@require_POST
@login_required
@domain_errors_as_pages
def edit_organisation(request: HttpRequest, id: int) -> HttpResponse:
    post = request.POST
    services.update_organisation(
        actor=actor_from_request(request),
        organisation_id=id,
        kind=post.get("kind", "")[:20],
        name=post.get("name", ""),
        scope=post.get("scope", "")[:20],
        centres=_centres(post),
    )
    return HttpResponseRedirect(reverse("partners:organisation", args=[id]))


def _contact_fields(post: QueryDict) -> services.ContactFields:
    return services.ContactFields(
        name=post.get("name", ""),
        role=post.get("role", ""),
        email=post.get("email", ""),
        phone=post.get("phone", ""),
    )


@require_POST
@login_required
@domain_errors_as_pages
def add_contact(request: HttpRequest, id: int) -> HttpResponse:
    services.add_contact(
        actor=actor_from_request(request), organisation_id=id, fields=_contact_fields(request.POST)
    )
    return HttpResponseRedirect(reverse("partners:organisation", args=[id]) + "#contacts")


@require_POST
@login_required
@domain_errors_as_pages
def edit_contact(request: HttpRequest, id: int) -> HttpResponse:
    contact = services.update_contact(
        actor=actor_from_request(request),
        contact_id=id,
        fields=_contact_fields(request.POST),
        active=request.POST.get("active") == "on",
    )
    return HttpResponseRedirect(
        reverse("partners:organisation", args=[contact.organisation_id]) + "#contacts"
    )


# --- referrals -----------------------------------------------------------------------


@login_required
@domain_errors_as_pages
def referrals(request: HttpRequest) -> HttpResponse:
    actor = actor_from_request(request)
    return render(
        request,
        "partners/referrals.html",
        {"referrals": queries.referrals(actor=actor), "form": queries.referral_form(actor=actor)},
    )


@require_POST
@login_required
@domain_errors_as_pages
def create_referral(request: HttpRequest) -> HttpResponse:
    post = request.POST
    contact = post.get("contact", "").strip()
    received = post.get("received_at", "").strip()
    referral = services.enter_referral(
        actor=actor_from_request(request),
        forum_id=_id(post.get("forum", ""), _("the forum")),
        fields=services.ReferralFields(
            organisation_id=_id(post.get("organisation", ""), _("the organisation")),
            contact_id=_id(contact, _("the contact")) if contact else None,
            received_at=_datetime(received, _("The time received")) if received else timezone.now(),
            summary=post.get("summary", ""),
            where_name=post.get("where_name", ""),
            where_address=post.get("where_address", ""),
            org_no=post.get("org_no", ""),
            municipality_code=post.get("municipality_code", ""),
        ),
    )
    return HttpResponseRedirect(reverse("partners:referral", args=[referral.pk]))


@login_required
@domain_errors_as_pages
def referral(request: HttpRequest, id: int) -> HttpResponse:
    page = queries.referral_page(actor=actor_from_request(request), id=id)
    return render(
        request,
        "partners/referral.html",
        {"p": page, "r": page.referral, "message": services.HANDLED_MESSAGE},
    )


@require_POST
@login_required
@domain_errors_as_pages
def tell_contact(request: HttpRequest, id: int) -> HttpResponse:
    services.tell_contact_handled(actor=actor_from_request(request), referral_id=id)
    return HttpResponseRedirect(reverse("partners:referral", args=[id]))


# --- figures -------------------------------------------------------------------------


@login_required
@domain_errors_as_pages
def figures(request: HttpRequest) -> HttpResponse:
    raw = request.GET.get("year") or str(queries.today().year)
    result = queries.figures(actor=actor_from_request(request), year=parse_year(raw))
    return render(request, "partners/figures.html", {"f": result})
