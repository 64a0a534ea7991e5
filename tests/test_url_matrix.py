"""Every page URL against the cast: anonymous, owner agency, other agency, other centre,
the owner's auditor. A new URL without a row here fails ``test_every_url_is_in_the_matrix``.
The API's matrix is in tests/api (fuzzing with owner, other agency and no token)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from akrim.registry.models import Company, Person, Workplace
from akrim.registry.services import ImportResult

pytestmark = pytest.mark.django_db

PERSONAS = ["anonymous", "skv_inspector", "pol_inspector", "other_centre", "skv_auditor"]
LOGIN = 302  # anonymous visitors are sent to the login page

POST_ONLY = (405, 405, 405, 405, 405)
RECORDING = (LOGIN, 200, 403, 404, 404)  # the team records; the rest of the centre reads
MISSING = (LOGIN, 404, 404, 404, 404)
ANALYSTS_ONLY = (LOGIN, 403, 403, 403, 403)
PUBLIC = (200, 200, 200, 200, 200)
POST_AFTER_LOGIN = (LOGIN, 405, 405, 405, 405)  # on-site forms: login first, then the method

# name -> (path template, expected status per persona, in PERSONAS order)
MATRIX: dict[str, tuple[str, tuple[int, ...]]] = {
    "organisation:home": ("/en/home/", (LOGIN, 200, 200, 200, 200)),
    "organisation:memberships": ("/en/centres/", (LOGIN, 200, 200, 200, 200)),
    "accounts:login": ("/en/accounts/login/", (200, 302, 302, 302, 302)),
    "accounts:two_factor": ("/en/accounts/two-factor/", (LOGIN, 200, 200, 200, 200)),
    "accounts:logout": ("/en/accounts/logout/", (405, 405, 405, 405, 405)),
    "registry:search": ("/en/registry/search/?q={company_name}", (LOGIN, 200, 200, 200, 200)),
    "registry:company": ("/en/registry/companies/{org_no}/", (LOGIN, 200, 404, 200, 404)),
    "registry:person": ("/en/registry/persons/{person_id}/", (LOGIN, 200, 404, 200, 404)),
    "registry:workplace": ("/en/registry/workplaces/{workplace_id}/", (LOGIN, 200, 404, 200, 404)),
    "audit:log": ("/en/audit/", (LOGIN, 403, 403, 403, 200)),
    # a redirect to the extract, which checks the role itself
    "audit:person_lookup": ("/en/audit/persons/?person={person_id}", (LOGIN, 302, 302, 302, 302)),
    "audit:person": ("/en/audit/persons/{person_id}/", (LOGIN, 403, 403, 403, 200)),
    "audit:person_csv": ("/en/audit/persons/{person_id}/csv/", (LOGIN, 403, 403, 403, 200)),
    "audit:checks": ("/en/audit/checks/", (LOGIN, 403, 403, 403, 200)),
    "audit:check": ("/en/audit/checks/999999/", (LOGIN, 403, 403, 403, 404)),
    "access:purpose": ("/en/access/purpose/", (405, 405, 405, 405, 405)),
    "access:break_glass": ("/en/access/emergency/", (LOGIN, 200, 200, 200, 200)),
    "access:reviews": ("/en/access/reviews/", (LOGIN, 403, 403, 403, 200)),
    # a control at the Stockholm centre, prepared, with skv_inspector in the team
    "controls:list": ("/en/controls/", (LOGIN, 200, 200, 200, 200)),
    "controls:plan": ("/en/controls/new/", (LOGIN, 404, 404, 404, 404)),  # coordinators only
    "controls:tasks": ("/en/controls/tasks/", (LOGIN, 200, 200, 200, 200)),
    "controls:task_done": ("/en/controls/tasks/999999/done/", POST_ONLY),
    "controls:detail": ("/en/controls/{control}/", (LOGIN, 200, 200, 404, 404)),
    "controls:move": ("/en/controls/{control}/move/", POST_ONLY),
    "controls:cancel": ("/en/controls/{control}/cancel/", POST_ONLY),
    "controls:reschedule": ("/en/controls/{control}/reschedule/", POST_ONLY),
    "controls:team": ("/en/controls/{control}/team/", POST_ONLY),
    "controls:pre_check": ("/en/controls/{control}/pre-checks/", POST_ONLY),
    "controls:pre_check_delete": ("/en/controls/{control}/pre-checks/1/delete/", POST_ONLY),
    "controls:safety": ("/en/controls/{control}/safety/", POST_ONLY),
    "controls:finding": ("/en/controls/{control}/findings/", POST_ONLY),
    "controls:finding_delete": ("/en/controls/{control}/findings/1/delete/", POST_ONLY),
    "controls:decision": ("/en/controls/{control}/decisions/", POST_ONLY),
    "controls:decision_status": ("/en/controls/{control}/decisions/1/status/", POST_ONLY),
    "controls:close_part": ("/en/controls/{control}/close-part/", POST_ONLY),
    # the auditor works in no centre: no calendar to show
    "controls:calendar": ("/en/controls/calendar/", (LOGIN, 200, 200, 200, 404)),
    "controls:feed_manage": ("/en/controls/calendar/subscribe/", (LOGIN, 200, 200, 200, 200)),
    "controls:feed": ("/en/controls/feed/not-a-feed.ics", (404, 404, 404, 404, 404)),
    "controls:stats": ("/en/controls/stats/?year=2025", (LOGIN, 200, 200, 200, 200)),
    "controls:stats_csv": ("/en/controls/stats.csv?year=2025", (LOGIN, 200, 200, 200, 200)),
    "controls:stats_xlsx": ("/en/controls/stats.xlsx?year=2025", (LOGIN, 200, 200, 200, 200)),
    # on site: the team records; others of the centre read; nobody else sees the control
    "controls:field": ("/en/controls/{control}/field/", (LOGIN, 200, 200, 404, 404)),
    "controls:field_person_new": ("/en/controls/{control}/field/person/new/", RECORDING),
    "controls:field_person": ("/en/controls/{control}/field/person/999999/", MISSING),
    "controls:field_person_delete": (
        "/en/controls/{control}/field/person/1/delete/",
        POST_AFTER_LOGIN,
    ),
    "controls:field_ledger": ("/en/controls/{control}/field/ledger/{place}/", RECORDING),
    "controls:field_checklist": (
        "/en/controls/{control}/field/checklist/personalliggare/",
        RECORDING,
    ),
    "controls:field_observation_new": ("/en/controls/{control}/field/observation/new/", RECORDING),
    "controls:field_observation_delete": (
        "/en/controls/{control}/field/observation/1/delete/",
        POST_AFTER_LOGIN,
    ),
    "controls:field_attachment_new": ("/en/controls/{control}/field/attachment/new/", RECORDING),
    "controls:field_attachment": ("/en/controls/{control}/field/attachment/999999/", MISSING),
    "controls:field_attachment_delete": (
        "/en/controls/{control}/field/attachment/1/delete/",
        POST_AFTER_LOGIN,
    ),
    "controls:field_draft": ("/en/controls/{control}/field/draft/person-new/", POST_AFTER_LOGIN),
    # risk-based selection: analysts and coordinators only (none of these personas)
    "targeting:selection": ("/en/targeting/", ANALYSTS_ONLY),
    "targeting:add_to_plan": ("/en/targeting/plan/", POST_AFTER_LOGIN),
    "targeting:workplace": ("/en/targeting/workplaces/{workplace_id}/", ANALYSTS_ONLY),
    "targeting:feedback": ("/en/targeting/feedback/", ANALYSTS_ONLY),
    "targeting:coverage": ("/en/targeting/coverage/", ANALYSTS_ONLY),
    "targeting:model": ("/en/targeting/models/999999/", ANALYSTS_ONLY),
    "targeting:activate_model": ("/en/targeting/models/999999/activate/", POST_AFTER_LOGIN),
    # reports and dashboards: the national steering group, coordinators, analysts, admins
    "reporting:list": ("/en/reports/", ANALYSTS_ONLY),
    "reporting:dashboard": ("/en/reports/dashboard/?year=2025", ANALYSTS_ONLY),
    "reporting:dashboard_csv": ("/en/reports/dashboard/by_month.csv?year=2025", ANALYSTS_ONLY),
    "reporting:dashboard_xlsx": ("/en/reports/dashboard/by_month.xlsx?year=2025", ANALYSTS_ONLY),
    "reporting:detail": ("/en/reports/999999/", ANALYSTS_ONLY),
    "reporting:edit_section": ("/en/reports/999999/sections/controls/", ANALYSTS_ONLY),
    "reporting:pdf": ("/en/reports/999999/report.pdf", ANALYSTS_ONLY),
    "reporting:xlsx": ("/en/reports/999999/report.xlsx", ANALYSTS_ONLY),
    "reporting:sign": ("/en/reports/999999/sign/", POST_AFTER_LOGIN),
    # training: a session at Stockholm where skv_inspector completed the course
    "training:index": ("/en/training/", (LOGIN, 200, 200, 200, 200)),
    "training:session": ("/en/training/sessions/{session}/", (LOGIN, 200, 200, 404, 404)),
    "training:enrol": ("/en/training/sessions/{session}/enrol/", POST_ONLY),
    "training:record_result": (
        "/en/training/sessions/{session}/enrolments/{completion}/",
        POST_ONLY,
    ),
    "training:create_session": ("/en/training/sessions/new/", POST_ONLY),
    "training:add_rule": ("/en/training/rules/new/", POST_ONLY),
    # the auditor works in no centre: no coverage to show
    "training:coverage": ("/en/training/coverage/", (LOGIN, 200, 200, 200, 404)),
    "training:mine": ("/en/training/mine/", (LOGIN, 200, 200, 200, 200)),
    "training:certificate": (
        "/en/training/completions/{completion}/certificate.pdf",
        (LOGIN, 200, 404, 404, 404),
    ),
    # the public portal: everyone, no login (seeded content; see _objects)
    "portal_public:home": ("/pl/", PUBLIC),
    "portal_public:languages": ("/ar/languages/", PUBLIC),
    "portal_public:page": ("/th/info/safety/", PUBLIC),
    "portal_public:leaflet": ("/en/info/get-help/leaflet.pdf", PUBLIC),
    "tips_public:form": ("/ti/tip/", PUBLIC),
    "tips_public:status": ("/en/tip/status/", PUBLIC),
    "tips_public:add": ("/en/tip/status/add/", (405, 405, 405, 405, 405)),
    "campaigns_public:survey": ("/fa/survey/no-such-token/", (404, 404, 404, 404, 404)),
    # portal content: staff read, communicators write (none in these personas)
    "portal:index": ("/en/portal/", (LOGIN, 200, 200, 200, 200)),
    "portal:page_language": ("/en/portal/pages/safety/pl/", (LOGIN, 200, 200, 200, 200)),
    "portal:ui_texts": ("/en/portal/texts/pl/", (LOGIN, 200, 200, 200, 200)),
    "portal:review_version": ("/en/portal/versions/1/review/", POST_ONLY),
    "portal:review_ui_text": ("/en/portal/texts/review/1/", POST_ONLY),
    "portal:create_campaign": ("/en/portal/campaigns/new/", (LOGIN, 403, 403, 403, 403)),
    # tips: a tip routed to Stockholm; its centre's staff handle it, the auditor reads
    "tips:index": ("/en/tips/", (LOGIN, 200, 200, 200, 200)),
    "tips:stats": ("/en/tips/stats/", (LOGIN, 200, 200, 200, 200)),
    "tips:detail": ("/en/tips/{tip}/", (LOGIN, 200, 200, 404, 200)),
    "tips:triage": ("/en/tips/{tip}/triage/", POST_ONLY),
    "tips:route": ("/en/tips/{tip}/route/", POST_ONLY),
    "tips:link": ("/en/tips/{tip}/link/", POST_ONLY),
    "tips:duplicate": ("/en/tips/{tip}/duplicate/", POST_ONLY),
    "tips:selection": ("/en/tips/{tip}/selection/", POST_ONLY),
    "tips:control": ("/en/tips/{tip}/control/", POST_ONLY),
    "tips:reply": ("/en/tips/{tip}/reply/", POST_ONLY),
    "tips:close": ("/en/tips/{tip}/close/", POST_ONLY),
    "tips:attachment": ("/en/tips/{tip}/attachments/999999/", (LOGIN, 404, 404, 404, 404)),
    # methods: a draft method of the AV coordinator; the handbook is open to all staff
    "methods:index": ("/en/methods/", (LOGIN, 200, 200, 200, 200)),
    "methods:create": ("/en/methods/new/", (LOGIN, 403, 403, 403, 403)),
    "methods:lessons": ("/en/methods/lessons/", (LOGIN, 200, 200, 200, 200)),
    "methods:new_lesson": (
        "/en/methods/lessons/new/?control={control}",
        (LOGIN, 200, 404, 404, 404),
    ),
    "methods:dismiss_lesson": ("/en/methods/lessons/999999/dismiss/", POST_ONLY),
    "methods:adoption": ("/en/methods/adoption/", (LOGIN, 200, 200, 200, 200)),
    "methods:adoption_csv": ("/en/methods/adoption.csv", (LOGIN, 200, 200, 200, 200)),
    "methods:method": ("/en/methods/{method}/", (LOGIN, 200, 200, 200, 200)),
    "methods:revise": ("/en/methods/{method}/revise/", (LOGIN, 403, 403, 403, 403)),
    "methods:move_status": ("/en/methods/{method}/status/", POST_ONLY),
    "methods:record_adoption": ("/en/methods/{method}/adoption/", POST_ONLY),
    "methods:version": ("/en/methods/{method}/versions/1/", (LOGIN, 200, 200, 200, 200)),
    # social partners: Stockholm's forum with a meeting; other centres do not see it
    "partners:index": ("/en/partners/", (LOGIN, 200, 200, 200, 200)),
    "partners:open_forum": ("/en/partners/forums/open/", POST_ONLY),
    "partners:forum": ("/en/partners/forums/{forum}/", (LOGIN, 200, 200, 404, 200)),
    "partners:set_members": ("/en/partners/forums/{forum}/members/", POST_ONLY),
    "partners:create_meeting": ("/en/partners/forums/{forum}/meetings/new/", POST_ONLY),
    "partners:meeting": ("/en/partners/meetings/{meeting}/", (LOGIN, 200, 200, 404, 200)),
    "partners:edit_meeting": ("/en/partners/meetings/{meeting}/edit/", POST_ONLY),
    "partners:add_action": ("/en/partners/meetings/{meeting}/actions/new/", POST_ONLY),
    "partners:set_action_status": ("/en/partners/actions/999999/status/", POST_ONLY),
    "partners:reminders": ("/en/partners/reminders/", (LOGIN, 200, 200, 200, 200)),
    "partners:organisations": ("/en/partners/organisations/", (LOGIN, 200, 200, 200, 200)),
    "partners:create_organisation": ("/en/partners/organisations/new/", POST_ONLY),
    "partners:organisation": ("/en/partners/organisations/999999/", MISSING),
    "partners:edit_organisation": ("/en/partners/organisations/999999/edit/", POST_ONLY),
    "partners:add_contact": ("/en/partners/organisations/999999/contacts/new/", POST_ONLY),
    "partners:edit_contact": ("/en/partners/contacts/999999/edit/", POST_ONLY),
    "partners:referrals": ("/en/partners/referrals/", (LOGIN, 200, 200, 200, 200)),
    "partners:create_referral": ("/en/partners/referrals/new/", POST_ONLY),
    "partners:referral": ("/en/partners/referrals/999999/", MISSING),
    "partners:tell_contact": ("/en/partners/referrals/999999/tell/", POST_ONLY),
    "partners:figures": ("/en/partners/figures/", (LOGIN, 200, 200, 200, 200)),
    # campaigns: a Stockholm campaign; communicators, coordinators, analysts and national
    # readers only — none of these personas
    "campaigns:index": ("/en/campaigns/", MISSING),
    "campaigns:plan": ("/en/campaigns/new/", POST_AFTER_LOGIN),
    "campaigns:experience": ("/en/campaigns/experience/", MISSING),
    "campaigns:detail": ("/en/campaigns/{campaign}/", MISSING),
    "campaigns:edit": ("/en/campaigns/{campaign}/edit/", MISSING),
    "campaigns:add_material": ("/en/campaigns/{campaign}/materials/", POST_AFTER_LOGIN),
    "campaigns:log_activity": ("/en/campaigns/{campaign}/activities/", POST_AFTER_LOGIN),
    "campaigns:add_experience": ("/en/campaigns/{campaign}/experience/", POST_AFTER_LOGIN),
    "campaigns:create_survey": ("/en/campaigns/{campaign}/surveys/", POST_AFTER_LOGIN),
    "campaigns:survey": ("/en/campaigns/{campaign}/surveys/999999/", MISSING),
    "campaigns:add_question": (
        "/en/campaigns/{campaign}/surveys/999999/questions/",
        POST_AFTER_LOGIN,
    ),
    "campaigns:translate_question": (
        "/en/campaigns/{campaign}/surveys/999999/questions/1/translations/",
        POST_AFTER_LOGIN,
    ),
    "campaigns:new_version": (
        "/en/campaigns/{campaign}/surveys/999999/versions/",
        POST_AFTER_LOGIN,
    ),
    "campaigns:open_wave": ("/en/campaigns/{campaign}/surveys/999999/waves/", POST_AFTER_LOGIN),
    "campaigns:import_panel": (
        "/en/campaigns/{campaign}/surveys/999999/import/",
        POST_AFTER_LOGIN,
    ),
    "campaigns:survey_responses": (
        "/en/campaigns/{campaign}/surveys/999999/responses.csv",
        MISSING,
    ),
    "campaigns:evaluation": ("/en/campaigns/{campaign}/evaluation/", MISSING),
    "campaigns:evaluation_pdf": ("/en/campaigns/{campaign}/evaluation.pdf", MISSING),
}
NOT_PAGES = {"set_language"}  # POST-only language switch, tested in tests/accounts


def _names(patterns: list[Any], prefix: str = "") -> set[str]:
    names: set[str] = set()
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            namespace = pattern.namespace
            if namespace in {"admin", "api"}:  # Django's admin; the API has its own matrix
                continue
            inner = f"{prefix}{namespace}:" if namespace else prefix
            names |= _names(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(prefix + pattern.name)
    return names


def test_every_url_is_in_the_matrix() -> None:
    assert _names(get_resolver().url_patterns) - NOT_PAGES == set(MATRIX)


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_url_answers_each_persona_as_expected(
    name: str, imported: ImportResult, client_for: Any
) -> None:
    company = Company.objects.first()
    person = Person.objects.first()
    workplace = Workplace.objects.first()
    assert company is not None
    assert person is not None
    assert workplace is not None
    template, expected = MATRIX[name]
    control, place = _control() if "{control}" in template else (0, 0)
    made = _objects(template)
    session, completion = (
        _completion() if "{session}" in template or "{completion}" in template else (0, 0)
    )
    url = template.format(
        control=control,
        place=place,
        session=session,
        completion=completion,
        org_no=company.org_no,
        person_id=person.person_id,
        workplace_id=workplace.workplace_id,
        company_name=company.name[:8],
        **made,
    )
    got = []
    for persona in PERSONAS:
        client = Client() if persona == "anonymous" else client_for(persona)
        got.append(client.get(url).status_code)
    assert tuple(got) == expected, dict(zip(PERSONAS, got, strict=True))


def _control() -> tuple[int, int]:
    """A prepared control at the Stockholm centre with skv_inspector in the team: its id
    and its workplace row's id."""
    import datetime as dt
    from zoneinfo import ZoneInfo

    from django.contrib.auth.models import User

    from akrim.controls import services
    from akrim.organisation.queries import actor_for_user

    workplace = Workplace.objects.order_by("pk").first()
    assert workplace is not None
    coordinator = actor_for_user(User.objects.get(username="coordinator"))
    start = dt.datetime(2025, 5, 6, 8, tzinfo=ZoneInfo("Europe/Stockholm"))
    control = services.plan_control(
        actor=coordinator,
        centre="stockholm",
        lead_agency="AV",
        agencies=["AV", "POL", "SKV"],
        workplaces=[workplace.workplace_id],
        starts_at=start,
        ends_at=start + dt.timedelta(hours=3),
        purpose="Matrix.",
        outside_opening_hours=True,
    )
    services.assign_team_member(actor=coordinator, control_id=control.pk, username="skv_inspector")
    services.mark_prepared(actor=coordinator, control_id=control.pk)
    return control.pk, control.workplaces.get().pk


def _completion() -> tuple[int, int]:
    """A training session at Stockholm that skv_inspector attended and completed: the
    session's id and the completion's (the enrolment's) id."""
    import datetime as dt

    from django.contrib.auth.models import User

    from akrim.organisation.queries import actor_for_user
    from akrim.training import services as training

    coordinator = actor_for_user(User.objects.get(username="coordinator"))
    session = training.create_session(
        actor=coordinator,
        course="trafficking-indicators",
        centre="stockholm",
        held_on=dt.date(2025, 3, 10),
        capacity=5,
        place="Centre office",
    )
    inspector = actor_for_user(User.objects.get(username="skv_inspector"))
    enrolment = training.enrol(actor=inspector, session_id=session.pk)
    training.record_result(
        actor=coordinator,
        enrolment_id=enrolment.pk,
        attended=True,
        completed_on=dt.date(2025, 3, 10),
    )
    return session.pk, enrolment.pk


def _objects(template: str) -> dict[str, object]:
    """The new modules' objects a URL names: portal content (always, it is public), a tip
    routed to Stockholm, a draft method, Stockholm's partner forum with a meeting, and a
    Stockholm campaign."""
    import datetime as dt

    from django.contrib.auth.models import User
    from django.utils import timezone

    from akrim.core.actor import Actor
    from akrim.organisation.queries import actor_for_user
    from akrim.organisation.services import create_staff
    from akrim.portal.services import seed_content
    from tests.cast import PASSWORD

    seed_content(actor=Actor.system())
    made: dict[str, object] = {}
    coordinator = actor_for_user(User.objects.get(username="coordinator"))
    if "{tip}" in template:
        from akrim.tips.services import create_tip

        tip = create_tip(
            Actor.system(), source="staff", what="Unpaid wages.", municipality_code="0180"
        )
        made["tip"] = tip.pk
    if "{method}" in template:
        from akrim.methods.services import create_method

        made["method"] = create_method(actor=coordinator, title="Matrix", body="1. Plan.").slug
    if "{forum}" in template or "{meeting}" in template:
        from akrim.partners.services import MeetingFields, create_meeting, open_forum

        forum = open_forum(actor=coordinator, centre="stockholm")
        start = timezone.now() - dt.timedelta(days=3)
        meeting = create_meeting(
            actor=coordinator, forum_id=forum.pk, fields=MeetingFields(starts_at=start)
        )
        made |= {"forum": forum.pk, "meeting": meeting.pk}
    if "{campaign}" in template:
        from akrim.campaigns.services import plan_campaign
        from tests.campaigns.conftest import plan

        create_staff(
            actor=Actor.system(),
            username="matrix_communicator",
            password=PASSWORD,
            agency="SKV",
            centres=[],
            roles=["communicator"],
        )
        communicator = actor_for_user(User.objects.get(username="matrix_communicator"))
        made["campaign"] = plan_campaign(actor=communicator, plan=plan()).pk
    return made
