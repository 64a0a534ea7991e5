"""Writes of tips: storing a tip (portal, partner or staff), routing, triage, linking to
the registers, duplicates, selection, replies, closing.

Every service: authorize (``policies``) → validate → write in one transaction → audit.
Tip texts are sealed (``crypto``) before they reach the database.
"""

from __future__ import annotations

from django.contrib.auth.models import User
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from akrim.audit import services as audit
from akrim.controls.models import ControlTip
from akrim.controls.services.common import text
from akrim.core.actor import Actor, Role
from akrim.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from akrim.core.reference import sni_section
from akrim.organisation.models import Centre, Municipality, Staff
from akrim.tips import codes, policies
from akrim.tips.crypto import digest, seal
from akrim.tips.models import Category, Message, Source, Status, Tip, Urgency

LIMITS = {
    "what": 4000,
    "where_name": 200,
    "where_address": 300,
    "org_no": 20,
    "since": 100,
    "contact": 200,
    "body": 4000,
}
DONE = (Status.HANDLED, Status.DUPLICATE, Status.CLOSED)


def store_tip(
    *,
    source: str,
    lookup_id: str,
    code_hash: str,
    language: str,
    what: str,
    where_name: str,
    where_address: str,
    org_no: str,
    municipality_code: str,
    since: str,
    contact: str,
) -> Tip:
    """Write one tip (inputs already validated), routed to the centre of its municipality
    (municipality → county → centre); unknown municipality: the national queue."""
    municipality = (
        Municipality.objects.select_related("county__centre").filter(code=municipality_code).first()
        if municipality_code
        else None
    )
    return Tip.objects.create(
        lookup_id=lookup_id,
        code_hash=code_hash,
        received_at=timezone.now(),
        language=language,
        source=source,
        municipality=municipality,
        centre=municipality.county.centre if municipality else None,
        what_sealed=seal(what, field="tips.what", owner=lookup_id),
        where_name_sealed=seal(where_name, field="tips.where_name", owner=lookup_id),
        where_address_sealed=seal(where_address, field="tips.where_address", owner=lookup_id),
        org_no_sealed=seal(org_no, field="tips.org_no", owner=lookup_id),
        org_no_digest=digest(org_no, purpose="org_no"),
        since_sealed=seal(since, field="tips.since", owner=lookup_id),
        contact_sealed=seal(contact, field="tips.contact", owner=lookup_id),
        has_contact=bool(contact),
    )


def new_lookup_id() -> str:
    while True:
        lookup = codes.new_code().lookup_id
        if not Tip.objects.filter(lookup_id=lookup).exists():
            return lookup


def create_tip(
    actor: Actor,
    *,
    source: str,
    what: str,
    where_name: str = "",
    where_address: str = "",
    org_no: str = "",
    municipality_code: str = "",
    since: str = "",
    language: str = "sv",
    contact: str = "",
    centre_code: str = "",
) -> Tip:
    """A tip entered by staff (e.g. a partner's referral): no receipt code. Staff with a
    centre (inspector, analyst, coordinator), the system, and for a partner's referral
    also coordinators and administrators without a centre (the national forum's). Routed
    by municipality; without one, to ``centre_code`` (a centre forum's centre) if given.
    Raises Forbidden, InvalidInput."""
    national_referral = source == Source.PARTNER and actor.has_role(Role.COORDINATOR, Role.ADMIN)
    if not (
        (actor.is_system and actor.has_role(Role.ADMIN))
        or policies.may_handle_any(actor)
        or national_referral
    ):
        raise Forbidden()
    if source not in (Source.PARTNER, Source.STAFF, Source.PORTAL):
        raise InvalidInput("Unknown source %(source)s.", source=source)
    cleaned = {
        name: text(value, field=name.replace("_", " "), max_length=LIMITS[name], required=False)
        for name, value in (
            ("what", what),
            ("where_name", where_name),
            ("where_address", where_address),
            ("since", since),
            ("contact", contact),
        )
    }
    if not cleaned["what"]:
        raise InvalidInput("Fill in %(field)s.", field="what")
    digits = org_no.strip().replace("-", "").replace(" ", "")
    if digits and (not digits.isascii() or not digits.isdigit() or len(digits) not in (10, 12)):
        raise InvalidInput("The organisation number must have 10 digits.")
    if municipality_code and not Municipality.objects.filter(code=municipality_code).exists():
        raise InvalidInput("Unknown municipality %(code)s.", code=municipality_code[:10])
    if len(language) > 5:
        raise InvalidInput("Unknown language.")
    with transaction.atomic():
        tip = store_tip(
            source=source,
            lookup_id=new_lookup_id(),
            code_hash="",
            language=language,
            org_no=digits[-10:],
            municipality_code=municipality_code,
            **cleaned,
        )
        if tip.centre_id is None and centre_code:
            tip.centre = Centre.objects.filter(code=centre_code).first()
            tip.save(update_fields=["centre"])
        audit.record(
            actor=actor,
            action="create_tip",
            object_type="tip",
            object_id=str(tip.pk),
            fields=[k for k, v in cleaned.items() if v],
            detail={"source": source},
        )
    return tip


def tip_handled(tip: Tip) -> bool:
    """True when staff have dealt with the tip: handled, a duplicate, closed, or followed
    up by a control."""
    return (
        tip.status in DONE
        or tip.control_id is not None
        or ControlTip.objects.filter(tip_id=tip.key).exists()
    )


def _audit(actor: Actor, tip: Tip, action: str, **detail: object) -> None:
    audit.record(
        actor=actor,
        action=action,
        object_type="tip",
        object_id=str(tip.pk),
        # A tip belongs to a centre, not to an agency: no ``object_owner``.
        detail={"centre": tip.centre.code if tip.centre else "", **detail},
    )


def route_tip(*, actor: Actor, tip_id: int, municipality_code: str) -> Tip:
    """Route a tip to the centre of a municipality (coordinators; the tip's handlers)."""
    with transaction.atomic():
        tip = policies.tip_for_handling(actor, tip_id)
        municipality = (
            Municipality.objects.select_related("county__centre")
            .filter(code=str(municipality_code)[:4])
            .first()
        )
        if municipality is None:
            raise InvalidInput(_("Choose a municipality."))
        tip.municipality, tip.centre = municipality, municipality.county.centre
        tip.save(update_fields=["municipality", "centre"])
        _audit(actor, tip, "route_tip", centre=tip.centre.code)
    return tip


def triage_tip(*, actor: Actor, tip_id: int, category: str, urgency: str) -> Tip:
    """Set category and urgency. Risk to life alerts the police of the tip's centre at
    once (an e-mail to its POL staff; the tip tops their list). Raises Conflict when a
    tip at risk to life has no centre yet."""
    if category not in Category.values:
        raise InvalidInput(_("Choose a category."))
    if urgency not in Urgency.values:
        raise InvalidInput(_("Choose an urgency."))
    with transaction.atomic():
        tip = policies.tip_for_handling(actor, tip_id)
        if urgency == Urgency.RISK_TO_LIFE and tip.centre_id is None:
            raise Conflict(_("Route the tip to a centre first, so that its police are alerted."))
        tip.category, tip.urgency = category, urgency
        if tip.status == Status.NEW:
            tip.status = Status.TRIAGED
        alert = urgency == Urgency.RISK_TO_LIFE and tip.police_alerted_at is None
        if alert:
            tip.police_alerted_at = timezone.now()
        tip.save(update_fields=["category", "urgency", "status", "police_alerted_at"])
        _audit(actor, tip, "triage_tip", category=category, urgency=urgency, police=alert)
        if alert:
            recipients = police_addresses(tip)
            transaction.on_commit(lambda: _alert_police(tip, recipients))
    return tip


def police_addresses(tip: Tip) -> list[str]:
    """E-mail addresses of the active POL staff of the tip's centre."""
    staff = Staff.objects.filter(
        agency__code="POL", centres=tip.centre_id, user__is_active=True
    ).exclude(user__email="")
    return sorted(set(staff.values_list("user__email", flat=True)))


def _alert_police(tip: Tip, recipients: list[str]) -> None:
    if not recipients:
        return
    # No tip text in the e-mail: only that there is one, and where to read it.
    send_mail(
        subject=f"akrim: {tip.key} – risk to life",
        message=(
            f"A tip at {tip.centre} has been marked as a risk to life.\n"
            f"Read it in akrim: {reverse('tips:detail', args=[tip.pk])}\n"
        ),
        from_email=None,
        recipient_list=recipients,
    )


def link_register(*, actor: Actor, tip_id: int, kind: str, key: str) -> Tip:
    """Link the tip to a workplace (by workplace id) or a company (by org number) that the
    actor may see in the registers; the SNI section follows the record. The register read
    is audited by the registry. Raises NotFound for an unknown or hidden record."""
    from akrim.registry import queries as registry

    key = str(key or "").strip()[:40]
    if kind not in ("workplace", "company") or not key:
        raise InvalidInput(_("Give a workplace id or an organisation number."))
    with transaction.atomic():
        tip = policies.tip_for_handling(actor, tip_id)
        if kind == "workplace":
            workplace = registry.get_workplace(actor=actor, workplace_id=key).workplace
            tip.workplace, tip.company = workplace, workplace.company
            tip.sni_section = sni_section(workplace.sni)
        else:
            company = registry.get_company(actor=actor, org_no=key).company
            tip.company, tip.workplace = company, None
            tip.sni_section = sni_section(company.sni)
        tip.save(update_fields=["workplace", "company", "sni_section"])
        _audit(actor, tip, "link_tip", kind=kind, key=key)
    return tip


def mark_duplicate(*, actor: Actor, tip_id: int, of_id: int) -> Tip:
    """Mark the tip as a duplicate of another visible tip (not itself, not a chain)."""
    if tip_id == of_id:
        raise InvalidInput(_("A tip cannot duplicate itself."))
    with transaction.atomic():
        tip = policies.tip_for_handling(actor, tip_id)
        original = policies.tip_for_reading(actor, of_id)
        Tip.objects.select_for_update().filter(pk=original.pk).first()  # no race into a chain
        if original.duplicate_of_id is not None:
            raise Conflict(_("That tip is itself a duplicate; choose the first one."))
        if tip.duplicates.exists():
            raise Conflict(_("Other tips are duplicates of this one; it cannot become one."))
        tip.duplicate_of, tip.status = original, Status.DUPLICATE
        tip.handled_at = tip.handled_at or timezone.now()
        tip.save(update_fields=["duplicate_of", "status", "handled_at"])
        _audit(actor, tip, "mark_tip_duplicate", of=original.pk)
    return tip


def use_for_selection(*, actor: Actor, tip_id: int) -> Tip:
    """Give the tip to the targeting engine as a register tip (``TipRecord``) of the
    linked record's owner, so risk scores count it. Needs a linked workplace or company."""
    from akrim.registry.models import TipRecord

    with transaction.atomic():
        tip = policies.tip_for_handling(actor, tip_id)
        record_of = tip.workplace or tip.company
        if record_of is None:
            raise Conflict(_("Link the tip to a workplace or company first."))
        TipRecord.objects.update_or_create(
            owner_id=record_of.owner_id,
            tip_id=tip.key,
            defaults={
                "received_on": timezone.localdate(tip.received_at),
                "workplace": tip.workplace,
                "company": tip.company,
                "category": tip.category or Category.OTHER,
            },
        )
        tip.selection_record = tip.key
        _handled(tip)
        tip.save(update_fields=["selection_record", "status", "handled_at"])
        _audit(actor, tip, "use_tip_for_selection", owner=record_of.owner_id)
    return tip


def _handled(tip: Tip) -> None:
    if tip.status in (Status.NEW, Status.TRIAGED):
        tip.status = Status.HANDLED
    tip.handled_at = tip.handled_at or timezone.now()


def link_control(*, actor: Actor, tip_id: int, control_id: int) -> Tip:
    """Record that a control followed up the tip: the control must name the tip."""
    with transaction.atomic():
        tip = policies.tip_for_handling(actor, tip_id)
        link = ControlTip.objects.filter(tip_id=tip.key, control_id=control_id).first()
        if link is None or (tip.centre_id is not None and link.control.centre_id != tip.centre_id):
            raise NotFound()
        tip.control_id = link.control_id
        _handled(tip)
        tip.save(update_fields=["control", "status", "handled_at"])
        _audit(actor, tip, "link_tip_control", control=control_id)
    return tip


def reply(*, actor: Actor, tip_id: int, body: str) -> Message:
    """A message to the sender, read with their receipt code."""
    body = text(body, field=_("the reply"), max_length=LIMITS["body"], required=True)
    with transaction.atomic():
        tip = policies.tip_for_handling(actor, tip_id)
        if not tip.code_hash:
            raise Conflict(_("This tip has no receipt code, so it cannot be answered here."))
        message = Message.objects.create(
            tip=tip,
            direction=Message.Direction.OUT,
            body_sealed=seal(body, field="tips.message", owner=tip.lookup_id),
            created_at=timezone.now(),
            author=User.objects.filter(pk=actor.user_id).first() if actor.user_id else None,
        )
        tip.new_information = False
        tip.save(update_fields=["new_information"])
        _audit(actor, tip, "reply_to_tip", message=message.pk)
    return message


def close_tip(*, actor: Actor, tip_id: int) -> Tip:
    with transaction.atomic():
        tip = policies.tip_for_handling(actor, tip_id)
        if tip.status == Status.CLOSED:
            raise Conflict(_("The tip is already closed."))
        tip.status, tip.closed_at = Status.CLOSED, timezone.now()
        tip.handled_at = tip.handled_at or tip.closed_at
        tip.save(update_fields=["status", "closed_at", "handled_at"])
        _audit(actor, tip, "close_tip")
    return tip
