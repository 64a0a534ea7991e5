"""Reads: the handbook, a method with its history and diffs, lessons, the adoption matrix.

Lessons name their author and describe a control in free text: every page that shows
them writes an audit entry. Methods and adoption hold no personal data beyond who owns
and wrote a method (work roles), and are not audited on reading.
"""

from __future__ import annotations

import csv
import difflib
import io
from dataclasses import dataclass

from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery

from akrim.audit.services import record
from akrim.campaigns.models import ExperienceEntry
from akrim.controls.models import Checklist, ChecklistVersion, Control
from akrim.core.actor import Actor
from akrim.core.errors import InvalidInput, NotFound
from akrim.core.spreadsheet import defuse
from akrim.methods import policies
from akrim.methods.models import (
    STATUS_MOVES,
    Adoption,
    AdoptionStatus,
    Lesson,
    LessonStatus,
    Method,
    MethodStatus,
    MethodVersion,
)
from akrim.organisation.models import Agency


def list_methods(*, actor: Actor, status: str = "") -> QuerySet[Method]:
    """The handbook, optionally one status; each with its newest version number."""
    policies.check_may_read(actor)
    if status and status not in MethodStatus.values:
        raise InvalidInput("Unknown status.")
    newest = MethodVersion.objects.filter(method=OuterRef("pk")).order_by("-number")
    # Open lessons the actor may see (a count of others' lessons would tell of them).
    seen = policies.visible_lessons(Lesson.objects.all(), actor=actor).filter(
        status=LessonStatus.OPEN
    )
    qs = Method.objects.select_related("owner_agency", "owner").annotate(
        version=Subquery(newest.values("number")[:1]),
        open_lessons=Count("lessons", filter=Q(lessons__in=seen), distinct=True),
    )
    return qs.filter(status=status) if status else qs


def _method(slug: str) -> Method:
    if len(slug) > 80:
        raise NotFound("No such method.")
    method = Method.objects.select_related("owner_agency", "owner").filter(slug=slug).first()
    if method is None:
        raise NotFound("No such method.")
    return method


def _audit_lessons(actor: Actor, where: str, lessons: list[Lesson]) -> None:
    if lessons:
        record(
            actor=actor,
            action="methods.lessons_read",
            object_type="methods.lesson",
            object_id=where,
            fields=["author", "worked", "did_not_work"],
            detail={"lessons": sorted(lesson.pk for lesson in lessons)},
        )


@dataclass(frozen=True)
class ChecklistRow:
    checklist: Checklist
    versions: list[ChecklistVersion]


@dataclass(frozen=True)
class AdoptionCell:
    agency: Agency
    current: Adoption | None
    may_record: bool


@dataclass(frozen=True)
class MethodPage:
    method: Method
    current: MethodVersion
    versions: list[MethodVersion]
    checklists: list[ChecklistRow]
    lessons: list[Lesson]
    adoption: list[AdoptionCell]
    adoption_history: list[Adoption]
    may_revise: bool
    next_status: str  # the status it can be moved to, or ""


def _checklists(version: MethodVersion) -> list[ChecklistRow]:
    rows = version.checklists.select_related("owner").prefetch_related(
        Prefetch("versions", queryset=ChecklistVersion.objects.order_by("-version"))
    )
    return [ChecklistRow(c, list(c.versions.all())) for c in rows]


def _adoption(actor: Actor, method: Method) -> tuple[list[AdoptionCell], list[Adoption]]:
    history = list(
        method.adoptions.select_related("agency", "recorded_by").order_by(
            "agency__code", "-recorded_at", "-id"
        )
    )
    current: dict[int, Adoption] = {}
    for row in history:
        current.setdefault(row.agency_id, row)
    cells = [
        AdoptionCell(
            agency=agency,
            current=current.get(agency.pk),
            may_record=method.status == MethodStatus.ESTABLISHED
            and policies.may_record_adoption(actor, agency.code),
        )
        for agency in Agency.objects.order_by("code")
    ]
    return cells, history


def method_page(*, actor: Actor, slug: str) -> MethodPage:
    policies.check_may_read(actor)
    method = _method(slug)
    versions = list(
        method.versions.select_related("author").prefetch_related(
            "from_lessons", "from_experience__campaign"
        )
    )
    current = versions[0]
    lessons = list(
        policies.visible_lessons(method.lessons.all(), actor=actor)
        .select_related("author", "control__centre")
        .order_by("-created_at", "-id")
    )
    _audit_lessons(actor, f"method {method.pk}", lessons)
    cells, history = _adoption(actor, method)
    may_revise = policies.may_revise(actor, method)
    next_status = next((to for to, frm in STATUS_MOVES.items() if frm == method.status), "")
    return MethodPage(
        method=method,
        current=current,
        versions=versions,
        checklists=_checklists(current),
        lessons=lessons,
        adoption=cells,
        adoption_history=history,
        may_revise=may_revise,
        next_status=next_status if may_revise else "",
    )


@dataclass(frozen=True)
class DiffLine:
    kind: str  # "same", "added", "removed", "gap"
    text: str


@dataclass(frozen=True)
class VersionDiff:
    method: Method
    old: MethodVersion
    new: MethodVersion
    lines: list[DiffLine]
    checklists_added: list[Checklist]
    checklists_removed: list[Checklist]


def _diff_lines(old: str, new: str) -> list[DiffLine]:
    """A unified diff of the two texts, line by line, with three lines of context."""
    lines: list[DiffLine] = []
    for raw in difflib.unified_diff(old.splitlines(), new.splitlines(), lineterm="", n=3):
        if raw.startswith(("---", "+++")):
            continue
        if raw.startswith("@@"):
            lines.append(DiffLine("gap", "…"))
        elif raw.startswith("+"):
            lines.append(DiffLine("added", raw[1:]))
        elif raw.startswith("-"):
            lines.append(DiffLine("removed", raw[1:]))
        else:
            lines.append(DiffLine("same", raw[1:]))
    return lines


def version_diff(*, actor: Actor, slug: str, old: int, new: int) -> VersionDiff:
    """What changed from version ``old`` to version ``new`` of a method."""
    policies.check_may_read(actor)
    method = _method(slug)
    rows = {
        v.number: v
        for v in method.versions.filter(number__in=[old, new])
        .select_related("author")
        .prefetch_related("checklists", "from_lessons")
    }
    if old not in rows or new not in rows:
        raise NotFound("No such version.")
    before, after = rows[old], rows[new]
    old_lists = {c.pk: c for c in before.checklists.all()}
    new_lists = {c.pk: c for c in after.checklists.all()}
    return VersionDiff(
        method=method,
        old=before,
        new=after,
        lines=_diff_lines(before.body, after.body),
        checklists_added=[c for pk, c in new_lists.items() if pk not in old_lists],
        checklists_removed=[c for pk, c in old_lists.items() if pk not in new_lists],
    )


def list_lessons(*, actor: Actor, status: str = LessonStatus.OPEN) -> list[Lesson]:
    """Lessons of the controls the actor may see (and their own), newest first."""
    policies.check_may_read(actor)
    if status and status not in LessonStatus.values:
        raise InvalidInput("Unknown status.")
    qs = policies.visible_lessons(Lesson.objects.all(), actor=actor)
    if status:
        qs = qs.filter(status=status)
    lessons = list(qs.select_related("author", "control__centre").prefetch_related("methods")[:500])
    _audit_lessons(actor, "lessons", lessons)
    return lessons


def citable_lessons(*, actor: Actor, method: Method) -> list[Lesson]:
    """Lessons a reviser may cite: visible, not dismissed; those about this method first."""
    lessons = list(
        policies.visible_lessons(Lesson.objects.exclude(status=LessonStatus.DISMISSED), actor=actor)
        .select_related("author", "control__centre")
        .prefetch_related("methods")[:200]
    )
    lessons.sort(key=lambda lesson: (method not in lesson.methods.all(), -lesson.pk))
    _audit_lessons(actor, f"revise method {method.pk}", lessons)
    return lessons


def method_for_action(*, actor: Actor, slug: str) -> Method:
    """The method a POST acts on (the service checks who may act): no page is shown, so
    nothing is read that would need an audit entry."""
    policies.check_may_read(actor)
    return _method(slug)


def method_for_revision(*, actor: Actor, slug: str) -> tuple[Method, MethodVersion]:
    """The method and its current version, for someone who may revise it."""
    policies.check_may_read(actor)
    method = _method(slug)
    policies.check_may_revise(actor, method)
    current = method.versions.prefetch_related("checklists").order_by("-number").first()
    if current is None:
        raise NotFound("No such method.")
    return method, current


def lesson_control(*, actor: Actor, control_id: int) -> Control:
    """The control a lesson is about, for someone who may record one from it."""
    policies.check_may_read(actor)
    control = (
        policies.visible_controls(actor).select_related("centre").filter(pk=control_id).first()
    )
    if control is None:
        raise NotFound("No such control.")
    if not policies.may_record_lesson(actor, control):
        raise NotFound("No such control.")
    return control


def checklists() -> QuerySet[Checklist]:
    return Checklist.objects.select_related("owner").order_by("owner__code", "code")


@dataclass(frozen=True)
class MatrixRow:
    method: Method
    cells: list[Adoption | None]  # one per agency, in the order of ``agencies``

    @property
    def ordinary(self) -> int:
        return sum(1 for c in self.cells if c is not None and c.status == AdoptionStatus.ORDINARY)


@dataclass(frozen=True)
class Matrix:
    agencies: list[Agency]
    rows: list[MatrixRow]


def adoption_matrix(*, actor: Actor) -> Matrix:
    """Established methods × the agencies: each agency's current state and its date."""
    policies.check_may_read(actor)
    agencies = list(Agency.objects.order_by("code"))
    methods = list(
        Method.objects.filter(status=MethodStatus.ESTABLISHED)
        .select_related("owner_agency")
        .order_by("title")
    )
    current: dict[tuple[int, int], Adoption] = {}
    for row in Adoption.objects.filter(method__in=methods).order_by(
        "method_id", "agency_id", "-recorded_at", "-id"
    ):
        current.setdefault((row.method_id, row.agency_id), row)
    rows = [MatrixRow(m, [current.get((m.pk, a.pk)) for a in agencies]) for m in methods]
    return Matrix(agencies=agencies, rows=rows)


def adoption_csv(matrix: Matrix) -> str:
    """The matrix as CSV: one row per method and agency. Cells that a spreadsheet would
    read as a formula are prefixed with an apostrophe."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["method", "owner_agency", "agency", "status", "since"])
    for row in matrix.rows:
        for agency, cell in zip(matrix.agencies, row.cells, strict=True):
            writer.writerow(
                [
                    defuse(row.method.title),
                    row.method.owner_agency.code,
                    agency.code,
                    cell.status if cell else "",
                    cell.since.isoformat() if cell else "",
                ]
            )
    return out.getvalue()


def citable_experience(*, actor: Actor, limit: int = 50) -> list[ExperienceEntry]:
    """The newest experience entries of campaigns the actor sees (none for staff who do
    not read campaigns), to cite in a method revision."""
    from akrim.campaigns.policies import may_read
    from akrim.campaigns.queries import search_experience

    if not may_read(actor):
        return []
    return list(search_experience(actor=actor).order_by("-recorded_on", "-pk")[:limit])
