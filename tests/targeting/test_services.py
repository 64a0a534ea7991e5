"""Scoring the registers in the database, training, adding to the plan, and who may see
which scores (roles, centres, the sharing rules of the owning agency)."""

from __future__ import annotations

import dataclasses
import datetime as dt

import polars as pl
import pytest
from django.utils import timezone

from akrim.audit.models import AuditEntry
from akrim.controls import services as controls
from akrim.controls.models import Control, Status
from akrim.core.actor import Actor, Purpose
from akrim.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from akrim.engines.exchange.schema import TABLES
from akrim.engines.scoring.indicators import INDICATORS, reference_date_of
from akrim.organisation.models import Municipality
from akrim.registry.models import Company, FindingRecord, Person, Workplace
from akrim.targeting import queries, services
from akrim.targeting.frames import AKRIM_PREFIX, register_frames
from akrim.targeting.models import ScoringModel, ScoringRun, WorkplaceScore
from akrim.targeting.queries import SelectionFilters
from tests.targeting.conftest import Staffed, at, closed_control, share

pytestmark = pytest.mark.django_db

CODES = {indicator.code for indicator in INDICATORS}


def operating_workplaces() -> set[str]:
    return set(
        Workplace.objects.filter(
            owner__code="SKV",
            company__deregistered_on__isnull=True,
            company__bankrupt_on__isnull=True,
        ).values_list("workplace_id", flat=True)
    )


def stockholm_rows(run: ScoringRun) -> list[WorkplaceScore]:
    return list(run.scores.filter(centre="stockholm").order_by("rank"))


# --- the frames ------------------------------------------------------------------------


def test_the_frames_have_the_exchange_formats_columns_and_types(imported: object) -> None:
    frames = register_frames(owner="SKV")
    for name, spec in TABLES.items():
        frame = frames[name]
        expected = [*spec.column_names, *(["ordinal"] if name == "findings" else []), "_row"]
        assert frame.columns == expected, name
        for spec_column in spec.columns:
            assert frame.schema[spec_column.name] == spec_column.dtype, (name, spec_column.name)
    assert frames["companies"].height == Company.objects.filter(owner__code="SKV").count()
    assert frames["findings"].height == FindingRecord.objects.count()
    assert frames["workplaces"].height == Workplace.objects.count()
    # data minimisation: no personal trait of a person leaves the database
    persons = frames["persons"]
    assert persons.height == Person.objects.count() > 0
    assert persons.get_column("name").unique().to_list() == [""]
    for column in ["birth_date", "citizenship", "municipality"]:
        assert persons.get_column(column).null_count() == persons.height
    encounters = frames["encounters"]
    for column in ["birth_date", "nationality", "document_no", "phone"]:
        assert encounters.get_column(column).null_count() == encounters.height


def test_another_agencys_registers_are_not_in_the_frames(imported: object) -> None:
    frames = register_frames(owner="POL")
    assert all(frame.height == 0 for frame in frames.values())


def test_closed_akrim_controls_and_their_findings_flow_into_the_history(
    scored: ScoringRun, staff: Staffed
) -> None:
    quiet = scored.scores.filter(centre="stockholm", controlled_before=False).order_by("rank")
    site = quiet.last()
    assert site is not None
    # a day the extract covers: a run learns from controls up to its reference date (the
    # end of the latest payroll month), not up to today
    day = reference_date_of(register_frames(owner="SKV")) - dt.timedelta(days=30)
    control = closed_control(staff.cast, site.workplace_id, day=day, finding="SKV_NO_FTAX")
    # a control that is not closed does not count (yet)
    other = quiet.first()
    assert other is not None
    assert other.workplace_id != site.workplace_id
    controls.plan_control(
        actor=staff.cast.actor("coordinator"),
        centre="stockholm",
        lead_agency="AV",
        agencies=["AV", "SKV"],
        workplaces=[other.workplace_id],
        starts_at=at(day, 8),
        ends_at=at(day, 12),
        purpose="Not closed.",
        outside_opening_hours=True,
    )
    frames = register_frames(owner="SKV")
    ours = frames["controls"].filter(pl.col("control_id").str.starts_with(AKRIM_PREFIX))
    assert ours.get_column("control_id").to_list() == [
        f"{AKRIM_PREFIX}{control.pk}:{site.workplace_id}"
    ]
    assert ours.select("workplace_id", "date", "agencies").rows() == [
        (site.workplace_id, day, "AV;POL;SKV")
    ]
    found = frames["findings"].filter(pl.col("control_id") == ours.item(0, "control_id"))
    assert found.select("agency", "code", "ordinal").rows() == [("SKV", "SKV_NO_FTAX", 1)]
    # and the next run learns it: the workplace now counts as controlled with a finding
    again = services.run_scoring(actor=Actor.system(), owner="SKV")
    row = again.scores.get(workplace_id=site.workplace_id)
    assert (row.controlled_before, row.found_before) == (True, True)


# --- scoring ---------------------------------------------------------------------------


def test_a_run_scores_every_workplace_of_an_operating_company_once(scored: ScoringRun) -> None:
    rows = list(scored.scores.order_by("rank"))
    assert scored.status == ScoringRun.Status.DONE
    assert scored.workplaces == len(rows) > 0
    assert {r.workplace_id for r in rows} == operating_workplaces()
    assert [r.rank for r in rows] == list(range(1, len(rows) + 1))
    scores = [r.score for r in rows]
    assert scores == sorted(scores, reverse=True)
    assert all(0.0 <= s <= 1.0 for s in scores)
    assert all(set(r.contributions) == CODES and set(r.signals) == CODES for r in rows)
    centres = dict(Municipality.objects.values_list("code", "county__centre__code"))
    assert all(r.centre == centres[r.municipality] for r in rows)
    assert all(len(r.sni_section) == 1 for r in rows)
    # the first run trained the owner's model and made it active; a model card came with it
    model = ScoringModel.objects.get()
    assert (model.active, scored.model_id, model.owner.code) == (True, model.pk, "SKV")
    assert any(indicator.what in model.card for indicator in INDICATORS)
    entry = AuditEntry.objects.filter(action="score_workplaces").get()
    assert (entry.object_id, entry.object_owner) == (str(scored.pk), "SKV")
    assert entry.detail["workplaces"] == len(rows)


def test_a_second_run_uses_the_active_model_and_keeps_the_first_runs_scores(
    scored: ScoringRun,
) -> None:
    again = services.run_scoring(actor=Actor.system(), owner="SKV")
    assert again.model_id == scored.model_id
    assert ScoringModel.objects.count() == 1
    assert WorkplaceScore.objects.filter(run=scored).count() == scored.workplaces
    first = {r.workplace_id: r.score for r in scored.scores.all()}
    second = {r.workplace_id: r.score for r in again.scores.all()}
    assert first == pytest.approx(second)


def test_scoring_is_refused_to_the_wrong_people_and_for_a_register_without_workplaces(
    imported: object, staff: Staffed
) -> None:
    for name in ["skv_inspector", "skv_auditor", "national_reader"]:
        with pytest.raises(Forbidden):
            services.run_scoring(actor=staff.cast.actor(name), owner="SKV")
    with pytest.raises(Forbidden, match="own agency"):
        services.run_scoring(actor=staff.actor("pol_analyst"), owner="SKV")
    with pytest.raises(InvalidInput, match="no workplaces"):
        services.run_scoring(actor=Actor.system(), owner="POL")
    with pytest.raises(InvalidInput, match="Unknown agency"):
        services.run_scoring(actor=Actor.system(), owner="<XX>")
    with pytest.raises(InvalidInput, match="Name the agency"):
        services.run_scoring(actor=Actor.system())
    assert not ScoringRun.objects.exists()
    # an SKV analyst may score SKV's own registers on demand (the owner is their agency)
    run = services.run_scoring(actor=staff.cast.actor("skv_analyst"))
    assert (run.owner.code, run.started_by) == ("SKV", "skv_analyst")


# --- training --------------------------------------------------------------------------


def test_training_keeps_the_old_model_active_unless_asked(scored: ScoringRun) -> None:
    first = ScoringModel.objects.get()
    result = services.train_model(actor=Actor.system(), owner="SKV", seed=1)
    assert result.old == first
    assert not result.new.active
    first.refresh_from_db()
    assert first.active
    assert [name for name, _old, _new in result.metrics] == sorted(
        set(first.validation) | set(result.new.validation)
    )
    switched = services.train_model(actor=Actor.system(), owner="SKV", activate=True)
    assert switched.old == first
    assert switched.new.active
    assert ScoringModel.objects.filter(active=True).get() == switched.new
    # the next run uses the new active model
    assert services.run_scoring(actor=Actor.system(), owner="SKV").model == switched.new
    # and an older model can be made active again
    services.activate_model(actor=Actor.system(), model_id=first.pk)
    assert ScoringModel.objects.filter(active=True).get() == first
    assert AuditEntry.objects.filter(action="train_scoring_model").count() == 2
    with pytest.raises(NotFound):
        services.activate_model(actor=Actor.system(), model_id=999_999)


# --- add to plan -----------------------------------------------------------------------


def test_add_to_plan_creates_a_draft_control_with_the_reasons(
    scored: ScoringRun, staff: Staffed
) -> None:
    coordinator = staff.actor("skv_coordinator")
    top = stockholm_rows(scored)[:2]
    keys = [row.workplace_id for row in top]
    control = services.add_to_plan(actor=coordinator, workplace_ids=keys, centre="Stockholm")
    assert control.status == Status.DRAFT
    assert control.centre.code == "stockholm"
    assert control.lead_agency.code == "SKV"
    assert sorted(control.workplaces.values_list("workplace_id", flat=True)) == sorted(keys)
    assert sorted(control.participations.values_list("agency__code", flat=True)) == [
        "AV",
        "POL",
        "SKV",
    ]
    for row in top:
        line = next(
            x for x in control.purpose.splitlines() if x.startswith(f"- {row.workplace_id}")
        )
        assert f"({round(100 * row.score)} %)" in line
        assert queries.reasons_of(row)[:30] in line
    assert control.starts_at > timezone.now()
    assert AuditEntry.objects.filter(action="add_to_plan", object_id=str(control.pk)).exists()


def test_add_to_plan_refuses_what_is_not_on_the_centres_list(
    scored: ScoringRun, staff: Staffed
) -> None:
    coordinator = staff.actor("skv_coordinator")
    syd = scored.scores.filter(centre="syd").first()
    assert syd is not None
    first = stockholm_rows(scored)[0].workplace_id
    with pytest.raises(InvalidInput, match="Not on the selection list"):
        services.add_to_plan(
            actor=coordinator, workplace_ids=[syd.workplace_id], centre="stockholm"
        )
    with pytest.raises(InvalidInput, match="Not on the selection list"):
        services.add_to_plan(actor=coordinator, workplace_ids=["W9999999"], centre="stockholm")
    with pytest.raises(InvalidInput, match="at least one"):
        services.add_to_plan(actor=coordinator, workplace_ids=[" ", ""], centre="stockholm")
    with pytest.raises(InvalidInput, match="at most 50"):
        services.add_to_plan(
            actor=coordinator, workplace_ids=[f"W{i}" for i in range(51)], centre="stockholm"
        )
    with pytest.raises(InvalidInput, match="at most 50"):
        services.add_to_plan(actor=coordinator, workplace_ids=["W" * 41], centre="stockholm")
    # analysts select; only coordinators (of that centre) plan
    for actor in [staff.cast.actor("skv_analyst"), staff.actor("syd_analyst")]:
        with pytest.raises(Forbidden):
            services.add_to_plan(actor=actor, workplace_ids=[first], centre="stockholm")
    with pytest.raises(Forbidden):
        services.add_to_plan(actor=coordinator, workplace_ids=[first], centre="syd")
    assert not Control.objects.exists()


def test_add_to_plan_at_a_time_a_site_is_closed_is_a_conflict_unless_confirmed(
    scored: ScoringRun, staff: Staffed
) -> None:
    coordinator = staff.actor("skv_coordinator")
    row = next(r for r in stockholm_rows(scored) if r.opening_hours.startswith("Mo-Fr"))
    sunday = timezone.localdate() + dt.timedelta(days=(6 - timezone.localdate().weekday()) or 7)
    night = dt.datetime.combine(sunday, dt.time(3), tzinfo=timezone.get_current_timezone())
    arguments = {
        "actor": coordinator,
        "workplace_ids": [row.workplace_id],
        "centre": "stockholm",
        "starts_at": night,
        "ends_at": night + dt.timedelta(hours=2),
    }
    with pytest.raises(Conflict, match="closed"):
        services.add_to_plan(**arguments)  # type: ignore[arg-type]
    control = services.add_to_plan(**arguments, outside_opening_hours=True)  # type: ignore[arg-type]
    assert control.starts_at == night


def test_the_default_slot_is_a_weekday_when_every_site_is_open() -> None:
    monday = dt.date(2025, 6, 2)
    start, end = services.default_slot(["Mo-Fr 08:00-17:00"], monday)
    assert (start.date(), start.hour, end.hour) == (dt.date(2025, 6, 3), 9, 12)
    evening = services.default_slot(["Mo-Su 17:00-23:00"], monday)[0]
    assert (evening.date(), evening.hour) == (dt.date(2025, 6, 3), 18)
    # a site that is never open: the next weekday morning (the planner decides)
    never = services.default_slot(["Sa 10:00-11:00"], dt.date(2025, 6, 6))[0]
    assert (never.date(), never.hour) == (dt.date(2025, 6, 9), 9)


# --- who sees what ---------------------------------------------------------------------


def stockholm(actor: Actor, **changes: object) -> list[str]:
    filters = dataclasses.replace(SelectionFilters(centre="stockholm"), **changes)  # type: ignore[arg-type]
    return [row.score.workplace_id for row in queries.selection(actor=actor, filters=filters).rows]


def test_inspectors_auditors_and_national_readers_may_not_use_selection(
    scored: ScoringRun, staff: Staffed
) -> None:
    key = scored.scores.first().workplace_id  # type: ignore[union-attr]
    for name in [
        "skv_inspector",
        "pol_inspector",
        "skv_auditor",
        "national_reader",
        "other_centre",
    ]:
        actor = staff.cast.actor(name)
        with pytest.raises(Forbidden):
            queries.parse_selection(actor=actor, params={})
        with pytest.raises(Forbidden):
            queries.workplace_history(actor=actor, workplace_id=key)
        with pytest.raises(Forbidden):
            queries.feedback(actor=actor)
        with pytest.raises(Forbidden):
            queries.coverage(actor=actor)


def test_an_analyst_sees_only_their_own_centres_list(scored: ScoringRun, staff: Staffed) -> None:
    syd = staff.actor("syd_analyst")
    assert queries.centre_choices(actor=syd) == [("syd", "Syd")]
    filters = queries.parse_selection(actor=syd, params={})
    assert filters.centre == "syd"
    rows = queries.selection(actor=syd, filters=filters).rows
    expected = list(scored.scores.filter(centre="syd").order_by("rank"))
    assert [r.score.workplace_id for r in rows] == [r.workplace_id for r in expected][:100]
    assert rows
    assert all(r.score.centre == "syd" for r in rows)
    with pytest.raises(NotFound):
        queries.parse_selection(actor=syd, params={"centre": "stockholm"})
    # but a workplace's page follows the sharing rules, not the centre: own agency's record
    stockholm_key = stockholm_rows(scored)[0].workplace_id
    assert queries.workplace_history(actor=syd, workplace_id=stockholm_key).owner == "SKV"


def test_another_agency_sees_no_scores_of_skvs_workplaces_without_a_rule(
    scored: ScoringRun, staff: Staffed
) -> None:
    police = staff.actor("pol_analyst")
    skv = staff.cast.actor("skv_analyst")
    everything = [r.workplace_id for r in stockholm_rows(scored)]
    assert stockholm(skv) == everything[:100]
    assert stockholm(police) == []
    with pytest.raises(NotFound):
        queries.workplace_history(actor=police, workplace_id=everything[0])
    with pytest.raises(InvalidInput, match="Not on the selection list"):
        services.add_to_plan(
            actor=staff.cast.actor("coordinator"), workplace_ids=everything[:1], centre="stockholm"
        )
    assert queries.coverage(actor=police).register == 0
    # a rule for another purpose opens nothing; one for analysis opens the list
    share("SKV", "POL", Purpose.PLANNING)
    assert stockholm(police) == []
    share("SKV", "POL", Purpose.ANALYSIS)
    assert stockholm(police) == everything[:100]
    assert queries.workplace_history(actor=police, workplace_id=everything[0]).owner == "SKV"


def test_a_field_limited_rule_withholds_the_name(scored: ScoringRun, staff: Staffed) -> None:
    rule = share("SKV", "POL")
    rule.fields = ["workplace_id", "municipality", "sni"]
    rule.save()
    rows = queries.selection(
        actor=staff.actor("pol_analyst"), filters=SelectionFilters(centre="stockholm")
    ).rows
    assert rows
    assert all(row.name is None for row in rows)
    own = queries.selection(
        actor=staff.cast.actor("skv_analyst"), filters=SelectionFilters(centre="stockholm")
    ).rows
    assert all(row.name for row in own)


def test_the_list_filters_by_municipality_industry_score_and_opening_hours(
    scored: ScoringRun, staff: Staffed
) -> None:
    skv = staff.cast.actor("skv_analyst")
    rows = stockholm_rows(scored)
    municipality = rows[0].municipality
    assert stockholm(skv, municipality=municipality) == [
        r.workplace_id for r in rows if r.municipality == municipality
    ]
    section = rows[0].sni_section
    assert stockholm(skv, section=section) == [
        r.workplace_id for r in rows if r.sni_section == section
    ]
    threshold = round(100 * rows[len(rows) // 2].score)
    assert stockholm(skv, min_score=threshold) == [
        r.workplace_id for r in rows if r.score >= threshold / 100
    ]
    at_night = stockholm(skv, open_day=6, open_time=dt.time(3, 0))
    weekday = stockholm(skv, open_day=2, open_time=dt.time(10, 0))
    assert len(at_night) < len(weekday) <= len(rows)
    assert all(not r.opening_hours.startswith("Mo-Fr") for r in rows if r.workplace_id in at_night)


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"min_score": "abc"}, "min_score must be a whole number"),
        ({"min_score": "101"}, "from 0 to 100"),
        ({"min_score": "-1"}, "whole number"),
        ({"page": "0"}, "page must be"),
        ({"municipality": "' OR 1=1 --"}, "four-digit municipality"),
        ({"municipality": "9999"}, "four-digit municipality"),
        ({"industry": "Z"}, "SNI section"),
        ({"day": "Mo"}, "both a weekday and a time"),
        ({"day": "Monday", "time": "10:00"}, "weekday must be one of"),
        ({"day": "Mo", "time": "25:00"}, "HH:MM"),
        ({"centre": "gotham"}, "Unknown centre"),
        ({"centre": "x" * 500}, "too long"),
        ({"time": "10:00\x00"}, "both a weekday"),
    ],
)
def test_wrong_filter_values_are_refused_with_a_clear_message(
    staff: Staffed, params: dict[str, str], message: str
) -> None:
    with pytest.raises(InvalidInput, match=message):
        queries.parse_selection(actor=staff.cast.actor("skv_analyst"), params=params)


# --- feedback and coverage -------------------------------------------------------------


def test_feedback_counts_hits_per_indicator_in_history_and_in_akrims_own_controls(
    scored: ScoringRun, staff: Staffed
) -> None:
    skv = staff.cast.actor("skv_analyst")
    # the run was made before the controls below (nightly runs precede the plans)
    ScoringRun.objects.filter(pk=scored.pk).update(
        started_at=timezone.now() - dt.timedelta(days=400),
        finished_at=timezone.now() - dt.timedelta(days=400),
    )
    rows = stockholm_rows(scored)
    fired = {code for row in rows[:2] for code, value in row.signals.items() if value > 0}
    day = timezone.localdate() - dt.timedelta(days=20)
    closed_control(staff.cast, rows[0].workplace_id, day=day, finding="SKV_LEDGER_MISSING")
    closed_control(staff.cast, rows[1].workplace_id, day=day + dt.timedelta(days=1), finding=None)
    figures = queries.feedback(actor=skv)
    assert (figures.owner, figures.run) == ("SKV", ScoringRun.objects.get(pk=scored.pk))
    assert (figures.own.pointed, figures.own.hits) == (2, 1)
    assert figures.own_mean_score == pytest.approx((rows[0].score + rows[1].score) / 2)
    for item in figures.indicators:
        expected = sum(1 for row in rows[:2] if row.signals.get(item.indicator.code, 0) > 0)
        assert item.own.pointed == expected
        assert item.own.hits == (1 if rows[0].signals.get(item.indicator.code, 0) > 0 else 0)
        history = scored.scores.filter(controlled_before=True)
        pointed = [r for r in history if r.signals.get(item.indicator.code, 0) > 0]
        assert item.history.pointed == len(pointed)
        assert item.history.hits == sum(1 for r in pointed if r.found_before)
    assert fired <= {i.indicator.code for i in figures.indicators if i.own.pointed}
    assert figures.history.pointed == scored.scores.filter(controlled_before=True).count()
    assert [column.model for column in figures.models] == [ScoringModel.objects.get()]
    with pytest.raises(InvalidInput, match="No scores from agency"):
        queries.feedback(actor=skv, owner="POL")


def test_coverage_compares_the_top_with_the_register(scored: ScoringRun, staff: Staffed) -> None:
    report = queries.coverage(actor=staff.cast.actor("skv_analyst"), top=10)
    assert (report.register, report.selected) == (scored.workplaces, 10)
    top = list(scored.scores.order_by("rank")[:10])
    for rows, field in [
        (report.by_industry, "sni_section"),
        (report.by_municipality, "municipality"),
        (report.by_centre, "centre"),
    ]:
        assert sum(r.register for r in rows) == scored.workplaces
        assert sum(r.selected for r in rows) == 10
        assert sum(r.register_share for r in rows) == pytest.approx(1)
        for row in rows:
            assert row.selected == sum(1 for s in top if getattr(s, field) == row.key)
            controlled = scored.scores.filter(**{field: row.key, "controlled_before": True})
            assert row.controlled == controlled.count()
            assert row.hits == controlled.filter(found_before=True).count()
    everything = queries.coverage(actor=staff.cast.actor("skv_analyst"), top=100_000)
    assert everything.selected == everything.register
    assert all(r.ratio == pytest.approx(1) for r in everything.by_centre)
    for bad in ["0", "abc", "100001", "1" * 30]:
        with pytest.raises(InvalidInput):
            queries.parse_top(bad)


def test_an_engine_failure_is_kept_as_a_failed_run_and_raised(
    imported: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("engine broke")

    monkeypatch.setattr(services, "score", broken)
    with pytest.raises(RuntimeError, match="engine broke"):
        services.run_scoring(actor=Actor.system(), owner="SKV")
    run = ScoringRun.objects.get()
    assert (run.status, run.error, run.scores.count()) == (
        ScoringRun.Status.FAILED,
        "RuntimeError",
        0,
    )
    assert AuditEntry.objects.filter(
        action="score_workplaces_failed", object_id=str(run.pk)
    ).exists()
    # a failed run is never the latest: the list shows nothing rather than half a run
    assert queries.latest_runs() == []


def test_reading_the_list_and_a_workplace_is_audited_with_what_was_shown(
    scored: ScoringRun, staff: Staffed
) -> None:
    skv = staff.cast.actor("skv_analyst")
    shown = stockholm(skv, section="F")
    entry = AuditEntry.objects.filter(action="read", object_type="workplace_scores").latest("seq")
    assert (entry.username, entry.object_id) == ("skv_analyst", "stockholm")
    assert entry.detail["workplaces"] == shown
    assert entry.detail["filters"]["industry"] == "F"
    queries.workplace_history(actor=skv, workplace_id=stockholm_rows(scored)[0].workplace_id)
    assert AuditEntry.objects.filter(action="read", object_type="workplace_score").exists()


def test_the_english_reasons_are_the_engines(scored: ScoringRun) -> None:
    rows = list(scored.scores.all())
    assert any(row.reasons for row in rows)
    assert all(queries.reasons_of(row) == row.reasons for row in rows)
