"""Figures of the dashboard against hand-built controls: what counts, months, target,
industry, centre, findings, decisions, agencies, memberships, people with suppression."""

from __future__ import annotations

import pytest

from akrim.controls.models import FINDING_CATALOGUE, Target
from akrim.core.actor import Actor, Purpose, Role
from akrim.core.errors import Forbidden, InvalidInput
from akrim.reporting import figures as fig
from akrim.reporting.figures import SUPPRESSED, parse_filters
from tests.reporting.conftest import World, at, carried_out, decision, finding, people

pytestmark = pytest.mark.django_db
SYSTEM = Actor.system(purpose=Purpose.STATISTICS)


def tables(**params: str) -> dict[str, fig.Table]:
    f = parse_filters(params)
    return {t.name: t for t in fig.dashboard(f, actor=SYSTEM).tables}


def test_counts_months_target_centre_findings_and_decisions(world: World) -> None:
    first = carried_out(world, "2025-05-06")
    carried_out(world, "2025-05-20")
    carried_out(world, "2025-06-10")
    carried_out(world, "2024-03-05")
    world.plan(starts_at=at("2025-05-07", 8), ends_at=at("2025-05-07", 12))  # planned only
    Target.objects.create(year=2025, controls=10)
    finding(first, "SKV", next(iter(FINDING_CATALOGUE)), 500)
    decision(first, "AV", "sanction_fee", 20_000)
    decision(first, "AV", "sanction_fee", 7_000, status="withdrawn")
    t = tables(year="2025")
    months = {r[0]: r[1:] for r in t["by_month"].rows}
    assert len(months) == 12
    assert months["2025-05"] == (2, 1)
    assert months["2025-06"] == (1, 0)
    assert months["2025-01"] == (0, 0)
    assert t["target"].rows == ((2025, 3, 10, 30.0),)
    centre = {r[0]: r[1:] for r in t["by_centre"].rows}
    assert centre["Stockholm"] == (3, 1, 33.3)
    assert t["by_centre"].rows[-1][1:] == (3, 1, 33.3)
    fees = {r[0]: r[1:] for r in t["decisions"].rows}
    assert any(v == (2, 1, 20_000) for v in fees.values())
    agencies = {r[0]: r[2] for r in t["by_agency"].rows}
    assert agencies["AV"] == agencies["POL"] == agencies["SKV"] == 3
    assert agencies["AF"] == 0
    # the agency and industry filters narrow the counted controls
    assert tables(year="2025", agency="AF")["target"].rows[0][1] == 0
    assert tables(year="2025", industry="unknown")["target"].rows[0][1] in (0, 3)
    # months of two years: the growth and the per-year target rows
    both = tables(**{"from": "2024-01", "to": "2025-12"})
    assert [r[:2] for r in both["target"].rows] == [(2024, 1), (2025, 3)]


def test_growth_is_year_on_year(world: World) -> None:
    carried_out(world, "2024-03-05")
    carried_out(world, "2025-03-05")
    carried_out(world, "2025-04-05")
    rows = {r[0]: r[1:] for r in fig.growth(parse_filters({"year": "2025"})).rows}
    assert rows[2024] == (1, None, None)  # the first year has nothing to grow from
    assert rows[2025] == (2, 1, 100.0)


def test_people_are_suppressed_below_three_with_no_recoverable_cell(world: World) -> None:
    one = carried_out(world, "2025-05-06")
    two = carried_out(world, "2025-05-07")
    people(one, 5, {0: ["deception"], 1: ["deception"]})
    people(two, 2)
    table = tables(year="2025")["people"]
    values = {r[0]: r[1] for r in table.rows}
    for value in values.values():
        assert value == SUPPRESSED or (isinstance(value, int) and value >= 3)
    met, with_, without = (table.rows[i][1] for i in range(3))
    # a row total of three cells: never exactly one of them suppressed
    assert [met, with_, without].count(SUPPRESSED) != 1
    # the report's period table follows the same rule
    period = fig.people_in_period(parse_filters({"year": "2025"}))
    cells = [r[1] for r in period.rows[:3]]
    assert cells.count(SUPPRESSED) != 1
    assert all(c == SUPPRESSED or c >= 3 for c in cells)  # type: ignore[operator]


def test_memberships_over_time(world: World) -> None:
    t = tables(year="2025")
    assert t["memberships"].rows, "the seeded centres have member agencies"
    per_year = t["members_per_year"]
    assert per_year.rows[0][0] == 2025
    assert all(isinstance(v, int) and v >= 0 for v in per_year.rows[0][1:])


@pytest.mark.parametrize(
    ("params", "fragment"),
    [
        ({"year": "20x5"}, "four digits"),
        ({"year": "1900"}, "four digits"),
        ({"year": "2025", "from": "2025-01"}, "not both"),
        ({"from": "2025-13", "to": "2025-12"}, "month"),
        ({"from": "2025-05", "to": "2025-01"}, "end after"),
        ({"from": "2017-01", "to": "2030-01"}, "at most"),
        ({"centre": "<script>alert(1)</script>"}, "centre"),
        ({"centre": "atlantis"}, "centre"),
        ({"agency": "XX"}, "agency"),
        ({"agency": "' OR 1=1 --"}, "agency"),
        ({"industry": "Z"}, "industry"),
        ({"industry": "AB"}, "industry"),
        ({"centre": "x" * 500}, "too long"),
    ],
)
def test_hostile_filters_are_refused(cast: object, params: dict[str, str], fragment: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_filters(params)
    assert fragment in caught.value.message


def test_only_readers(cast: object) -> None:
    inspector = Actor(user_id=1, username="i", agency="SKV", roles=frozenset({Role.INSPECTOR}))
    with pytest.raises(Forbidden):
        fig.dashboard(parse_filters({"year": "2025"}), actor=inspector)


def test_people_agree_with_the_statistics_page(world: World) -> None:
    from akrim.controls.stats import control_statistics

    control = carried_out(world, "2025-05-06")
    people(control, 6, {0: ["deception", "isolation"], 1: ["deception"], 2: ["deception"]})
    ours = {r[0]: r[1] for r in tables(year="2025", centre="stockholm")["people"].rows}
    theirs = control_statistics(actor=SYSTEM, year=2025, centre="stockholm").people

    def shown(value: int | None) -> object:
        return SUPPRESSED if value is None else value

    assert ours["People met"] == shown(theirs.met) == 6
    assert ours["With an ILO indicator"] == shown(theirs.with_indicators) == 3
    assert ours["Without an ILO indicator"] == shown(theirs.without_indicators) == 3
    assert ours["deception"] == shown(theirs.by_indicator["deception"]) == 3
    assert ours["isolation"] == SUPPRESSED


def test_a_half_year_has_its_six_months(cast: object) -> None:
    start, end = fig.parse_period("2022h2")
    months = fig.by_month(fig.Filters(start, end))
    assert [r[0] for r in months.rows] == [f"2022-{m:02d}" for m in range(7, 13)]
