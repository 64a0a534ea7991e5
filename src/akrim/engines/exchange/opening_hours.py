"""Parser for the subset of OpenStreetMap ``opening_hours`` used in practice.

Supported: weekday selectors (``Mo-Fr``, ``Mo,We,Fr``, ``Fr-Mo``, ``Sa``), ``PH`` (Swedish
public holidays, also inside a list: ``Su,PH off``), one or more time ranges per rule
(``08:00-12:00,13:00-17:00``), ranges over midnight (``22:00-02:00`` or ``22:00-26:00``),
``24/7``, ``off``/``closed``, a selector without times (open all day) and rules separated by
``;``. As in OSM, a later rule replaces the earlier rules for the days it selects; a range
that runs past midnight belongs to the day it starts on.

``parse_opening_hours(text)`` returns an :class:`OpeningHours` or raises
:class:`OpeningHoursError` with a message and a 0-based ``position`` in ``text``.
``str()`` of an :class:`OpeningHours` is canonical text that parses back to an equal value.
Pure Python; anyone may call it.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass

WEEKDAYS = ("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su")
_DAY_MINUTES = 24 * 60
_WORD_RE = re.compile(r"[A-Za-z]+|24/7")
_TIME_RE = re.compile(r"([0-9]{1,2}):([0-9]{2})")


class OpeningHoursError(ValueError):
    """Text that is not valid ``opening_hours``; ``position`` is a 0-based offset."""

    def __init__(self, message: str, position: int) -> None:
        super().__init__(f"{message} at character {position + 1}")
        self.message = message
        self.position = position


@dataclass(frozen=True, order=True)
class TimeSpan:
    """Open from ``start`` to ``end``, in minutes after the midnight that starts the day.

    ``end`` may pass 24:00 (1440) for a range over midnight, but the span is shorter than
    24 hours unless it is exactly 00:00-24:00.
    """

    start: int
    end: int

    def __post_init__(self) -> None:
        if not 0 <= self.start < _DAY_MINUTES:
            raise ValueError(f"start {self.start} outside the day")
        if not self.start < self.end <= max(_DAY_MINUTES, self.start + _DAY_MINUTES - 1):
            raise ValueError(f"end {self.end} does not fit start {self.start}")

    def __str__(self) -> str:
        end = self.end - _DAY_MINUTES if self.end > _DAY_MINUTES else self.end
        return f"{_clock(self.start)}-{_clock(end)}"


ALL_DAY = TimeSpan(0, _DAY_MINUTES)


@dataclass(frozen=True)
class Rule:
    """One ``;``-separated rule: which days it selects and the spans open on those days.

    ``every_day`` is a rule without selector. ``spans == ()`` means closed (``off``).
    """

    weekdays: frozenset[int]
    holidays: bool
    every_day: bool
    spans: tuple[TimeSpan, ...]

    def applies(self, day: dt.date) -> bool:
        if self.every_day:
            return True
        return day.weekday() in self.weekdays or (self.holidays and is_public_holiday(day))

    def __str__(self) -> str:
        if self.every_day and self.spans == (ALL_DAY,):
            return "24/7"
        times = ",".join(str(span) for span in self.spans) if self.spans else "off"
        if self.every_day:
            return times
        return f"{_format_selector(self.weekdays, self.holidays)} {times}"


@dataclass(frozen=True)
class OpeningHours:
    """Parsed ``opening_hours``: a sequence of rules, later rules winning."""

    rules: tuple[Rule, ...]

    def __str__(self) -> str:
        return "; ".join(str(rule) for rule in self.rules)

    def spans_on(self, day: dt.date) -> tuple[TimeSpan, ...]:
        """The spans that start on ``day`` (the last rule selecting the day wins)."""
        spans: tuple[TimeSpan, ...] = ()
        for rule in self.rules:
            if rule.applies(day):
                spans = rule.spans
        return spans

    def is_open(self, moment: dt.datetime) -> bool:
        """True when open at ``moment`` (its wall-clock time; tzinfo is not converted)."""
        at = moment.replace(tzinfo=None)
        return any(start <= at < end for start, end in self._intervals(at.date(), at.date()))

    def covers(self, start: dt.datetime, end: dt.datetime) -> bool:
        """True when open without a break from ``start`` to ``end``.

        An aware ``end`` is converted to ``start``'s time zone first. ``end == start`` asks
        whether it is open at ``start``. Raises ValueError when ``end`` is before ``start``.
        """
        if start.tzinfo is not None and end.tzinfo is not None:
            end = end.astimezone(start.tzinfo)
        begin, finish = start.replace(tzinfo=None), end.replace(tzinfo=None)
        if finish < begin:
            raise ValueError("end is before start")
        if finish == begin:
            return self.is_open(begin)
        reached = begin
        for span_start, span_end in sorted(self._intervals(begin.date(), finish.date())):
            if span_start > reached:
                return False
            reached = max(reached, span_end)
            if reached >= finish:
                return True
        return False

    def _intervals(self, first: dt.date, last: dt.date) -> list[tuple[dt.datetime, dt.datetime]]:
        # A span may start on the day before ``first`` and run past midnight into it.
        found = []
        for ordinal in range(max(first.toordinal() - 1, 1), last.toordinal() + 1):
            day = dt.date.fromordinal(ordinal)
            midnight = dt.datetime.combine(day, dt.time())
            for span in self.spans_on(day):
                opens = midnight + dt.timedelta(minutes=span.start)
                found.append((opens, opens + dt.timedelta(minutes=span.end - span.start)))
        return found


def parse_opening_hours(text: str) -> OpeningHours:
    """Parse ``text``; raises OpeningHoursError naming what was expected and where."""
    rules = []
    offset = 0
    for part in text.split(";"):
        rules.append(_Parser(text, offset, offset + len(part)).rule())
        offset += len(part) + 1
    return OpeningHours(tuple(rules))


class _Parser:
    """Recursive-descent parser over ``text[pos:end]`` (one rule)."""

    def __init__(self, text: str, pos: int, end: int) -> None:
        self.text, self.pos, self.end = text, pos, end

    def rule(self) -> Rule:
        self._skip_space()
        if self.pos >= self.end:
            raise OpeningHoursError("empty rule", self.pos)
        word = self._peek_word()
        if word == "24/7":
            self.pos += 4
            return self._finish(Rule(frozenset(), False, True, (ALL_DAY,)))
        if word is None or word in ("off", "closed"):
            return self._finish(Rule(frozenset(), False, True, self._times()))
        weekdays, holidays = self._selector()
        self._skip_space()
        spans = (ALL_DAY,) if self.pos >= self.end else self._times()
        return self._finish(Rule(weekdays, holidays, False, spans))

    def _finish(self, rule: Rule) -> Rule:
        self._skip_space()
        if self.pos < self.end:
            raise OpeningHoursError(f"unexpected {self.text[self.pos]!r}", self.pos)
        return rule

    def _selector(self) -> tuple[frozenset[int], bool]:
        weekdays: set[int] = set()
        holidays = False
        while True:
            self._skip_space()
            if self._peek_word() == "PH":
                self.pos += 2
                holidays = True
            else:
                first = self._weekday()
                self._skip_space()
                last = first
                if self._take("-"):
                    self._skip_space()
                    last = self._weekday()
                weekdays.update((first + step) % 7 for step in range((last - first) % 7 + 1))
            self._skip_space()
            if not self._take(","):
                return frozenset(weekdays), holidays

    def _weekday(self) -> int:
        word = self._peek_word()
        if word is None:
            raise OpeningHoursError("expected a weekday (Mo, Tu, We, Th, Fr, Sa, Su)", self.pos)
        if word not in WEEKDAYS:
            raise OpeningHoursError(f"unknown weekday or keyword {word!r}", self.pos)
        self.pos += 2
        return WEEKDAYS.index(word)

    def _times(self) -> tuple[TimeSpan, ...]:
        word = self._peek_word()
        if word in ("off", "closed"):
            self.pos += len(word)
            return ()
        spans = [self._span()]
        self._skip_space()
        while self._take(","):
            self._skip_space()
            spans.append(self._span())
            self._skip_space()
        return tuple(spans)

    def _span(self) -> TimeSpan:
        start_pos = self.pos
        start = self._time(allow_over_midnight=False)
        self._skip_space()
        if not self._take("-"):
            raise OpeningHoursError("expected '-' and an end time", self.pos)
        self._skip_space()
        end = self._time(allow_over_midnight=True)
        if end == start:
            raise OpeningHoursError("a time range must not end when it starts", start_pos)
        if end < start:
            end += _DAY_MINUTES
        if end > _DAY_MINUTES and end >= start + _DAY_MINUTES:
            raise OpeningHoursError("a time range over midnight must be under 24 h", start_pos)
        return TimeSpan(start, end)

    def _time(self, *, allow_over_midnight: bool) -> int:
        match = _TIME_RE.match(self.text, self.pos, self.end)
        if match is None:
            raise OpeningHoursError("expected a time like 08:00", self.pos)
        hours, minutes = int(match[1]), int(match[2])
        limit = 48 if allow_over_midnight else 23
        if hours > limit or minutes > 59 or (hours == limit == 48 and minutes > 0):
            raise OpeningHoursError(f"no such time {match[0]!r}", self.pos)
        self.pos = match.end()
        return hours * 60 + minutes

    def _peek_word(self) -> str | None:
        match = _WORD_RE.match(self.text, self.pos, self.end)
        return match[0] if match else None

    def _take(self, char: str) -> bool:
        if self.pos < self.end and self.text[self.pos] == char:
            self.pos += 1
            return True
        return False

    def _skip_space(self) -> None:
        while self.pos < self.end and self.text[self.pos] in " \t":
            self.pos += 1


def _clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _format_selector(weekdays: frozenset[int], holidays: bool) -> str:
    parts = []
    day = 0
    while day < 7:
        if day not in weekdays:
            day += 1
            continue
        last = day
        while last + 1 in weekdays:
            last += 1
        parts.append(WEEKDAYS[day] if last == day else f"{WEEKDAYS[day]}-{WEEKDAYS[last]}")
        day = last + 1
    if holidays:
        parts.append("PH")
    return ",".join(parts)


def is_public_holiday(day: dt.date) -> bool:
    """True on a Swedish public holiday (allmän helgdag other than an ordinary Sunday)."""
    return day in _public_holidays(day.year)


@functools.cache
def _public_holidays(year: int) -> frozenset[dt.date]:
    easter = _easter_sunday(year)
    midsummer = next(
        dt.date(year, 6, d) for d in range(20, 27) if dt.date(year, 6, d).weekday() == 5
    )
    all_saints = next(
        day
        for day in (dt.date(year, 10, 31) + dt.timedelta(days=n) for n in range(7))
        if day.weekday() == 5
    )
    fixed = [(1, 1), (1, 6), (5, 1), (12, 25), (12, 26)]
    if year >= 2005:
        fixed.append((6, 6))  # Sveriges nationaldag became a public holiday in 2005.
    moving = [easter + dt.timedelta(days=n) for n in (-2, 0, 1, 39, 49)]
    return frozenset([dt.date(year, m, d) for m, d in fixed] + moving + [midsummer, all_saints])


def _easter_sunday(year: int) -> dt.date:
    # Anonymous Gregorian algorithm (Meeus/Jones/Butcher).
    a, b, c = year % 19, year // 100, year % 100
    d, e = b // 4, b % 4
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    leap = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * leap) // 451
    month = (h + leap - 7 * m + 114) // 31
    day = (h + leap - 7 * m + 114) % 31 + 1
    return dt.date(year, month, day)
