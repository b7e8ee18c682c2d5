"""The clinician pages through Flask's test client: accounts, CSRF, the login
limiter, invitations, alerts, actions, the audit log, and 404 for anyone else's
client on every URL."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import select

from nudges.db.models import AuditEvent, CrisisAlert, Outbox, Subscriber
from nudges.runtime import Runtime
from nudges.services.clinicians import create_clinician
from nudges.web import get_runtime
from tests.conftest import ANNA_ATLANTA, SignedClient

# Slow tier: every test creates clinician accounts (scrypt), 1-3 s each.
pytestmark = pytest.mark.slow

LEE = ("dr.lee@example.org", "correct horse battery")
ROSS = ("ross@example.org", "another long passphrase")
LEE_PHONE = "+13125550100"


def token(html: bytes) -> str:
    match = re.search(rb'name="csrf_token"[^>]*value="([^"]+)"', html) or re.search(
        rb'value="([^"]+)"[^>]*name="csrf_token"', html
    )
    assert match, html[:400]
    return match.group(1).decode()


class Clinic:
    """A browser-like client for one clinician."""

    def __init__(self, app: Any) -> None:
        self.client = app.test_client()

    def login(self, email: str, password: str) -> Any:
        page = self.client.get("/clinician/login")
        return self.client.post(
            "/clinician/login",
            data={"email": email, "password": password, "csrf_token": token(page.data)},
        )

    def post(self, path: str, form_page: str, **data: str) -> Any:
        page = self.client.get(form_page)
        return self.client.post(path, data={**data, "csrf_token": token(page.data)})

    def invite(self, phone: str, **fields: str) -> Any:
        data = {
            "phone": phone,
            "alias": "Mum of twins",
            "track": "",
            "timezone": "",
            "send_time": "",
            "frequency": "3w",
            **fields,
        }
        return self.post("/clinician/clients/new", "/clinician/clients/new", **data)


@pytest.fixture
def runtime(app: Any) -> Runtime:
    return get_runtime(app)


@pytest.fixture
def lee(app: Any, runtime: Runtime) -> Clinic:
    create_clinician(runtime, *LEE, name="Dr Lee", phone=LEE_PHONE)
    clinic = Clinic(app)
    assert clinic.login(*LEE).status_code == 302
    return clinic


@pytest.fixture
def ross(app: Any, runtime: Runtime) -> Clinic:
    create_clinician(runtime, *ROSS, name="Ross")
    clinic = Clinic(app)
    assert clinic.login(*ROSS).status_code == 302
    return clinic


def rows(runtime: Runtime, model: Any, *where: Any) -> list[Any]:
    with runtime.db.session() as session:
        return list(session.scalars(select(model).where(*where)))


def client_id(runtime: Runtime, phone: str = ANNA_ATLANTA) -> int:
    [sub] = rows(runtime, Subscriber, Subscriber.phone == phone)
    return int(sub.id)


def test_the_dashboard_needs_a_login(app: Any) -> None:
    response = app.test_client().get("/clinician/")
    assert response.status_code == 302 and "/clinician/login" in response.headers["Location"]


def test_a_wrong_password_is_refused_and_audited(app: Any, runtime: Runtime) -> None:
    create_clinician(runtime, *LEE)
    response = Clinic(app).login(LEE[0], "wrong password here")
    assert response.status_code == 401 and b"do not match" in response.data
    assert [e.action for e in rows(runtime, AuditEvent)] == ["clinician_created", "login_failed"]


def test_a_post_without_a_csrf_token_is_a_400(app: Any, runtime: Runtime) -> None:
    create_clinician(runtime, *LEE)
    response = app.test_client().post(
        "/clinician/login", data={"email": LEE[0], "password": LEE[1]}
    )
    assert response.status_code == 400
    clinic = Clinic(app)
    clinic.login(*LEE)
    bare = clinic.client.post("/clinician/clients/new", data={"phone": ANNA_ATLANTA})
    assert bare.status_code == 400
    assert rows(runtime, Subscriber) == []


def test_repeated_failures_slow_logins_for_that_account(app: Any, runtime: Runtime) -> None:
    create_clinician(runtime, *LEE)
    clinic = Clinic(app)
    codes = [clinic.login(LEE[0], f"guess number {n}").status_code for n in range(7)]
    assert codes[:5] == [401] * 5 and codes[5:] == [429, 429]
    # Even the right password waits now: the account is being guessed at.
    assert clinic.login(*LEE).status_code == 429


def test_guesses_at_one_account_do_not_lock_another_clinician_out(
    app: Any, runtime: Runtime
) -> None:
    """One clinic address: dr.kim's account is guessed at (and retried while it
    waits); dr.lee, at the next desk, still logs in. The wait is a page in the
    clinic's style that says when to try again."""
    create_clinician(runtime, *LEE)
    create_clinician(runtime, *ROSS)
    clinic = Clinic(app)
    codes = [clinic.login(ROSS[0], f"guess number {n}").status_code for n in range(15)]
    assert codes[:5] == [401] * 5 and set(codes[5:]) == {429}
    waiting = clinic.login(ROSS[0], "guess number 16")
    page = waiting.data.decode()
    assert waiting.status_code == 429 and 'rel="stylesheet"' in page
    assert "Too many wrong passwords for this account" in page and "try again in 1 minute" in page
    assert "per 1 minute" not in page and int(waiting.headers["Retry-After"]) <= 60
    assert Clinic(app).login(*LEE).status_code == 302


def test_many_accounts_guessed_from_one_address_are_slowed_for_that_address(
    app: Any, runtime: Runtime
) -> None:
    """Spraying: a few guesses at each of many accounts. A looser cap on the
    address stops it, and says so."""
    create_clinician(runtime, *LEE)
    clinic = Clinic(app)
    codes = [clinic.login(f"user{n}@example.org", "a guess at it").status_code for n in range(31)]
    assert codes[:30] == [401] * 30 and codes[30] == 429
    assert "Too many wrong passwords from your network" in clinic.login(*LEE).data.decode()


def _redis_or_skip(url: str) -> None:
    import os

    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        if os.environ.get("CI"):
            pytest.fail(f"Redis is required under CI at {url}: {type(exc).__name__}")
        pytest.skip(f"Redis not reachable at {url} ({type(exc).__name__})")


def test_with_redis_every_worker_counts_the_same_failed_logins(
    make_settings: Callable[..., Any], clock: Any
) -> None:
    """Two web workers (two apps) share the limiter through Redis, and a worker
    that starts later does not forgive the guesses made at the first."""
    import uuid

    from nudges.app import create_app

    url = "redis://127.0.0.1:6379/0"
    _redis_or_skip(url)
    settings = make_settings(RATELIMIT_STORAGE_URI=url)
    config = {"TESTING": True, "RATELIMIT_KEY_PREFIX": f"test-{uuid.uuid4().hex}"}
    first = create_app(config, settings=settings, clock=clock)
    create_clinician(get_runtime(first), *LEE)
    codes = [Clinic(first).login(LEE[0], f"guess number {n}").status_code for n in range(5)]
    assert codes == [401] * 5
    second = create_app(config, settings=settings, clock=clock)
    assert Clinic(second).login(LEE[0], "guess number 6").status_code == 429
    for app in (first, second):
        get_runtime(app).db.dispose()


def test_session_cookies_are_httponly_samesite_and_secure_over_https(lee: Clinic) -> None:
    cookie = lee.client.get_cookie("session")
    assert cookie is not None
    assert cookie.http_only and cookie.same_site == "Lax" and cookie.secure


def test_an_invitation_sends_exactly_one_text_and_nothing_until_yes(
    lee: Clinic, runtime: Runtime, twilio: SignedClient
) -> None:
    response = lee.invite("(404) 555-0123", track="guilt", send_time="7:30pm")
    assert response.status_code == 302
    [sub] = rows(runtime, Subscriber)
    assert sub.state == "pending" and sub.track == "guilt" and sub.send_minute == 19 * 60 + 30
    [invitation] = rows(runtime, Outbox)
    assert invitation.kind == "invitation"
    assert "you are invited to get" in (invitation.body or "")
    assert "Lee" not in (invitation.body or "") and "YES" in (invitation.body or "")
    again = lee.invite("404-555-0123")
    assert again.status_code == 400 and b"already invited" in again.data
    assert len(rows(runtime, Outbox)) == 1
    twilio.text(ANNA_ATLANTA, "YES")
    [sub] = rows(runtime, Subscriber)
    assert sub.state == "active"


def test_a_number_active_with_another_clinician_is_not_taken_over(
    lee: Clinic, ross: Clinic, runtime: Runtime
) -> None:
    lee.invite(ANNA_ATLANTA)
    response = ross.invite(ANNA_ATLANTA)
    assert response.status_code == 400 and b"This number cannot be invited." in response.data
    assert b"already gets" not in response.data  # nothing said of Lee's client
    [sub] = rows(runtime, Subscriber)
    assert sub.clinician_id is not None and sub.alias == "Mum of twins"
    assert len(rows(runtime, Outbox)) == 1


def test_a_stopped_number_cannot_be_invited(
    lee: Clinic, runtime: Runtime, twilio: SignedClient
) -> None:
    twilio.text(ANNA_ATLANTA, "STOP")
    response = lee.invite(ANNA_ATLANTA)
    assert response.status_code == 400 and b"they can text JOIN" in response.data
    assert rows(runtime, Outbox) == []


@pytest.mark.parametrize(
    ("phone", "says"),
    [("555-01", b"look like a US phone number"), ("+44 20 7946 0958", b"US and Canada")],
)
def test_a_bad_number_gets_a_plain_answer(lee: Clinic, phone: str, says: bytes) -> None:
    response = lee.invite(phone)
    assert response.status_code == 400 and says in response.data


def test_a_crisis_alerts_the_clinician_by_text_without_the_words_or_the_alias(
    lee: Clinic, runtime: Runtime, twilio: SignedClient
) -> None:
    lee.invite(ANNA_ATLANTA)
    twilio.text(ANNA_ATLANTA, "YES")
    twilio.text(ANNA_ATLANTA, "I can't do this anymore, I want to die")
    twilio.text(ANNA_ATLANTA, "I want to die")  # a second flag within the hour
    alerts_sent = rows(runtime, Outbox, Outbox.kind == "alert")
    assert len(alerts_sent) == 1  # at most one text per client per hour
    [text] = alerts_sent
    assert text.to_phone == LEE_PHONE
    # The text links to the alert (an opaque token), still without words or alias.
    assert re.fullmatch(
        r"GoodEnough: one of your clients may need attention\. Please log in\. "
        r"https://nudges\.example\.org/clinician/alerts/[A-Za-z0-9_-]{20,32}",
        text.body or "",
    )
    assert len(rows(runtime, CrisisAlert)) == 1  # the second text joined the open alert
    [sub] = rows(runtime, Subscriber)
    assert sub.state == "paused"
    page = lee.client.get(f"/clinician/clients/{sub.id}")
    assert b"I want to die" in page.data and b"Acknowledge" in page.data
    dashboard = lee.client.get("/clinician/")
    assert b"Alert: 1 open" in dashboard.data and b"(2 texts)" in dashboard.data


def test_a_concern_shows_as_a_possible_alert_that_says_what_the_parent_got(
    lee: Clinic, runtime: Runtime, twilio: SignedClient
) -> None:
    lee.invite(ANNA_ATLANTA)
    twilio.text(ANNA_ATLANTA, "YES")
    twilio.text(ANNA_ATLANTA, "honestly nothing is ever going to get better for me")
    assert rows(runtime, Outbox, Outbox.kind == "alert") == []  # no text for a concern
    [sub] = rows(runtime, Subscriber)
    page = lee.client.get(f"/clinician/clients/{sub.id}").data
    assert b"Possible alert" in page and b"held for 24 hours" in page
    assert b"nothing is ever going to get better" in page
    assert b"paused until you or they resume" not in page


def test_a_crisis_with_stop_says_the_texts_are_stopped_not_paused(
    lee: Clinic, runtime: Runtime, twilio: SignedClient
) -> None:
    lee.invite(ANNA_ATLANTA)
    twilio.text(ANNA_ATLANTA, "YES")
    reply = twilio.text(ANNA_ATLANTA, "STOP. I want to die").data
    assert b"988" in reply and b"unsubscribed" in reply
    [sub] = rows(runtime, Subscriber)
    page = lee.client.get(f"/clinician/clients/{sub.id}").data
    assert b"nothing more is sent unless they text START" in page
    assert b"paused until you or they resume" not in page


def test_acknowledging_and_resuming_are_recorded(
    lee: Clinic, runtime: Runtime, twilio: SignedClient
) -> None:
    lee.invite(ANNA_ATLANTA)
    twilio.text(ANNA_ATLANTA, "YES")
    twilio.text(ANNA_ATLANTA, "I want to die")
    sub_id = client_id(runtime)
    [alert] = rows(runtime, CrisisAlert)
    page = f"/clinician/clients/{sub_id}"
    assert lee.post(f"/clinician/alerts/{alert.id}/acknowledge", page).status_code == 302
    assert lee.post(f"/clinician/clients/{sub_id}/resume", page).status_code == 302
    [sub] = rows(runtime, Subscriber)
    assert sub.state == "active" and sub.next_send_at is not None
    assert (
        lee.post(
            f"/clinician/clients/{sub_id}/change", page, track="role_strain", send_time="10am"
        ).status_code
        == 302
    )
    [sub] = rows(runtime, Subscriber)
    assert sub.track == "role_strain" and sub.send_minute == 600
    audit = lee.client.get("/clinician/audit").data
    for action in (
        b"invited",
        b"alert acknowledged",
        b"resumed",
        b"track changed",
        b"client viewed",
        b"login",
    ):
        assert action in audit


def test_another_clinicians_client_is_404_on_every_url(
    lee: Clinic, ross: Clinic, runtime: Runtime, twilio: SignedClient
) -> None:
    lee.invite(ANNA_ATLANTA)
    twilio.text(ANNA_ATLANTA, "YES")
    twilio.text(ANNA_ATLANTA, "I want to die")
    sub_id = client_id(runtime)
    [alert] = rows(runtime, CrisisAlert)
    assert ross.client.get(f"/clinician/clients/{sub_id}").status_code == 404
    for path in (
        f"/clinician/clients/{sub_id}/pause",
        f"/clinician/clients/{sub_id}/resume",
        f"/clinician/clients/{sub_id}/end",
        f"/clinician/clients/{sub_id}/change",
        f"/clinician/alerts/{alert.id}/acknowledge",
    ):
        assert ross.post(path, "/clinician/", track="guilt").status_code == 404, path
    assert b"Mum of twins" not in ross.client.get("/clinician/").data
    assert b"Mum of twins" not in ross.client.get("/clinician/audit").data
    [sub] = rows(runtime, Subscriber)
    assert sub.state == "paused" and sub.track == "perfectionism"


def test_logout_ends_the_session(lee: Clinic) -> None:
    assert lee.post("/clinician/logout", "/clinician/").status_code == 302
    assert lee.client.get("/clinician/").status_code == 302


def test_the_dashboard_lists_status_and_masks_numbers(
    lee: Clinic, runtime: Runtime, twilio: SignedClient, make_settings: Callable[..., Any]
) -> None:
    lee.invite(ANNA_ATLANTA)
    lee.invite("+13125550188", alias="Dad, night shifts")
    twilio.text(ANNA_ATLANTA, "YES")
    page = lee.client.get("/clinician/").data.decode()
    assert "***-0123" in page and "***-0188" in page
    assert "4045550123" not in page and "555-0123" not in page
    assert ">active<" in page and ">invited<" in page
    assert "<svg" in page and "delivered (solid)" in page


def test_the_client_page_shows_times_in_the_clients_own_day(lee: Clinic, runtime: Runtime) -> None:
    # The clock is Monday 20:00 UTC: 3:00pm for a client in Atlanta, 10:00am in Honolulu.
    lee.invite(ANNA_ATLANTA)
    lee.invite("+18085550199", timezone="Pacific/Honolulu")
    atlanta = lee.client.get(f"/clinician/clients/{client_id(runtime, ANNA_ATLANTA)}")
    honolulu = lee.client.get(f"/clinician/clients/{client_id(runtime, '+18085550199')}")
    assert b"Mon Nov 23, 3:00pm Eastern" in atlanta.data
    assert b"Mon Nov 23, 10:00am Hawaii" in honolulu.data
    assert b"UTC" not in atlanta.data


@pytest.mark.parametrize(
    ("frequency", "lang", "says"),
    [("3w", "en", "up to 3 msgs/wk"), ("daily", "en", "1 msg/day"), ("daily", "es", "1 al dia")],
)
def test_the_invitation_states_the_frequency_the_clinician_chose(
    lee: Clinic, runtime: Runtime, frequency: str, lang: str, says: str
) -> None:
    """Carriers require the invitation to say how often texts come: the client's."""
    response = lee.invite(ANNA_ATLANTA, frequency=frequency, language=lang)
    assert response.status_code in (200, 302), response.status_code
    [invitation] = rows(runtime, Outbox, Outbox.kind == "invitation")
    assert invitation.body is not None and says in invitation.body
