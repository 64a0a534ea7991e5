"""``akrim demo setup``: a working demo installation from nothing, re-runnable.

Migrates the database, writes the synthetic world (once), imports it as Skatteverket's
extract (its earlier controls as closed controls), creates the demo users, plans a few
upcoming controls and prints the logins. The demo password is generated
on first use and kept beside the demo database (never in the repository).
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import User
from django.core.management import call_command
from django.utils import timezone

from akrim.core.actor import Actor

DEMO_OWNER = "SKV"

# username, agency, centres, roles, what the user is for
DEMO_USERS: list[tuple[str, str, list[str], list[str], str]] = [
    ("inspektor.skv", "SKV", ["Stockholm"], ["inspector"], "Skatteverket inspector, Stockholm"),
    ("analytiker.skv", "SKV", ["Stockholm"], ["analyst"], "Skatteverket analyst, Stockholm"),
    ("inspektor.pol", "POL", ["Stockholm"], ["inspector"], "Police inspector, Stockholm"),
    ("inspektor.av", "AV", ["Stockholm"], ["inspector"], "AV inspector, Stockholm"),
    ("samordnare.av", "AV", ["Stockholm"], ["coordinator"], "AV coordinator, Stockholm"),
    ("inspektor.av.syd", "AV", ["Syd"], ["inspector"], "AV inspector, centre Syd"),
    ("nationell.lasare", "AV", [], ["national_reader"], "National steering-group reader"),
    ("kommunikator", "JAMY", [], ["communicator"], "Communicator: portal pages, campaigns"),
    ("granskare.skv", "SKV", [], ["dp_auditor"], "Skatteverket data-protection auditor"),
    ("admin", "AV", [], ["admin"], "Administrator"),
]


def demo_password() -> str:
    path = Path(settings.VAR_DIR) / "demo_password"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("demo-" + secrets.token_urlsafe(9))
        path.chmod(0o600)
    return path.read_text().strip()


def setup_demo(*, companies: int, progress: Callable[[str, int, int], None]) -> None:
    """Migrate, generate and import the demo world (first time only), create demo users."""
    from akrim.campaigns.demo import setup_demo_campaign
    from akrim.controls.services import import_history
    from akrim.demo.controls import plan_demo_controls
    from akrim.demo.sharing import seed_demo_rules
    from akrim.demo.tips import seed_demo_tips
    from akrim.demo.world import generate_world
    from akrim.methods.seed import seed_demo_methods
    from akrim.organisation.services import create_staff
    from akrim.partners.demo import seed_demo_partners
    from akrim.portal.services import seed_content
    from akrim.registry.models import ImportBatch
    from akrim.registry.services import import_registers
    from akrim.targeting.models import ScoringRun
    from akrim.targeting.services import run_scoring, scored_owners
    from akrim.training.demo import seed_demo_training

    call_command("migrate", interactive=False, verbosity=0)
    actor = Actor.system(agency=DEMO_OWNER)
    if not ImportBatch.objects.filter(status=ImportBatch.Status.DONE).exists():
        world = Path(settings.VAR_DIR) / "demo-world"
        generate_world(world, companies=companies, seed=1, progress=progress)
        import_registers(actor=actor, folder=world, owner=DEMO_OWNER, progress=progress)
    # Earlier controls in the extract become closed controls (idempotent, so every run
    # brings an older demo database up to date).
    import_history(actor=actor, owner=DEMO_OWNER, progress=progress)
    password = demo_password()
    for username, agency, centres, roles, _about in DEMO_USERS:
        if not User.objects.filter(username=username).exists():
            create_staff(
                actor=actor,
                username=username,
                password=password,
                agency=agency,
                centres=centres,
                roles=roles,
            )
    User.objects.filter(username="admin").update(is_staff=True, is_superuser=True)
    seed_demo_rules()
    plan_demo_controls(today=timezone.localdate())
    seed_demo_partners(today=timezone.localdate(), coordinators={"stockholm": "samordnare.av"})
    seed_demo_methods()
    seed_content(actor=actor)
    setup_demo_campaign()  # after the portal content: it links the campaign's page
    tips = seed_demo_tips()
    seed_demo_training(today=timezone.localdate())
    if not ScoringRun.objects.exists():  # the selection lists have something to show
        for owner in scored_owners():
            run_scoring(actor=Actor.system(), owner=owner, progress=progress)
    print_logins(password)
    if tips.receipt_code:
        print(f"A demo tip (in Polish, answered): receipt code {tips.receipt_code}")
        print("  read the answer at http://127.0.0.1:8000/pl/tip/status/\n")


def print_logins(password: str) -> None:
    print("\nakrim demo is ready: staff pages at http://127.0.0.1:8000/sv/home/ (or /en/home/),")
    print("the public portal at http://127.0.0.1:8000/sv/ (and /en/, /pl/, /ar/ ...)")
    print(f"Every demo user has the password: {password}\n")
    for username, agency, centres, roles, about in DEMO_USERS:
        where = ", ".join(centres) or "national"
        print(f"  {username:<18} {agency:<4} {where:<10} {', '.join(roles):<16} {about}")
    print()
