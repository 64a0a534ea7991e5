"""The figures the synthetic world is made from: industries, legal forms, pay, countries.

Shares and amounts follow DOMAIN.md and public Swedish statistics in round numbers; they
are meant to look right to people who know the field, not to be official figures.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

REFERENCE_DATE = dt.date(2026, 10, 31)
"""The day the extract is taken. Payroll covers the ``months`` months ending here."""

EPOCH = dt.date(1970, 1, 1)
REF_DAY = (REFERENCE_DATE - EPOCH).days
CONTROL_YEARS = 2
"""Earlier controls and tips lie in the two years before the reference date."""

FORMS: tuple[str, ...] = ("AB", "HB", "KB", "EF", "EK", "FL", "OTHER")
AB, HB, KB, EF, EK, FL, OTHER = range(len(FORMS))

# Legal-form mixes by kind of trade, in the order of FORMS.
FORM_PROFILES: dict[str, tuple[float, ...]] = {
    "trade": (0.56, 0.05, 0.015, 0.33, 0.005, 0.015, 0.025),
    "craft": (0.28, 0.04, 0.01, 0.64, 0.005, 0.005, 0.02),
    "corp": (0.78, 0.02, 0.01, 0.17, 0.005, 0.005, 0.01),
    "farm": (0.12, 0.04, 0.01, 0.80, 0.01, 0.0, 0.02),
    "assoc": (0.55, 0.02, 0.0, 0.25, 0.03, 0.0, 0.15),
    "prop": (0.70, 0.05, 0.03, 0.10, 0.07, 0.0, 0.05),
    "holding": (0.97, 0.0, 0.0, 0.0, 0.01, 0.0, 0.02),
}

# Opening hours (OpenStreetMap syntax): (value, weight, long hours?)
Hours = tuple[tuple[str, float, bool], ...]
HOURS: dict[str, Hours] = {
    "build": (
        ("Mo-Fr 07:00-16:00", 5, False),
        ("Mo-Fr 06:30-15:30", 3, False),
        ("Mo-Fr 07:00-17:00", 2, False),
        ("Mo-Sa 07:00-18:00", 1, True),
        ("Mo-Su 06:00-20:00", 0.3, True),
    ),
    "food": (
        ("Mo-Fr 10:30-14:30", 2, False),
        ("Mo-Fr 11:00-14:00; Sa 12:00-16:00", 1, False),
        ("Tu-Su 16:00-23:00", 1.5, False),
        ("Mo-Th 11:00-22:00; Fr-Sa 11:00-01:00; Su 12:00-21:00", 1.5, True),
        ("Mo-Su 11:00-22:00", 2.5, True),
        ("Mo-Su 10:00-23:00", 1, True),
    ),
    "clean": (
        ("Mo-Fr 08:00-17:00", 4, False),
        ("Mo-Fr 06:00-18:00", 2, False),
        ("Mo-Su 05:00-22:00", 1, True),
    ),
    "salon": (
        ("Mo-Fr 09:00-18:00; Sa 10:00-15:00", 4, False),
        ("Tu-Fr 10:00-18:00; Sa 10:00-14:00", 2, False),
        ("Mo-Sa 09:00-19:00", 1.5, True),
        ("Mo-Su 10:00-20:00", 1, True),
    ),
    "car": (
        ("Mo-Fr 07:00-17:00", 4, False),
        ("Mo-Sa 08:00-18:00", 2, False),
        ("Mo-Su 08:00-20:00", 1.5, True),
        ("Mo-Su 07:00-22:00", 0.5, True),
    ),
    "haul": (("Mo-Fr 06:00-18:00", 3, False), ("Mo-Sa 05:00-22:00", 1, True), ("24/7", 1, True)),
    "farm": (
        ("Mo-Fr 07:00-16:00", 3, False),
        ("Mo-Sa 06:00-18:00", 2, False),
        ("Mo-Su 06:00-20:00", 1, True),
    ),
    "shop": (
        ("Mo-Fr 10:00-18:00; Sa 10:00-15:00", 3, False),
        ("Mo-Fr 10:00-19:00; Sa 10:00-17:00; Su 12:00-16:00", 3, False),
        ("Mo-Su 08:00-22:00", 2, True),
        ("Mo-Su 07:00-23:00", 1, True),
    ),
    "office": (
        ("Mo-Fr 08:00-17:00", 4, False),
        ("Mo-Fr 09:00-17:00", 3, False),
        ("Mo-Th 08:00-17:00; Fr 08:00-15:00", 2, False),
    ),
    "care": (("24/7", 3, False), ("Mo-Su 07:00-22:00", 2, False)),
    "hotel": (("24/7", 3, False), ("Mo-Su 06:00-23:00", 1, False)),
    "depot": (
        ("Mo-Fr 06:00-15:00", 3, False),
        ("Mo-Fr 07:00-16:00", 3, False),
        ("Mo-Sa 05:00-17:00", 1, True),
    ),
    "gym": (("Mo-Su 05:00-23:00", 2, False), ("Mo-Fr 06:00-22:00; Sa-Su 08:00-18:00", 2, False)),
}


@dataclass(frozen=True)
class Sector:
    """One industry (SNI 2007, 5 digits) and how firms in it look."""

    sni: str
    group: str  # key of FOREIGN_MIX and of the risk story
    weight: float  # share of firms (normalised)
    trades: tuple[str, ...]  # trade words for firm names
    pay: int  # median monthly gross pay, full time, SEK
    size: float  # typical headcount of a firm that employs
    zero: float  # share of firms without employees
    risk: float  # share of operating firms that break the rules
    ledger: bool  # must keep a personalliggare
    hours: str  # key of HOURS
    profile: str  # key of FORM_PROFILES
    parttime: float = 0.15
    female: float = 0.45
    foreign: float = 0.10  # share of employees who are not Swedish citizens
    seasonal: float = 0.0  # share of positions that exist only May–September
    geo: float = 1.0  # exponent on municipality population when placing firms
    chain: float = 0  # headcount per extra site; 0 = one site only


def _s(
    sni: str,
    group: str,
    weight: float,
    trades: str,
    pay: int,
    size: float,
    zero: float,
    risk: float,
    ledger: bool,
    hours: str,
    profile: str,
    **more: float,
) -> Sector:
    return Sector(
        sni,
        group,
        weight,
        tuple(t.replace("_", " ") for t in trades.split()),
        pay,
        size,
        zero,
        risk,
        ledger,
        hours,
        profile,
        **more,
    )


_BUILD = {"parttime": 0.05, "female": 0.08, "foreign": 0.18, "chain": 12}
_FOOD = {"parttime": 0.45, "female": 0.45, "foreign": 0.30, "chain": 14}
# fmt: off
SECTORS: tuple[Sector, ...] = (
    _s("41200", "construction", 3.2, "Bygg Byggservice Bygg_&_Renovering Byggentreprenad Hus",
       36000, 4, 0.45, 0.09, True, "build", "trade", **_BUILD),
    _s("43120", "construction", 1.0, "Mark Schakt Mark_&_Anläggning Grund", 37000, 4, 0.45,
       0.07, True, "build", "trade", **_BUILD),
    _s("43210", "construction", 1.3, "El Elservice Elinstallation El_&_Tele", 40000, 4, 0.45,
       0.04, True, "build", "trade", **_BUILD),
    _s("43221", "construction", 0.9, "VVS Rör Rörservice VVS_&_Värme", 39000, 4, 0.45, 0.05,
       True, "build", "trade", **_BUILD),
    _s("43320", "construction", 0.9, "Snickeri Bygg_&_Snickeri Fönster_&_Dörr", 35500, 3,
       0.55, 0.09, True, "build", "trade", **_BUILD),
    _s("43341", "construction", 0.9, "Måleri Måleri_&_Tapetsering Färg", 34000, 3, 0.50, 0.10,
       True, "build", "trade", **_BUILD),
    _s("43390", "construction", 1.0, "Bygginredning Golv Kakel_&_Klinker Plattsättning",
       34500, 3, 0.50, 0.11, True, "build", "trade", **_BUILD),
    _s("43910", "construction", 0.4, "Tak Takläggning Plåt_&_Tak", 35000, 3, 0.50, 0.09, True,
       "build", "trade", **_BUILD),
    _s("56100", "restaurant", 2.4, "Restaurang Pizzeria Kök Bistro Sushi Grill Thai Kebab "
       "Krog Café", 28000, 5, 0.30, 0.11, True, "food", "trade", **_FOOD),
    _s("56300", "restaurant", 0.2, "Bar Pub", 27500, 4, 0.35, 0.08, True, "food", "trade",
       **_FOOD),
    _s("56210", "restaurant", 0.2, "Catering Event_&_Catering", 28500, 4, 0.35, 0.06, True,
       "food", "trade", **_FOOD),
    _s("81210", "cleaning", 1.2, "Städ Städservice Lokalvård Clean Städ_&_Fönsterputs", 25500,
       6, 0.40, 0.12, False, "clean", "trade", parttime=0.35, female=0.55, foreign=0.40),
    _s("81220", "cleaning", 0.3, "Fönsterputs Sanering Industrirengöring", 27000, 4, 0.45,
       0.08, False, "clean", "trade", parttime=0.2, female=0.4, foreign=0.35),
    _s("96012", "laundry", 0.1, "Tvätt Tvätteri Kemtvätt", 26000, 4, 0.50, 0.05, True, "shop",
       "craft", parttime=0.3, female=0.6, foreign=0.25),
    _s("96021", "beauty", 1.2, "Hår Frisör Hårstudio Salong Barberare Barbershop", 26500, 2,
       0.60, 0.06, True, "salon", "craft", parttime=0.3, female=0.75, foreign=0.15),
    _s("96022", "beauty", 1.0, "Nagelstudio Skönhet Beauty Nails Hudvård Spa", 26000, 2,
       0.65, 0.09, True, "salon", "craft", parttime=0.3, female=0.88, foreign=0.25),
    _s("96040", "beauty", 0.4, "Massage Spa Friskvård", 26000, 2, 0.70, 0.08, False, "salon",
       "craft", parttime=0.35, female=0.7, foreign=0.3),
    _s("45200", "car", 1.1, "Bilservice Biltvätt Bilverkstad Däck_&_Bilvård Motor Car_Wash",
       33000, 3, 0.50, 0.10, True, "car", "trade", parttime=0.1, female=0.1, foreign=0.25),
    _s("49410", "transport", 1.2, "Åkeri Transport Frakt Logistik", 33500, 4, 0.45, 0.05,
       False, "haul", "trade", parttime=0.1, female=0.12, foreign=0.2),
    _s("49320", "transport", 0.7, "Taxi Taxiservice", 27000, 3, 0.55, 0.06, False, "haul",
       "trade", parttime=0.3, female=0.1, foreign=0.35),
    _s("01110", "agriculture", 1.0, "Lantbruk Gård", 28000, 1.5, 0.80, 0.01, False, "farm",
       "farm", foreign=0.08, female=0.3, geo=0.4),
    _s("01130", "agriculture", 0.3, "Grönsaker Trädgård Odling", 27000, 3, 0.60, 0.07, False,
       "farm", "farm", foreign=0.35, female=0.35, seasonal=0.5, geo=0.5),
    _s("01410", "agriculture", 0.4, "Mjölk Gård", 29000, 2, 0.65, 0.03, False, "farm", "farm",
       foreign=0.15, female=0.35, geo=0.3),
    _s("02100", "agriculture", 1.5, "Skog Skogsförvaltning", 31000, 1, 0.90, 0.005, False,
       "farm", "farm", female=0.15, geo=0.2),
    _s("02200", "agriculture", 0.5, "Skog Skogstjänst Skog_&_Mark Avverkning", 31500, 3, 0.60,
       0.05, False, "farm", "trade", foreign=0.2, female=0.08, geo=0.3),
    _s("02400", "agriculture", 0.3, "Skogsvård Plantering Skogsservice", 30000, 5, 0.50, 0.09,
       False, "farm", "trade", foreign=0.45, female=0.2, seasonal=0.6, geo=0.3),
    _s("02300", "agriculture", 0.05, "Bär Bärplockning Skogsbär Vildbär", 26500, 20, 0.30,
       0.15, False, "farm", "trade", foreign=0.85, female=0.35, seasonal=1.0, geo=0.4),
    _s("81300", "agriculture", 0.8, "Trädgårdsservice Grönyteskötsel Trädgård_&_Mark", 29000,
       3, 0.55, 0.06, False, "farm", "trade", foreign=0.2, female=0.25, seasonal=0.4),
    _s("10110", "slaughter", 0.05, "Slakteri Kött Chark", 30500, 15, 0.30, 0.05, False,
       "depot", "trade", foreign=0.35, female=0.3),
    _s("46390", "food_wholesale", 0.3, "Partihandel Livsmedel Grossist Food_Import", 34000, 6,
       0.40, 0.04, True, "depot", "trade", foreign=0.2, female=0.3),
    _s("46350", "food_wholesale", 0.03, "Tobak Tobaksgrossist", 34000, 4, 0.45, 0.05, True,
       "depot", "trade", foreign=0.2, female=0.3),
    _s("47111", "retail", 0.1, "Livs Stormarknad Matmarknad", 29000, 40, 0.10, 0.02, False,
       "shop", "corp", parttime=0.45, female=0.55, foreign=0.12, chain=30),
    _s("47112", "retail", 0.7, "Livs Livs_&_Deli Handel Mat Minilivs", 29000, 6, 0.35, 0.04,
       False, "shop", "trade", parttime=0.45, female=0.5, foreign=0.2, chain=20),
    _s("47710", "retail", 0.6, "Mode Kläder Boutique", 28500, 3, 0.50, 0.01, False, "shop",
       "trade", parttime=0.45, female=0.7, foreign=0.08, chain=10),
    _s("47910", "retail", 1.6, "Handel Shop Webbhandel E-handel", 31000, 2, 0.75, 0.005,
       False, "office", "corp", female=0.45, foreign=0.06),
    _s("55101", "hotel", 0.35, "Hotell Vandrarhem Pensionat", 28000, 8, 0.40, 0.04, False,
       "hotel", "trade", parttime=0.35, female=0.55, foreign=0.25),
    _s("87301", "care", 0.15, "Omsorg Vård Äldreboende", 30500, 25, 0.20, 0.03, False, "care",
       "assoc", parttime=0.35, female=0.8, foreign=0.3, chain=40),
    _s("88101", "care", 0.3, "Hemtjänst Omsorg Assistans", 29000, 10, 0.35, 0.05, False,
       "care", "assoc", parttime=0.4, female=0.8, foreign=0.35),
    _s("86230", "office", 0.5, "Tandvård Tandläkare", 42000, 5, 0.30, 0.005, False, "office",
       "corp", female=0.75, foreign=0.1),
    _s("62010", "office", 4.0, "IT Software Data Tech Digital", 52000, 3, 0.70, 0.003, False,
       "office", "corp", female=0.25, foreign=0.1, geo=1.2),
    _s("62020", "office", 2.5, "IT-konsult IT_Solutions Data", 50000, 3, 0.72, 0.003, False,
       "office", "corp", female=0.25, foreign=0.1, geo=1.2),
    _s("69201", "office", 1.5, "Redovisning Ekonomi Bokföring Revision", 42000, 3, 0.60,
       0.004, False, "office", "corp", female=0.7, foreign=0.05),
    _s("70220", "office", 6.0, "Konsult Consulting Management Rådgivning", 50000, 2, 0.80,
       0.004, False, "office", "corp", female=0.4, foreign=0.06, geo=1.2),
    _s("71121", "office", 2.0, "Teknik Ingenjörer Konstruktion", 48000, 3, 0.70, 0.003,
       False, "office", "corp", female=0.3, foreign=0.08),
    _s("73111", "office", 1.0, "Reklam Kommunikation Media", 42000, 2, 0.75, 0.003, False,
       "office", "corp", female=0.55, foreign=0.05, geo=1.2),
    _s("74100", "office", 1.2, "Design Form", 40000, 1.5, 0.85, 0.003, False, "office",
       "craft", female=0.6, foreign=0.05, geo=1.2),
    _s("85590", "office", 1.2, "Utbildning Kurs Akademi", 35000, 2, 0.75, 0.003, False,
       "office", "craft", female=0.55, foreign=0.06),
    _s("68204", "property", 5.0, "Fastigheter Förvaltning Fastighets", 40000, 2, 0.85, 0.003,
       False, "office", "prop", female=0.4, foreign=0.05),
    _s("64202", "holding", 6.0, "Holding Invest Förvaltning Kapital", 45000, 1, 0.95, 0.002,
       False, "office", "holding", female=0.35, foreign=0.04),
    _s("90030", "culture", 2.5, "Produktion Musik Konst Media", 30000, 1, 0.92, 0.002, False,
       "office", "craft", female=0.5, foreign=0.05, geo=1.2),
    _s("96090", "services", 0.8, "Service Tjänster Hemservice", 27000, 2, 0.70, 0.02, False,
       "office", "craft", female=0.5, foreign=0.15),
    _s("93130", "services", 0.3, "Gym Träning Fitness", 27500, 4, 0.50, 0.01, False, "gym",
       "trade", parttime=0.5, female=0.5, foreign=0.08, chain=12),
)
# fmt: on

# Citizenship of employees who are not Swedish citizens, by group of industries.
_GENERAL = {
    "PL": 10,
    "FI": 10,
    "SY": 10,
    "IQ": 7,
    "IR": 7,
    "TR": 5,
    "DE": 5,
    "UA": 8,
    "RO": 5,
    "ER": 5,
    "SO": 5,
    "AF": 5,
    "IN": 5,
    "TH": 4,
    "VN": 3,
    "CN": 3,
    "BD": 2,
    "PH": 1,
}
FOREIGN_MIX: dict[str, dict[str, float]] = {
    "construction": {
        "PL": 25,
        "RO": 12,
        "LT": 10,
        "UA": 12,
        "BG": 6,
        "TR": 5,
        "IQ": 5,
        "SY": 5,
        "FI": 5,
        "DE": 3,
        "UZ": 4,
        "IR": 4,
        "AF": 4,
    },
    "restaurant": {
        "TH": 12,
        "VN": 10,
        "SY": 10,
        "IR": 8,
        "IN": 10,
        "BD": 10,
        "TR": 8,
        "IQ": 6,
        "AF": 5,
        "CN": 5,
        "UA": 5,
        "PL": 3,
        "RO": 3,
        "PH": 5,
    },
    "cleaning": {
        "RO": 15,
        "BG": 12,
        "ER": 10,
        "SO": 10,
        "SY": 10,
        "PL": 8,
        "UA": 8,
        "AF": 6,
        "IQ": 6,
        "PH": 5,
        "TH": 5,
        "LT": 5,
    },
    "beauty": {"VN": 25, "TH": 15, "UA": 12, "IR": 12, "SY": 8, "IQ": 8, "TR": 8, "PL": 6, "RO": 6},
    "car": {
        "SY": 15,
        "IR": 12,
        "AF": 15,
        "IQ": 15,
        "UZ": 8,
        "TR": 10,
        "PL": 8,
        "RO": 7,
        "BG": 5,
        "LT": 5,
    },
    "transport": {
        "PL": 20,
        "RO": 15,
        "BG": 12,
        "LT": 15,
        "UA": 12,
        "FI": 6,
        "SY": 5,
        "IQ": 5,
        "TR": 5,
        "UZ": 5,
    },
    "agriculture": {"TH": 30, "UA": 20, "PL": 15, "RO": 10, "VN": 5, "UZ": 8, "LT": 7, "BG": 5},
    "care": {"ER": 20, "SO": 20, "SY": 15, "IQ": 10, "FI": 10, "IR": 8, "PH": 10, "PL": 7},
    "office": {
        "IN": 25,
        "IR": 8,
        "PL": 8,
        "DE": 10,
        "FI": 10,
        "CN": 10,
        "TR": 6,
        "UA": 6,
        "RO": 5,
        "SY": 4,
        "PH": 4,
        "VN": 4,
    },
}
DEFAULT_MIX = _GENERAL

EU_EEA: frozenset[str] = frozenset({"SE", "FI", "PL", "RO", "BG", "LT", "DE"})
TEMPORARY_PROTECTION: frozenset[str] = frozenset({"UA"})
"""Right to work without a work permit (EU temporary protection directive)."""

# Third-country employees: share that holds a work permit (the rest have residence on other
# grounds, e.g. asylum or family, and may work without a work permit).
WORK_PERMIT_SHARE: dict[str, float] = {
    "TH": 0.85,
    "IN": 0.7,
    "BD": 0.6,
    "VN": 0.5,
    "UZ": 0.8,
    "CN": 0.5,
    "PH": 0.8,
    "TR": 0.35,
    "IR": 0.3,
    "SY": 0.05,
    "IQ": 0.08,
    "AF": 0.05,
    "ER": 0.02,
    "SO": 0.02,
}
PERMIT_SALARY_FLOOR = 28_480
"""Work permits require at least 80 % of the median wage (SEK 28,480 a month in 2025)."""

PRICE_BASE_AMOUNT: dict[int, int] = {2024: 57_300, 2025: 58_800, 2026: 59_200}
"""Prisbasbelopp: the Police's special fee per person without a right to work."""

AGENCIES: tuple[str, ...] = ("AF", "AV", "EBM", "FK", "JAMY", "MV", "POL", "SKV", "AM")

# The hidden patterns, as bit flags on firms and in the order of the truth file.
KINDS: tuple[str, ...] = (
    "off_books",
    "underpaid",
    "straw_man",
    "phoenix",
    "ring",
    "permit_underpaid",
    "no_ftax_operating",
)
OFF_BOOKS, UNDERPAID, STRAW, PHOENIX, RING, PERMIT_UP, NO_FTAX = (1 << i for i in range(7))

TIP_CATEGORIES: dict[int, tuple[str, ...]] = {
    OFF_BOOKS: ("svartarbete", "saknar personalliggare", "fler anställda än anmält"),
    UNDERPAID: ("låga löner", "människoexploatering", "långa arbetsdagar"),
    STRAW: ("målvakt", "ekonomisk brottslighet"),
    PHOENIX: ("konkursbolag startar om", "ekonomisk brottslighet"),
    RING: ("personal flyttas mellan bolag", "ekonomisk brottslighet"),
    PERMIT_UP: ("låga löner", "arbetstillstånd", "människoexploatering"),
    NO_FTAX: ("svartarbete", "ingen F-skatt"),
}
NOISE_CATEGORIES: tuple[str, ...] = (
    "arbetsmiljö",
    "svartarbete",
    "låga löner",
    "övrigt",
    "boende på arbetsplatsen",
    "saknar personalliggare",
)
