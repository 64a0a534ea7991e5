"""The shipped list of data categories and legal bases (an administrator edits them).

No statute numbers are invented: a basis whose citation is not known here says so.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

# code, Swedish name, English name, personal, sensitive, description
CATEGORIES: list[tuple[str, str, str, bool, bool, str]] = [
    (
        "company",
        "Företagsuppgifter",
        "Company register data",
        True,
        False,
        "Companies, workplaces and roles. Sole traders' numbers are personal identity numbers.",
    ),
    (
        "identity",
        "Identitetsuppgifter",
        "Identity data",
        True,
        False,
        "Name, identity number, birth date and residence of a person.",
    ),
    (
        "payroll",
        "Lön och arbetsgivardeklarationer",
        "Pay and employer declarations",
        True,
        False,
        "Monthly pay and tax withheld per employee (tax secrecy).",
    ),
    (
        "tax",
        "Skatteuppgifter",
        "Tax data",
        True,
        False,
        "F-tax, VAT, employer registration and tax decisions.",
    ),
    (
        "work_environment",
        "Arbetsmiljöuppgifter",
        "Work environment data",
        False,
        False,
        "Orders, prohibitions and sanction fees.",
    ),
    (
        "permit",
        "Arbetstillstånd",
        "Work permits",
        True,
        False,
        "Work permits, the employer named and the salary offered.",
    ),
    (
        "right_to_work",
        "Rätt att vistas och arbeta, brott",
        "Right to stay and work, offences",
        True,
        True,
        "Identity checks at controls, right to work, crime reports (offence data).",
    ),
    (
        "possible_victim",
        "Möjliga brottsoffer",
        "Possible victims",
        True,
        True,
        "Indicators of trafficking or exploitation about a person; referrals to support.",
    ),
    ("tip", "Tips", "Tips", True, True, "Tips from the public, workers and partners."),
    (
        "control",
        "Kontroller och iakttagelser",
        "Controls and findings",
        True,
        False,
        "Earlier and joint controls, findings and decisions.",
    ),
]

# code, Swedish title, English title, citation, status, in force from, description
LEGAL_BASES: list[tuple[str, str, str, str, str, dt.date | None, str]] = [
    (
        "own_records",
        "Egen verksamhet",
        "The owning agency's own processing",
        "",
        "unknown",
        None,
        "Each agency's own mandate; the citation differs per agency.",
    ),
    (
        "joint_control_duty",
        "Uppgiftsskyldighet vid myndighetsgemensamma kontroller",
        "Duty to provide information to plan, carry out and follow up joint controls",
        "",
        "proposed",
        dt.date(2024, 7, 1),
        "Proposed from 1 July 2024. Citation to be filled in when confirmed.",
    ),
    (
        "crime_prevention_override",
        "Sekretessbrytande bestämmelse för att förebygga brott och felaktiga utbetalningar",
        "Secrecy override to prevent crime and incorrect payments",
        "",
        "unknown",
        dt.date(2025, 12, 1),
        "General secrecy override from 1 December 2025. Citation to be filled in.",
    ),
]


def seed_access(models: dict[str, Any]) -> None:
    """Create or update the shipped categories and bases (re-runnable)."""
    for code, name_sv, name_en, personal, sensitive, description in CATEGORIES:
        models["DataCategory"].objects.update_or_create(
            code=code,
            defaults={
                "name_sv": name_sv,
                "name_en": name_en,
                "personal": personal,
                "sensitive": sensitive,
                "description": description,
            },
        )
    for code, title_sv, title_en, citation, status, in_force, description in LEGAL_BASES:
        models["LegalBasis"].objects.update_or_create(
            code=code,
            defaults={
                "title_sv": title_sv,
                "title_en": title_en,
                "citation": citation,
                "citation_status": status,
                "in_force_from": in_force,
                "description": description,
            },
        )
