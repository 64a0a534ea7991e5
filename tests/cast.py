"""The named users every test reuses, created through the real services.

SKV and POL share the Stockholm centre; ``other_centre`` is SKV in Syd; the national reader,
the SKV data-protection auditor, an administrator and a deactivated user complete the cast.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import User

from akrim.core.actor import Actor
from akrim.organisation.queries import actor_for_user
from akrim.organisation.services import create_staff, deactivate_user

PASSWORD = "correct horse battery staple"

CAST: dict[str, tuple[str, list[str], list[str]]] = {
    "skv_inspector": ("SKV", ["Stockholm"], ["inspector"]),
    "skv_analyst": ("SKV", ["Stockholm"], ["analyst"]),
    "pol_inspector": ("POL", ["Stockholm"], ["inspector"]),
    "coordinator": ("AV", ["Stockholm"], ["coordinator"]),
    "other_centre": ("SKV", ["Syd"], ["inspector"]),
    "national_reader": ("AV", [], ["national_reader"]),
    "skv_auditor": ("SKV", [], ["dp_auditor"]),
    "admin": ("AV", [], ["admin"]),
    "deactivated": ("SKV", ["Stockholm"], ["inspector"]),
}


@dataclass(frozen=True)
class Cast:
    users: dict[str, User]

    def user(self, name: str) -> User:
        return self.users[name]

    def actor(self, name: str) -> Actor:
        return actor_for_user(User.objects.get(pk=self.users[name].pk))


def make_cast() -> Cast:
    system = Actor.system()
    users = {}
    for name, (agency, centres, roles) in CAST.items():
        staff = create_staff(
            actor=system,
            username=name,
            password=PASSWORD,
            agency=agency,
            centres=centres,
            roles=roles,
        )
        users[name] = staff.user
    deactivate_user(actor=system, username="deactivated")
    users["deactivated"].refresh_from_db()
    return Cast(users)
