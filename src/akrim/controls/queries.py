"""Reads of joint controls, always through ``policies.visible``: outside the actor's
scope a control does not exist. Controls themselves hold no register personal data (the
workplaces are keys; register details are read through ``akrim.registry.queries``), so
the control itself is not audited; what the agencies recorded in it is (``control_page``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Prefetch, Q, QuerySet

from akrim.access.models import DataCategory
from akrim.audit import services as audit
from akrim.controls import policies
from akrim.controls.models import (
    Control,
    Decision,
    Finding,
    Participation,
    PreCheck,
    SafetyAssessment,
    Status,
    Task,
    TeamMember,
)
from akrim.core.actor import Actor
from akrim.core.errors import InvalidInput, NotFound
from akrim.organisation.models import Agency, Centre, Membership


@dataclass(frozen=True)
class ControlFilters:
    """What a list of controls may be narrowed by; None = no narrowing."""

    centre: str | None = None  # centre code
    status: str | None = None
    agency: str | None = None  # a participating agency's code
    workplace_id: str | None = None
    starts_from: dt.datetime | None = None
    starts_before: dt.datetime | None = None


def _with_details(queryset: QuerySet[Control]) -> QuerySet[Control]:
    """Everything a control page or list row shows, in a fixed number of queries."""
    return queryset.select_related(
        "centre", "lead_agency", "created_by", "imported_from"
    ).prefetch_related(
        Prefetch(
            "participations",
            queryset=Participation.objects.select_related("agency").order_by("agency__code"),
        ),
        Prefetch(
            "team",
            queryset=TeamMember.objects.select_related("user", "agency").order_by(
                "agency__code", "user__username"
            ),
        ),
        "workplaces",
        "tips",
    )


def get_control(*, actor: Actor, id: int) -> Control:
    """One control with its workplaces, agencies and team.

    Raises NotFound when it does not exist or lies outside the actor's scope.
    """
    control = _with_details(policies.visible(Control.objects.all(), actor=actor)).filter(pk=id)
    found = control.first()
    if found is None:
        raise NotFound()
    return found


def list_controls(*, actor: Actor, filters: ControlFilters | None = None) -> QuerySet[Control]:
    """The controls the actor may see, by start time, details prefetched.

    Raises InvalidInput for an unknown status.
    """
    filters = filters or ControlFilters()
    narrowed = Q()
    if filters.centre:
        narrowed &= Q(centre__code=filters.centre.lower())
    if filters.status:
        if filters.status not in Status.values:
            raise InvalidInput("Unknown status %(status)s.", status=filters.status[:20])
        narrowed &= Q(status=filters.status)
    if filters.agency:
        parts = Participation.objects.filter(agency__code=filters.agency.upper())
        narrowed &= Q(pk__in=parts.values("control_id"))
    if filters.workplace_id:
        narrowed &= Q(workplaces__workplace_id=filters.workplace_id)
    if filters.starts_from:
        narrowed &= Q(starts_at__gte=filters.starts_from)
    if filters.starts_before:
        narrowed &= Q(starts_at__lt=filters.starts_before)
    visible = policies.visible(Control.objects.all(), actor=actor)
    return _with_details(visible.filter(narrowed)).order_by("starts_at", "pk")


# --- the control page --------------------------------------------------------------------


@dataclass(frozen=True)
class ControlPage:
    """Everything the control page shows, each part already narrowed to what the actor
    may see; ``may_*`` say which actions to offer (the services check again)."""

    control: Control
    pre_checks: list[PreCheck]
    safety: SafetyAssessment | None
    findings: list[Finding]
    decisions: list[Decision]
    tasks: list[Task]
    may_coordinate: bool
    may_record: bool
    may_advance: bool
    may_follow_up: bool
    own_part_open: bool
    teams: list[tuple[Participation, list[TeamMember]]] = field(default_factory=list)


def _pre_checks(control: Control, actor: Actor) -> list[PreCheck]:
    rows = PreCheck.objects.filter(control=control)
    seen: list[PreCheck] = []
    for category in sorted(set(rows.values_list("category", flat=True))):
        seen += policies.recorded(
            rows.filter(category=category).select_related("owner", "recorded_by"),
            actor=actor,
            category=category,
        )
    return sorted(seen, key=lambda p: (p.owner.code, p.recorded_at, p.pk))


def control_page(*, actor: Actor, id: int) -> ControlPage:
    """The control and what the actor may see of what the agencies recorded in it. One
    audit entry names every recorded row shown (pre-checks, findings, decisions).

    Raises NotFound outside the actor's scope.
    """
    control = get_control(actor=actor, id=id)
    pre_checks = _pre_checks(control, actor)
    findings = list(
        policies.recorded(Finding.objects.filter(control=control), actor=actor).select_related(
            "owner"
        )
    )
    decisions = list(
        policies.recorded(Decision.objects.filter(control=control), actor=actor).select_related(
            "owner"
        )
    )
    tasks = list(
        Task.objects.filter(control=control, owner__code=actor.agency or "").select_related(
            "decision"
        )
    )
    safety = SafetyAssessment.objects.filter(control=control).first()
    agencies = {p.agency.code for p in control.participations.all()}
    part = next((p for p in control.participations.all() if p.agency.code == actor.agency), None)
    coordinate = policies.may_coordinate(actor=actor, centre=control.centre.code)
    in_team = any(m.user_id == actor.user_id for m in control.team.all())
    lead_team = any(
        m.user_id == actor.user_id and m.agency_id == control.lead_agency_id
        for m in control.team.all()
    )
    recorder = actor.has_role(*policies.RECORDERS) and actor.agency in agencies
    shown = [("pre_check", p.pk) for p in pre_checks]
    shown += [("finding", f.pk) for f in findings] + [("decision", d.pk) for d in decisions]
    if shown:
        audit.record(
            actor=actor,
            action="read",
            object_type="control",
            object_id=str(control.pk),
            fields=["pre_checks", "findings", "decisions"],
            detail={"shown": [f"{kind}:{pk}" for kind, pk in shown]},
        )
    return ControlPage(
        control=control,
        pre_checks=pre_checks,
        safety=safety,
        findings=findings,
        decisions=decisions,
        tasks=tasks,
        may_coordinate=coordinate,
        may_record=recorder and (coordinate or in_team),
        may_advance=coordinate or lead_team,
        may_follow_up=recorder,
        own_part_open=part is not None and part.status == Participation.PartStatus.OPEN,
        teams=[
            (p, [m for m in control.team.all() if m.agency_id == p.agency_id])
            for p in control.participations.all()
        ],
    )


def open_tasks(*, actor: Actor) -> QuerySet[Task]:
    """The open tasks of the actor's agency in controls the actor can see, by due date."""
    controls = policies.visible(Control.objects.all(), actor=actor).values("pk")
    return (
        Task.objects.filter(
            owner__code=actor.agency or "", state=Task.State.OPEN, control_id__in=controls
        )
        .select_related("control__centre", "decision")
        .order_by("due_on", "pk")
    )


def plannable_centres(*, actor: Actor) -> list[Centre]:
    """The centres the actor may plan controls for."""
    centres = Centre.objects.order_by("name")
    return [c for c in centres if policies.may_coordinate(actor=actor, centre=c.code)]


def agency_codes() -> list[str]:
    """Every agency's code, for choice lists."""
    return list(Agency.objects.order_by("code").values_list("code", flat=True))


def centre_members(*, centre: Centre, day: dt.date) -> list[Agency]:
    """The agencies that are members of ``centre`` on ``day`` (who may take part)."""
    memberships = Membership.objects.filter(centre=centre).select_related("agency")
    return sorted((m.agency for m in memberships if m.active_on(day)), key=lambda a: a.code)


def checkable_categories() -> list[tuple[str, str]]:
    """Data categories a pre-check may hold: (code, name in the current language)."""
    from django.utils.translation import get_language

    english = (get_language() or "sv").startswith("en")
    return [
        (c.code, c.name_en if english else c.name_sv) for c in DataCategory.objects.order_by("code")
    ]
