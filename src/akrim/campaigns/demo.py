"""The demo world's evaluated campaign: "Know your rights at work", with activities, the
experience log, a translated survey and simulated (synthetic, seeded) before/after panel
responses in the campaign's and the comparison regions.

``demo_responses_csv()`` gives the panel file; ``setup_demo_campaign()`` creates the
campaign once (it does nothing when it exists) and imports that file through the same
import as a user's.
"""

from __future__ import annotations

import csv
import datetime as dt
import io

import numpy as np

from akrim.campaigns import imports, services, surveys
from akrim.campaigns.models import Campaign, Survey
from akrim.core.actor import Actor

DEMO_NAME = "Know your rights at work"
DEMO_PAGE = "campaign-know-your-rights"
SEED = 2025
PER_CELL = 160
STARTS, ENDS = dt.date(2025, 3, 1), dt.date(2025, 5, 31)

# code, kind, options, {language: (text, option labels)}
QUESTIONS: list[tuple[str, str, list[str], dict[str, tuple[str, list[str]]]]] = [
    (
        "knows_rights",
        "single",
        ["yes", "no"],
        {
            "sv": (
                "Vet du att du har rätt till skriftlig information om din anställning?",
                ["Ja", "Nej"],
            ),
            "en": (
                "Do you know you have the right to written information about your job?",
                ["Yes", "No"],
            ),
            "ar": ("هل تعلم أن لك الحق في معلومات مكتوبة عن عملك؟", ["نعم", "لا"]),
            "pl": (
                "Czy wiesz, że masz prawo do pisemnej informacji o swojej pracy?",
                ["Tak", "Nie"],
            ),
        },
    ),
    (
        "would_report",
        "likert",
        [],
        {
            "sv": ("Jag skulle tipsa myndigheterna om en arbetsplats som utnyttjar arbetare.", []),
            "en": ("I would tell the authorities about a workplace that exploits workers.", []),
            "ar": ("سأبلغ السلطات عن مكان عمل يستغل العمال.", []),
            "pl": (
                "Zgłosiłbym/zgłosiłabym władzom miejsce pracy, które wykorzystuje pracowników.",
                [],
            ),
        },
    ),
    (
        "seen_campaign",
        "single",
        ["yes", "no"],
        {
            "sv": ("Har du sett kampanjen ”Känn dina rättigheter på jobbet”?", ["Ja", "Nej"]),
            "en": ("Have you seen the campaign “Know your rights at work”?", ["Yes", "No"]),
            "ar": ("هل رأيت حملة «اعرف حقوقك في العمل»؟", ["نعم", "لا"]),
            "pl": ("Czy widziałeś/widziałaś kampanię „Znaj swoje prawa w pracy”?", ["Tak", "Nie"]),
        },
    ),
    (
        "where_seen",
        "multiple",
        ["social", "leaflet", "workplace", "radio"],
        {
            "sv": ("Var såg du den?", ["Sociala medier", "Flygblad", "På arbetsplatsen", "Radio"]),
            "en": (
                "Where did you see it?",
                ["Social media", "Leaflet", "At the workplace", "Radio"],
            ),
            "ar": ("أين رأيتها؟", ["وسائل التواصل", "منشور", "في مكان العمل", "الراديو"]),
            "pl": (
                "Gdzie ją widziałeś/widziałaś?",
                ["Media społecznościowe", "Ulotka", "W pracy", "Radio"],
            ),
        },
    ),
    (
        "weekly_hours",
        "number",
        [],
        {
            "sv": ("Hur många timmar arbetade du förra veckan?", []),
            "en": ("How many hours did you work last week?", []),
            "ar": ("كم ساعة عملت الأسبوع الماضي؟", []),
            "pl": ("Ile godzin pracowałeś/pracowałaś w zeszłym tygodniu?", []),
        },
    ),
    (
        "knows_ledger",
        "single",
        ["yes", "no"],
        {
            "sv": ("(Restauranger) Vet du vad personalliggaren är?", ["Ja", "Nej"]),
            "en": ("(Restaurants) Do you know what the staff ledger is?", ["Yes", "No"]),
            "ar": ("(المطاعم) هل تعرف ما هو سجل الموظفين؟", ["نعم", "لا"]),
            "pl": ("(Restauracje) Czy wiesz, czym jest rejestr personelu?", ["Tak", "Nie"]),
        },
    ),
]

# Simulated truth: (group, wave) -> share knowing their rights, mean of would_report, share
# that saw the campaign. The campaign raises the first three in its regions only.
TRUTH = {
    ("campaign", "before"): (0.40, 2.9, 0.05),
    ("campaign", "after"): (0.56, 3.4, 0.38),
    ("comparison", "before"): (0.42, 3.0, 0.04),
    ("comparison", "after"): (0.45, 3.05, 0.07),
}


def _likert(rng: np.random.Generator, mean: float) -> int:
    return int(np.clip(np.rint(rng.normal(mean, 1.0)), 1, 5))


def demo_responses_csv(seed: int = SEED, per_cell: int = PER_CELL) -> str:
    """The simulated panel survey as CSV text (deterministic for a seed; synthetic)."""
    rng = np.random.default_rng(seed)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["wave", "group", "weight", *[q[0] for q in QUESTIONS]])
    for (group, wave), (knows, report, seen) in TRUTH.items():
        for _ in range(per_cell):
            saw = rng.random() < seen
            where = [o for o in ("social", "leaflet", "workplace", "radio") if rng.random() < 0.4]
            writer.writerow(
                [
                    wave,
                    group,
                    f"{rng.uniform(0.6, 1.6):.3f}",
                    "yes" if rng.random() < knows else "no",
                    _likert(rng, report),
                    "yes" if saw else "no",
                    "|".join(where) if saw else "",
                    f"{np.clip(rng.normal(44, 8), 5, 90):.0f}" if rng.random() < 0.9 else "",
                    # asked only in restaurants: too few answers to say anything
                    ("yes" if rng.random() < 0.5 else "no") if rng.random() < 0.1 else "",
                ]
            )
    return out.getvalue()


def _survey(actor: Actor, campaign: Campaign) -> Survey:
    survey = surveys.create_survey(
        actor=actor, campaign_id=campaign.pk, title="Kännedom om rättigheter (panel)"
    )
    for code, kind, options, texts in QUESTIONS:
        sv_text, sv_labels = texts["sv"]
        question = surveys.add_question(
            actor=actor,
            survey_id=survey.pk,
            spec=surveys.QuestionSpec(
                code=code,
                kind=kind,
                language="sv",
                text=sv_text,
                options=options,
                option_labels=sv_labels,
                min_value=0 if kind == "number" else None,
                max_value=100 if kind == "number" else None,
            ),
        )
        for language, (text, labels) in texts.items():
            if language != "sv":
                surveys.translate_question(
                    actor=actor,
                    question_id=question.pk,
                    language=language,
                    text_=text,
                    option_labels=labels,
                )
    waves = (
        ("before", dt.date(2025, 2, 1), dt.date(2025, 2, 21)),
        ("after", dt.date(2025, 6, 2), dt.date(2025, 6, 22)),
    )
    for phase, opens, closes in waves:
        for group in ("campaign", "comparison"):
            surveys.open_wave(
                actor=actor,
                survey_id=survey.pk,
                phase=phase,
                group=group,
                opens_on=opens,
                closes_on=closes,
            )
    return survey


def _activities(actor: Actor, campaign: Campaign) -> None:
    rows = [
        (
            dt.date(2025, 3, 3),
            "social",
            "",
            "Annonser på Facebook och TikTok (pl, ro, uk, ar)",
            184_000,
            0,
            0,
        ),
        (dt.date(2025, 3, 12), "outreach", "stockholm", "Byggarbetsplatser i Solna", 0, 420, 96),
        (
            dt.date(2025, 3, 20),
            "leaflets",
            "stockholm",
            "Flygblad vid kontroller, restauranger",
            0,
            610,
            0,
        ),
        (dt.date(2025, 4, 2), "outreach", "vast", "Städföretag i Göteborg", 0, 280, 71),
        (dt.date(2025, 4, 15), "radio", "", "Radiospot på arabiska och persiska", 95_000, 0, 0),
        (dt.date(2025, 5, 6), "portal", "", "Kampanjsida på portalen, åtta språk", 0, 0, 0),
        (dt.date(2025, 5, 20), "leaflets", "vast", "Flygblad vid kontroller, bygg", 0, 540, 0),
    ]
    for day, channel, centre, what, impressions, leaflets, people in rows:
        services.log_activity(
            actor=actor,
            campaign_id=campaign.pk,
            day=day,
            channel=channel,
            centre=centre,
            description=what,
            impressions=impressions,
            leaflets=leaflets,
            people_spoken_to=people,
        )


def _experience(actor: Actor, campaign: Campaign) -> None:
    services.add_experience(
        actor=actor,
        campaign_id=campaign.pk,
        group="Polish and Ukrainian construction workers",
        tried="Talking to workers at the site gate at 6.30 before the shift, with an interpreter.",
        reached_how="Outreach with the union's Polish-speaking organiser; leaflets in Polish "
        "and Ukrainian.",
        worked="Early mornings; a familiar organiser; a short leaflet with a QR code to the "
        "portal page in their language.",
        did_not_work="Visits during the working day: the foremen were present and workers "
        "did not talk.",
        recorded_on=dt.date(2025, 4, 10),
    )
    services.add_experience(
        actor=actor,
        campaign_id=campaign.pk,
        group="Arabic- and Persian-speaking restaurant workers",
        tried="Radio spots and leaflets handed out during joint controls.",
        reached_how="Leaflets at controls; the spot on a local Arabic radio station.",
        worked="Leaflets handed out by the inspectors after the control, with the tip form's "
        "address.",
        did_not_work="Posters in the restaurants: they were taken down the same day.",
        recorded_on=dt.date(2025, 5, 28),
    )


def setup_demo_campaign() -> Campaign | None:
    """Create the demo campaign once; None when it was already there."""
    if Campaign.objects.filter(name=DEMO_NAME).exists():
        return None
    actor = Actor.system()
    campaign = services.plan_campaign(
        actor=actor,
        plan=services.Plan(
            name=DEMO_NAME,
            summary="Joint campaign telling workers in construction, cleaning and restaurants "
            "their rights, three warning signs and where to get help.",
            aim="knowledge",
            target_kind="workers",
            target_details="Workers in construction, cleaning and restaurants who speak "
            "Polish, Romanian, Ukrainian, Arabic or Persian.",
            target_languages=["pl", "ro", "uk", "ar", "fa"],
            target_industries=["F", "I", "N"],
            centres=["stockholm", "vast"],
            comparison_centres=["syd", "mitt"],
            starts_on=STARTS,
            ends_on=ENDS,
            channels=["social", "radio", "outreach", "portal", "leaflets"],
            budget_sek=1_200_000,
            cost_sek=1_046_500,
            agencies=["AV", "POL", "SKV"],
        ),
    )
    from akrim.portal.models import Page

    for language in ("sv", "pl", "ro", "uk", "ar", "fa"):
        page = Page.objects.filter(slug=DEMO_PAGE).exists()
        services.add_material(
            actor=actor,
            campaign_id=campaign.pk,
            language=language,
            kind="page" if page else "leaflet",
            title=f"Know your rights at work ({language})",
            page_slug=DEMO_PAGE if page else "",
        )
    _activities(actor, campaign)
    _experience(actor, campaign)
    survey = _survey(actor, campaign)
    imports.import_panel(
        actor=actor,
        survey_id=survey.pk,
        content=demo_responses_csv().encode(),
        filename="demo-panel.csv",
    )
    return campaign
