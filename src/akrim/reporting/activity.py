"""The report's figures from the modules beside the controls: training, the methods
handbook and its adoption, campaigns, tips from the public and the social partners.

Each is a count of events in the report's period (``Filters.start`` to ``Filters.end``, up
to the cut-off) or a state at the cut-off, per centre or per agency. They count events,
not people, so nothing is suppressed. Definitions are in each table's note.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from zoneinfo import ZoneInfo

from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from akrim.organisation.models import Agency, Centre
from akrim.reporting.figures import Filters, Table

SWEDEN = ZoneInfo("Europe/Stockholm")


def _window(f: Filters, cutoff: dt.date) -> tuple[dt.date, dt.date]:
    """The period's first day and the day after its last counted day."""
    return f.start, min(f.end, cutoff + dt.timedelta(days=1))


def _moments(f: Filters, cutoff: dt.date) -> tuple[dt.datetime, dt.datetime]:
    start, end = _window(f, cutoff)
    return (
        dt.datetime.combine(start, dt.time(), tzinfo=SWEDEN),
        dt.datetime.combine(end, dt.time(), tzinfo=SWEDEN),
    )


def _centres(f: Filters) -> list[tuple[int, str]]:
    rows = Centre.objects.order_by("name")
    if f.centre:
        rows = rows.filter(code=f.centre)
    return list(rows.values_list("pk", "name"))


def training(f: Filters, cutoff: dt.date) -> Table:
    from akrim.training.models import Enrolment, Session

    start, end = _window(f, cutoff)
    sessions = Counter(
        Session.objects.filter(held_on__gte=start, held_on__lt=end).values_list(
            "centre_id", flat=True
        )
    )
    completed = Counter(
        Enrolment.objects.filter(completed_on__gte=start, completed_on__lt=end).values_list(
            "session__centre_id", flat=True
        )
    )
    rows = [(name, sessions[pk], completed[pk]) for pk, name in _centres(f)]
    rows.append((_("Total"), sum(r[1] for r in rows), sum(r[2] for r in rows)))
    return Table(
        "training",
        _("Training: sessions held and courses completed"),
        (_("Centre"), _("Sessions held"), _("Completions")),
        tuple(rows),
        note=_("Sessions held in the period and completions recorded for a day in it."),
    )


def methods(f: Filters, cutoff: dt.date) -> Table:
    from akrim.methods.models import Lesson, Method, MethodStatus, MethodVersion

    first, last = _moments(f, cutoff)
    by_status = Counter(m.status_at(last) for m in Method.objects.filter(created_at__lt=last))
    rows: list[tuple[str, int]] = [
        (str(label), by_status[value]) for value, label in MethodStatus.choices
    ]
    rows.append(
        (
            _("Revisions in the period"),
            MethodVersion.objects.filter(
                created_at__gte=first, created_at__lt=last, number__gt=1
            ).count(),
        )
    )
    rows.append(
        (
            _("Lessons recorded after controls in the period"),
            Lesson.objects.filter(created_at__gte=first, created_at__lt=last).count(),
        )
    )
    return Table(
        "methods",
        _("The methods handbook"),
        (_("Methods and lessons"), _("Number")),
        tuple(rows),
        note=_("Methods by their status at the end of the period; revisions and lessons in it."),
    )


def adoption(f: Filters, cutoff: dt.date) -> Table:
    """Per agency: established methods whose newest adoption record made by the cut-off
    says they are part of the agency's ordinary work (as the adoption matrix reads them)."""
    from akrim.methods.models import Adoption, AdoptionStatus, Method

    recorded_by = dt.datetime.combine(cutoff + dt.timedelta(days=1), dt.time(), tzinfo=SWEDEN)
    established = set(
        Method.objects.filter(established_at__lt=recorded_by).values_list("pk", flat=True)
    )
    newest: dict[tuple[int, int], str] = {}  # as the matrix: the newest record wins
    for method_id, agency_id, status in (
        Adoption.objects.filter(method_id__in=established, recorded_at__lt=recorded_by)
        .order_by("recorded_at", "pk")
        .values_list("method_id", "agency_id", "status")
    ):
        newest[(method_id, agency_id)] = status
    ordinary = Counter(
        agency for (_method, agency), status in newest.items() if status == AdoptionStatus.ORDINARY
    )
    rows = [
        (f"{code} {name}", ordinary[pk], len(established))
        for pk, code, name in Agency.objects.order_by("code").values_list("pk", "code", "name_sv")
    ]
    return Table(
        "adoption",
        _("Established methods that are part of each agency's ordinary work"),
        (_("Agency"), _("Part of ordinary work"), _("Established methods")),
        tuple(rows),
        note=_("As the agencies recorded it up to the cut-off (the methods handbook)."),
    )


def campaigns(f: Filters, cutoff: dt.date) -> Table:
    from akrim.campaigns.models import Campaign

    start, end = _window(f, cutoff)
    running = (
        Campaign.objects.filter(starts_on__lt=end, ends_on__gte=start)
        .annotate(
            activities_n=Count("activities", distinct=True),
            impressions=Sum("activities__impressions"),
            leaflets=Sum("activities__leaflets"),
            spoken=Sum("activities__people_spoken_to"),
        )
        .prefetch_related("centres")
        .order_by("starts_on", "name")
    )
    if f.centre:
        running = running.filter(centres__code=f.centre)
    rows = [
        (
            c.name,
            f"{c.starts_on:%Y-%m-%d} – {c.ends_on:%Y-%m-%d}",
            ", ".join(sorted(x.name for x in c.centres.all())),
            c.activities_n,
            c.impressions or 0,
            c.leaflets or 0,
            c.spoken or 0,
        )
        for c in running
    ]
    return Table(
        "campaigns",
        _("Information campaigns running in the period, and their reach"),
        (
            _("Campaign"),
            _("Period"),
            _("Regions"),
            _("Activities"),
            _("Impressions"),
            _("Leaflets handed out"),
            _("People spoken to"),
        ),
        tuple(rows),
        note=_(
            "Reach as logged for the campaign's activities; its evaluation is a report of its own."
        ),
    )


def tips(f: Filters, cutoff: dt.date) -> Table:
    """Tips received in the period; of those, handled by the cut-off (``handled_at``) and
    followed up by a control that started by then — so a report for a past cut-off says
    what was true then."""
    from akrim.controls.models import ControlTip
    from akrim.tips.models import Tip

    first, last = _moments(f, cutoff)
    received = list(
        Tip.objects.filter(received_at__gte=first, received_at__lt=last).values_list(
            "pk", "centre_id", "handled_at", "control__starts_at"
        )
    )
    named = set(
        ControlTip.objects.filter(
            tip_id__in=[f"TIP-{pk}" for pk, *_rest in received], control__starts_at__lt=last
        ).values_list("tip_id", flat=True)
    )
    counts: dict[int | None, list[int]] = {}
    rows: list[tuple[str, int, int, int]] = []
    for pk, centre, handled_at, control_start in received:
        row = counts.setdefault(centre, [0, 0, 0])
        led = (control_start is not None and control_start < last) or f"TIP-{pk}" in named
        row[0] += 1
        row[1] += int((handled_at is not None and handled_at < last) or led)
        row[2] += int(led)
    places: list[tuple[int | None, str]] = list(_centres(f))
    if not f.centre:
        places.append((None, _("Not routed to a centre")))
    for place, name in places:
        n, handled, followed = counts.get(place, [0, 0, 0])
        rows.append((name, n, handled, followed))
    rows.append(
        (_("Total"), sum(r[1] for r in rows), sum(r[2] for r in rows), sum(r[3] for r in rows))
    )
    return Table(
        "tips",
        _("Tips from the public and partners"),
        (_("Centre"), _("Tips received"), _("Handled"), _("Led to a control")),
        tuple(rows),
        note=_(
            "Tips received in the period, by the centre they were routed to; handled and "
            "followed up by a control as of the cut-off."
        ),
    )


def partners(f: Filters, cutoff: dt.date) -> Table:
    from akrim.partners.models import ActionItem, Forum, Meeting, Referral

    first, last = _moments(f, cutoff)
    start, end = _window(f, cutoff)
    held_by = min(last, timezone.now())  # a meeting later today is not held yet
    meetings: Counter[int | None] = Counter(
        Meeting.objects.filter(starts_at__gte=first, starts_at__lt=held_by).values_list(
            "forum__centre_id", flat=True
        )
    )
    done: Counter[int | None] = Counter(
        ActionItem.objects.filter(
            Q(deadline__gte=start, deadline__lt=end), status=ActionItem.Status.DONE
        ).values_list("meeting__forum__centre_id", flat=True)
    )
    referrals: Counter[int | None] = Counter(
        Referral.objects.filter(received_at__gte=first, received_at__lt=last).values_list(
            "forum__centre_id", flat=True
        )
    )
    places: list[tuple[int | None, str]] = []
    if not f.centre and Forum.objects.filter(national=True).exists():
        places.append((None, _("National forum")))
    places += _centres(f)
    rows = [(name, meetings[pk], done[pk], referrals[pk]) for pk, name in places]
    return Table(
        "partners",
        _("Consultation with the social partners"),
        (_("Forum"), _("Meetings held"), _("Action items done"), _("Referrals received")),
        tuple(rows),
        note=_("Meetings and referrals in the period; action items with a deadline in it."),
    )


def tables(f: Filters, cutoff: dt.date) -> list[Table]:
    return [
        training(f, cutoff),
        methods(f, cutoff),
        adoption(f, cutoff),
        campaigns(f, cutoff),
        tips(f, cutoff),
        partners(f, cutoff),
    ]
