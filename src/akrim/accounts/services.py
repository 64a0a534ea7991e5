"""Account services: API tokens."""

from __future__ import annotations

import secrets

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from akrim.accounts.models import ApiToken, token_digest
from akrim.audit import services as audit
from akrim.core.actor import Actor, Role
from akrim.core.errors import Forbidden


def issue_api_token(*, actor: Actor, user: User) -> str:
    """Create a new API token for ``user`` and return it (shown once).

    Callable by an administrator or the system (command line). Raises Forbidden otherwise.
    """
    if not (actor.is_system or actor.has_role(Role.ADMIN)):
        raise Forbidden()
    token = "akr_" + secrets.token_urlsafe(32)
    with transaction.atomic():
        ApiToken.objects.create(user=user, prefix=token[4:10], digest=token_digest(token))
        audit.record(
            actor=actor, action="issue_api_token", object_type="user", object_id=str(user.pk)
        )
    return token


def user_for_token(token: str) -> User | None:
    """The active user a bearer token belongs to, or None (revoked, unknown, inactive)."""
    if not token or len(token) > 200:
        return None
    found = (
        ApiToken.objects.select_related("user")
        .filter(digest=token_digest(token), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if found is None:
        return None
    ApiToken.objects.filter(pk=found.pk).update(last_used_at=timezone.now())
    return found.user
