"""The public tip pages: the form, the receipt, reading answers and adding information,
with hostile input, form tokens and throttling."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from PIL import Image

from akrim.tips import crypto, guards
from akrim.tips.models import Message, RateWindow, Tip, TipAttachment, UsedFormToken
from tests.tips.conftest import (
    ADD,
    MALMO,
    STATUS,
    TIP_FORM,
    receipt_code,
    send_tip,
    token,
)

pytestmark = pytest.mark.django_db


def _status(client: Client, code: str) -> Any:
    return client.post(STATUS, {"token": token("status"), "code": code})


def _jpeg_with_gps() -> bytes:
    image = Image.new("RGB", (40, 30), "red")
    exif = Image.Exif()
    exif[0x8825] = {2: (59.0, 20.0, 0.0)}  # GPSInfo
    exif[0x010F] = "SecretCameraMaker"
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


def _upload(data: bytes, name: str = "photo.jpg") -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, content_type="image/jpeg")


# --- the form ---------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["th", "ar", "sv"])
def test_the_form_is_in_the_portal_language_sets_no_cookie_and_is_not_stored(
    client: Client, lang: str
) -> None:
    response = client.get(f"/{lang}/tip/")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{lang}"' in html
    assert "csrfmiddlewaretoken" not in html
    assert not response.cookies
    assert "no-store" in response["Cache-Control"]
    assert 'name="token"' in html


def test_the_form_page_stays_within_the_portal_page_weight(client: Client) -> None:
    from django.contrib.staticfiles import finders

    html = client.get("/th/tip/").content
    from pathlib import Path

    css = sum(
        len(Path(str(finders.find(name))).read_bytes())
        for name in ("portal/portal.css", "tips/tips.css")
    )
    assert len(html) + css < 100 * 1024


def test_an_unknown_language_is_not_a_tip_page(client: Client) -> None:
    assert client.get("/xx/tip/").status_code == 404


def test_a_tip_gets_a_receipt_code_shown_once_and_is_routed_by_municipality(
    client: Client,
) -> None:
    response = send_tip(client, "/th/tip/", municipality=MALMO)
    assert response.status_code == 200
    assert not response.cookies
    assert "no-store" in response["Cache-Control"]
    code = receipt_code(response)
    assert len(code) == 29
    assert code.count("-") == 5
    tip = Tip.objects.get()
    assert (tip.language, tip.source, tip.status) == ("th", "portal", "new")
    assert tip.centre is not None
    assert tip.centre.code == "syd"
    assert tip.municipality is not None
    assert tip.municipality.code == MALMO
    assert code not in response.get("Location", "")
    # Shown once: the form again shows no code.
    assert "receipt-code" not in client.get("/th/tip/").content.decode()


def test_a_tip_without_municipality_waits_on_the_national_queue(client: Client) -> None:
    assert send_tip(client, municipality="").status_code == 200
    assert Tip.objects.get().centre is None


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"what": ""}, "what", "Please fill in this field."),
        ({"what": "   "}, "what", "Please fill in this field."),
        ({"what": "x" * 4001}, "what", "at most 4000 characters"),
        ({"what": "null \x00 byte"}, "what", "does not look right"),
        ({"where_name": "y" * 201}, "where_name", "at most 200 characters"),
        ({"contact": "z" * 201}, "contact", "at most 200 characters"),
        ({"since": "s" * 101}, "since", "at most 100 characters"),
        ({"municipality": "9999"}, "municipality", "does not look right"),
        ({"municipality": "'; DROP TABLE tips_tip; --"}, "municipality", "does not look right"),
        ({"org_no": "55abc"}, "org_no", "does not look right"),
        ({"org_no": "١٢٣٤٥٦٧٨٩٠"}, "org_no", "does not look right"),  # non-ASCII digits
    ],
)
def test_wrong_and_hostile_input_is_refused_with_the_field_named(
    client: Client, fields: dict[str, str], field: str, message: str
) -> None:
    response = send_tip(client, **fields)
    assert response.status_code == 400
    html = response.content.decode()
    assert f'id="{field}-error"' in html
    assert message in html
    assert not Tip.objects.exists()
    assert 'name="token"' in html  # a fresh token to send again


def test_markup_in_a_tip_is_stored_as_text_and_escaped_when_shown_back(client: Client) -> None:
    response = send_tip(client, where_name="<script>alert(1)</script>", what="")
    html = response.content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;" in html


def test_a_photo_is_cleaned_of_metadata_and_stored_encrypted(client: Client) -> None:
    raw = _jpeg_with_gps()
    assert b"SecretCameraMaker" in raw
    response = send_tip(client, attachment=_upload(raw))
    assert response.status_code == 200
    stored = TipAttachment.objects.get()
    assert b"SecretCameraMaker" not in bytes(stored.data)
    assert not bytes(stored.data).startswith(b"\xff\xd8")  # ciphertext, not a JPEG
    clean = crypto.open_bytes(
        bytes(stored.data), field="tips.attachment", owner=stored.tip.lookup_id
    )
    assert clean.startswith(b"\xff\xd8")
    assert b"SecretCameraMaker" not in clean
    assert Image.open(io.BytesIO(clean)).getexif().get(0x8825) is None
    assert stored.content_type == "image/jpeg"


@pytest.mark.parametrize(
    "data",
    [
        b"MZ\x90\x00 an executable",
        b"<svg onload=alert(1)>",
        b"\xff\xd8\xff broken jpeg",
        b"%PDF-1.4 not really",
    ],
)
def test_a_file_of_the_wrong_type_or_broken_is_refused(client: Client, data: bytes) -> None:
    response = send_tip(client, attachment=_upload(data, "x.jpg"))
    assert response.status_code == 400
    assert "The file must be a JPEG, PNG or PDF of at most 5 MB." in response.content.decode()
    assert not Tip.objects.exists()
    assert not TipAttachment.objects.exists()


def test_an_oversized_file_is_refused(client: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    from akrim.tips import intake

    monkeypatch.setattr(intake, "ATTACHMENT_MAX_MB", 1)
    big = b"\xff\xd8\xff" + b"0" * (1024 * 1024)
    response = send_tip(client, attachment=_upload(big))
    assert response.status_code == 400
    assert "at most 1 MB" in response.content.decode()
    assert not Tip.objects.exists()


# --- form tokens --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("form", "age"),
    [
        ("", 0),  # none
        ("forged", 0),
        ("status", 60),  # for another form
        ("tip", guards.MAX_AGE_SECONDS + 60),  # expired
        ("tip", 0),  # sent faster than a person fills in the form
        ("tip", -3600),  # from the future
    ],
)
def test_a_post_without_a_valid_token_is_refused(client: Client, form: str, age: int) -> None:
    bad = token(form, age=age) if form in ("tip", "status") else form
    response = send_tip(client, token=bad)
    assert response.status_code == 400
    assert "The form has expired. Please send it again." in response.content.decode()
    assert not Tip.objects.exists()


def test_a_token_works_once(client: Client) -> None:
    once = token("tip")
    assert send_tip(client, token=once).status_code == 200
    assert send_tip(client, token=once).status_code == 400
    assert Tip.objects.count() == 1
    assert UsedFormToken.objects.count() == 1
    assert once not in repr(list(UsedFormToken.objects.values_list("digest", flat=True)))


def test_a_token_from_the_page_is_accepted_after_the_minimum_fill_time(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    import re

    html = client.get(TIP_FORM).content.decode()
    issued = re.search(r'name="token" value="([^"]+)"', html)
    assert issued
    assert send_tip(client, token=issued.group(1)).status_code == 400  # too fast
    monkeypatch.setitem(guards.MIN_FILL_SECONDS, "tip", 0)
    html = client.get(TIP_FORM).content.decode()
    issued = re.search(r'name="token" value="([^"]+)"', html)
    assert issued
    assert send_tip(client, token=issued.group(1)).status_code == 200


@pytest.mark.usefixtures("one_minute")  # all in one window: the updates below assume it
def test_flooding_the_form_is_throttled_for_everyone(client: Client) -> None:
    for _ in range(guards.SUBMISSIONS_PER_MINUTE):
        assert send_tip(client).status_code == 200
    response = send_tip(client)
    assert response.status_code == 429
    assert "Too many attempts" in response.content.decode()
    assert Tip.objects.count() == guards.SUBMISSIONS_PER_MINUTE
    # Refused sendings count too, so invalid floods are limited as well.
    RateWindow.objects.update(count=guards.SUBMISSIONS_PER_MINUTE - 1)
    assert send_tip(client, what="").status_code == 400
    assert send_tip(client).status_code == 429
    # The counter holds a number per minute, nothing about who sent.
    assert list(RateWindow.objects.values_list("key", flat=True)) == ["submit"]


# --- status -------------------------------------------------------------------------------


def test_the_right_code_shows_the_replies_and_any_spelling_of_it_works(
    client: Client, sent: tuple[Tip, str]
) -> None:
    tip, code = sent
    Message.objects.create(
        tip=tip,
        direction="out",
        body_sealed=crypto.seal(
            "We will visit the workplace.", field="tips.message", owner=tip.lookup_id
        ),
        created_at=timezone.now(),
    )
    response = _status(client, code.lower().replace("-", " "))
    assert response.status_code == 200
    html = response.content.decode()
    assert "We will visit the workplace." in html
    assert "The authorities" in html
    assert "no-store" in response["Cache-Control"]
    assert not response.cookies


def test_no_reply_yet_says_so(client: Client, sent: tuple[Tip, str]) -> None:
    assert "No answer yet" in _status(client, sent[1]).content.decode()


@pytest.mark.parametrize("typed", ["", "not a code", "0" * 24, "A" * 500, "<b>x</b>"])
def test_a_wrong_or_invalid_code_is_refused(
    client: Client, sent: tuple[Tip, str], typed: str
) -> None:
    response = _status(client, typed)
    assert response.status_code == 400
    assert "That receipt code is not valid." in response.content.decode()
    assert "<b>x</b>" not in response.content.decode()


def test_a_status_post_needs_a_valid_token(client: Client, sent: tuple[Tip, str]) -> None:
    response = client.post(STATUS, {"token": token("tip"), "code": sent[1]})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'data-testid="form-error"' in html
    assert 'data-testid="no-replies"' not in html
    sent[0].refresh_from_db()
    assert sent[0].failed_lookups == 0


def test_wrong_codes_lock_that_tips_lookup_for_a_while(
    client: Client, sent: tuple[Tip, str]
) -> None:
    tip, code = sent
    wrong = code[:10] + ("0" if code[10] != "0" else "1") + code[11:]
    for _ in range(guards.TIP_FAILURES - 1):
        assert _status(client, wrong).status_code == 400
    assert _status(client, wrong).status_code == 429
    # Now even the right code waits.
    response = _status(client, code)
    assert response.status_code == 429
    assert "Too many attempts" in response.content.decode()
    tip.refresh_from_db()
    assert tip.locked_until is not None
    assert tip.locked_until > timezone.now()
    Tip.objects.filter(pk=tip.pk).update(locked_until=timezone.now() - dt.timedelta(seconds=1))
    assert _status(client, code).status_code == 200


@pytest.mark.usefixtures("one_minute")  # one window: two would collide when moved back
def test_many_wrong_codes_from_anyone_block_all_lookups(
    client: Client, sent: tuple[Tip, str]
) -> None:
    _tip, code = sent
    for i in range(guards.GLOBAL_FAILURES_PER_MINUTE):
        _status(client, f"{i:024d}")
    response = _status(client, code)
    assert response.status_code == 429
    assert "Too many attempts" in response.content.decode()
    # After the block, lookups work again.
    RateWindow.objects.update(window_start=timezone.now() - dt.timedelta(minutes=10))
    assert _status(client, code).status_code == 200


@pytest.mark.usefixtures("one_minute")  # ``minute`` below stays the current minute
def test_a_burst_split_across_the_turn_of_a_minute_is_still_caught(
    client: Client, sent: tuple[Tip, str]
) -> None:
    _tip, code = sent
    minute = timezone.now().replace(second=0, microsecond=0)
    half = guards.GLOBAL_FAILURES_PER_MINUTE // 2
    # Half the limit two minutes ago and half now: not one burst, lookups still work.
    RateWindow.objects.create(
        key=guards.STATUS_FAILURES, window_start=minute - dt.timedelta(minutes=2), count=half
    )
    RateWindow.objects.create(key=guards.STATUS_FAILURES, window_start=minute, count=half)
    assert not guards.lookups_blocked()
    assert _status(client, code).status_code == 200
    # Half in the minute before and half in this one: one burst of the limit.
    RateWindow.objects.filter(window_start__lt=minute).update(
        window_start=minute - dt.timedelta(minutes=1)
    )
    assert guards.lookups_blocked()
    assert _status(client, code).status_code == 429
    # The same for the form: the minute before counts towards this minute's limit.
    RateWindow.objects.filter(key=guards.SUBMISSIONS).delete()  # the fixture's own tip
    RateWindow.objects.create(
        key=guards.SUBMISSIONS,
        window_start=minute - dt.timedelta(minutes=1),
        count=guards.SUBMISSIONS_PER_MINUTE - 1,
    )
    assert send_tip(client).status_code == 200
    assert send_tip(client).status_code == 429


# --- adding information -------------------------------------------------------------------


def _add_token(client: Client, code: str) -> str:
    import re

    html = _status(client, code).content.decode()
    match = re.search(r'action="/en/tip/status/add/".*?name="token" value="([^"]+)"', html, re.S)
    assert match
    return match.group(1)


def test_the_sender_adds_information_with_a_photo(
    client: Client, sent: tuple[Tip, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    tip, code = sent
    monkeypatch.setitem(guards.MIN_FILL_SECONDS, "add", 0)
    add_token = _add_token(client, code)
    response = client.post(
        ADD,
        {
            "token": add_token,
            "body": "They moved to another house.",
            "attachment": _upload(_jpeg_with_gps()),
        },
    )
    assert response.status_code == 200
    assert "Your information has been added" in response.content.decode()
    message = Message.objects.get(tip=tip)
    assert message.direction == "in"
    assert "moved" not in message.body_sealed
    assert crypto.unseal(message.body_sealed, field="tips.message", owner=tip.lookup_id).startswith(
        "They moved"
    )
    assert TipAttachment.objects.filter(tip=tip).count() == 1
    tip.refresh_from_db()
    assert tip.new_information
    # The token was spent.
    assert client.post(ADD, {"token": add_token, "body": "again"}).status_code == 400
    assert Message.objects.count() == 1


@pytest.mark.parametrize(
    ("body", "message"),
    [("", "Please fill in this field."), ("b" * 4001, "at most 4000 characters")],
)
def test_adding_empty_or_too_long_information_is_refused(
    client: Client, sent: tuple[Tip, str], body: str, message: str
) -> None:
    tip, _code = sent
    response = client.post(ADD, {"token": token("add", tip=tip.lookup_id), "body": body})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Message.objects.exists()


@pytest.mark.parametrize("form", ["", "forged", "add", "status"])
def test_adding_needs_a_token_bound_to_a_tip(
    client: Client, sent: tuple[Tip, str], form: str
) -> None:
    bad = token(form) if form in ("add", "status") else form
    response = client.post(ADD, {"token": bad, "body": "hello"})
    assert response.status_code == 400
    assert not Message.objects.exists()


def test_adding_is_post_only(client: Client) -> None:
    assert client.get(ADD).status_code == 405


def test_every_interface_text_the_tip_pages_use_exists() -> None:
    import re
    from pathlib import Path

    from akrim.portal.services import ui_texts

    folder = Path(__file__).resolve().parents[2] / "src/akrim/tips/templates/tips"
    used = {
        key
        for page in folder.glob("public_*.html")
        for key in re.findall(r"\bui\.(\w+)", page.read_text())
    }
    used |= {
        "error_required",
        "error_too_long",
        "error_invalid",
        "error_file",
        "error_form_expired",
    }
    texts = ui_texts("th")
    assert len(used) > 25
    assert sorted(used - set(texts)) == []


# --- limits found in review ---------------------------------------------------------------


def test_a_file_over_the_limit_is_refused_and_never_written_to_disk(
    client: Client, settings: Any, tmp_path: Path
) -> None:
    # Django's own upload files would go to this folder: the test's own, not the shared
    # temporary folder where another test worker's or program's uploads come and go
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path)
    big = b"\xff\xd8\xff" + b"0" * (5 * 1024 * 1024 + 10)
    response = send_tip(client, attachment=_upload(big))
    assert response.status_code == 413
    assert "at most 5 MB" in response.content.decode()
    assert list(tmp_path.iterdir()) == []
    assert not Tip.objects.exists()


def test_a_body_larger_than_any_form_is_not_read(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    from akrim.tips import public_views

    monkeypatch.setattr(public_views, "MAX_BODY", 500)
    response = send_tip(client, what="x" * 2000)
    assert response.status_code == 413
    assert not Tip.objects.exists()


def test_a_tip_takes_at_most_ten_additions_a_day(client: Client, sent: tuple[Tip, str]) -> None:
    tip, _code = sent
    for _ in range(guards.ADDS_PER_TIP_AND_DAY):
        response = client.post(ADD, {"token": token("add", tip=tip.lookup_id), "body": "More."})
        assert response.status_code == 200
    response = client.post(ADD, {"token": token("add", tip=tip.lookup_id), "body": "More."})
    assert response.status_code == 400
    assert "Too many attempts" in response.content.decode()
    assert Message.objects.filter(tip=tip).count() == guards.ADDS_PER_TIP_AND_DAY


def test_additions_from_everyone_are_throttled(
    client: Client, sent: tuple[Tip, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    tip, _code = sent
    monkeypatch.setattr(guards, "ADDS_PER_MINUTE", 2)
    for _ in range(2):
        client.post(ADD, {"token": token("add", tip=tip.lookup_id), "body": "More."})
    response = client.post(ADD, {"token": token("add", tip=tip.lookup_id), "body": "More."})
    assert response.status_code == 429
    assert Message.objects.filter(tip=tip).count() == 2


def test_an_error_does_not_extend_the_add_token(client: Client, sent: tuple[Tip, str]) -> None:
    import re

    from django.core import signing

    tip, _code = sent
    old = token("add", tip=tip.lookup_id, age=100 * 60)
    response = client.post(ADD, {"token": old, "body": ""})
    assert response.status_code == 400
    match = re.search(r'name="token" value="([^"]+)"', response.content.decode())
    assert match
    signer = signing.TimestampSigner(salt=guards.SALT)
    issued_again = signer.unsign_object(match.group(1))["i"]
    assert issued_again == signer.unsign_object(old)["i"]  # still expires 2 h after the code


# --- hashing capacity ---------------------------------------------------------------------


@pytest.fixture
def all_turns_taken(monkeypatch: pytest.MonkeyPatch) -> Any:
    """Every Argon2 turn of this process taken, as by a flood of lookups."""
    from akrim.tips import codes

    monkeypatch.setattr(codes, "WAIT_SECONDS", 0.05)
    for _ in range(codes.AT_ONCE):
        assert codes._TURNS.acquire(timeout=1)
    yield
    for _ in range(codes.AT_ONCE):
        codes._TURNS.release()


def test_when_hashing_is_full_a_tip_is_kept_in_the_form_and_nothing_stored(
    client: Client, all_turns_taken: None
) -> None:
    what = "Workers paid in cash behind the warehouse every Friday night."
    response = send_tip(client, what=what)
    assert response.status_code == 503
    html = response.content.decode()
    assert 'data-testid="throttled"' in html
    assert what in html  # what the sender typed is still there to send again
    assert Tip.objects.count() == 0


def test_when_hashing_is_full_a_lookup_waits_and_is_not_counted_as_wrong(
    client: Client, sent: tuple[Tip, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from akrim.tips import codes

    tip, code = sent
    monkeypatch.setattr(codes, "WAIT_SECONDS", 0.05)
    for _ in range(codes.AT_ONCE):
        assert codes._TURNS.acquire(timeout=1)
    try:
        assert _status(client, code).status_code == 429
        assert _status(client, "0" * 24).status_code == 429
    finally:
        for _ in range(codes.AT_ONCE):
            codes._TURNS.release()
    tip.refresh_from_db()
    assert tip.failed_lookups == 0
    assert guards.this_minute(guards.STATUS_FAILURES) == 0
    assert _status(client, code).status_code == 200
