"""Bad input gets a clear 4xx or a valid TwiML reply, never a 500, and changes nothing."""

from __future__ import annotations

import logging
from typing import Any
from xml.etree import ElementTree

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from nudges.db.models import InboundMessage, Subscriber
from nudges.web import get_runtime
from tests.conftest import ANNA_ATLANTA, PUBLIC_BASE_URL, SignedClient, sign


def rows(app: Any, model: Any) -> int:
    with get_runtime(app).db.session() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


GOOD = {"From": ANNA_ATLANTA, "To": "+14045550100", "Body": "JOIN", "MessageSid": "SM" + "c" * 32}


def test_an_unsigned_request_is_refused_and_changes_nothing(app: Any) -> None:
    response = app.test_client().post("/sms/inbound", data=GOOD)
    assert response.status_code == 403
    assert rows(app, Subscriber) == 0 and rows(app, InboundMessage) == 0


def test_a_wrongly_signed_request_is_refused(twilio: SignedClient, app: Any) -> None:
    wrong = sign("not-the-token", PUBLIC_BASE_URL + "/sms/inbound", GOOD)
    assert twilio.post("/sms/inbound", GOOD, signature=wrong).status_code == 403
    assert rows(app, Subscriber) == 0


def test_a_signature_for_other_parameters_is_refused(twilio: SignedClient) -> None:
    signature = sign(twilio.token, PUBLIC_BASE_URL + "/sms/inbound", {**GOOD, "Body": "HELP"})
    assert twilio.post("/sms/inbound", GOOD, signature=signature).status_code == 403


def test_the_raw_query_string_is_part_of_the_signed_url(twilio: SignedClient) -> None:
    path = "/sms/inbound?note=a%20b&x=%2B1"
    response = twilio.post(path, {**GOOD, "Body": "HELP"})
    assert response.status_code == 200


@pytest.mark.parametrize("missing", ["From", "Body", "MessageSid"])
def test_a_missing_field_is_a_400(twilio: SignedClient, missing: str) -> None:
    data = {k: v for k, v in GOOD.items() if k != missing}
    response = twilio.post("/sms/inbound", data)
    assert response.status_code == 400
    assert missing.encode() in response.data


@pytest.mark.parametrize(
    "field,value",
    [("From", "404-555-0123"), ("From", "+0123"), ("MessageSid", "nope")],
)
def test_malformed_fields_are_a_400(twilio: SignedClient, field: str, value: str) -> None:
    assert twilio.post("/sms/inbound", {**GOOD, field: value}).status_code == 400


def test_an_opt_out_type_we_do_not_know_is_ignored_and_the_text_still_answered(
    twilio: SignedClient,
) -> None:
    # A new Twilio value must never cost a parent the crisis reply.
    response = twilio.post("/sms/inbound", {**GOOD, "Body": "I want to die", "OptOutType": "X"})
    assert response.status_code == 200
    assert b"988" in response.data


def test_a_ten_kilobyte_body_gets_a_valid_reply(twilio: SignedClient) -> None:
    response = twilio.text(ANNA_ATLANTA, "x" * 10_000)
    assert response.status_code == 200
    ElementTree.fromstring(response.data)


def test_a_huge_body_is_refused_with_a_4xx(twilio: SignedClient) -> None:
    response = twilio.text(ANNA_ATLANTA, "x" * 100_000)
    assert 400 <= response.status_code < 500


@pytest.mark.parametrize(
    "body", ["\U0001f62d\U0001f62d", "\x00\x01\x1b[31m", "'; DROP TABLE subscriber; --", "<&>"]
)
def test_odd_bodies_get_valid_twiml(twilio: SignedClient, body: str) -> None:
    response = twilio.text(ANNA_ATLANTA, body)
    assert response.status_code == 200
    ElementTree.fromstring(response.data)


phones = st.one_of(
    st.from_regex(r"\+1[2-9]\d{9}", fullmatch=True), st.text(max_size=20), st.just(ANNA_ATLANTA)
)
bodies = st.one_of(
    st.text(max_size=300),
    st.sampled_from(["JOIN", "YES", "STOP", "HELP", "PAUSE 3", "RESUME", "TIME 7pm", "ZONE x"]),
)
sids = st.one_of(st.from_regex(r"SM[0-9a-f]{32}", fullmatch=True), st.text(max_size=40))
extras = st.dictionaries(
    st.sampled_from(["OptOutType", "NumMedia", "To", "FromCity"]), st.text(max_size=10)
)


@pytest.mark.slow  # Hypothesis: 1,500 signed requests (about 100 s)
@settings(
    max_examples=1500,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(phone=phones, body=bodies, sid=sids, extra=extras)
def test_random_signed_requests_never_get_a_5xx_or_log_an_exception(
    twilio: SignedClient,
    caplog: pytest.LogCaptureFixture,
    phone: str,
    body: str,
    sid: str,
    extra: dict[str, str],
) -> None:
    caplog.clear()
    with caplog.at_level(logging.ERROR):
        response = twilio.post(
            "/sms/inbound", {**extra, "From": phone, "Body": body, "MessageSid": sid}
        )
    assert response.status_code < 500
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


def test_webhooks_carry_a_request_id_and_never_a_cookie(twilio: SignedClient) -> None:
    # They run in their own lean app: no session, CSRF or limiter work per text.
    response = twilio.text(ANNA_ATLANTA, "HELP", **{})
    assert response.status_code == 200
    assert response.headers.get("X-Request-Id")
    assert "Set-Cookie" not in response.headers
    assert twilio.client.get("/sms/inbound").status_code == 405
