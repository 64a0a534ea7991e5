"""Reads of tips for staff, always from ``policies.visible``. Reading a tip's texts is
audited (with the sender as a subject when a contact was given)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import Case, Q, QuerySet, Value, When
from django.utils import timezone

from akrim.audit import services as audit
from akrim.controls.models import ControlTip, Finding
from akrim.core.actor import Actor
from akrim.core.errors import InvalidInput, NotFound
from akrim.organisation.models import Centre, Municipality
from akrim.tips import policies
from akrim.tips.crypto import open_bytes, unseal
from akrim.tips.models import Status, Tip, TipAttachment, Urgency
from akrim.tips.services import tip_handled

DUPLICATE_DAYS = 90
SWEDEN = ZoneInfo("Europe/Stockholm")


def list_tips(*, actor: Actor, centre: str = "", status: str = "") -> QuerySet[Tip]:
    """The tips the actor may see, risk to life first, then new information, newest first.
    ``centre``: a centre code, or "national" for the unrouted tips."""
    tips = policies.visible(actor).select_related("centre", "municipality")
    if centre == "national":
        tips = tips.filter(centre__isnull=True)
    elif centre:
        tips = tips.filter(centre__code=centre[:20])
    if status:
        if status not in Status.values:
            raise InvalidInput("Unknown status.")
        tips = tips.filter(status=status)
    risk = Case(When(urgency=Urgency.RISK_TO_LIFE, then=Value(0)), default=Value(1))
    return tips.annotate(risk=risk).order_by("risk", "-new_information", "-received_at", "-id")


@dataclass(frozen=True)
class ShownMessage:
    direction: str
    body: str
    created_at: dt.datetime
    author: str


@dataclass(frozen=True)
class TipDetail:
    tip: Tip
    what: str
    where_name: str
    where_address: str
    org_no: str
    since: str
    contact: str
    messages: list[ShownMessage]
    attachments: list[TipAttachment]
    candidates: list[Tip]
    controls: list[int]
    may_handle: bool
    handled: bool


def _texts(tip: Tip) -> dict[str, str]:
    return {
        name: unseal(getattr(tip, f"{name}_sealed"), field=f"tips.{name}", owner=tip.lookup_id)
        for name in ("what", "where_name", "where_address", "org_no", "since", "contact")
    }


def get_tip(*, actor: Actor, id: int) -> TipDetail:
    """One tip with its decrypted texts and messages. Audited read; NotFound outside the
    actor's scope."""
    with transaction.atomic():
        tip = policies.tip_for_reading(actor, id)
        texts = _texts(tip)
        messages = [
            ShownMessage(
                m.direction,
                unseal(m.body_sealed, field="tips.message", owner=tip.lookup_id),
                m.created_at,
                m.author.get_username() if m.author else "",
            )
            for m in tip.messages.select_related("author")
        ]
        audit.record(
            actor=actor,
            action="read",
            object_type="tip",
            object_id=str(tip.pk),
            fields=[name for name, value in texts.items() if value] + ["messages"],
            # The sender is a person when they left a contact: their reads are indexed.
            persons=[(f"tip-{tip.pk}"[:21], actor.agency or "")] if tip.has_contact else [],
            # A tip belongs to a centre, not to an agency: no ``object_owner``.
            detail={"centre": tip.centre.code if tip.centre else ""},
        )
    return TipDetail(
        tip=tip,
        messages=messages,
        attachments=list(tip.attachments.defer("data")),
        candidates=duplicate_candidates(actor=actor, tip=tip, text=texts["what"]),
        controls=sorted(
            ControlTip.objects.filter(tip_id=tip.key).values_list("control_id", flat=True)
        ),
        may_handle=policies.may_handle(actor, tip),
        handled=tip_handled(tip),
        **texts,
    )


def _words(value: str) -> set[str]:
    return {
        w for w in "".join(c.lower() if c.isalnum() else " " for c in value).split() if len(w) > 3
    }


def duplicate_candidates(*, actor: Actor, tip: Tip, text: str) -> list[Tip]:
    """Visible tips within 90 days of this one about the same workplace, company or
    given org number, or with a similar text (half of the longer words shared)."""
    window = dt.timedelta(days=DUPLICATE_DAYS)
    near = (
        policies.visible(actor)
        .exclude(pk=tip.pk)
        .filter(
            received_at__gte=tip.received_at - window, received_at__lte=tip.received_at + window
        )
    )
    same = Q(pk__in=[])
    if tip.workplace_id:
        same |= Q(workplace_id=tip.workplace_id)
    if tip.company_id:
        same |= Q(company_id=tip.company_id)
    if tip.org_no_digest:
        same |= Q(org_no_digest=tip.org_no_digest)
    found = {t.pk: t for t in near.filter(same)[:20]}
    mine = _words(text)
    if mine:
        for other in near.exclude(pk__in=list(found))[:200]:
            theirs = _words(unseal(other.what_sealed, field="tips.what", owner=other.lookup_id))
            if theirs and len(mine & theirs) >= max(2, min(len(mine), len(theirs)) // 2):
                found[other.pk] = other
    return sorted(found.values(), key=lambda t: t.received_at, reverse=True)[:20]


def attachment(*, actor: Actor, tip_id: int, attachment_id: int) -> tuple[TipAttachment, bytes]:
    """One attachment of a visible tip, decrypted. Audited read."""
    with transaction.atomic():
        tip = policies.tip_for_reading(actor, tip_id)
        row = TipAttachment.objects.filter(tip=tip, pk=attachment_id).first()
        if row is None:
            raise NotFound()
        data = open_bytes(bytes(row.data), field="tips.attachment", owner=tip.lookup_id)
        audit.record(
            actor=actor,
            action="read",
            object_type="tip_attachment",
            object_id=str(row.pk),
            detail={"tip": tip.pk, "centre": tip.centre.code if tip.centre else ""},
        )
    return row, data


def municipalities() -> QuerySet[Municipality]:
    return Municipality.objects.order_by("name")


# --- statistics ---------------------------------------------------------------------------


@dataclass(frozen=True)
class CentreYear:
    centre: str
    received: int
    handled: int
    led_to_control: int
    control_found: int
    name: str = ""  # the centre's name; empty for the national queue (unrouted tips)

    def to_json(self) -> dict[str, object]:
        return {
            "centre": self.centre,
            "tips_in": self.received,
            "handled": self.handled,
            "led_to_control": self.led_to_control,
            "control_found_something": self.control_found,
        }


def tip_statistics(*, actor: Actor, year: int) -> list[CentreYear]:
    """Per centre (and "national" for unrouted tips) for tips received in ``year``
    (Swedish time): tips in; handled (``tip_handled``); led to a control (the tip's
    control, or a control naming it); and of those, a control that recorded a finding.
    Aggregates only; any member of staff with a role. Centres by name, the national queue
    last."""
    if not policies.may_see_statistics(actor) and not actor.is_system:
        raise NotFound()
    start = dt.datetime(year, 1, 1, tzinfo=SWEDEN)
    end = dt.datetime(year + 1, 1, 1, tzinfo=SWEDEN)
    tips = list(
        Tip.objects.filter(received_at__gte=start, received_at__lt=end).select_related("centre")
    )
    keys = {t.key: t for t in tips}
    following: dict[str, set[int]] = {}
    for tip_id, control_id in ControlTip.objects.filter(tip_id__in=list(keys)).values_list(
        "tip_id", "control_id"
    ):
        following.setdefault(tip_id, set()).add(control_id)
    for tip in tips:
        if tip.control_id:
            following.setdefault(tip.key, set()).add(tip.control_id)
    all_controls = {c for ids in following.values() for c in ids}
    found = set(
        Finding.objects.filter(control_id__in=all_controls).values_list("control_id", flat=True)
    )
    names = dict(Centre.objects.values_list("code", "name"))
    rows: dict[str, list[int]] = {code: [0, 0, 0, 0] for code in names}
    rows["national"] = [0, 0, 0, 0]
    for tip in tips:
        row = rows[tip.centre.code if tip.centre else "national"]
        controls = following.get(tip.key, set())
        row[0] += 1
        row[1] += tip.status in (Status.HANDLED, Status.DUPLICATE, Status.CLOSED) or bool(controls)
        row[2] += bool(controls)
        row[3] += bool(controls & found)
    shown = [
        CentreYear(code, received, handled, led, hits, name=names.get(code, ""))
        for code, (received, handled, led, hits) in rows.items()
    ]
    return sorted(shown, key=lambda row: (not row.name, row.name))  # the national queue last


def today() -> dt.date:
    return timezone.localdate()
