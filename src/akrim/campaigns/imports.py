"""Import a panel survey's responses from CSV, all or nothing.

The file (UTF-8, comma-separated, a header row) has the columns ``wave``
(``before``/``during``/``after``), ``group`` (``campaign``/``comparison``), an optional
``weight`` (a positive number) and one column per question, named by the question's code.
A cell holds: a number (number questions), a whole number 1..points (Likert), an option
code (single choice), option codes separated by ``|`` (multiple choice) or text (free
text); an empty cell is no answer. Each row goes to the survey's wave of its phase and
group (the earliest, when there are several).

Every fault is named with its row (the header is row 1), column and value; when there is
any, nothing is stored.
"""

from __future__ import annotations

import csv
import hashlib
import io
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from akrim.audit.services import record
from akrim.campaigns import policies
from akrim.campaigns.models import (
    Answer,
    Group,
    PanelFile,
    Phase,
    Question,
    Response,
    Source,
    Survey,
    Wave,
)
from akrim.campaigns.services import editable
from akrim.campaigns.surveys import Parsed, parse_answer
from akrim.core.actor import Actor
from akrim.core.errors import InvalidInput, NotFound

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 50_000
MAX_COLUMNS = 100
MAX_CELL = 2000
MAX_PROBLEMS = 50
RESERVED = ("wave", "group", "weight")
ERRORS = {
    "error_required": "an answer is required",
    "error_invalid": "is not a valid answer",
    "error_too_long": "is too long",
}


class PanelRefused(InvalidInput):
    """The file was refused; ``problems`` name the row, column and value of each fault."""

    def __init__(self, message: str, problems: list[str] | None = None) -> None:
        super().__init__(message)
        self.problems = problems or []


@dataclass(frozen=True)
class Imported:
    survey: Survey
    responses: int
    by_wave: dict[str, int]  # "phase/group" -> responses


def _shown(value: str) -> str:
    return repr(value if len(value) <= 40 else value[:40] + "…")


def _text(content: bytes) -> str:
    if not content:
        raise PanelRefused("The file is empty.")
    if len(content) > MAX_BYTES:
        raise PanelRefused(f"The file is {len(content)} bytes, over the limit of {MAX_BYTES}.")
    if b"\x00" in content:
        raise PanelRefused("The file is not a text file (it holds NUL bytes).")
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise PanelRefused(f"The file is not UTF-8 text (byte {error.start}).") from error


def _rows(text: str) -> Iterator[list[str]]:
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        yield from reader
    except csv.Error as error:
        raise PanelRefused(
            f"The file is not valid CSV (row {reader.line_num}: {error})."
        ) from error


def _header(header: list[str], questions: dict[str, list[Question]]) -> list[str]:
    problems = []
    names = [name.strip() for name in header]
    if len(names) > MAX_COLUMNS:
        raise PanelRefused(f"The file has {len(names)} columns; at most {MAX_COLUMNS}.")
    for name in ("wave", "group"):
        if name not in names:
            problems.append(f"row 1: column {name!r} is missing")
    seen: set[str] = set()
    for index, name in enumerate(names, start=1):
        if not name:
            problems.append(f"row 1, column {index}: the column has no name")
        elif name in seen:
            problems.append(f"row 1, column {name!r}: the column appears twice")
        elif name not in RESERVED and name not in questions:
            problems.append(
                f"row 1, column {_shown(name)}: no question of the survey has this code"
            )
        seen.add(name)
    if not set(names) - set(RESERVED) and not problems:
        problems.append("row 1: there is no question column")
    if problems:
        raise PanelRefused("The columns were refused.", problems)
    return names


WEIGHT = re.compile(r"[0-9]+(?:\.[0-9]+)?")  # ASCII digits: no "1_000", no "٣"


def _weight(raw: str) -> float | None:
    if not WEIGHT.fullmatch(raw.strip()):
        return None
    try:
        value = float(raw.strip())
    except ValueError:
        return None
    return value if math.isfinite(value) and value > 0 else None


def _answer(question: Question, raw: str) -> Parsed | str | None:
    values = raw.split("|") if question.kind == "multiple" else [raw]
    return parse_answer(question, values)


@dataclass
class _Row:
    wave: Wave
    weight: float
    answers: list[tuple[Question, Parsed]]


def _check_row(
    number: int,
    cells: dict[str, str],
    waves: dict[tuple[str, str], Wave],
    questions: dict[str, list[Question]],
    problems: list[str],
) -> _Row | None:
    before = len(problems)
    phase, group = cells.get("wave", "").strip(), cells.get("group", "").strip()
    if phase not in Phase.values:
        problems.append(
            f"row {number}, column 'wave': {_shown(phase)} is not one of before, during, after"
        )
    if group not in Group.values:
        problems.append(
            f"row {number}, column 'group': {_shown(group)} is not one of campaign, comparison"
        )
    wave = waves.get((phase, group))
    if wave is None and len(problems) == before:
        problems.append(
            f"row {number}, columns 'wave' and 'group': the survey has no {phase} wave "
            f"for the {group} group"
        )
    weight = 1.0
    if "weight" in cells:
        found = _weight(cells["weight"])
        if found is None:
            problems.append(
                f"row {number}, column 'weight': {_shown(cells['weight'])} is not a positive number"
            )
        weight = found or 1.0
    answers: list[tuple[Question, Parsed]] = []
    for code, raw in cells.items():
        if code in RESERVED:
            continue
        if len(raw) > MAX_CELL:
            problems.append(
                f"row {number}, column {code!r}: the value is over {MAX_CELL} characters"
            )
            continue
        if wave is None:
            continue
        question = next((q for q in questions[code] if q.version_id == wave.version_id), None)
        if question is None:
            if raw.strip():
                problems.append(
                    f"row {number}, column {code!r}: version {wave.version.number} used by "
                    f"this wave has no such question"
                )
            continue
        result = _answer(question, raw)
        if isinstance(result, str):
            problems.append(f"row {number}, column {code!r}: {_shown(raw)} {ERRORS[result]}")
        elif result is not None:
            answers.append((question, result))
    if wave is None or len(problems) > before:
        return None
    return _Row(wave, weight, answers)


def _context(survey: Survey) -> tuple[dict[tuple[str, str], Wave], dict[str, list[Question]]]:
    waves: dict[tuple[str, str], Wave] = {}
    for wave in survey.waves.select_related("version").order_by("opens_on", "id"):
        waves.setdefault((wave.phase, wave.group), wave)
    questions: dict[str, list[Question]] = {}
    for question in Question.objects.filter(version__survey=survey):
        questions.setdefault(question.code, []).append(question)
    return waves, questions


def import_panel(*, actor: Actor, survey_id: int, content: bytes, filename: str = "") -> Imported:
    """Validate the whole file, then store every response in one transaction. Raises
    PanelRefused (every fault named), NotFound, Forbidden."""
    survey = Survey.objects.filter(pk=survey_id).first()
    if survey is None or not policies.may_read(actor):
        raise NotFound()
    digest = hashlib.sha256(content).hexdigest()
    with transaction.atomic():
        editable(actor, survey.campaign_id)
        if PanelFile.objects.filter(survey=survey, sha256=digest).exists():
            raise PanelRefused(
                "This file was imported before: its responses are already in the survey."
            )
        rows = list(_rows(_text(content)))
        if not rows:
            raise PanelRefused("The file is empty.")
        waves, questions = _context(survey)
        names = _header(rows[0], questions)
        if len(rows) == 1:
            raise PanelRefused("The file has a header but no responses.")
        if len(rows) - 1 > MAX_ROWS:
            raise PanelRefused(f"The file has {len(rows) - 1} responses; at most {MAX_ROWS}.")
        problems: list[str] = []
        good: list[_Row] = []
        for number, row in enumerate(rows[1:], start=2):
            if len(row) != len(names):
                problems.append(f"row {number}: {len(row)} cells where the header has {len(names)}")
                continue
            checked = _check_row(
                number, dict(zip(names, row, strict=True)), waves, questions, problems
            )
            if checked is not None:
                good.append(checked)
        if problems:
            shown = problems[:MAX_PROBLEMS]
            if len(problems) > MAX_PROBLEMS:
                shown.append(f"... and {len(problems) - MAX_PROBLEMS} more")
            raise PanelRefused(f"{len(problems)} problem(s): nothing was imported.", shown)
        _rescale_weights(good)
        PanelFile.objects.create(survey=survey, sha256=digest, imported_by_id=actor.user_id)
        return _store(actor, survey, good, filename, digest)


def _rescale_weights(rows: list[_Row]) -> None:
    """Panel weights are often scaled to the population (hundreds per respondent); within
    each wave they are rescaled to a mean of 1, so a panel does not drown the responses
    from the public link (weight 1) analysed beside it. Relative weights are unchanged."""
    by_wave: dict[int, list[_Row]] = {}
    for row in rows:
        by_wave.setdefault(row.wave.pk, []).append(row)
    for group in by_wave.values():
        mean = sum(r.weight for r in group) / len(group)
        if mean > 0:
            for row in group:
                row.weight = row.weight / mean


def _store(actor: Actor, survey: Survey, rows: list[_Row], filename: str, digest: str) -> Imported:
    today = timezone.localdate()
    responses = Response.objects.bulk_create(
        Response(wave=r.wave, source=Source.PANEL, received_on=today, weight=r.weight) for r in rows
    )
    Answer.objects.bulk_create(
        (
            Answer(
                response=response,
                question=question,
                number=parsed.number,
                choices=list(parsed.choices),
                text=parsed.text,
            )
            for response, row in zip(responses, rows, strict=True)
            for question, parsed in row.answers
        ),
        batch_size=2000,
    )
    by_wave: dict[str, int] = {}
    for row in rows:
        key = f"{row.wave.phase}/{row.wave.group}"
        by_wave[key] = by_wave.get(key, 0) + 1
    record(
        actor=actor,
        action="campaigns.panel_imported",
        object_type="campaigns.survey",
        object_id=str(survey.pk),
        fields=["responses"],
        detail={
            "responses": len(rows),
            "by_wave": by_wave,
            "file": filename[:100],
            "sha256": digest,
            "weights": "rescaled to a mean of 1 per wave",
        },
    )
    return Imported(survey, len(rows), by_wave)
