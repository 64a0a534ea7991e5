"""Audit entries for logins, logouts and failed logins."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest

from akrim.audit import services as audit
from akrim.core.actor import Actor


def _actor(user: Any, request: HttpRequest | None) -> Actor:
    staff = getattr(user, "staff", None) if user is not None else None
    return Actor(
        user_id=getattr(user, "pk", None),
        username=getattr(user, "username", "") or "",
        agency=staff.agency.code if staff else None,
        request_id=getattr(request, "request_id", ""),
    )


@receiver(user_logged_in)
def _logged_in(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    audit.record(actor=_actor(user, request), action="login")


@receiver(user_logged_out)
def _logged_out(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    if user is not None:
        audit.record(actor=_actor(user, request), action="logout")


@receiver(user_login_failed)
def _login_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    username = str(credentials.get("username", ""))[:150]
    audit.record(
        actor=Actor(
            user_id=None,
            username=username or "-",
            agency=None,
            request_id=getattr(request, "request_id", ""),
        ),
        action="login_failed",
    )
