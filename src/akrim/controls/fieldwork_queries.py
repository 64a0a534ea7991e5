"""Reads of the work on site: people met, indicators, ledger checks, checklist answers,
observations, photos and documents, and a user's form drafts.

Every recorded row is read through ``policies.recorded``: the actor's own agency's rows,
and another agency's only as the sharing rules allow for the row's data category
(people met: right_to_work; indicators: possible_victim; the rest: control), down to the
fields a rule names. Rows that are not visible are left out without a trace — not even
a count. Reads that show people met, and downloads of photos and documents, write an
audit entry (one per page view), in the same transaction as the read.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from django.conf import settings
from django.db import transaction
from django.db.models import Model, QuerySet
from django.utils.translation import get_language

from akrim.access import policy
from akrim.audit import services as audit
from akrim.controls import policies
from akrim.controls.models import (
    Attachment,
    ChecklistAnswer,
    ChecklistVersion,
    Control,
    ControlWorkplace,
    FormDraft,
    Indicator,
    LedgerCheck,
    Observation,
    PersonIndicator,
    PersonMet,
    Status,
)
from akrim.controls.queries import get_control
from akrim.core.actor import Actor
from akrim.core.errors import Conflict, Forbidden, NotFound
from akrim.core.i18n import sv_or_en

R = TypeVar("R", bound=Model)

# Work on site is recorded while the control is prepared, carried out or in follow-up.
RECORDING_OPEN = frozenset({Status.PREPARED, Status.CARRIED_OUT, Status.IN_FOLLOW_UP})
MAX_ATTACHMENTS = 40  # photos and documents per control, all agencies together

PERSON_CATEGORY = policies.RECORD_CATEGORIES["PersonMet"]
PERSON_FIELDS = (
    "workplace_id",
    "name_as_written",
    "birth_date",
    "stated_nationality",
    "id_document",
    "id_document_no",
    "role",
    "stated_pay_sek",
    "pay_period",
    "stated_hours_per_week",
    "housing_by_employer",
    "note",
)
INDICATORS_FIELD = "indicators"


# --- checklists (not secret: any agency's questions may be read) -----------------------


def current_checklists(*, agency: str) -> list[ChecklistVersion]:
    """The latest published version of each of ``agency``'s checklists, by code."""
    versions = (
        ChecklistVersion.objects.filter(checklist__owner__code=agency, published_at__isnull=False)
        .select_related("checklist")
        .order_by("checklist__code", "-version")
    )
    latest: dict[int, ChecklistVersion] = {}
    for version in versions:
        latest.setdefault(version.checklist_id, version)
    return list(latest.values())


def current_checklist(*, agency: str, code: str) -> ChecklistVersion | None:
    """The latest published version of ``agency``'s checklist ``code``, if any."""
    return (
        ChecklistVersion.objects.filter(
            checklist__owner__code=agency, checklist__code=code, published_at__isnull=False
        )
        .select_related("checklist")
        .order_by("-version")
        .first()
    )


@dataclass(frozen=True)
class ChecklistLine:
    """One question of a checklist version and the answer given (empty when none)."""

    key: str
    sv: str
    en: str
    kind: str
    answer: str

    @property
    def question(self) -> str:
        return self.sv if (get_language() or "sv").startswith("sv") else self.en


def _lines(version: ChecklistVersion, answers: dict[str, str]) -> list[ChecklistLine]:
    return [
        ChecklistLine(
            key=str(item["key"]),
            sv=str(item.get("sv", "")),
            en=str(item.get("en", "")),
            kind=str(item.get("kind", "text")),
            answer=str(answers.get(item["key"], "")),
        )
        for item in version.items
    ]


def _title(version: ChecklistVersion) -> str:
    checklist = version.checklist
    return sv_or_en(checklist.title_sv, checklist.title_en)


# --- the hub of a control --------------------------------------------------------------


@dataclass(frozen=True)
class PersonRow:
    """A person met as the actor may see it: ``fields`` None = every field, otherwise
    only those (the rest show as withheld). ``indicators``: the owner's indicators the
    actor may see (another agency's may be left out without a mark)."""

    person: PersonMet
    own: bool
    fields: frozenset[str] | None
    indicators: tuple[str, ...]
    legal_basis: str

    def allows(self, name: str) -> bool:
        return self.fields is None or name in self.fields

    @property
    def shown_fields(self) -> list[str]:
        return [name for name in PERSON_FIELDS if self.allows(name)]

    @property
    def indicator_labels(self) -> list[str]:
        return [str(Indicator(code).label) for code in self.indicators]


@dataclass(frozen=True)
class AnswerRow:
    answer: ChecklistAnswer
    title: str
    lines: list[ChecklistLine]


@dataclass(frozen=True)
class FieldOverview:
    control: Control
    can_record: bool  # the actor may record for their agency now
    people: list[PersonRow]
    ledger_checks: list[LedgerCheck]
    answers: list[AnswerRow]
    observations: list[Observation]
    attachments: list[Attachment]
    workplaces: list[ControlWorkplace]
    checklists: list[ChecklistVersion]  # the actor's agency's current checklists
    attachments_left: int


def _people(control: Control, actor: Actor) -> list[PersonRow]:
    people = list(
        policies.recorded(PersonMet.objects.filter(control=control), actor=actor)
        .select_related("owner", "recorded_by")
        .order_by("recorded_at", "pk")
    )
    if not people:
        return []
    seen: dict[int, list[str]] = defaultdict(list)
    indicators = policies.recorded(
        PersonIndicator.objects.filter(control=control), actor=actor
    ).values_list("person_id", "owner_id", "indicator")
    owners = {person.pk: person.owner_id for person in people}
    for person_id, owner_id, code in indicators.order_by("indicator"):
        if owners.get(person_id) == owner_id:  # only the agency that met the person
            seen[person_id].append(code)
    grants: dict[int, policy.Grant | None] = {}
    rows = []
    for person in people:
        own = person.owner.code == actor.agency
        if person.owner_id not in grants:
            grants[person.owner_id] = policy.grant_for(
                person, actor=actor, category=PERSON_CATEGORY
            )
        grant = grants[person.owner_id]
        if grant is None:  # cannot happen for a row ``recorded`` let through; fail closed
            continue
        rows.append(
            PersonRow(
                person=person,
                own=own,
                fields=None if own else grant.fields,
                indicators=tuple(seen.get(person.pk, ())),
                legal_basis=grant.legal_basis,
            )
        )
    rows.sort(key=lambda row: (not row.own, row.person.owner.code, row.person.recorded_at))
    return rows


def _audit_people(actor: Actor, control: Control, rows: Iterable[PersonRow], action: str) -> None:
    """One entry for the people met a page shows: who, which fields, on what basis."""
    rows = list(rows)
    if not rows:
        return
    fields = {name for row in rows for name in row.shown_fields}
    if any(row.indicators for row in rows):
        fields.add(INDICATORS_FIELD)
    owners = sorted({row.person.owner.code for row in rows})
    audit.record(
        actor=actor,
        action=action,
        object_type="person_met",
        object_id=str(rows[0].person.pk) if len(rows) == 1 else "",
        object_owner=owners[0] if len(owners) == 1 else "",
        fields=sorted(fields),
        persons=[(f"met:{row.person.pk}", row.person.owner.code) for row in rows],
        detail={
            "control": control.pk,
            "persons_met_shown": [row.person.pk for row in rows],
            "legal_bases": sorted({row.legal_basis for row in rows}),
        },
    )


def _answers(control: Control, actor: Actor) -> list[AnswerRow]:
    rows = (
        policies.recorded(ChecklistAnswer.objects.filter(control=control), actor=actor)
        .select_related("owner", "version__checklist", "recorded_by")
        .order_by("owner__code", "version__checklist__code", "version__version")
    )
    return [
        AnswerRow(answer=row, title=_title(row.version), lines=_lines(row.version, row.answers))
        for row in rows
    ]


def _visible(model: type[R], control: Control, actor: Actor) -> QuerySet[R]:
    rows = model._default_manager.filter(control=control)
    return policies.recorded(rows, actor=actor).select_related("owner", "recorded_by")


def field_overview(*, actor: Actor, control_id: int) -> FieldOverview:
    """Everything recorded on site in the control that the actor may see, the actor's
    agency's first. Audited when it shows people met. Raises NotFound outside scope."""
    with transaction.atomic():
        control = get_control(actor=actor, id=control_id)
        can_record = control.status in RECORDING_OPEN and policies.may_record(
            actor=actor, control=control
        )
        people = _people(control, actor)
        ledger = list(_visible(LedgerCheck, control, actor).order_by("workplace_id", "owner__code"))
        observations = list(_visible(Observation, control, actor).order_by("recorded_at", "pk"))
        attachments = list(_visible(Attachment, control, actor).order_by("recorded_at", "pk"))
        total_attachments = Attachment.objects.filter(control=control).count() if can_record else 0
        overview = FieldOverview(
            control=control,
            can_record=can_record,
            people=people,
            ledger_checks=ledger,
            answers=_answers(control, actor),
            observations=observations,
            attachments=attachments,
            workplaces=list(control.workplaces.all()),
            checklists=current_checklists(agency=actor.agency or "") if can_record else [],
            attachments_left=max(0, MAX_ATTACHMENTS - total_attachments),
        )
        _audit_people(actor, control, people, "read")
    return overview


# --- the forms -------------------------------------------------------------------------


def recording_control(*, actor: Actor, control_id: int) -> Control:
    """The control for a form page, once the actor may record in it now.

    Raises NotFound (outside scope), Forbidden (not in the team or not a participating
    agency), Conflict (not prepared, carried out or in follow-up).
    """
    control = get_control(actor=actor, id=control_id)
    policies.check_may_record(actor=actor, control=control)
    check_recording_open(control)
    return control


def check_recording_open(control: Control) -> None:
    """Raises Conflict, naming the status, unless work on site may be recorded now."""
    if control.status not in RECORDING_OPEN:
        raise Conflict(
            "Control %(control)s is %(status)s; work on site is recorded only when it is "
            "prepared, carried out or in follow-up.",
            control=control.pk,
            status=_state(control.status),
        )


def _state(status: str) -> str:
    # As ``services.common.state`` words it; not imported, so that the services package
    # (which imports this module) and this module do not import each other.
    return "a draft" if status == Status.DRAFT else str(Status(status).label)


@dataclass(frozen=True)
class PersonForm:
    control: Control
    person: PersonMet
    indicators: list[str]


def person_for_edit(*, actor: Actor, control_id: int, person_id: int) -> PersonForm:
    """One of the actor's agency's people met, with its indicators, to edit. Audited.

    Raises NotFound (not there or not visible), Forbidden (another agency's, or the
    actor may not record), Conflict (outside the recording window).
    """
    with transaction.atomic():
        control = get_control(actor=actor, id=control_id)
        person = (
            policies.recorded(PersonMet.objects.filter(control=control), actor=actor)
            .select_related("owner")
            .filter(pk=person_id)
            .first()
        )
        if person is None:
            raise NotFound()
        if person.owner.code != actor.agency:
            raise Forbidden("Only the agency that recorded it may change it.")
        policies.check_may_record(actor=actor, control=control)
        check_recording_open(control)
        codes = list(
            PersonIndicator.objects.filter(person=person, owner_id=person.owner_id)
            .order_by("indicator")
            .values_list("indicator", flat=True)
        )
        row = PersonRow(person, True, None, tuple(codes), policy.OWN_RECORDS)
        _audit_people(actor, control, [row], "read")
    return PersonForm(control, person, codes)


@dataclass(frozen=True)
class LedgerForm:
    control: Control
    workplace: ControlWorkplace
    check: LedgerCheck | None


def ledger_form(*, actor: Actor, control_id: int, place_id: int) -> LedgerForm:
    """One workplace of the control and the actor's agency's ledger check there, if any.
    ``place_id`` is the control's workplace row. Raises NotFound, Forbidden, Conflict."""
    control = recording_control(actor=actor, control_id=control_id)
    workplace = next((w for w in control.workplaces.all() if w.pk == place_id), None)
    if workplace is None:
        raise NotFound()
    check = LedgerCheck.objects.filter(
        control=control, owner__code=actor.agency, workplace_id=workplace.workplace_id
    ).first()
    return LedgerForm(control, workplace, check)


@dataclass(frozen=True)
class ChecklistForm:
    control: Control
    version: ChecklistVersion
    title: str
    lines: list[ChecklistLine]


def checklist_form(*, actor: Actor, control_id: int, code: str) -> ChecklistForm:
    """The current version of the actor's agency's checklist ``code`` with the answers
    the agency gave in the control. Raises NotFound, Forbidden, Conflict."""
    control = recording_control(actor=actor, control_id=control_id)
    version = current_checklist(agency=actor.agency or "", code=code)
    if version is None:
        raise NotFound()
    answer = ChecklistAnswer.objects.filter(
        control=control, owner__code=actor.agency, version=version
    ).first()
    answers = answer.answers if answer is not None else {}
    return ChecklistForm(control, version, _title(version), _lines(version, answers))


# --- files -----------------------------------------------------------------------------


@dataclass(frozen=True)
class AttachmentFile:
    attachment: Attachment
    path: Path
    download_name: str


EXTENSIONS = {"image/jpeg": ".jpg", "image/png": ".png", "application/pdf": ".pdf"}


def open_attachment(*, actor: Actor, control_id: int, attachment_id: int) -> AttachmentFile:
    """A photo or document the actor may see, for download. Audited (a photo may show
    people or their papers). Raises NotFound when not visible or the file is gone."""
    with transaction.atomic():
        control = get_control(actor=actor, id=control_id)
        row = (
            policies.recorded(Attachment.objects.filter(control=control), actor=actor)
            .select_related("owner")
            .filter(pk=attachment_id)
            .first()
        )
        if row is None:
            raise NotFound()
        folder = Path(settings.AKRIM_ATTACHMENT_DIR).resolve()
        path = (folder / row.stored_name).resolve()
        if path.parent != folder or not path.is_file():
            raise NotFound()
        audit.record(
            actor=actor,
            action="read",
            object_type="attachment",
            object_id=str(row.pk),
            object_owner=row.owner.code,
            fields=["file"],
            detail={"control": control.pk, "sha256": row.sha256},
        )
    extension = EXTENSIONS.get(row.content_type, "")
    stem = row.original_name.rsplit(".", 1)[0] if "." in row.original_name else row.original_name
    return AttachmentFile(row, path, f"{stem or row.kind}{extension}")


# --- drafts ----------------------------------------------------------------------------


def load_draft(*, actor: Actor, control_id: int, form: str) -> FormDraft | None:
    """The actor's own draft of ``form`` in the control, if any (no one else's is ever
    returned). Not audited: it is what the actor typed, not a record. Raises NotFound
    outside scope."""
    control = get_control(actor=actor, id=control_id)
    if actor.user_id is None:
        return None
    return FormDraft.objects.filter(user_id=actor.user_id, control=control, form=form).first()


def draft_moment(draft: FormDraft | None) -> int:
    """When a draft was last saved, in milliseconds since 1970 (0 without one), so the
    page's script can tell whether the browser's own copy is newer."""
    if draft is None:
        return 0
    return int(draft.updated_at.astimezone(dt.UTC).timestamp() * 1000)
