"""Partner organisations and their contacts (personal data: every write is audited)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from akrim.audit.services import record
from akrim.controls.services.common import text
from akrim.core.actor import Actor
from akrim.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from akrim.organisation.models import Centre
from akrim.partners import policies
from akrim.partners.models import Contact, Organisation
from akrim.partners.services.common import (
    NAME_MAX,
    PHONE,
)

# --- organisations and contacts ------------------------------------------------------


def _organisation_fields(
    kind: str, name: str, scope: str, centres: Sequence[str]
) -> tuple[str, str, str, list[Centre]]:
    if kind not in Organisation.Kind.values:
        raise InvalidInput(_("Choose the kind of organisation."))
    if scope not in Organisation.Scope.values:
        raise InvalidInput(_("Choose national or regional."))
    name = text(name, field=_("the name"), max_length=NAME_MAX, required=True)
    codes = set(centres)
    rows = list(Centre.objects.filter(code__in=codes))
    if len(rows) != len(codes):
        raise InvalidInput(_("Unknown centre."))
    if scope == Organisation.Scope.REGIONAL and not rows:
        raise InvalidInput(_("A regional organisation works in at least one centre."))
    return kind, name, scope, rows


def _check_centres_allowed(actor: Actor, scope: str, rows: list[Centre]) -> None:
    """A centre's coordinator may only place regional organisations in their own centres."""
    if policies.is_national_coordinator(actor) or scope == Organisation.Scope.NATIONAL:
        return
    if any(c.code not in actor.centres for c in rows):
        raise Forbidden(_("You may only add organisations to your own centres."))


def create_organisation(
    *, actor: Actor, kind: str, name: str, scope: str, centres: Sequence[str] = ()
) -> Organisation:
    """Coordinators and administrators. Raises InvalidInput, Forbidden, Conflict."""
    if not policies.may_create_organisation(actor):
        raise Forbidden(_("Only coordinators may add organisations."))
    kind, name, scope, rows = _organisation_fields(kind, name, scope, centres)
    _check_centres_allowed(actor, scope, rows)
    with transaction.atomic():
        if Organisation.objects.filter(name__iexact=name).exists():
            raise Conflict(_("An organisation with this name exists."))
        organisation = Organisation.objects.create(kind=kind, name=name, scope=scope)
        organisation.centres.set(rows)
        record(
            actor=actor,
            action="partners.organisation_created",
            object_type="partners.organisation",
            object_id=str(organisation.pk),
            fields=["kind", "name", "scope", "centres"],
            detail={"kind": kind, "scope": scope, "centres": sorted(c.code for c in rows)},
        )
    return organisation


def update_organisation(
    *,
    actor: Actor,
    organisation_id: int,
    kind: str,
    name: str,
    scope: str,
    centres: Sequence[str] = (),
) -> Organisation:
    kind, name, scope, rows = _organisation_fields(kind, name, scope, centres)
    with transaction.atomic():
        organisation = Organisation.objects.select_for_update().filter(pk=organisation_id).first()
        if organisation is None:
            raise NotFound(_("No such organisation."))
        if not policies.may_manage_organisation(actor, organisation):
            raise Forbidden(_("You may not change this organisation."))
        _check_centres_allowed(actor, scope, rows)
        if Organisation.objects.filter(name__iexact=name).exclude(pk=organisation.pk).exists():
            raise Conflict(_("An organisation with this name exists."))
        organisation.kind, organisation.name, organisation.scope = kind, name, scope
        organisation.save(update_fields=["kind", "name", "scope"])
        organisation.centres.set(rows)
        record(
            actor=actor,
            action="partners.organisation_updated",
            object_type="partners.organisation",
            object_id=str(organisation.pk),
            fields=["kind", "name", "scope", "centres"],
            detail={"kind": kind, "scope": scope, "centres": sorted(c.code for c in rows)},
        )
    return organisation


@dataclass(frozen=True)
class ContactFields:
    name: str
    role: str = ""
    email: str = ""
    phone: str = ""


def _contact_fields(given: ContactFields) -> ContactFields:
    name = text(given.name, field=_("the name"), max_length=NAME_MAX, required=True)
    role = text(given.role, field=_("the role"), max_length=NAME_MAX)
    email = text(given.email, field=_("the e-mail address"), max_length=254)
    phone = text(given.phone, field=_("the phone number"), max_length=40)
    if email:
        try:
            validate_email(email)
        except ValidationError as error:
            raise InvalidInput(_("The e-mail address is not valid.")) from error
    if phone and not PHONE.fullmatch(phone):
        raise InvalidInput(_("The phone number may hold digits, spaces, + ( ) and -."))
    return ContactFields(name=name, role=role, email=email, phone=phone)


def _managed_organisation(actor: Actor, organisation_id: int) -> Organisation:
    organisation = Organisation.objects.select_for_update().filter(pk=organisation_id).first()
    if organisation is None:
        raise NotFound(_("No such organisation."))
    if not policies.may_manage_organisation(actor, organisation):
        raise Forbidden(_("You may not change this organisation's contacts."))
    return organisation


def add_contact(*, actor: Actor, organisation_id: int, fields: ContactFields) -> Contact:
    """A new contact at an organisation (personal data: the write is audited)."""
    clean = _contact_fields(fields)
    with transaction.atomic():
        organisation = _managed_organisation(actor, organisation_id)
        contact = Contact.objects.create(
            organisation=organisation,
            name=clean.name,
            role=clean.role,
            email=clean.email,
            phone=clean.phone,
        )
        _audit_contact(actor, "partners.contact_created", contact)
    return contact


def update_contact(
    *, actor: Actor, contact_id: int, fields: ContactFields, active: bool = True
) -> Contact:
    clean = _contact_fields(fields)
    with transaction.atomic():
        contact = Contact.objects.select_for_update().filter(pk=contact_id).first()
        if contact is None:
            raise NotFound(_("No such contact."))
        _managed_organisation(actor, contact.organisation_id)
        contact.name, contact.role = clean.name, clean.role
        contact.email, contact.phone, contact.active = clean.email, clean.phone, active
        contact.save(update_fields=["name", "role", "email", "phone", "active"])
        _audit_contact(actor, "partners.contact_updated", contact)
    return contact


def _audit_contact(actor: Actor, action: str, contact: Contact) -> None:
    record(
        actor=actor,
        action=action,
        object_type="partners.contact",
        object_id=str(contact.pk),
        fields=["name", "role", "email", "phone", "active"],
        detail={"organisation": contact.organisation_id},
    )
