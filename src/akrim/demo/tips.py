"""Demo tips and portal visits: eighteen synthetic months of the public channel.

About three hundred tips from the portal and partners, spread over eighteen months by
municipality and language (more in the demo campaign's regions and languages while it ran),
some triaged, linked to register workplaces, handled or closed; one tip gets a receipt code
and a staff reply, and that code is printed by ``akrim demo setup`` so the status page can be
tried. Portal visits per page, language and day over the same months, with the campaign's
pages read more while it ran. Deterministic (seeded); run once — a second run changes nothing.
Every text is invented; no tip describes a real workplace or person.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import numpy as np
from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction

from akrim.core.reference import sni_section
from akrim.organisation.models import Municipality
from akrim.organisation.queries import actor_for_user
from akrim.portal.models import Page, PageVisit
from akrim.registry.models import Workplace
from akrim.tips import codes
from akrim.tips.models import Category, Source, Status, Tip, Urgency
from akrim.tips.services import new_lookup_id, reply, store_tip

SEED = 2026
FIRST, LAST = dt.date(2024, 3, 1), dt.date(2025, 8, 31)  # the campaign, and the year before it
CAMPAIGN = (dt.date(2025, 3, 1), dt.date(2025, 5, 31))  # campaigns.demo STARTS, ENDS
CAMPAIGN_CENTRES = {"stockholm", "vast"}
CAMPAIGN_LANGUAGES = ["pl", "ar"]

WHAT = [
    "We work twelve hours a day and the pay has not come for two months.",
    "The boss keeps our passports in the office.",
    "Eight people sleep in one room above the restaurant and pay rent from our wages.",
    "No helmets or harnesses on the scaffolding, a worker fell last week.",
    "Cleaners are paid in cash, nobody is in the staff ledger.",
    "New workers must pay a fee to the foreman to get a job.",
    "The car wash is open at night with people who live in the back room.",
]


@dataclass(frozen=True)
class DemoTips:
    tips: int
    visits: int
    receipt_code: str  # grouped; empty when the demo was seeded before


def seed_demo_tips(*, reply_as: str = "samordnare.av") -> DemoTips:
    """Seed the demo's tips and portal visits (once)."""
    if Tip.objects.filter(source=Source.PORTAL).exists():
        return DemoTips(0, 0, "")
    rng = np.random.default_rng(SEED)
    municipalities = list(Municipality.objects.select_related("county__centre").order_by("code"))
    sites = _sites_by_municipality()
    languages = [code for code, *_rest in settings.PORTAL_LANGUAGES]
    zone = ZoneInfo(settings.TIME_ZONE)
    created: list[Tip] = []
    with transaction.atomic():
        for day in _days():
            in_campaign = CAMPAIGN[0] <= day <= CAMPAIGN[1]
            for _ in range(int(rng.poisson(0.45))):
                created.append(_tip(rng, day, municipalities, sites, languages, zone, False))
            if in_campaign:  # the campaign's regions and languages: extra tips
                for _ in range(int(rng.poisson(0.35))):
                    created.append(_tip(rng, day, municipalities, sites, languages, zone, True))
        visits = _visits(rng)
    code = _answered_tip(reply_as)
    return DemoTips(len(created) + 1, visits, code)


def _days() -> list[dt.date]:
    return [FIRST + dt.timedelta(days=i) for i in range((LAST - FIRST).days + 1)]


def _sites_by_municipality() -> dict[str, list[Workplace]]:
    out: dict[str, list[Workplace]] = {}
    for site in Workplace.objects.select_related("company").order_by("pk")[:5000]:
        out.setdefault(site.municipality, []).append(site)
    return out


def _tip(
    rng: np.random.Generator,
    day: dt.date,
    municipalities: list[Municipality],
    sites: dict[str, list[Workplace]],
    languages: list[str],
    zone: ZoneInfo,
    campaign: bool,
) -> Tip:
    pool = (
        [m for m in municipalities if m.county.centre.code in CAMPAIGN_CENTRES]
        if campaign
        else municipalities
    )
    municipality = pool[int(rng.integers(len(pool)))]
    language = (
        CAMPAIGN_LANGUAGES[int(rng.integers(2))]
        if campaign
        else languages[int(rng.choice(len(languages), p=_language_weights(len(languages))))]
    )
    partner = not campaign and rng.random() < 0.15
    tip = store_tip(
        source=Source.PARTNER if partner else Source.PORTAL,
        lookup_id=new_lookup_id(),
        code_hash="",  # demo tips have no receipt code, except the one answered below
        language="sv" if partner else language,
        what=WHAT[int(rng.integers(len(WHAT)))],
        where_name="",
        where_address="",
        org_no="",
        municipality_code=municipality.code,
        since="",
        contact="",
    )
    at = dt.datetime.combine(day, dt.time(int(rng.integers(7, 23))), tzinfo=zone)
    changes: dict[str, object] = {"received_at": at}
    if day < LAST - dt.timedelta(days=14):
        changes["category"] = str(rng.choice(Category.values))
        changes["urgency"] = Urgency.HIGH if rng.random() < 0.15 else Urgency.NORMAL
        changes["status"] = str(rng.choice([Status.TRIAGED, Status.HANDLED, Status.CLOSED]))
        here = sites.get(municipality.code)
        if here and rng.random() < 0.6:
            site = here[int(rng.integers(len(here)))]
            changes |= {
                "workplace": site,
                "company": site.company,
                "sni_section": sni_section(site.sni),
            }
    Tip.objects.filter(pk=tip.pk).update(**changes)
    return tip


def _language_weights(n: int) -> list[float]:
    """Swedish and English most, then the others evenly."""
    weights = [6.0, 3.0, *([1.0] * (n - 2))]
    total = sum(weights)
    return [w / total for w in weights]


def _visits(rng: np.random.Generator) -> int:
    """Reads per page, language and day; the campaign page and the portal's pages in the
    campaign's languages are read more while the campaign runs."""
    rows = []
    languages = [code for code, *_rest in settings.PORTAL_LANGUAGES]
    for page in Page.objects.order_by("slug"):
        campaign_page = page.kind == "campaign"
        for day in _days():
            running = CAMPAIGN[0] <= day <= CAMPAIGN[1]
            for language in languages:
                base = 3.0 if language in ("sv", "en") else 0.6
                if running and (campaign_page or language in CAMPAIGN_LANGUAGES):
                    base *= 4.0 if campaign_page else 1.8
                elif campaign_page:
                    base *= 0.2
                count = int(rng.poisson(base))
                if count:
                    rows.append(PageVisit(page=page, language=language, day=day, count=count))
    PageVisit.objects.bulk_create(rows, batch_size=2000, ignore_conflicts=True)
    return len(rows)


def _answered_tip(reply_as: str) -> str:
    """A tip in Polish with a receipt code and a staff reply; returns the code."""
    stockholm = Municipality.objects.filter(county__centre__code="stockholm").order_by("code")
    code = codes.new_code()
    tip = store_tip(
        source=Source.PORTAL,
        lookup_id=code.lookup_id,
        code_hash=codes.hash_code(code.code),
        language="pl",
        what="Pracujemy bez umowy i bez odcinka wypłaty. (A demo tip: no contract, no pay slip.)",
        where_name="",
        where_address="",
        org_no="",
        municipality_code=first.code if (first := stockholm.first()) else "",
        since="2025",
        contact="",
    )
    user = User.objects.filter(username=reply_as).first()
    if user is not None and tip.centre_id is not None:
        reply(
            actor=actor_for_user(user),
            tip_id=tip.pk,
            # answered in the sender's language (staff write through an interpreter)
            body="Dziękujemy. Otrzymaliśmy Twoje zgłoszenie i sprawdzimy to miejsce pracy.",
        )
    return code.grouped
