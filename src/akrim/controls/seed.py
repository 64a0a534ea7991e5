"""The shipped first versions of the agencies' checklists (an agency adds new versions;
a published version is never edited). Items: key, Swedish text, English text, kind."""

from __future__ import annotations

from typing import Any

Item = tuple[str, str, str, str]

CHECKLISTS: list[tuple[str, str, str, str, list[Item]]] = [
    (
        "SKV",
        "personalliggare",
        "Kontroll av personalliggare",
        "Staff-ledger check",
        [
            (
                "ledger_kept",
                "Förs personalliggare på platsen?",
                "Is a staff ledger kept on site?",
                "yes_no",
            ),
            (
                "all_present_recorded",
                "Är alla närvarande antecknade?",
                "Is everyone present recorded?",
                "yes_no",
            ),
            (
                "times_recorded",
                "Är in- och utpasseringstider antecknade?",
                "Are times in and out recorded?",
                "yes_no",
            ),
            (
                "ledger_available",
                "Hölls liggaren tillgänglig direkt?",
                "Was the ledger available at once?",
                "yes_no",
            ),
            (
                "start_registered",
                "Är byggstarten anmäld (byggarbetsplats)?",
                "Has the start of building work been registered (construction)?",
                "yes_no",
            ),
            ("remarks", "Övriga iakttagelser", "Other remarks", "text"),
        ],
    ),
    (
        "AV",
        "arbetsmiljo",
        "Arbetsmiljö och arbetstid",
        "Work environment and working hours",
        [
            ("risk_assessment", "Finns en riskbedömning?", "Is there a risk assessment?", "yes_no"),
            (
                "serious_danger",
                "Finns allvarlig och omedelbar fara?",
                "Is there serious and immediate danger?",
                "yes_no",
            ),
            (
                "protective_equipment",
                "Används skyddsutrustning?",
                "Is protective equipment used?",
                "yes_no",
            ),
            (
                "working_hours_recorded",
                "Registreras arbetstiden?",
                "Are working hours recorded?",
                "yes_no",
            ),
            (
                "rest_periods",
                "Följs dygns- och veckovila?",
                "Are daily and weekly rest periods kept?",
                "yes_no",
            ),
            (
                "posting_notified",
                "Är utstationering anmäld (vid utstationerad personal)?",
                "Has posting been notified (posted workers)?",
                "yes_no",
            ),
            ("remarks", "Övriga iakttagelser", "Other remarks", "text"),
        ],
    ),
    (
        "POL",
        "inre-utlanningskontroll",
        "Inre utlänningskontroll",
        "Identity and right-to-work check",
        [
            (
                "identities_checked",
                "Har identiteten kontrollerats för alla som påträffats?",
                "Was the identity of everyone met checked?",
                "yes_no",
            ),
            (
                "no_right_to_stay",
                "Påträffades personer utan rätt att vistas?",
                "Were people met without the right to stay?",
                "yes_no",
            ),
            (
                "no_right_to_work",
                "Påträffades personer utan rätt att arbeta?",
                "Were people met without the right to work?",
                "yes_no",
            ),
            (
                "documents_held_by_other",
                "Innehades någons identitetshandling av någon annan?",
                "Was anyone's identity document held by someone else?",
                "yes_no",
            ),
            ("remarks", "Övriga iakttagelser", "Other remarks", "text"),
        ],
    ),
    (
        "JAMY",
        "manniskoexploatering",
        "Tecken på människoexploatering",
        "Signs of exploitation",
        [
            (
                "indicators_seen",
                "Sågs indikatorer på tvångsarbete?",
                "Were indicators of forced labour seen?",
                "yes_no",
            ),
            (
                "spoken_alone",
                "Kunde arbetstagarna tala enskilt?",
                "Could the workers be spoken to alone?",
                "yes_no",
            ),
            ("interpreter_used", "Användes tolk?", "Was an interpreter used?", "yes_no"),
            (
                "support_offered",
                "Erbjöds stöd till möjliga brottsoffer?",
                "Was support offered to possible victims?",
                "yes_no",
            ),
            ("remarks", "Övriga iakttagelser", "Other remarks", "text"),
        ],
    ),
    (
        "FK",
        "ersattningar",
        "Ersättningar från Försäkringskassan",
        "Benefits from Försäkringskassan",
        [
            (
                "benefit_while_working",
                "Påträffades personer som arbetade under ersättning?",
                "Were people met working while receiving benefits?",
                "yes_no",
            ),
            ("remarks", "Övriga iakttagelser", "Other remarks", "text"),
        ],
    ),
    (
        "AF",
        "anstallningsstod",
        "Anställningsstöd",
        "Employment subsidies",
        [
            (
                "subsidised_present",
                "Var personer med anställningsstöd på plats?",
                "Were people with employment support present?",
                "yes_no",
            ),
            (
                "tasks_as_agreed",
                "Utfördes arbete enligt beslutet?",
                "Was the work as in the decision?",
                "yes_no",
            ),
            ("remarks", "Övriga iakttagelser", "Other remarks", "text"),
        ],
    ),
]


def seed_checklists(models: dict[str, Any]) -> None:
    """Create version 1 of each shipped checklist where it does not exist (re-runnable)."""
    from django.utils import timezone

    agencies = {a.code: a for a in models["Agency"].objects.all()}
    for agency, code, title_sv, title_en, items in CHECKLISTS:
        if agency not in agencies:
            continue
        checklist, _ = models["Checklist"].objects.get_or_create(
            owner=agencies[agency],
            code=code,
            defaults={"title_sv": title_sv, "title_en": title_en},
        )
        models["ChecklistVersion"].objects.get_or_create(
            checklist=checklist,
            version=1,
            defaults={
                "items": [
                    {"key": key, "sv": sv, "en": en, "kind": kind} for key, sv, en, kind in items
                ],
                "published_at": timezone.now(),
            },
        )
