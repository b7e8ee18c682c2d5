"""Twilio's webhooks are served by a lean Flask app mounted at /sms by
Werkzeug's DispatcherMiddleware: no session, CSRF, login or limiter work. The
pages keep theirs, and the paths, signatures and routes are as before."""

from __future__ import annotations

from typing import Any

from flask import url_for

from tests.conftest import PUBLIC_BASE_URL, SignedClient, sign

ANNA = "+14045550123"


def test_a_webhook_neither_reads_nor_sets_a_session(twilio: SignedClient) -> None:
    twilio.client.set_cookie("session", "not-a-valid-session")
    response = twilio.text(ANNA, "HELP")  # and no CSRF token
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers
    assert "Vary" not in response.headers  # the session was never opened
    assert response.headers["X-Request-Id"]


def test_a_page_still_has_its_session(app: Any) -> None:
    response = app.test_client().get("/clinician/login")
    assert response.status_code == 200
    assert any(c.startswith("session=") for c in response.headers.getlist("Set-Cookie"))


def test_the_signature_covers_the_whole_path_below_the_public_url(
    app: Any, twilio: SignedClient
) -> None:
    data = {"From": ANNA, "To": "+14045550100", "Body": "HELP", "MessageSid": "SM" + "a" * 32}
    good = sign(twilio.token, PUBLIC_BASE_URL + "/sms/inbound", data)
    mount_only = sign(twilio.token, PUBLIC_BASE_URL + "/inbound", data)
    client = app.test_client()
    assert (
        client.post("/sms/inbound", data=data, headers={"X-Twilio-Signature": good}).status_code
        == 200
    )
    refused = client.post("/sms/inbound", data=data, headers={"X-Twilio-Signature": mount_only})
    assert refused.status_code == 403
    # Served below a prefix (SCRIPT_NAME): as before, the path under it is what counts.
    prefixed = client.post(
        "/sms/inbound",
        data=data,
        headers={"X-Twilio-Signature": good},
        base_url="http://localhost/prefix",
    )
    assert prefixed.status_code == 200


def test_routes_and_other_paths_are_as_before(app: Any) -> None:
    with app.test_request_context():
        assert url_for("sms.inbound") == "/sms/inbound"
        assert url_for("status.status_callback") == "/sms/status"
    client = app.test_client()
    assert client.post("/sms/elsewhere").status_code == 404
    assert client.get("/sms/inbound").status_code == 405
    assert client.get("/healthz").status_code == 200
