"""Twilio's webhooks live on the one app but skip the page machinery: no
session opened or saved, no CSRF token asked, no rate limit looked up. The
clinician pages keep all three."""

from __future__ import annotations

from typing import Any

import pytest
from flask import session

from nudges.web import extensions
from tests.conftest import SignedClient

ANNA = "+14045550123"


@pytest.mark.parametrize("path", ["/sms/inbound", "/sms/status"])
def test_webhook_paths_open_no_session(app: Any, path: str) -> None:
    with app.test_request_context(path, method="POST"):
        assert app.session_interface.is_null_session(session)
        assert extensions._exempt_from_limits()


def test_a_page_opens_a_real_session_and_is_rate_limited(app: Any) -> None:
    with app.test_request_context("/clinician/login", method="POST"):
        assert not app.session_interface.is_null_session(session)
        assert not extensions._exempt_from_limits()


def test_a_signed_webhook_with_a_session_cookie_neither_reads_nor_sets_one(
    app: Any, twilio: SignedClient
) -> None:
    twilio.client.set_cookie("session", "not-a-valid-session")
    response = twilio.text(ANNA, "HELP")  # no CSRF token either
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers
    assert "Vary" not in response.headers


def test_an_unsigned_webhook_is_still_refused(app: Any) -> None:
    response = app.test_client().post("/sms/inbound", data={"From": ANNA, "Body": "HELP"})
    assert response.status_code == 403


def test_exempting_needs_the_session_interface_first() -> None:
    from flask import Blueprint, Flask

    with pytest.raises(RuntimeError, match="init_app"):
        extensions.exempt(Flask("bare"), Blueprint("hooks", __name__))
