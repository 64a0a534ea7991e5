"""Statistics of joint controls: what counts (each control once, only those that took place,
the year in Swedish time), findings, decisions, agencies, people and ILO indicators with
primary and secondary suppression, target and growth, the centre filter, bad input, who may
see them, the number of queries, and ``akrim stats controls``."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import given, settings
from hypothesis import strategies as st

from akrim.cli import main
from akrim.controls import services
from akrim.controls.models import (
    Control,
    Decision,
    Finding,
    Indicator,
    PersonIndicator,
    PersonMet,
    Target,
)
from akrim.controls.stats import (
    MET,
    WITH,
    WITHOUT,
    control_statistics,
    parse_year,
    suppressed_cells,
)
from akrim.core.actor import Actor, Purpose, Role
from akrim.core.errors import Forbidden, InvalidInput
from akrim.organisation.models import Agency, Centre
from akrim.organisation.queries import actor_for_user
from tests.controls.conftest import World, at

pytestmark = pytest.mark.django_db

SYSTEM = Actor.system(purpose=Purpose.STATISTICS)
CENTRES = ["bergslagen", "mitt", "nord", "ost", "stockholm", "syd", "vast"]


# --- building controls and their records -----------------------------------------------


def carried_out(world: World, day: str = "2025-05-06", hour: int = 8, **changes: Any) -> Control:
    """A control planned, prepared and carried out through the lifecycle services; by the
    Stockholm coordinator, or by the administrator for another centre."""
    actor = world.actor(
        "admin" if changes.get("centre", "stockholm") != "stockholm" else "coordinator"
    )
    control = world.plan(
        actor=actor,
        starts_at=at(day, hour),
        ends_at=at(day, hour) + dt.timedelta(hours=3),
        outside_opening_hours=True,
        **changes,
    )
    services.mark_prepared(actor=actor, control_id=control.pk)
    return services.mark_carried_out(actor=actor, control_id=control.pk)


def closed(world: World, day: str) -> Control:
    control = carried_out(world, day)
    coordinator = world.actor("coordinator")
    services.start_follow_up(actor=coordinator, control_id=control.pk)
    services.close_agency_part(actor=coordinator, control_id=control.pk, agency="AV")
    for name, agency in [("pol_inspector", "POL"), ("skv_inspector", "SKV")]:
        services.close_agency_part(actor=world.actor(name), control_id=control.pk, agency=agency)
    return services.close_control(actor=coordinator, control_id=control.pk)


def agency(code: str) -> Agency:
    return Agency.objects.get(code=code)


def finding(control: Control, owner: str, code: str, amount: int | None = None) -> Finding:
    return Finding.objects.create(
        control=control, owner=agency(owner), code=code, amount_sek=amount
    )


def decision(
    control: Control, owner: str, kind: str, amount: int | None = None, status: str = "decided"
) -> Decision:
    return Decision.objects.create(
        control=control,
        owner=agency(owner),
        kind=kind,
        amount_sek=amount,
        status=status,
        decided_on=dt.date(2025, 6, 1),
    )


def people(control: Control, count: int, indicators: dict[int, list[str]] | None = None) -> None:
    """``count`` people met (synthetic names), the n-th of them with ``indicators[n]``."""
    owner = agency("POL")
    for n in range(count):
        person = PersonMet.objects.create(
            control=control, owner=owner, name_as_written=f"Test Person {control.pk}-{n}"
        )
        for code in (indicators or {}).get(n, []):
            PersonIndicator.objects.create(
                person=person, control=control, owner=owner, indicator=code
            )


def stats(year: int = 2025, centre: str | None = None) -> Any:
    return control_statistics(actor=SYSTEM, year=year, centre=centre)


# --- what counts ------------------------------------------------------------------------


def test_a_control_with_three_agencies_counts_once_and_once_for_each_agency(
    world: World,
) -> None:
    control = carried_out(world)
    figures = stats()
    assert figures.controls == 1
    assert figures.by_centre["stockholm"].controls == 1
    assert sum(c.controls for c in figures.by_centre.values()) == 1
    assert {code: a.controls for code, a in figures.by_agency.items() if a.controls} == {
        "AV": 1,
        "POL": 1,
        "SKV": 1,
    }
    assert set(figures.by_agency) == set(Agency.objects.values_list("code", flat=True))
    assert figures.by_month["05"].controls == 1
    assert sum(t.controls for t in figures.by_month.values()) == 1
    assert list(figures.by_industry) == [control.industry or "unknown"]
    assert figures.by_industry[control.industry or "unknown"].controls == 1


def test_only_controls_that_took_place_count(world: World) -> None:
    coordinator = world.actor("coordinator")
    world.plan(starts_at=at("2025-03-03", 8), ends_at=at("2025-03-03", 11))  # planned
    prepared = world.plan(starts_at=at("2025-03-04", 8), ends_at=at("2025-03-04", 11))
    services.mark_prepared(actor=coordinator, control_id=prepared.pk)
    cancelled = world.plan(starts_at=at("2025-03-05", 8), ends_at=at("2025-03-05", 11))
    services.cancel_control(actor=coordinator, control_id=cancelled.pk, reason="Site closed.")
    services.draft_control(
        actor=coordinator,
        centre="stockholm",
        lead_agency="AV",
        agencies=["AV", "SKV"],
        workplaces=[world.workplace.workplace_id],
        starts_at=at("2025-03-06", 8),
        ends_at=at("2025-03-06", 11),
        purpose="A draft.",
    )
    assert stats().controls == 0
    carried_out(world, "2025-04-01")
    in_follow_up = carried_out(world, "2025-04-02")
    services.start_follow_up(actor=coordinator, control_id=in_follow_up.pk)
    closed(world, "2025-04-03")
    figures = stats()
    assert figures.controls == 3
    assert figures.by_month["04"].controls == 3
    assert figures.by_month["03"].controls == 0


def test_the_year_and_month_are_those_of_the_start_in_swedish_time(world: World) -> None:
    new_year = carried_out(world, "2025-01-01", hour=0)  # 00:00 in Stockholm
    new_year_eve = carried_out(world, "2024-12-31", hour=23)  # 23:00 in Stockholm
    assert new_year.starts_at.astimezone(dt.UTC).year == 2024  # 23:00 UTC on 31 December
    assert new_year_eve.starts_at.astimezone(dt.UTC).day == 31
    this, last = stats(2025), stats(2024)
    assert (this.controls, last.controls) == (1, 1)
    assert this.by_month["01"].controls == 1
    assert last.by_month["12"].controls == 1
    assert stats(2026).controls == 0


def test_findings_decisions_and_each_agencys_outcome(world: World) -> None:
    may = carried_out(world, "2025-05-06")
    june = carried_out(world, "2025-06-10")
    finding(may, "SKV", "SKV_LEDGER_MISSING", 25_000)
    finding(may, "AV", "AV_ORDER")
    decision(may, "SKV", "control_fee", 25_000)
    decision(may, "SKV", "control_fee", 10_000, status="withdrawn")
    decision(may, "AV", "order")
    decision(june, "POL", "crime_report")
    planned = world.plan(starts_at=at("2025-07-01", 8), ends_at=at("2025-07-01", 11))
    finding(planned, "SKV", "SKV_NO_FTAX", 99_000)  # not carried out: does not count
    decision(planned, "SKV", "control_fee", 99_000)

    figures = stats()
    assert (figures.controls, figures.with_findings, figures.share_with_findings) == (2, 1, 0.5)
    assert (figures.by_month["05"].with_findings, figures.by_month["06"].with_findings) == (1, 0)
    assert figures.by_centre["stockholm"].with_findings == 1
    assert (figures.findings_count, figures.findings_amount_sek) == (2, 25_000)
    assert vars(figures.findings["SKV_LEDGER_MISSING"]) == {
        "agency": "SKV",
        "count": 1,
        "amount_sek": 25_000,
    }
    assert vars(figures.findings["AV_ORDER"]) == {"agency": "AV", "count": 1, "amount_sek": 0}
    assert figures.findings["SKV_NO_FTAX"].count == 0
    assert vars(figures.decisions["control_fee"]) == {
        "count": 2,
        "withdrawn": 1,
        "amount_sek": 25_000,
    }
    assert figures.decisions["order"].count == 1
    assert figures.decisions["crime_report"].count == 1
    assert figures.decisions["prohibition"].count == 0
    assert (figures.decisions_count, figures.decisions_amount_sek) == (4, 25_000)
    assert vars(figures.by_agency["SKV"]) == {
        "controls": 2,
        "findings": 1,
        "decisions": 2,
        "decisions_amount_sek": 25_000,
    }
    assert vars(figures.by_agency["AV"]) == {
        "controls": 2,
        "findings": 1,
        "decisions": 1,
        "decisions_amount_sek": 0,
    }
    assert vars(figures.by_agency["POL"]) == {
        "controls": 2,
        "findings": 0,
        "decisions": 1,
        "decisions_amount_sek": 0,
    }
    assert figures.by_agency["MV"].controls == 0


def test_a_finding_code_outside_the_catalogue_is_listed_after_it(world: World) -> None:
    control = carried_out(world)
    finding(control, "SKV", "OLD_ARCHIVE_CODE", 5)
    codes = list(stats().findings)
    assert codes[-1] == "OLD_ARCHIVE_CODE"
    assert codes[0] == "SKV_LEDGER_MISSING"
    assert stats().findings["OLD_ARCHIVE_CODE"].agency == ""


# --- people and disclosure control ------------------------------------------------------


def test_people_counts_of_three_or_more_are_shown(world: World) -> None:
    control = carried_out(world)
    people(control, 6, {0: ["deception"], 1: ["deception"], 2: ["deception", "isolation"]})
    p = stats().people
    assert (p.met, p.with_indicators, p.without_indicators) == (6, 3, 3)
    assert p.by_indicator["deception"] == 3
    assert p.by_indicator["isolation"] is None  # 1: suppressed
    assert p.by_indicator["debt_bondage"] is None  # 0 is suppressed too
    assert {MET, WITH, WITHOUT}.isdisjoint(p.suppressed)
    assert set(p.suppressed) == set(Indicator.values) - {"deception"}


def test_a_small_cell_is_suppressed_and_so_is_the_one_that_would_give_it_away(
    world: World,
) -> None:
    control = carried_out(world)
    people(control, 5, {n: ["deception"] for n in range(4)} | {0: ["deception", "debt_bondage"]})
    figures = stats()
    p = figures.people
    # 5 met = 4 with + 1 without: the 1 is suppressed, so the 4 is too (5 - 4 = 1).
    assert (p.met, p.with_indicators, p.without_indicators) == (5, None, None)
    assert {WITH, WITHOUT} <= p.suppressed
    assert p.by_indicator["deception"] == 4
    assert p.by_indicator["debt_bondage"] is None
    shown = figures.to_json()
    assert shown["people_met"] == {
        "total": 5,
        "with_indicators": None,
        "without_indicators": None,
        "suppressed": ["with_indicators", "without_indicators"],
    }
    assert shown["indicators"]["people"]["deception"] == 4
    assert "debt_bondage" in shown["indicators"]["suppressed"]
    # Stockholm's own figures are the same cells.
    assert stats(centre="stockholm").people == p


def test_a_centres_small_count_cannot_be_worked_out_from_the_national_total(
    world: World,
) -> None:
    met = {"stockholm": 3, "nord": 4, "vast": 5, "ost": 6, "bergslagen": 7, "mitt": 8, "syd": 1}
    for n, (centre, count) in enumerate(met.items()):
        control = carried_out(world, f"2025-09-{n + 1:02d}", centre=centre)
        people(control, count)
    national = stats().people
    assert national.met == 34
    by_centre = {centre: stats(centre=centre).people for centre in met}
    # Syd's 1 is suppressed; the national 34 minus the six others would give it away, so
    # the smallest other centre (Stockholm, 3) is suppressed too.
    assert by_centre["syd"].met is None
    assert by_centre["stockholm"].met is None
    assert {c: p.met for c, p in by_centre.items() if p.met is not None} == {
        "nord": 4,
        "vast": 5,
        "ost": 6,
        "bergslagen": 7,
        "mitt": 8,
    }
    # Nobody has an indicator: the 0 is suppressed, so "without" (= people met) is too.
    assert all(p.with_indicators is None for p in by_centre.values())
    assert all(p.without_indicators is None for p in by_centre.values())
    assert (national.with_indicators, national.without_indicators) == (None, None)
    shown = [p.met for p in by_centre.values() if p.met is not None]
    assert national.met - sum(shown) == 4  # only the sum of two hidden cells is known


def test_suppression_rules_on_a_small_table() -> None:
    values = {"total": 13, "a": 5, "b": 1, "c": 7}
    assert suppressed_cells(values, [("total", ["a", "b", "c"])]) == {"b", "a"}
    assert suppressed_cells({"t": 9, "a": 9}, [("t", ["a"])]) == frozenset()
    # one suppressed member and nothing else to hide in the line: the total goes
    assert suppressed_cells({"t": 2, "a": 2}, [("t", ["a"])]) == {"t", "a"}
    assert suppressed_cells({"t": 7, "a": 2, "b": 5}, [("t", ["a", "b"])]) == {"a", "b"}
    assert suppressed_cells({"t": 0, "a": 0, "b": 0}, [("t", ["a", "b"])]) == {"t", "a", "b"}


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 12), st.integers(0, 12)),
        min_size=1,
        max_size=7,
    )
)
def test_no_line_is_ever_left_with_a_single_suppressed_cell(rows: list[tuple[int, int]]) -> None:
    """Rows of (with, without) per centre, row totals and column totals to a national row:
    after suppression every cell below 3 is hidden and no row or column has exactly one
    hidden cell, so none can be worked out by subtraction."""
    values: dict[tuple[str, str], int] = {}
    for i, (a, b) in enumerate(rows):
        values[(f"r{i}", "with")], values[(f"r{i}", "without")] = a, b
        values[(f"r{i}", "met")] = a + b
    names = [f"r{i}" for i in range(len(rows))]
    for col in ("with", "without", "met"):
        values[("*", col)] = sum(values[(r, col)] for r in names)
    lines: list[Any] = [((r, "met"), [(r, "with"), (r, "without")]) for r in [*names, "*"]]
    lines += [(("*", col), [(r, col) for r in names]) for col in ("with", "without", "met")]
    hidden = suppressed_cells(values, lines)
    assert {key for key, value in values.items() if value < 3} <= hidden
    for total, members in lines:
        assert sum(key in hidden for key in (total, *members)) != 1


# --- target, growth, the centre filter ---------------------------------------------------


def test_target_and_growth_nationally_and_for_a_centre(world: World) -> None:
    Target.objects.create(year=2025, centre=None, controls=4)
    Target.objects.create(year=2025, centre=Centre.objects.get(code="stockholm"), controls=2)
    Target.objects.create(year=2024, centre=None, controls=100)
    carried_out(world, "2024-05-07")
    carried_out(world, "2025-05-06")
    carried_out(world, "2025-05-07")
    carried_out(world, "2025-05-08", centre="syd")

    national = stats().to_json()
    assert national["target"] == {
        "controls": 4,
        "actual": 3,
        "share_of_target": 0.75,
        "difference": -1,
    }
    assert national["growth"] == {
        "previous_year": 2024,
        "previous": 1,
        "change": 2,
        "percent": 200.0,
    }
    assert national["by_centre"]["stockholm"]["target"] == 2
    assert national["by_centre"]["syd"]["target"] is None

    stockholm = stats(centre="stockholm").to_json()
    assert stockholm["target"] == {
        "controls": 2,
        "actual": 2,
        "share_of_target": 1.0,
        "difference": 0,
    }
    assert stockholm["growth"]["percent"] == 100.0
    syd = stats(centre="syd").to_json()
    assert syd["target"]["controls"] is None
    assert syd["target"]["share_of_target"] is None
    assert syd["growth"] == {"previous_year": 2024, "previous": 0, "change": 1, "percent": None}
    assert stats(2024).growth.percent is None  # 2023 had none


def test_the_centre_filter_narrows_every_figure(world: World) -> None:
    stockholm = carried_out(world, "2025-05-06")
    syd = carried_out(world, "2025-06-10", centre="syd", agencies=["AV", "POL"])
    finding(stockholm, "SKV", "SKV_LEDGER_MISSING", 1_000)
    decision(stockholm, "SKV", "control_fee", 1_000)
    people(stockholm, 3)
    finding(syd, "POL", "POL_NO_WORK_RIGHT")
    decision(syd, "POL", "crime_report")
    people(syd, 4, {0: ["deception"], 1: ["deception"], 2: ["deception"]})

    for name in ["syd", "Syd", "SYD", " syd "]:
        figures = stats(centre=name)
        assert figures.centre == "syd"
        assert figures.centre_name == "Syd"
    assert (figures.controls, figures.with_findings) == (1, 1)
    assert list(figures.by_centre) == ["syd"]
    assert figures.by_month["06"].controls == 1
    assert figures.by_month["05"].controls == 0
    assert figures.by_agency["SKV"].controls == 0
    assert figures.by_agency["POL"].controls == 1
    assert figures.findings_count == 1
    assert figures.findings["POL_NO_WORK_RIGHT"].count == 1
    assert figures.decisions_count == 1
    assert figures.decisions["crime_report"].count == 1
    # Syd: 4 met = 3 with + 1 without; the 1 is suppressed and with it the 3.
    p = figures.people
    assert (p.met, p.with_indicators, p.without_indicators) == (4, None, None)
    assert p.by_indicator["deception"] == 3

    everything = stats()
    assert everything.controls == 2
    p = everything.people
    assert (p.met, p.with_indicators, p.without_indicators) == (7, 3, 4)
    assert list(everything.by_centre) == CENTRES


# --- input and permissions ----------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        None,
        "",
        "abc",
        "1700",
        "2016",
        "2101",
        "99999",
        "-2025",
        "2025.0",
        "20 25",
        "２０２５",
        "2025\x00",
        "<script>",
        "' OR 1=1 --",
        1700,
        99999,
    ],
)
def test_a_bad_year_is_refused_with_a_clear_message(raw: object) -> None:
    with pytest.raises(InvalidInput) as refused:
        parse_year(raw)
    assert "four digits from 2017 to 2100" in refused.value.message


def test_a_good_year_is_read() -> None:
    assert parse_year(" 2025 ") == 2025
    assert parse_year(2017) == 2017
    assert parse_year("2100") == 2100


@pytest.mark.parametrize(
    "centre", ["Gotham", "", "<script>alert(1)</script>", "x" * 500, "stock\x00holm", "' OR 1=1 --"]
)
def test_an_unknown_centre_is_refused(world: World, centre: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        stats(centre=centre)
    assert refused.value.message.startswith("Unknown centre")
    assert "\x00" not in refused.value.message
    assert len(refused.value.message) < 60


def test_a_year_out_of_range_is_refused_by_the_query_too(world: World) -> None:
    with pytest.raises(InvalidInput):
        control_statistics(actor=SYSTEM, year=1700)


def test_only_staff_with_a_role_may_see_statistics(world: World) -> None:
    with pytest.raises(Forbidden):
        control_statistics(actor=actor_for_user(AnonymousUser()), year=2025)
    nobody = Actor(user_id=999, username="nobody", agency="SKV", roles=frozenset())
    with pytest.raises(Forbidden):
        control_statistics(actor=nobody, year=2025)
    for name in ["skv_inspector", "skv_auditor", "national_reader", "other_centre"]:
        assert control_statistics(actor=world.actor(name), year=2025).controls == 0
    reader = Actor(user_id=1, username="r", agency="AV", roles=frozenset({Role.ANALYST}))
    assert control_statistics(actor=reader, year=2025).year == 2025


# --- shape and cost -------------------------------------------------------------------------


def test_the_json_has_the_agreed_top_level_and_is_plain_json(world: World) -> None:
    carried_out(world)
    shown = stats().to_json()
    for key in [
        "year",
        "centre",
        "controls",
        "with_findings",
        "share_with_findings",
        "by_centre",
        "by_industry",
        "by_month",
        "by_agency",
        "decisions",
        "findings",
        "people_met",
        "indicators",
        "target",
        "growth",
        "definitions_version",
    ]:
        assert key in shown, key
    assert json.loads(json.dumps(shown)) == shown
    assert shown["year"] == 2025
    assert shown["centre"] is None
    assert shown["controls"] == 1
    assert list(shown["by_month"]) == [f"{m:02d}" for m in range(1, 13)]
    assert shown["definitions_version"] == 1


def _queries(year: int) -> int:
    with CaptureQueriesContext(connection) as captured:
        stats(year, centre="stockholm")
    return len(captured.captured_queries)


def test_the_number_of_queries_does_not_grow_with_the_controls(world: World) -> None:
    control = carried_out(world, "2024-05-06")
    finding(control, "SKV", "SKV_NO_FTAX")
    people(control, 3, {0: ["deception"]})
    few = _queries(2024)
    for n in range(6):
        control = carried_out(world, f"2025-05-{n + 10:02d}")
        finding(control, "SKV", "SKV_NO_FTAX")
        decision(control, "SKV", "control_fee", 100)
        people(control, 3, {0: ["deception"], 1: ["isolation"]})
    assert _queries(2025) == few
    assert few <= 14


# --- the command line ---------------------------------------------------------------------


def test_command_prints_the_same_json(world: World, capsys: pytest.CaptureFixture[str]) -> None:
    carried_out(world)
    assert main(["stats", "controls", "--year", "2025", "--json"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed == stats().to_json()
    assert printed["controls"] == 1
    assert main(["stats", "controls", "--year", "2025", "--centre", "syd", "--json"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert (printed["centre"], printed["controls"]) == ("syd", 0)


def test_command_without_json_prints_a_summary(
    world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    carried_out(world)
    assert main(["stats", "controls", "--year", "2025"]) == 0
    out = capsys.readouterr().out
    assert "Joint controls 2025, all centres" in out
    assert "controls                 1" in out
    assert "stockholm 1" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--year", "abc"], "four digits"),
        (["--year", "1700"], "four digits"),
        (["--year", "99999"], "four digits"),
        (["--year", "2025", "--centre", "Gotham"], "Unknown centre"),
        (["--year", "2025", "--centre", "<script>"], "Unknown centre"),
    ],
)
def test_command_refuses_bad_input_with_exit_2(
    world: World, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    assert main(["stats", "controls", *args, "--json"]) == 2
    captured = capsys.readouterr()
    assert message in captured.err
    assert captured.out == ""


def test_command_without_a_year_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["stats", "controls", "--json"])
    assert exit_info.value.code == 2
    assert "--year" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["stats", "nonsense", "--year", "2025"])
