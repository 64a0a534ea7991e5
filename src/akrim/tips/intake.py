"""The public side of tips: receiving a tip, reading answers with the receipt code and
adding information. Called only by ``public_views``; nothing here takes or stores anything
about the sender's connection.

Errors are returned, not raised, as the portal's interface-text keys (``error_required``
...), because the public pages speak every portal language and their texts are content.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from django.db import transaction
from django.utils import timezone

from akrim.audit import services as audit
from akrim.controls.services.common import CONTROL_CHARACTERS
from akrim.controls.services.fieldwork import clean_file
from akrim.core.actor import Actor
from akrim.core.errors import InvalidInput
from akrim.tips import codes, guards
from akrim.tips.crypto import seal, seal_bytes, unseal
from akrim.tips.models import Message, Source, Tip, TipAttachment
from akrim.tips.services import LIMITS, store_tip

ATTACHMENT_MAX_MB = 5
PUBLIC = Actor(user_id=None, username="public", agency=None)  # the anonymous sender


class Readable(Protocol):
    def read(self, size: int = ...) -> bytes: ...


Errors = dict[str, tuple[str, dict[str, Any]]]  # field -> (ui key, placeholders)


def clean_text(errors: Errors, data: Mapping[str, Any], name: str, *, required: bool) -> str:
    value = str(data.get(name, "") or "").replace("\r\n", "\n").strip()
    limit = LIMITS[name]
    if required and not value:
        errors[name] = ("error_required", {})
    elif len(value) > limit:
        errors[name] = ("error_too_long", {"max": limit})
    elif CONTROL_CHARACTERS.search(value):
        errors[name] = ("error_invalid", {})
    return value


def _municipality(errors: Errors, data: Mapping[str, Any]) -> str:
    from akrim.organisation.models import Municipality

    code = str(data.get("municipality", "") or "").strip()
    if code and (len(code) != 4 or not Municipality.objects.filter(code=code).exists()):
        errors["municipality"] = ("error_invalid", {})
    return code


def _org_no(errors: Errors, data: Mapping[str, Any]) -> str:
    raw = str(data.get("org_no", "") or "").strip()
    digits = raw.replace("-", "").replace(" ", "")
    if raw and (not digits.isascii() or not digits.isdigit() or len(digits) not in (10, 12)):
        errors["org_no"] = ("error_invalid", {})
        return raw
    return digits[-10:] if digits else ""


def read_attachment(errors: Errors, upload: Readable | None) -> tuple[bytes, str, str] | None:
    """The cleaned attachment (data, content type, extension), or None; a bad file is an
    error of field ``attachment``."""
    if upload is None:
        return None
    limit = ATTACHMENT_MAX_MB * 1024 * 1024
    raw = upload.read(limit + 1)
    if not raw:
        return None
    if len(raw) > limit:
        errors["attachment"] = ("error_file", {"max": ATTACHMENT_MAX_MB})
        return None
    try:
        clean = clean_file(raw)
    except InvalidInput:
        errors["attachment"] = ("error_file", {"max": ATTACHMENT_MAX_MB})
        return None
    return clean.data, clean.content_type, clean.extension


def _attach(tip: Tip, cleaned: tuple[bytes, str, str] | None) -> None:
    if cleaned is None:
        return
    data, content_type, extension = cleaned
    TipAttachment.objects.create(
        tip=tip,
        content_type=content_type,
        extension=extension,
        size=len(data),
        data=seal_bytes(data, field="tips.attachment", owner=tip.lookup_id),
        created_at=timezone.now(),
    )


@dataclass
class Received:
    tip: Tip | None = None
    code: codes.ReceiptCode | None = None
    errors: Errors = field(default_factory=dict)
    values: dict[str, str] = field(default_factory=dict)


def receive_tip(*, lang: str, data: Mapping[str, Any], upload: Readable | None) -> Received:
    """Validate the public form and store the tip with a new receipt code. The caller has
    checked the form token and the global submission limit."""
    errors: Errors = {}
    values = {
        "what": clean_text(errors, data, "what", required=True),
        "where_name": clean_text(errors, data, "where_name", required=False),
        "where_address": clean_text(errors, data, "where_address", required=False),
        "since": clean_text(errors, data, "since", required=False),
        "contact": clean_text(errors, data, "contact", required=False),
    }
    values["org_no"] = _org_no(errors, data)
    values["municipality"] = _municipality(errors, data)
    cleaned = read_attachment(errors, upload) if not errors else None
    if errors:
        return Received(errors=errors, values=values)
    code = codes.new_code()
    code_hash = codes.hash_code(code.code)
    with transaction.atomic():
        tip = store_tip(
            source=Source.PORTAL,
            lookup_id=code.lookup_id,
            code_hash=code_hash,
            language=lang,
            what=values["what"],
            where_name=values["where_name"],
            where_address=values["where_address"],
            org_no=values["org_no"],
            municipality_code=values["municipality"],
            since=values["since"],
            contact=values["contact"],
        )
        _attach(tip, cleaned)
        audit.record(
            actor=PUBLIC,
            action="receive_tip",
            object_type="tip",
            object_id=str(tip.pk),
            detail={"language": lang, "centre": tip.centre.code if tip.centre else ""},
        )
    return Received(tip=tip, code=code)


class Outcome(enum.Enum):
    OK = "ok"
    WRONG = "wrong"
    THROTTLED = "throttled"


@dataclass(frozen=True)
class Lookup:
    outcome: Outcome
    tip: Tip | None = None


def _failed() -> Lookup:
    guards.count(guards.STATUS_FAILURES)
    return Lookup(Outcome.WRONG)


def look_up(raw_code: str) -> Lookup:
    """Find the tip of a receipt code. Wrong codes count for the tip's lookup id (locked
    after ``TIP_FAILURES``) and for everyone together (``lookups_blocked``)."""
    if guards.lookups_blocked():
        return Lookup(Outcome.THROTTLED)
    try:
        return _look_up(raw_code)
    except codes.Busy:  # not the sender's fault: not counted as a wrong code
        return Lookup(Outcome.THROTTLED)


def _look_up(raw_code: str) -> Lookup:
    code = codes.normalize(raw_code)
    if code is None:
        return _failed()
    tip = Tip.objects.filter(lookup_id=code[: codes.LOOKUP_CHARS]).exclude(code_hash="").first()
    if tip is None:
        codes.waste_time(code)
        return _failed()
    now = timezone.now()
    if tip.locked_until is not None and tip.locked_until > now:
        guards.count(guards.STATUS_FAILURES)
        return Lookup(Outcome.THROTTLED)
    if not codes.matches(tip.code_hash, code):
        with transaction.atomic():
            locked = Tip.objects.select_for_update().get(pk=tip.pk)
            locked.failed_lookups += 1
            if locked.failed_lookups >= guards.TIP_FAILURES:
                locked.failed_lookups, locked.locked_until = 0, now + guards.TIP_LOCK
            locked.save(update_fields=["failed_lookups", "locked_until"])
        result = _failed()
        return Lookup(Outcome.THROTTLED) if locked.locked_until else result
    if tip.failed_lookups:
        Tip.objects.filter(pk=tip.pk).update(failed_lookups=0)
    return Lookup(Outcome.OK, tip)


@dataclass(frozen=True)
class ShownMessage:
    from_staff: bool
    body: str
    created_at: Any


def messages_for_sender(tip: Tip) -> list[ShownMessage]:
    return [
        ShownMessage(
            m.direction == Message.Direction.OUT,
            unseal(m.body_sealed, field="tips.message", owner=tip.lookup_id),
            m.created_at,
        )
        for m in tip.messages.all()
    ]


def add_information(
    *, lookup_id: str, data: Mapping[str, Any], upload: Readable | None
) -> Errors | None:
    """Add the sender's message (and file) to their tip; the errors, or None when added.
    The caller has checked the add-information token bound to ``lookup_id``."""
    errors: Errors = {}
    body = clean_text(errors, data, "body", required=True)
    cleaned = read_attachment(errors, upload) if not errors else None
    if errors:
        return errors
    with transaction.atomic():
        tip = Tip.objects.select_for_update().filter(lookup_id=lookup_id).first()
        if tip is None:
            return {"body": ("error_form_expired", {})}
        since = timezone.now() - dt.timedelta(days=1)
        recent = tip.messages.filter(direction=Message.Direction.IN, created_at__gte=since)
        if recent.count() >= guards.ADDS_PER_TIP_AND_DAY:
            return {"form": ("tip_throttled", {})}
        Message.objects.create(
            tip=tip,
            direction=Message.Direction.IN,
            body_sealed=seal(body, field="tips.message", owner=tip.lookup_id),
            created_at=timezone.now(),
        )
        _attach(tip, cleaned)
        tip.new_information = True
        tip.save(update_fields=["new_information"])
        audit.record(
            actor=PUBLIC, action="add_tip_information", object_type="tip", object_id=str(tip.pk)
        )
    return None
