"""Reference data of the organisation, loaded by a data migration (re-runnable).

Agencies, centres, counties and municipalities are facts (shared/data/sweden and the
Government's assignment). Joining dates: AV, POL and SKV start each centre when it opens;
the other agencies joined "step by step, by end of 2023" — public sources give no exact
dates, so those dates are approximations and say so in the centre's note.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from akrim.core.reference import reference_rows

AGENCIES: list[tuple[str, str, str, str]] = [
    (
        "AF",
        "Arbetsförmedlingen",
        "Swedish Public Employment Service",
        "Subsidised employment paid to the employer.",
    ),
    (
        "AV",
        "Arbetsmiljöverket",
        "Swedish Work Environment Authority",
        "Work environment: orders, prohibitions, sanction fees. Coordinates the assignment.",
    ),
    (
        "EBM",
        "Ekobrottsmyndigheten",
        "Swedish Economic Crime Authority",
        "Economic crime investigation.",
    ),
    (
        "FK",
        "Försäkringskassan",
        "Swedish Social Insurance Agency",
        "Benefits paid to people who in fact work.",
    ),
    (
        "JAMY",
        "Jämställdhetsmyndigheten",
        "Swedish Gender Equality Agency",
        "Human trafficking and exploitation expertise.",
    ),
    (
        "MV",
        "Migrationsverket",
        "Swedish Migration Agency",
        "Work permits and their revocation; does not go on site.",
    ),
    (
        "POL",
        "Polismyndigheten",
        "Swedish Police Authority",
        "Identity, right to stay and work, crime reports; hosts the centres.",
    ),
    (
        "SKV",
        "Skatteverket",
        "Swedish Tax Agency",
        "Staff ledger, F-tax, employer declarations, control fees.",
    ),
    ("AM", "Åklagarmyndigheten", "Swedish Prosecution Authority", "Prosecution."),
]

# code, name (= police region), city, opened, note
CENTRES: list[tuple[str, str, str, dt.date, str]] = [
    ("nord", "Nord", "Umeå", dt.date(2022, 9, 1), "Opened 2022; exact day approximate."),
    ("vast", "Väst", "Göteborg", dt.date(2022, 9, 1), "Opened 2022; exact day approximate."),
    ("ost", "Öst", "Norrköping", dt.date(2023, 6, 1), "Opened June 2023."),
    ("bergslagen", "Bergslagen", "Örebro", dt.date(2023, 11, 1), "Opened November 2023."),
    ("mitt", "Mitt", "Uppsala", dt.date(2023, 11, 1), "Opened November 2023."),
    ("stockholm", "Stockholm", "Stockholm", dt.date(2023, 11, 1), "Opened November 2023."),
    ("syd", "Syd", "Malmö", dt.date(2023, 12, 1), "Opened 1 December 2023."),
]
FOUNDERS = ("AV", "POL", "SKV")
END_OF_2023 = dt.date(2023, 12, 31)


def _later_joiners(opened: dt.date) -> list[tuple[str, dt.date]]:
    """Approximate joining dates of the six agencies that joined after the founders."""
    if opened.year == 2022:
        steps = [
            ("FK", dt.date(2023, 1, 1)),
            ("MV", dt.date(2023, 1, 1)),
            ("AF", dt.date(2023, 3, 1)),
            ("JAMY", dt.date(2023, 6, 1)),
            ("EBM", dt.date(2023, 9, 1)),
            ("AM", dt.date(2023, 12, 1)),
        ]
        return steps
    return [(code, opened) for code in ("AF", "FK", "MV", "JAMY", "EBM", "AM")]


def seed_organisation(models: dict[str, Any]) -> None:
    """Create or update the reference rows. ``models`` maps model name to (historical) class."""
    agency_model, centre_model = models["Agency"], models["Centre"]
    agencies = {}
    for code, name_sv, name_en, brings in AGENCIES:
        agencies[code], _ = agency_model.objects.update_or_create(
            code=code, defaults={"name_sv": name_sv, "name_en": name_en, "brings": brings}
        )
    centres = {}
    for code, name, city, opened, note in CENTRES:
        centres[name], _ = centre_model.objects.update_or_create(
            code=code,
            defaults={"name": name, "city": city, "opened_on": opened, "opened_note": note},
        )
    counties = {}
    for row in reference_rows("counties.csv"):
        counties[row["county_code"]], _ = models["County"].objects.update_or_create(
            code=row["county_code"],
            defaults={"name": row["county"], "centre": centres[row["police_region"]]},
        )
    for row in reference_rows("municipalities.csv"):
        models["Municipality"].objects.update_or_create(
            code=row["municipality_code"],
            defaults={
                "name": row["municipality"],
                "county": counties[row["county_code"]],
                "population": int(row["population"]),
                "lat": float(row["lat"]),
                "lon": float(row["lon"]),
            },
        )
    for _code, name, _city, opened, _note in CENTRES:
        joins = [(code, opened) for code in FOUNDERS] + _later_joiners(opened)
        for code, joined in joins:
            models["Membership"].objects.get_or_create(
                centre=centres[name], agency=agencies[code], defaults={"joined_on": joined}
            )
    if not models["MembershipDeadline"].objects.exists():
        models["MembershipDeadline"].objects.create(
            deadline=END_OF_2023,
            note="The assignment: all agencies in every centre by end of 2023.",
        )
