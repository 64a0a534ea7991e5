"""Building the Actor for a request (views and API call this, nothing else does)."""

from __future__ import annotations

from django.http import HttpRequest

from akrim.core.actor import Actor, Purpose


def actor_from_request(request: HttpRequest) -> Actor:
    """The Actor of the signed-in user, under the purpose chosen in their session."""
    from akrim.organisation.queries import actor_for_user

    raw = (
        request.session.get("purpose", Purpose.ANALYSIS.value)
        if hasattr(request, "session")
        else Purpose.ANALYSIS.value
    )
    try:
        purpose = Purpose(raw)
    except ValueError:
        purpose = Purpose.ANALYSIS
    return actor_for_user(
        request.user, purpose=purpose, request_id=getattr(request, "request_id", "")
    )
