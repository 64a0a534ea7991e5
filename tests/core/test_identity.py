"""Identity numbers: organisation numbers, personnummer, samordningsnummer, X ids."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from akrim.core.identity import (
    format_orgno,
    is_coordination_number,
    luhn_check_digit,
    normalize_orgno,
    pid_birth_date,
    valid_orgno,
    valid_pid,
)


def make_orgno(body: str) -> str:
    return body + luhn_check_digit(body)


def make_pid(day: dt.date, serial: int, coordination: bool = False) -> str:
    dd = day.day + (60 if coordination else 0)
    body = f"{day:%y%m}{dd:02d}{serial:03d}"
    return f"{day.year // 100:02d}" + body + luhn_check_digit(body)


@given(st.from_regex(r"[2-9][0-9]{8}", fullmatch=True))
def test_generated_organisation_numbers_are_valid_with_or_without_hyphen(body: str) -> None:
    number = make_orgno(body)
    assert valid_orgno(number)
    assert valid_orgno(format_orgno(number))
    assert normalize_orgno(format_orgno(number)) == number


@given(st.from_regex(r"[0-9]{9}", fullmatch=True), st.integers(1, 9))
def test_a_wrong_check_digit_is_refused(body: str, delta: int) -> None:
    good = make_orgno(body)
    bad = good[:-1] + str((int(good[-1]) + delta) % 10)
    assert not valid_orgno(bad)


@given(st.dates(dt.date(1920, 1, 1), dt.date(2010, 12, 31)), st.integers(0, 999))
def test_personnummer_and_samordningsnummer_pass_and_give_the_birth_date(
    day: dt.date, serial: int
) -> None:
    pnr = make_pid(day, serial)
    snr = make_pid(day, serial, coordination=True)
    assert valid_pid(pnr)
    assert not is_coordination_number(pnr)
    assert valid_pid(snr)
    assert is_coordination_number(snr)
    assert pid_birth_date(pnr) == day == pid_birth_date(snr)


def test_impossible_dates_and_foreign_ids() -> None:
    body = "7402300" + "12"  # 30 February
    assert not valid_pid("19" + body + luhn_check_digit(body))
    assert valid_pid("X12345")
    assert not valid_pid("X")
    assert not valid_pid("x123")
    assert pid_birth_date("X12345") is None


@given(st.text(max_size=30))
def test_arbitrary_text_never_crashes_the_validators(text: str) -> None:
    assert valid_orgno(text) in (True, False)
    assert valid_pid(text) in (True, False)
