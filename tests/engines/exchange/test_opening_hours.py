"""The OpenStreetMap ``opening_hours`` subset: parsing, canonical text, is_open and covers."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from akrim.engines.exchange.opening_hours import (
    ALL_DAY,
    OpeningHours,
    OpeningHoursError,
    Rule,
    TimeSpan,
    is_public_holiday,
    parse_opening_hours,
)

MONDAY = dt.date(2024, 3, 4)  # an ordinary week: 4-10 March 2024, no holidays


def at(day: dt.date, clock: str) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.fromisoformat(clock))


def day_of_week(index: int) -> dt.date:
    return MONDAY + dt.timedelta(days=index)


def test_weekday_range_is_open_in_its_hours_only() -> None:
    hours = parse_opening_hours("Mo-Fr 08:00-17:00")

    assert hours.is_open(at(day_of_week(0), "08:00"))
    assert hours.is_open(at(day_of_week(4), "16:59"))
    assert not hours.is_open(at(day_of_week(4), "17:00"))
    assert not hours.is_open(at(day_of_week(0), "07:59"))
    assert not hours.is_open(at(day_of_week(5), "12:00"))


def test_several_time_ranges_and_day_lists() -> None:
    hours = parse_opening_hours("Mo,We,Fr 08:00-12:00,13:00-17:00; Sa 10:00-14:00; Su off")

    assert hours.is_open(at(day_of_week(2), "13:30"))
    assert not hours.is_open(at(day_of_week(2), "12:30"))
    assert not hours.is_open(at(day_of_week(1), "09:00"))
    assert hours.is_open(at(day_of_week(5), "10:00"))
    assert not hours.is_open(at(day_of_week(6), "11:00"))


def test_range_over_midnight_belongs_to_the_day_it_starts() -> None:
    hours = parse_opening_hours("Fr 22:00-02:00; Sa off")

    assert hours.is_open(at(day_of_week(4), "23:00"))
    assert hours.is_open(at(day_of_week(5), "01:59"))
    assert not hours.is_open(at(day_of_week(5), "02:00"))
    assert not hours.is_open(at(day_of_week(3), "23:00"))
    assert parse_opening_hours("Fr 22:00-26:00") == parse_opening_hours("Fr 22:00-02:00")


def test_later_rule_replaces_earlier_rules_for_its_days() -> None:
    hours = parse_opening_hours("Mo-Fr 08:00-17:00; We 08:00-12:00")

    assert not hours.is_open(at(day_of_week(2), "14:00"))
    assert hours.is_open(at(day_of_week(3), "14:00"))


def test_public_holidays_follow_the_swedish_calendar() -> None:
    hours = parse_opening_hours("Mo-Sa 09:00-18:00; PH off")
    christmas_day = dt.date(2024, 12, 25)  # a Wednesday
    good_friday = dt.date(2025, 4, 18)
    midsummer_day = dt.date(2024, 6, 22)  # a Saturday

    for holiday in (christmas_day, good_friday, midsummer_day, dt.date(2024, 6, 6)):
        assert is_public_holiday(holiday)
        assert not hours.is_open(at(holiday, "12:00"))
    assert hours.is_open(at(dt.date(2024, 12, 27), "12:00"))
    assert not is_public_holiday(dt.date(2024, 12, 24))
    assert parse_opening_hours("Su,PH 10:00-14:00").is_open(at(christmas_day, "11:00"))


def test_twenty_four_seven_and_selector_without_times() -> None:
    always = parse_opening_hours("24/7")
    weekdays = parse_opening_hours("Mo-Fr")

    assert always.covers(at(MONDAY, "00:00"), at(MONDAY + dt.timedelta(days=30), "00:00"))
    assert weekdays.covers(at(day_of_week(0), "00:00"), at(day_of_week(5), "00:00"))
    assert not weekdays.covers(at(day_of_week(4), "23:00"), at(day_of_week(5), "00:01"))
    assert not parse_opening_hours("off").is_open(at(MONDAY, "12:00"))


def test_covers_needs_an_unbroken_opening() -> None:
    hours = parse_opening_hours("Mo-Fr 08:00-12:00,12:00-17:00,18:00-20:00; Fr 22:00-03:00")
    friday, saturday = day_of_week(4), day_of_week(5)

    assert hours.covers(at(MONDAY, "09:00"), at(MONDAY, "16:00"))
    assert not hours.covers(at(MONDAY, "16:00"), at(MONDAY, "19:00"))
    assert hours.covers(at(friday, "23:00"), at(saturday, "02:30"))
    assert not hours.covers(at(friday, "23:00"), at(saturday, "03:30"))
    assert hours.covers(at(MONDAY, "10:00"), at(MONDAY, "10:00"))
    with pytest.raises(ValueError, match="end is before start"):
        hours.covers(at(MONDAY, "10:00"), at(MONDAY, "09:00"))


def test_aware_datetimes_use_their_wall_clock() -> None:
    stockholm = dt.timezone(dt.timedelta(hours=1))
    hours = parse_opening_hours("Mo 08:00-09:00")
    start = dt.datetime(2024, 3, 4, 8, 0, tzinfo=stockholm)

    assert hours.is_open(start)
    assert hours.covers(start, start.astimezone(dt.UTC) + dt.timedelta(minutes=59))
    assert not hours.covers(start, start.astimezone(dt.UTC) + dt.timedelta(minutes=61))


@pytest.mark.parametrize(
    ("text", "message", "position"),
    [
        ("", "empty rule", 0),
        ("Mo-Fr 08:00-17:00;", "empty rule", 18),
        ("Mo-Fr 8:00-17:0", "expected a time like 08:00", 11),
        ("Xx 08:00-10:00", "unknown weekday or keyword 'Xx'", 0),
        ("Mo-Fr 25:00-26:00", "no such time '25:00'", 6),
        ("Mo-Fr 08:00-08:00", "a time range must not end when it starts", 6),
        ("Mo-Fr 08:00 17:00", "expected '-' and an end time", 12),
        ("Mo-Fr 08:00-17:00 Sa", "unexpected 'S'", 18),
        ("Mo-, 08:00-10:00", "expected a weekday (Mo, Tu, We, Th, Fr, Sa, Su)", 3),
        ("Sa 10:00-34:00", "a time range over midnight must be under 24 h", 3),
        ("mo 08:00-10:00", "unknown weekday or keyword 'mo'", 0),
    ],
)
def test_junk_is_refused_with_message_and_position(text: str, message: str, position: int) -> None:
    with pytest.raises(OpeningHoursError) as caught:
        parse_opening_hours(text)

    assert (caught.value.message, caught.value.position) == (message, position)
    assert str(caught.value) == f"{message} at character {position + 1}"


def test_canonical_text() -> None:
    text = "Mo,Tu,We , Th-Fr 08:00-12:00 , 13:00-17:00;Sa,Su,PH off; Fr 22:00-00:00"

    assert str(parse_opening_hours(text)) == (
        "Mo-Fr 08:00-12:00,13:00-17:00; Sa-Su,PH off; Fr 22:00-24:00"
    )
    assert str(parse_opening_hours("00:00-24:00")) == "24/7"
    assert str(parse_opening_hours("Fr-Mo 10:00-11:00")) == "Mo,Fr-Su 10:00-11:00"


# --- Property-based -----------------------------------------------------------------------------


@st.composite
def time_spans(draw: st.DrawFn) -> TimeSpan:
    start = draw(st.integers(0, 24 * 60 - 1))
    longest = max(24 * 60 - start, 24 * 60 - 1)
    return TimeSpan(start, start + draw(st.integers(1, longest)))


@st.composite
def rules(draw: st.DrawFn) -> Rule:
    spans = draw(st.one_of(st.just(()), st.lists(time_spans(), min_size=1, max_size=3)))
    if draw(st.booleans()):
        return Rule(frozenset(), False, True, tuple(spans))
    weekdays = draw(st.frozensets(st.integers(0, 6)))
    holidays = draw(st.booleans()) or not weekdays
    return Rule(weekdays, holidays, False, tuple(spans))


@settings(max_examples=300)
@given(st.lists(rules(), min_size=1, max_size=4))
def test_generated_rules_round_trip_through_text(generated: list[Rule]) -> None:
    hours = OpeningHours(tuple(generated))

    assert parse_opening_hours(str(hours)) == hours


@settings(max_examples=100)
@given(
    st.lists(rules(), min_size=1, max_size=3),
    st.datetimes(min_value=dt.datetime(2000, 1, 1), max_value=dt.datetime(2040, 1, 1)),
)
def test_is_open_agrees_with_covering_one_minute(
    generated: list[Rule], moment: dt.datetime
) -> None:
    hours = OpeningHours(tuple(generated))
    moment = moment.replace(second=0, microsecond=0)

    assert hours.is_open(moment) == hours.covers(moment, moment + dt.timedelta(minutes=1))


TOKENS = [
    *("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su", "PH", "off", "closed", "24/7"),
    *("08:00", "17:30", "22:00", "02:00", "24:00", "0:00", "9", ":", "-", ",", ";", " ", "x"),
]
JUNK = st.lists(st.sampled_from(TOKENS), max_size=12).map("".join)


@settings(max_examples=500)
@given(st.one_of(JUNK, st.text(max_size=30)))
def test_any_text_parses_to_canonical_form_or_is_refused_with_a_position(text: str) -> None:
    try:
        hours = parse_opening_hours(text)
    except OpeningHoursError as error:
        refusal: OpeningHoursError | None = error
    else:
        refusal = None
        assert parse_opening_hours(str(hours)) == hours
    if refusal is not None:
        assert refusal.message
        assert 0 <= refusal.position <= len(text)


def test_all_day_span_is_the_whole_day() -> None:
    assert (ALL_DAY.start, ALL_DAY.end) == (0, 24 * 60)
    with pytest.raises(ValueError, match="does not fit"):
        TimeSpan(600, 600 + 24 * 60)
