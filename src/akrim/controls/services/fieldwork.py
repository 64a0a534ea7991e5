"""On the day (carry out): what an agency's inspectors record on site — people met with
the ILO indicators of forced labour, the staff-ledger (personalliggare) check per
workplace, the agency's own checklist, free observations, photos and documents — and
the drafts that keep typed data safe when the connection drops.

Who: an inspector or coordinator of a participating agency in the control's team, or a
coordinator of the centre (``policies.check_may_record``), always for their own agency:
every row written here is owned by the actor's agency, and only that agency changes it.
When: while the control is prepared, carried out or in follow-up (``RECORDING_OPEN``).

Every service: authorize → validate → write in one transaction → audit entry. Invalid
input raises ``InvalidInput`` with ``input`` (the first bad field) and ``errors`` (field
→ message for every bad field), so a form shows each message next to its field.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import re
import secrets
import warnings
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, TypeVar

from django.conf import settings
from django.db import transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError
from pypdf import PdfReader, PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

from akrim.audit import services as audit
from akrim.controls import policies
from akrim.controls.fieldwork_queries import (
    MAX_ATTACHMENTS,
    PERSON_FIELDS,
    check_recording_open,
    current_checklist,
)
from akrim.controls.models import (
    Attachment,
    ChecklistAnswer,
    Control,
    FormDraft,
    IdDocument,
    Indicator,
    LedgerCheck,
    LedgerResult,
    Observation,
    PayPeriod,
    PersonIndicator,
    PersonMet,
    YesNoUnknown,
)
from akrim.controls.services.common import CONTROL_CHARACTERS, locked
from akrim.core.actor import Actor
from akrim.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from akrim.engines.exchange.countries import COUNTRY_CODES
from akrim.organisation.models import Agency

R = TypeVar("R", bound=Model)

MAX_NAME = 200
MAX_DOCUMENT_NO = 40
MAX_ROLE = 120
MAX_NOTE = 2000
MAX_OBSERVATION = 4000
MAX_ANSWER = 2000
MAX_CAPTION = 300
MAX_FILE_NAME = 200
MAX_PAY_SEK = 10_000_000
MAX_HOURS_PER_WEEK = 168
MAX_NOT_RECORDED = 10_000
EARLIEST_BIRTH = dt.date(1900, 1, 1)

# Larger than any phone camera's picture (48 MP); refused before any pixel is decoded.
MAX_PIXELS = 50_000_000
MAX_PDF_PAGES = 500
JPEG_QUALITY = 90

DRAFT_FORM = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")
MAX_DRAFT_FIELDS = 50
MAX_DRAFT_BYTES = 20_000
MAX_DRAFT_KEY = 100

YES_NO_ANSWERS = ("yes", "no", "na")

# --- validation ------------------------------------------------------------------------


class Problems:
    """Every problem with one form's input, by field, so that all are shown at once."""

    def __init__(self) -> None:
        self.errors: dict[str, str] = {}

    def add(self, field: str, message: Any, **params: Any) -> None:
        if field not in self.errors:
            self.errors[field] = str(message) % params if params else str(message)

    def check(self, order: Sequence[str] = ()) -> None:
        """Raise InvalidInput naming the first bad field (in ``order``, then as found),
        with every message."""
        if self.errors:
            rank = {name: i for i, name in enumerate(order)}
            ordered = sorted(self.errors, key=lambda name: rank.get(name, len(rank)))
            errors = {name: self.errors[name] for name in ordered}
            field, message = next(iter(errors.items()))
            raise InvalidInput(message, input=field, errors=errors)


def _text(
    problems: Problems,
    field: str,
    label: Any,
    value: object,
    max_length: int,
    required: bool = False,
) -> str:
    cleaned = str(value if value is not None else "").replace("\r\n", "\n").strip()
    if required and not cleaned:
        problems.add(field, _("Fill in %(label)s."), label=label)
    elif len(cleaned) > max_length:
        problems.add(
            field,
            _("%(label)s is too long: at most %(max)s characters."),
            label=str(label).capitalize(),
            max=max_length,
        )
    elif CONTROL_CHARACTERS.search(cleaned):
        problems.add(
            field,
            _("%(label)s contains characters that are not allowed."),
            label=str(label).capitalize(),
        )
    return cleaned


def _whole_number(
    problems: Problems, field: str, label: Any, value: object, maximum: int
) -> int | None:
    """A whole number from 0 to ``maximum``, or None when empty. Spaces between
    thousands are allowed ("12 500")."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    else:
        raw = str(value).strip().replace(" ", "").replace("\u00a0", "")
        if not raw:
            return None
        if not raw.isascii() or not raw.isdigit():
            problems.add(
                field,
                _("%(label)s must be a whole number from 0 to %(max)s."),
                label=str(label).capitalize(),
                max=maximum,
            )
            return None
        number = int(raw[:12])
    if not 0 <= number <= maximum:
        problems.add(
            field,
            _("%(label)s must be a whole number from 0 to %(max)s."),
            label=str(label).capitalize(),
            max=maximum,
        )
        return None
    return number


def _birth_date(problems: Problems, value: object) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        problems.add("birth_date", _("Give the birth date as a date, not a time."))
        return None
    if isinstance(value, dt.date):
        day = value
    else:
        try:
            day = dt.date.fromisoformat(str(value).strip()[:10])
            if len(str(value).strip()) != 10:
                raise ValueError
        except ValueError:
            problems.add("birth_date", _("Give the birth date as a real date: YYYY-MM-DD."))
            return None
    if day > timezone.localdate():
        problems.add("birth_date", _("The birth date cannot be in the future."))
        return None
    if day < EARLIEST_BIRTH:
        problems.add("birth_date", _("The birth date cannot be before 1900."))
        return None
    return day


def _choice(
    problems: Problems, field: str, label: Any, value: object, allowed: Sequence[str]
) -> str:
    chosen = str(value or "").strip()
    if chosen not in allowed:
        problems.add(field, _("Choose one of the listed %(label)s."), label=label)
    return chosen


# --- who and when ----------------------------------------------------------------------


def _recording(actor: Actor, control_id: int) -> tuple[Control, Agency]:
    """The control, locked, once the actor may record in it now; and the actor's agency."""
    control = locked(actor, control_id)
    policies.check_may_record(actor=actor, control=control)
    check_recording_open(control)
    return control, Agency.objects.get(code=actor.agency)


def _check_may_record_now(actor: Actor, control_id: int) -> None:
    """The same checks without holding a lock (before slow work such as decoding a photo);
    they are made again, under the lock, before the write."""
    control = policies.visible(Control.objects.all(), actor=actor).filter(pk=control_id).first()
    if control is None:
        raise NotFound()
    policies.check_may_record(actor=actor, control=control)
    check_recording_open(control)


def _own_row(model: type[R], actor: Actor, control_id: int, row_id: int) -> tuple[R, Control]:
    """A recorded row of the control that the actor's agency owns, its control locked.

    NotFound when the row is not there or not visible to the actor; Forbidden when it is
    visible but another agency's (only the owner changes its records)."""
    control = locked(actor, control_id)
    rows = model._default_manager.filter(pk=row_id, control_id=control.pk)
    if not policies.recorded(rows, actor=actor).exists():
        raise NotFound()
    policies.check_may_record(actor=actor, control=control)
    check_recording_open(control)
    row = rows.select_related("owner").get()
    if row.owner.code != actor.agency:  # type: ignore[attr-defined]  # every recorded row has one
        raise Forbidden("Only the agency that recorded it may change it.")
    return row, control


def _workplace(problems: Problems, control: Control, value: object, required: bool) -> str:
    key = str(value or "").strip()
    if not key:
        if required:
            problems.add("workplace_id", _("Choose the workplace."))
        return ""
    if len(key) > 40 or not control.workplaces.filter(workplace_id=key).exists():
        problems.add("workplace_id", _("Choose one of the control's workplaces."))
        return ""
    return key


# --- people met ------------------------------------------------------------------------


@dataclass(frozen=True)
class PersonFacts:
    """What is written down about a person met, as typed (strings are parsed and checked
    by the services) or already typed. ``indicators``: ILO indicator codes seen."""

    name_as_written: str
    birth_date: dt.date | str | None = None
    stated_nationality: str = ""
    id_document: str = IdDocument.NONE
    id_document_no: str = ""
    role: str = ""
    stated_pay_sek: int | str | None = None
    pay_period: str = PayPeriod.UNKNOWN
    stated_hours_per_week: int | str | None = None
    housing_by_employer: str = YesNoUnknown.UNKNOWN
    workplace_id: str = ""
    note: str = ""
    indicators: Sequence[str] = ()


def _indicators(problems: Problems, codes: Iterable[str]) -> set[str]:
    wanted = {str(code).strip() for code in codes if str(code).strip()}
    if wanted - set(Indicator.values):
        problems.add("indicators", _("Choose indicators from the list only."))
        return set()
    return wanted


def _person_values(control: Control, facts: PersonFacts) -> tuple[dict[str, Any], set[str]]:
    """The checked column values of a person met and the indicator codes."""
    p = Problems()
    nationality = str(facts.stated_nationality or "").strip().upper()
    if nationality and nationality not in COUNTRY_CODES:
        p.add("stated_nationality", _("Give the nationality as a two-letter ISO code, e.g. PL."))
    document = _choice(p, "id_document", _("ID documents"), facts.id_document, IdDocument.values)
    document_no = _text(
        p, "id_document_no", _("the document number"), facts.id_document_no, MAX_DOCUMENT_NO
    )
    if document == IdDocument.NONE and document_no:
        p.add("id_document_no", _("No document was shown: leave the number empty."))
    values: dict[str, Any] = {
        "workplace_id": _workplace(p, control, facts.workplace_id, required=False),
        "name_as_written": _text(
            p, "name_as_written", _("the name as written"), facts.name_as_written, MAX_NAME, True
        ),
        "birth_date": _birth_date(p, facts.birth_date),
        "stated_nationality": nationality if "stated_nationality" not in p.errors else "",
        "id_document": document,
        "id_document_no": document_no,
        "role": _text(p, "role", _("the role"), facts.role, MAX_ROLE),
        "stated_pay_sek": _whole_number(
            p, "stated_pay_sek", _("the stated pay"), facts.stated_pay_sek, MAX_PAY_SEK
        ),
        "pay_period": _choice(
            p, "pay_period", _("pay periods"), facts.pay_period, PayPeriod.values
        ),
        "stated_hours_per_week": _whole_number(
            p,
            "stated_hours_per_week",
            _("the hours per week"),
            facts.stated_hours_per_week,
            MAX_HOURS_PER_WEEK,
        ),
        "housing_by_employer": _choice(
            p, "housing_by_employer", _("answers"), facts.housing_by_employer, YesNoUnknown.values
        ),
        "note": _text(p, "note", _("the note"), facts.note, MAX_NOTE),
    }
    indicators = _indicators(p, facts.indicators)
    p.check(order=[*PERSON_FIELDS, "indicators"])
    return values, indicators


def _replace_indicators(person: PersonMet, wanted: set[str], actor: Actor) -> bool:
    """Make the owner's indicators for ``person`` exactly ``wanted``; True if changed."""
    mine = PersonIndicator.objects.filter(person=person, owner_id=person.owner_id)
    current = set(mine.values_list("indicator", flat=True))
    if current == wanted:
        return False
    mine.exclude(indicator__in=wanted).delete()
    PersonIndicator.objects.bulk_create(
        PersonIndicator(
            person=person,
            control_id=person.control_id,
            owner_id=person.owner_id,
            indicator=code,
            recorded_by_id=actor.user_id,
        )
        for code in sorted(wanted - current)
    )
    return True


def _audit_person(
    actor: Actor, action: str, person: PersonMet, owner: str, fields: Iterable[str]
) -> None:
    audit.record(
        actor=actor,
        action=action,
        object_type="person_met",
        object_id=str(person.pk),
        object_owner=owner,
        fields=fields,
        persons=[(f"met:{person.pk}", owner)],
        detail={"control": person.control_id},
    )


def record_person_met(*, actor: Actor, control_id: int, facts: PersonFacts) -> PersonMet:
    """Write down a person met on site, with the ILO indicators seen, for the actor's
    agency. Raises NotFound, Forbidden, Conflict (outside the recording window),
    InvalidInput (every bad field in ``errors``)."""
    with transaction.atomic():
        control, agency = _recording(actor, control_id)
        values, indicators = _person_values(control, facts)
        person = PersonMet.objects.create(
            control=control, owner=agency, recorded_by_id=actor.user_id, **values
        )
        _replace_indicators(person, indicators, actor)
        written = [name for name, value in values.items() if value not in ("", None)]
        _audit_person(
            actor,
            "record_person_met",
            person,
            agency.code,
            written + (["indicators"] if indicators else []),
        )
    return person


def update_person_met(
    *, actor: Actor, control_id: int, person_id: int, facts: PersonFacts
) -> PersonMet:
    """Replace what the actor's agency wrote about a person met, indicators included.
    Nothing is written (and nothing audited) when nothing changed. Raises NotFound,
    Forbidden (another agency's person), Conflict, InvalidInput."""
    with transaction.atomic():
        person, control = _own_row(PersonMet, actor, control_id, person_id)
        values, indicators = _person_values(control, facts)
        changed = [name for name, value in values.items() if getattr(person, name) != value]
        for name in changed:
            setattr(person, name, values[name])
        if changed:
            person.save(update_fields=[*changed, "updated_at"])
        if _replace_indicators(person, indicators, actor):
            changed.append("indicators")
        if changed:
            _audit_person(actor, "update_person_met", person, person.owner.code, changed)
    return person


def set_person_indicators(
    *, actor: Actor, control_id: int, person_id: int, indicators: Iterable[str]
) -> list[str]:
    """Replace the ILO indicators the actor's agency saw for one of its people met (in
    one transaction); returns the codes now set. Only the agency that met the person
    records its indicators, so a person's indicators never outlive it in another agency's
    hands. Raises NotFound, Forbidden, Conflict, InvalidInput."""
    problems = Problems()
    wanted = _indicators(problems, indicators)
    problems.check()
    with transaction.atomic():
        person, _control = _own_row(PersonMet, actor, control_id, person_id)
        if _replace_indicators(person, wanted, actor):
            _audit_person(actor, "set_person_indicators", person, person.owner.code, ["indicators"])
    return sorted(wanted)


def delete_person_met(*, actor: Actor, control_id: int, person_id: int) -> None:
    """Remove a person met written down by mistake, with its indicators. The actor's
    agency's own rows only. Raises NotFound, Forbidden, Conflict."""
    with transaction.atomic():
        person, _control = _own_row(PersonMet, actor, control_id, person_id)
        _audit_person(actor, "delete_person_met", person, person.owner.code, [])
        person.delete()


# --- the staff ledger ------------------------------------------------------------------


def record_ledger_check(
    *,
    actor: Actor,
    control_id: int,
    workplace_id: str,
    result: str,
    people_not_recorded: int | str | None = 0,
    note: str = "",
) -> LedgerCheck:
    """The staff-ledger (personalliggare) check at one of the control's workplaces, for
    the actor's agency: written the first time, replaced after. Raises NotFound,
    Forbidden, Conflict, InvalidInput."""
    with transaction.atomic():
        control, agency = _recording(actor, control_id)
        p = Problems()
        workplace = _workplace(p, control, workplace_id, required=True)
        result = _choice(p, "result", _("results"), result, LedgerResult.values)
        missing = _whole_number(
            p,
            "people_not_recorded",
            _("people not recorded"),
            people_not_recorded,
            MAX_NOT_RECORDED,
        )
        if result == LedgerResult.PRESENT and missing:
            p.add(
                "people_not_recorded",
                _("A complete ledger has nobody missing: choose incomplete, or give 0."),
            )
        cleaned_note = _text(p, "note", _("the note"), note, MAX_NOTE)
        p.check()
        check, created = LedgerCheck.objects.update_or_create(
            control=control,
            owner=agency,
            workplace_id=workplace,
            defaults={
                "result": result,
                "people_not_recorded": missing or 0,
                "note": cleaned_note,
                "recorded_by_id": actor.user_id,
            },
        )
        audit.record(
            actor=actor,
            action="record_ledger_check",
            object_type="ledger_check",
            object_id=str(check.pk),
            object_owner=agency.code,
            fields=["result", "people_not_recorded", "note"],
            detail={"control": control.pk, "workplace": workplace, "created": created},
        )
    return check


# --- checklists ------------------------------------------------------------------------


def answer_checklist(
    *, actor: Actor, control_id: int, checklist: str, answers: Mapping[str, object]
) -> ChecklistAnswer:
    """The actor's agency answers the current version of its checklist ``checklist`` (a
    code) in the control. Yes/no items take yes, no or na; text items free text; an empty
    answer is left out; keys not in the version are refused. Answers are replaced as a
    whole. Raises NotFound, Forbidden, Conflict, InvalidInput."""
    with transaction.atomic():
        control, agency = _recording(actor, control_id)
        version = current_checklist(agency=agency.code, code=checklist)
        if version is None:
            raise InvalidInput(
                "%(agency)s has no checklist %(code)s.", agency=agency.code, code=checklist[:60]
            )
        items = {item["key"]: item for item in version.items}
        p = Problems()
        if set(answers) - set(items):
            p.add("__all__", _("The answers hold questions that are not on this checklist."))
        cleaned: dict[str, str] = {}
        for key, item in items.items():
            if item["kind"] == "yes_no":
                value = str(answers.get(key) or "").strip()
                if value and value not in YES_NO_ANSWERS:
                    p.add(key, _("Answer yes, no or not applicable."))
            else:
                value = _text(p, key, _("the answer"), answers.get(key), MAX_ANSWER)
            if value:
                cleaned[key] = value
        p.check()
        answer, created = ChecklistAnswer.objects.update_or_create(
            control=control,
            owner=agency,
            version=version,
            defaults={"answers": cleaned, "recorded_by_id": actor.user_id},
        )
        audit.record(
            actor=actor,
            action="answer_checklist",
            object_type="checklist_answer",
            object_id=str(answer.pk),
            object_owner=agency.code,
            fields=sorted(cleaned),
            detail={
                "control": control.pk,
                "checklist": version.checklist.code,
                "version": version.version,
                "created": created,
            },
        )
    return answer


# --- observations ----------------------------------------------------------------------


def record_observation(*, actor: Actor, control_id: int, text: str) -> Observation:
    """A free observation on site, for the actor's agency. Raises NotFound, Forbidden,
    Conflict, InvalidInput."""
    with transaction.atomic():
        control, agency = _recording(actor, control_id)
        p = Problems()
        cleaned = _text(p, "text", _("the observation"), text, MAX_OBSERVATION, required=True)
        p.check()
        row = Observation.objects.create(
            control=control, owner=agency, recorded_by_id=actor.user_id, text=cleaned
        )
        audit.record(
            actor=actor,
            action="record_observation",
            object_type="observation",
            object_id=str(row.pk),
            object_owner=agency.code,
            fields=["text"],
            detail={"control": control.pk},
        )
    return row


def delete_observation(*, actor: Actor, control_id: int, observation_id: int) -> None:
    """Remove one of the actor's agency's observations. Raises NotFound, Forbidden,
    Conflict."""
    with transaction.atomic():
        row, control = _own_row(Observation, actor, control_id, observation_id)
        audit.record(
            actor=actor,
            action="delete_observation",
            object_type="observation",
            object_id=str(row.pk),
            object_owner=row.owner.code,
            detail={"control": control.pk},
        )
        row.delete()


# --- photos and documents --------------------------------------------------------------


class Readable(Protocol):
    def read(self, size: int = ..., /) -> bytes: ...


@dataclass(frozen=True)
class CleanFile:
    kind: str
    content_type: str
    extension: str
    data: bytes


def attachment_dir() -> Path:
    return Path(settings.AKRIM_ATTACHMENT_DIR)


def _bad_file(message: Any, **params: Any) -> InvalidInput:
    text = str(message) % params if params else str(message)
    return InvalidInput(text, input="file", errors={"file": text})


def _clean_image(raw: bytes, image_format: str) -> CleanFile:
    """Decode, turn upright by its EXIF orientation, and encode again: what is stored
    holds the pixels only (no EXIF, GPS, XMP, ICC profile, text chunks or comments)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(raw), formats=[image_format]) as image:
                if image.width * image.height > MAX_PIXELS:
                    raise _bad_file(
                        _("The picture is too large: at most %(mp)s megapixels."),
                        mp=MAX_PIXELS // 1_000_000,
                    )
                upright = ImageOps.exif_transpose(image)
                mode = _target_mode(upright, image_format)
                pixels = upright if upright.mode == mode else upright.convert(mode)
                clean = Image.new(mode, pixels.size)
                clean.paste(pixels)
                out = io.BytesIO()
                if image_format == "JPEG":
                    clean.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True)
                else:
                    clean.save(out, "PNG", optimize=True)
    except InvalidInput:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as bomb:
        raise _bad_file(
            _("The picture is too large: at most %(mp)s megapixels."), mp=MAX_PIXELS // 1_000_000
        ) from bomb
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError) as broken:
        raise _bad_file(_("The picture could not be read; it may be damaged.")) from broken
    if image_format == "JPEG":
        return CleanFile(Attachment.Kind.PHOTO, "image/jpeg", ".jpg", out.getvalue())
    return CleanFile(Attachment.Kind.PHOTO, "image/png", ".png", out.getvalue())


def _target_mode(image: Image.Image, image_format: str) -> str:
    if image_format == "JPEG":
        return image.mode if image.mode in ("L", "RGB") else "RGB"
    if image.mode in ("L", "LA", "RGB", "RGBA"):
        return image.mode
    has_alpha = "A" in image.getbands() or "transparency" in image.info
    return "RGBA" if has_alpha else "RGB"


# Entries of a PDF's catalogue that run code or carry metadata or hidden files.
# The interactive form goes too (its XFA scripts, its fields' actions); filled-in values
# still show, drawn by the widgets' appearance streams on the pages.
PDF_ROOT_DROPS = ("/OpenAction", "/AA", "/Metadata", "/PieceInfo", "/AcroForm")
PDF_NAME_DROPS = ("/JavaScript", "/EmbeddedFiles")
# The same on each page (a page can carry its own XMP packet and actions).
PDF_PAGE_DROPS = ("/AA", "/Metadata", "/PieceInfo")
# Link actions that run code, start programs or send data; the link itself stays.
PDF_ACTION_DROPS = ("/JavaScript", "/Launch", "/SubmitForm", "/ImportData", "/RichMediaExecute")


def _clean_pdf_page(page: DictionaryObject) -> None:
    for key in PDF_PAGE_DROPS:
        page.pop(NameObject(key), None)
    annotations = page.get("/Annots")
    annotations = annotations.get_object() if annotations is not None else None
    for ref in annotations if isinstance(annotations, list) else []:
        annotation = ref.get_object()
        if not isinstance(annotation, DictionaryObject):
            continue
        annotation.pop(NameObject("/AA"), None)
        if _runs_code(annotation.get("/A")):
            annotation.pop(NameObject("/A"), None)


def _runs_code(action: object) -> bool:
    """The action, or one it leads on to (``/Next``, one action or a list), is one of
    ``PDF_ACTION_DROPS``. A chain of more than 100 actions counts as one that does."""
    pending, seen = [action], 0
    while pending:
        item = pending.pop()
        if isinstance(item, IndirectObject):
            item = item.get_object()
        if isinstance(item, ArrayObject):
            pending.extend(list.__iter__(item))
        elif isinstance(item, DictionaryObject):
            seen += 1
            kind = item.get("/S")
            kind = kind.get_object() if isinstance(kind, IndirectObject) else kind
            if kind in PDF_ACTION_DROPS or seen > 100:
                return True
            pending.append(item.get("/Next"))
    return False


def _drop_unreferenced(writer: PdfWriter) -> None:
    """What was dropped is still in the file as unreferenced objects until removed. Keep
    only the objects reachable from the catalogue (pypdf's own ``remove_unreferenced``
    keeps anything another object names, even an orphan: an embedded file under its
    dropped file specification)."""
    reachable: set[int] = set()
    pending: list[object] = [writer.root_object.indirect_reference]
    if writer._info is not None:  # the document information, when it was kept
        pending.append(writer._info.indirect_reference)
    while pending:
        item = pending.pop()
        if isinstance(item, IndirectObject):
            if item.idnum in reachable or item.pdf is not writer:
                continue
            reachable.add(item.idnum)
            item = writer._objects[item.idnum - 1]
        if isinstance(item, DictionaryObject):
            pending.extend(dict.values(item))
        elif isinstance(item, ArrayObject):
            pending.extend(list.__iter__(item))
    for index in range(len(writer._objects)):
        if index + 1 not in reachable:
            writer._objects[index] = None


def _clean_pdf(raw: bytes) -> CleanFile:
    """Refuse encrypted and unreadable PDFs; write the pages again without the document
    information (author, producer, dates), the document's and the pages' XMP metadata,
    scripts run on opening, from links or from form fields, and embedded files. Page
    content (text and images) is kept as it is."""
    try:
        reader = PdfReader(io.BytesIO(raw), strict=False)
        if reader.is_encrypted:
            raise _bad_file(_("The PDF is encrypted: save it without a password and try again."))
        pages = len(reader.pages)
        if not 0 < pages <= MAX_PDF_PAGES:
            raise _bad_file(_("A PDF may have 1 to %(max)s pages."), max=MAX_PDF_PAGES)
        writer = PdfWriter(clone_from=reader)
        writer.metadata = None
        root = writer.root_object
        for key in PDF_ROOT_DROPS:
            root.pop(NameObject(key), None)
        for page in writer.pages:
            _clean_pdf_page(page)
        names = root.get("/Names")
        if names is not None:
            names_dict = names.get_object()
            if isinstance(names_dict, DictionaryObject):
                for key in PDF_NAME_DROPS:
                    names_dict.pop(NameObject(key), None)
        _drop_unreferenced(writer)
        out = io.BytesIO()
        writer.write(out)
        data = out.getvalue()
        if len(PdfReader(io.BytesIO(data)).pages) != pages:
            raise ValueError("pages lost while rewriting")
    except InvalidInput:
        raise
    except Exception as broken:  # pypdf raises many kinds on a damaged or hostile file
        raise _bad_file(_("The PDF could not be read; it may be damaged.")) from broken
    return CleanFile(Attachment.Kind.DOCUMENT, "application/pdf", ".pdf", data)


def clean_file(raw: bytes) -> CleanFile:
    """What is stored of an upload: a re-encoded JPEG or PNG photo or a rewritten PDF.
    The type is told by the content, never by the name or the type the browser claims.
    Raises InvalidInput (field ``file``)."""
    if raw.startswith(b"\xff\xd8\xff"):
        return _clean_image(raw, "JPEG")
    if raw.startswith(b"\x89PNG\r\n\x1a\n"):
        return _clean_image(raw, "PNG")
    if raw.startswith(b"%PDF-"):
        return _clean_pdf(raw)
    raise _bad_file(_("Only photos (JPEG or PNG) and PDF documents can be added."))


def _file_name(name: str, kind: str) -> str:
    """The name the user gave, without folders or control characters, for showing and
    as the name of a download; it never reaches the file system."""
    base = re.split(r"[\\/]", str(name or ""))[-1]
    base = CONTROL_CHARACTERS.sub("", base).replace("\n", " ").replace("\t", " ").strip()
    return base[-MAX_FILE_NAME:] or str(kind)


def _store(data: bytes, extension: str) -> str:
    """Write ``data`` under a new random name (owner-only permissions); return the name."""
    folder = attachment_dir()
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    name = secrets.token_hex(16) + extension
    descriptor = os.open(folder / name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(data)
    return name


def _remove_stored(name: str) -> None:
    (attachment_dir() / name).unlink(missing_ok=True)


def add_attachment(
    *, actor: Actor, control_id: int, content: Readable, name: str, caption: str = ""
) -> Attachment:
    """Add a photo (JPEG, PNG) or document (PDF) to the control for the actor's agency.

    At most ``AKRIM_ATTACHMENT_MAX_BYTES`` per file and ``MAX_ATTACHMENTS`` per control;
    the type is told by the content; photos are re-encoded without their metadata and
    PDFs rewritten without theirs; the file is stored under a random name. Raises
    NotFound, Forbidden, Conflict (closed window, or the control has its maximum),
    InvalidInput (field ``file`` or ``caption``).
    """
    _check_may_record_now(actor, control_id)  # before reading and decoding anything
    p = Problems()
    cleaned_caption = _text(p, "caption", _("the caption"), caption, MAX_CAPTION)
    p.check()
    limit = int(settings.AKRIM_ATTACHMENT_MAX_BYTES)
    raw = content.read(limit + 1)
    if not raw:
        raise _bad_file(_("The file is empty."))
    if len(raw) > limit:
        raise _bad_file(
            _("The file is too large: at most %(mb)s MB."), mb=round(limit / 1024 / 1024, 1)
        )
    clean = clean_file(raw)
    del raw
    stored = _store(clean.data, clean.extension)
    try:
        with transaction.atomic():
            control, agency = _recording(actor, control_id)
            if Attachment.objects.filter(control=control).count() >= MAX_ATTACHMENTS:
                raise Conflict(
                    "Control %(control)s already has %(max)s photos and documents.",
                    control=control.pk,
                    max=MAX_ATTACHMENTS,
                )
            row = Attachment.objects.create(
                control=control,
                owner=agency,
                recorded_by_id=actor.user_id,
                kind=clean.kind,
                stored_name=stored,
                original_name=_file_name(name, clean.kind),
                content_type=clean.content_type,
                size=len(clean.data),
                sha256=_sha256(clean.data),
                caption=cleaned_caption,
            )
            audit.record(
                actor=actor,
                action="add_attachment",
                object_type="attachment",
                object_id=str(row.pk),
                object_owner=agency.code,
                fields=["file", "caption"] if cleaned_caption else ["file"],
                detail={
                    "control": control.pk,
                    "kind": row.kind,
                    "size": row.size,
                    "sha256": row.sha256,
                },
            )
    except BaseException:
        _remove_stored(stored)
        raise
    return row


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def delete_attachment(*, actor: Actor, control_id: int, attachment_id: int) -> None:
    """Remove one of the actor's agency's photos or documents; the stored file is deleted
    once the removal is committed. Raises NotFound, Forbidden, Conflict."""
    with transaction.atomic():
        row, control = _own_row(Attachment, actor, control_id, attachment_id)
        audit.record(
            actor=actor,
            action="delete_attachment",
            object_type="attachment",
            object_id=str(row.pk),
            object_owner=row.owner.code,
            detail={"control": control.pk, "sha256": row.sha256},
        )
        stored = row.stored_name
        row.delete()
        transaction.on_commit(lambda: _remove_stored(stored))


# --- drafts ----------------------------------------------------------------------------


def _user_id(actor: Actor) -> int:
    if actor.user_id is None:  # drafts belong to a person, never to the system
        raise Forbidden("Only a signed-in user has drafts.")
    return actor.user_id


def _draft_form(form: str) -> str:
    if not DRAFT_FORM.match(str(form)):
        raise InvalidInput("Unknown form %(form)s.", form=str(form)[:40])
    return str(form)


def _draft_data(data: object) -> dict[str, str]:
    if not isinstance(data, Mapping):
        raise InvalidInput("A draft is a set of fields and their text.")
    if len(data) > MAX_DRAFT_FIELDS:
        raise InvalidInput("A draft holds at most %(max)s fields.", max=MAX_DRAFT_FIELDS)
    cleaned: dict[str, str] = {}
    for key, value in data.items():
        if not isinstance(key, str) or not isinstance(value, str):
            raise InvalidInput("A draft is a set of fields and their text.")
        if not 0 < len(key) <= MAX_DRAFT_KEY or CONTROL_CHARACTERS.search(key + value):
            raise InvalidInput("The draft holds characters that are not allowed.")
        cleaned[key] = value
    size = len(json.dumps(cleaned, ensure_ascii=False).encode())
    if size > MAX_DRAFT_BYTES:
        raise InvalidInput("A draft is at most %(max)s kB.", max=MAX_DRAFT_BYTES // 1000)
    return cleaned


def save_draft(
    *, actor: Actor, control_id: int, form: str, data: Mapping[str, object]
) -> FormDraft:
    """Keep what the actor has typed into ``form`` of the control but not yet saved
    (field → text; at most 50 fields, 20 kB). Only someone who may record there now;
    a draft is the actor's own and no one else sees it. Saving the same data again
    writes nothing. Raises NotFound, Forbidden, Conflict, InvalidInput."""
    form = _draft_form(form)
    cleaned = _draft_data(data)
    with transaction.atomic():
        control, _agency = _recording(actor, control_id)
        user_id = _user_id(actor)
        draft = FormDraft.objects.filter(user_id=user_id, control=control, form=form).first()
        if draft is not None and draft.data == cleaned:
            return draft
        if draft is None:
            draft = FormDraft(user_id=user_id, control=control, form=form)
        draft.data = cleaned
        draft.save()
        audit.record(
            actor=actor,
            action="save_form_draft",
            object_type="form_draft",
            object_id=str(draft.pk),
            object_owner=actor.agency or "",
            fields=sorted(cleaned),
            detail={"control": control.pk, "form": form},
        )
    return draft


def clear_draft(*, actor: Actor, control_id: int, form: str) -> bool:
    """Throw away the actor's draft of ``form`` (after it was saved, or on request);
    True when there was one. Any status: a stale draft can always be discarded. Raises
    NotFound (control outside scope), InvalidInput (form)."""
    form = _draft_form(form)
    with transaction.atomic():
        control = locked(actor, control_id)
        deleted, _rows = FormDraft.objects.filter(
            user_id=_user_id(actor), control=control, form=form
        ).delete()
        if deleted:
            audit.record(
                actor=actor,
                action="clear_form_draft",
                object_type="form_draft",
                object_owner=actor.agency or "",
                detail={"control": control.pk, "form": form},
            )
    return bool(deleted)
