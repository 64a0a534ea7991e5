"""Protection of the public tip pages without cookies and without storing addresses.

Form tokens. The public pages set no cookie, so Django's CSRF protection (a cookie) and
sessions are not used there. Each form instead carries a token signed with SECRET_KEY
(``django.core.signing``) that names the form, when it was issued and a random nonce, and
for the add-information form the tip it belongs to. A POST is accepted only with a valid
token for that form, issued at least ``MIN_FILL_SECONDS`` and at most ``MAX_AGE_SECONDS``
ago, and used only once: the SHA-256 of every used token is kept (``UsedFormToken``) until
the token would have expired anyway. A cross-site page cannot read a token from our page,
so it cannot forge a POST; a bot posting faster than a person types is refused.

Throttling. Counters are global windows of one minute (``RateWindow``) and per-tip
failure counts; nothing identifies who is asking. A limit "per minute" is checked against
the current window and the one before it together, so a burst split across the turn of a
minute is still caught (a limit is never more lenient than it says, at most twice as strict).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from akrim.tips.models import RateWindow, UsedFormToken

SALT = "akrim.tips.form-token"
MAX_AGE_SECONDS = 2 * 3600
MIN_FILL_SECONDS = {"tip": 3, "status": 1, "add": 2}

# Status lookups: after this many wrong codes in one minute (all senders together), every
# lookup answers "too many attempts" for BLOCK_MINUTES.
GLOBAL_FAILURES_PER_MINUTE = 30
BLOCK_MINUTES = 5
# Wrong codes for one tip's lookup id before that lookup is locked, and for how long.
TIP_FAILURES = 5
TIP_LOCK = dt.timedelta(hours=1)
# New tips per minute from everyone together before the form answers "too many".
SUBMISSIONS_PER_MINUTE = 20

# Information added to tips per minute from everyone together, and per tip and day.
ADDS_PER_MINUTE = 20
ADDS_PER_TIP_AND_DAY = 10

STATUS_FAILURES = "status-fail"
SUBMISSIONS = "submit"
ADDS = "add"


def issue_token(form: str, *, tip: str = "", issued: int | None = None) -> str:
    """A new token; ``issued`` keeps an earlier token's issue time (and so its expiry) when
    a form is shown again after an error."""
    issued = int(timezone.now().timestamp()) if issued is None else issued
    payload = {"f": form, "n": secrets.token_urlsafe(12), "t": tip, "i": issued}
    return signing.TimestampSigner(salt=SALT).sign_object(payload, compress=False)


@dataclass(frozen=True)
class TokenCheck:
    ok: bool
    tip: str = ""  # the lookup id bound to an add-information token
    issued: int = 0  # when the token was issued (Unix time)


def use_token(token: str, form: str) -> TokenCheck:
    """Check and spend a form token; ``ok`` False when it is missing, forged, for another
    form, too fresh, expired or already used."""
    token = str(token or "")[:300]
    signer = signing.TimestampSigner(salt=SALT)
    try:
        payload = signer.unsign_object(token, max_age=MAX_AGE_SECONDS)
    except (signing.BadSignature, ValueError):
        return TokenCheck(False)
    if not isinstance(payload, dict) or payload.get("f") != form:
        return TokenCheck(False)
    issued = payload.get("i")
    if not isinstance(issued, int):
        return TokenCheck(False)
    now = timezone.now()
    age = now.timestamp() - issued
    if not MIN_FILL_SECONDS.get(form, 0) <= age <= MAX_AGE_SECONDS:
        return TokenCheck(False)
    digest = hashlib.sha256(token.encode()).hexdigest()
    expires = dt.datetime.fromtimestamp(issued + MAX_AGE_SECONDS, tz=dt.UTC)
    try:
        with transaction.atomic():
            UsedFormToken.objects.create(digest=digest, expires_at=expires)
    except IntegrityError:
        return TokenCheck(False)
    UsedFormToken.objects.filter(expires_at__lt=now).delete()
    return TokenCheck(True, str(payload.get("t", "")), issued)


def _window(now: dt.datetime) -> dt.datetime:
    return now.replace(second=0, microsecond=0)


def count(key: str) -> int:
    """Add one to this minute's counter of ``key``; the new count."""
    start = _window(timezone.now())
    with transaction.atomic():
        row, _created = RateWindow.objects.get_or_create(key=key, window_start=start)
        RateWindow.objects.filter(pk=row.pk).update(count=F("count") + 1)
    RateWindow.objects.filter(window_start__lt=start - dt.timedelta(hours=1)).delete()
    return row.count + 1


def _counts(key: str, minutes: int) -> dict[dt.datetime, int]:
    """The counts of ``key`` in the windows of the last ``minutes`` minutes and this one."""
    since = _window(timezone.now()) - dt.timedelta(minutes=minutes)
    rows = RateWindow.objects.filter(key=key, window_start__gte=since)
    return dict(rows.values_list("window_start", "count"))


def _pairs(counts: dict[dt.datetime, int]) -> list[int]:
    """The sum of each window with the window before it."""
    minute = dt.timedelta(minutes=1)
    return [number + counts.get(start - minute, 0) for start, number in counts.items()]


def this_minute(key: str) -> int:
    """How many ``key`` events in the current minute and the one before it."""
    return max(_pairs(_counts(key, 1)), default=0)


def lookups_blocked() -> bool:
    """True while, within the last ``BLOCK_MINUTES``, two adjacent minutes together had
    too many wrong codes."""
    return max(_pairs(_counts(STATUS_FAILURES, BLOCK_MINUTES)), default=0) >= (
        GLOBAL_FAILURES_PER_MINUTE
    )


def submissions_blocked() -> bool:
    return this_minute(SUBMISSIONS) >= SUBMISSIONS_PER_MINUTE


def adds_blocked() -> bool:
    return this_minute(ADDS) >= ADDS_PER_MINUTE
