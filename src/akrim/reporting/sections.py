"""The sections of a report, following the Government's assignment. A section whose module
does not exist yet says so plainly (``missing``) instead of showing figures."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Section:
    slug: str
    title: str  # Swedish: the report is written in Swedish
    tables: tuple[str, ...]  # table names shown in the section
    missing: str = ""  # what the data does not hold yet


_NO_MODULE = (
    "akrim har ännu ingen modul för {what}. Avsnittet innehåller därför inga siffror ur "
    "systemet; uppgifterna lämnas i den löpande texten."
)

SECTIONS: tuple[Section, ...] = (
    Section(
        "centres",
        "Regionala centrum – inrättande och bemanning",
        ("memberships", "members_per_year", "by_centre"),
    ),
    Section(
        "controls",
        "Myndighetsgemensamma kontroller – planerade, genomförda och uppföljda",
        (
            "by_status",
            "growth",
            "target",
            "by_month",
            "by_industry",
            "decisions",
            "people",
        ),
    ),
    Section("methods", "Metodutveckling och kompetensutveckling", ("training", "methods")),
    Section("campaigns", "Informationsinsatser och deras utvärdering", ("campaigns", "tips")),
    Section("partners", "Samråd med arbetsmarknadens parter", ("partners",)),
    Section(
        "organised_crime",
        "Samordning med den myndighetsgemensamma satsningen mot organiserad brottslighet",
        (),
        _NO_MODULE.format(what="samordningen med satsningen mot organiserad brottslighet"),
    ),
    Section(
        "adoption",
        "Varaktig förankring i myndigheternas ordinarie verksamhet",
        ("adoption", "by_agency"),
    ),
)
BY_SLUG = {s.slug: s for s in SECTIONS}
