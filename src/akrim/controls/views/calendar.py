"""Pages of joint controls: the centre calendar (month and week), the page where a member
of staff manages their private iCalendar feed, and the feed itself."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseNotFound
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods
from icalendar import Calendar, Event

from akrim.controls import calendar_queries, services
from akrim.controls.calendar_queries import Feed
from akrim.controls.models import Status
from akrim.core.errors import InvalidInput, NotFound
from akrim.core.http import domain_errors_as_pages
from akrim.core.requests import actor_from_request


def _is_partial(request: HttpRequest) -> bool:
    """An htmx navigation swaps only the calendar; a history restore needs the page."""
    return (
        request.headers.get("HX-Request") == "true"
        and request.headers.get("HX-History-Restore-Request") != "true"
    )


@login_required
@require_GET
@domain_errors_as_pages
def centre_calendar(request: HttpRequest) -> HttpResponse:
    """``?centre=<code>&view=month|week&date=YYYY-MM-DD``; each may be left out."""
    actor = actor_from_request(request)
    today = timezone.localdate()
    view = calendar_queries.parse_view(request.GET.get("view"))
    day = calendar_queries.parse_day(request.GET.get("date"), today=today)
    page = calendar_queries.centre_calendar(
        actor=actor, centre=request.GET.get("centre"), view=view, day=day, today=today
    )
    template = "controls/calendar_body.html" if _is_partial(request) else "controls/calendar.html"
    response = render(request, template, {"page": page})
    patch_vary_headers(response, ["HX-Request"])
    return response


@login_required
@require_http_methods(["GET", "POST"])
@domain_errors_as_pages
def feed_manage(request: HttpRequest) -> HttpResponse:
    """Show whether the user has a feed; POST ``action=create`` makes a new address (shown
    on this response only), ``action=delete`` removes it."""
    actor = actor_from_request(request)
    address = ""
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "delete":
            services.delete_calendar_feed(actor=actor)
            messages.success(request, _("Your calendar feed address has been removed."))
            return redirect("controls:feed_manage")
        if action != "create":
            raise InvalidInput("Unknown action: choose create or delete.")
        token = services.create_calendar_feed(actor=actor)
        address = request.build_absolute_uri(reverse("controls:feed", args=[token]))
    feed = calendar_queries.get_own_feed(actor=actor)
    response = render(request, "controls/feed_manage.html", {"feed": feed, "address": address})
    patch_cache_control(response, no_store=True, private=True)
    return response


def _calendar(request: HttpRequest, feed: Feed) -> bytes:
    """The feed as iCalendar. Only when, where (the centre) and a link: no workplace,
    address, company or person, and no register detail, because the feed leaves akrim
    for the person's calendar client and whoever syncs it."""
    cal = Calendar()
    cal.add("prodid", "-//akrim//joint controls//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", _("Joint controls"))
    for control in feed.controls:
        event = Event()
        event.add("uid", f"control-{control.pk}@akrim")
        event.add("dtstamp", control.updated_at.astimezone(dt.UTC))
        event.add("dtstart", control.starts_at.astimezone(dt.UTC))
        event.add("dtend", control.ends_at.astimezone(dt.UTC))
        event.add("summary", f"Joint control {control.pk} ({control.centre.name})")
        url = reverse("controls:detail", args=[control.pk])
        event.add("url", request.build_absolute_uri(url))
        event.add("status", "CANCELLED" if control.status == Status.CANCELLED else "CONFIRMED")
        cal.add_component(event)
    ical: bytes = cal.to_ical()
    return ical


@require_GET
def feed(request: HttpRequest, token: str) -> HttpResponse:
    """A person's controls as iCalendar, for their calendar client (no login: the secret
    in the address is the credential). Unknown, removed or deactivated: 404."""
    try:
        found = calendar_queries.get_feed(token=token, now=timezone.now())
    except NotFound:
        return HttpResponseNotFound(b"Not found.\n", content_type="text/plain; charset=utf-8")
    response = HttpResponse(_calendar(request, found), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="akrim.ics"'
    response["X-Robots-Tag"] = "noindex"
    patch_cache_control(response, private=True, no_cache=True)
    return response


urlpatterns: list[URLPattern] = [
    path("calendar/", centre_calendar, name="calendar"),
    path("calendar/subscribe/", feed_manage, name="feed_manage"),
    path("feed/<str:token>.ics", feed, name="feed"),
]
