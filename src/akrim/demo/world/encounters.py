"""What a control team writes down about the people it meets.

Names are taken down by ear or from a document: diacritics get dropped (Åsa → Asa),
transliterations differ (Oleksandr / Aleksandr, Mohammed / Muhammad), first and last name
get swapped, letters slip. Birth dates are sometimes wrong, the stated nationality now and
then is not the citizenship, and a person id is recorded only when identity was
established.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from akrim.demo.names import VARIANTS, ascii_fold
from akrim.demo.world.arrays import I64, NA, Rng, year_month_day
from akrim.demo.world.controls import Meetings
from akrim.demo.world.people import (
    COUNTRIES,
    COUNTRY_ORIGIN_IDX,
    FIRST_NAMES,
    FIRST_OFF,
    LAST_NAMES,
    SE,
    Persons,
)

CALLING_CODES = {
    "FI": 358,
    "PL": 48,
    "RO": 40,
    "BG": 359,
    "LT": 370,
    "DE": 49,
    "UA": 380,
    "TH": 66,
    "VN": 84,
    "SY": 963,
    "IQ": 964,
    "IR": 98,
    "AF": 93,
    "ER": 291,
    "SO": 252,
    "BD": 880,
    "IN": 91,
    "UZ": 998,
    "TR": 90,
    "CN": 86,
    "PH": 63,
}
ORIGIN_COUNTRY = {
    int(COUNTRY_ORIGIN_IDX[i]): code for i, code in reversed(list(enumerate(COUNTRIES)))
}
LETTERS = "ABCDEFGHJKLMNPRSTUVWXYZ"
SWAPS = {
    "a": "e",
    "e": "a",
    "i": "y",
    "y": "i",
    "o": "u",
    "u": "o",
    "k": "c",
    "c": "k",
    "s": "z",
    "z": "s",
    "v": "w",
    "w": "v",
}


@dataclass
class Encounters:
    control: I64
    person: I64  # -1 when identity was not established
    name: list[str]
    birth: I64  # NA when not noted
    nationality: list[str | None]
    document: list[str | None]
    phone: list[str | None]


def write_down(rng: Rng, persons: Persons, meetings: Meetings) -> Encounters:
    names, nationality, documents, phones = [], [], [], []
    for p in meetings.person.tolist():
        names.append(written_name(rng, FIRST_NAMES[persons.first[p]], LAST_NAMES[persons.last[p]]))
        country = COUNTRIES[persons.country[p]]
        stated = country if rng.random() < 0.95 else _other_nationality(persons, p)
        nationality.append(stated if rng.random() < 0.92 else None)
        documents.append(_document(rng, country) if rng.random() < 0.6 else None)
        phones.append(_phone(rng, country, persons.muni[p] >= 0) if rng.random() < 0.5 else None)
    return Encounters(
        control=meetings.control,
        person=np.where(meetings.established, meetings.person, -1),
        name=names,
        birth=_noted_birth(rng, persons.birth[meetings.person]),
        nationality=nationality,
        document=documents,
        phone=phones,
    )


def _other_nationality(persons: Persons, p: int) -> str:
    """A stated nationality that is not the citizenship: a Swede of foreign descent names
    the family's country, a resident foreigner says Swedish."""
    if persons.country[p] != SE:
        return "SE" if persons.muni[p] >= 0 else COUNTRIES[persons.country[p]]
    origin = int(np.searchsorted(FIRST_OFF[:, 0], persons.first[p], side="right")) - 1
    return ORIGIN_COUNTRY.get(origin, "SE")


def written_name(rng: Rng, first: str, last: str) -> str:
    """The name as a control team might write it (often, but not always, as registered)."""
    parts = [first, last]
    if rng.random() < 0.3:
        parts = [ascii_fold(p) for p in parts]
    if rng.random() < 0.25:
        parts = [_variant(rng, p) for p in parts]
    if rng.random() < 0.12:
        i = int(rng.integers(2))
        parts[i] = _typo(rng, parts[i])
    if rng.random() < 0.1:
        parts.reverse()
    text = " ".join(parts)
    return text.upper() if rng.random() < 0.05 else text


def _variant(rng: Rng, word: str) -> str:
    options = VARIANTS.get(word)
    return options[int(rng.integers(len(options)))] if options else word


def _typo(rng: Rng, word: str) -> str:
    if len(word) < 4:
        return word
    i = int(rng.integers(1, len(word) - 1))
    kind = int(rng.integers(4))
    if kind == 0:
        return word[:i] + word[i + 1 :]
    if kind == 1:
        return word[:i] + word[i] + word[i:]
    if kind == 2:
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    return word[:i] + SWAPS.get(word[i], word[i]) + word[i + 1 :]


def _noted_birth(rng: Rng, birth: I64) -> I64:
    """85 % noted; of those one in ten wrong (a year off, day and month swapped, days off)."""
    n = birth.size
    year, month, day = year_month_day(birth)
    swappable = day <= 12
    swapped = (
        ((year - 1970) * 12 + np.where(swappable, day, month) - 1)
        .astype("datetime64[M]")
        .astype("datetime64[D]")
        .astype(np.int64)
    )
    swapped += np.where(swappable, month, day) - 1
    kind = np.where(swappable, rng.integers(0, 3, n), rng.integers(0, 2, n) * 2)
    wrong = np.where(
        kind == 0,
        birth + 365 * rng.choice([-1, 1], n),
        np.where(kind == 1, swapped, birth + rng.integers(1, 11, n)),
    )
    noted = np.where(rng.random(n) < 0.1, wrong, birth)
    return np.where(rng.random(n) < 0.85, noted, NA)


def _document(rng: Rng, country: str) -> str:
    digits = "".join(str(d) for d in rng.integers(0, 10, 9))
    letters = "".join(LETTERS[i] for i in rng.integers(0, len(LETTERS), 2))
    if country == "SE":
        return digits[:8]
    if country == "UA":
        return letters + digits[:6]
    return letters + digits[:7]


def _phone(rng: Rng, country: str, resident: bool) -> str:
    d = "".join(str(x) for x in rng.integers(0, 10, 9))
    if resident or COUNTRIES.index(country) == SE:
        return f"07{d[0]}-{d[1:4]} {d[4:6]} {d[6:8]}"
    return f"+{CALLING_CODES.get(country, 44)} {d}"
