"""HELP and crisis replies survive a database that cannot be reached."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pytest

from nudges.app import create_app
from nudges.clock import FrozenClock
from nudges.config import load_settings
from tests.conftest import ANNA_ATLANTA, MONDAY_AFTERNOON, PUBLIC_BASE_URL, SECRET_KEY, SignedClient


@pytest.fixture(params=["sqlite", "postgresql"])
def broken_twilio(request: pytest.FixtureRequest, tmp_path: Path) -> SignedClient:
    if request.param == "sqlite":
        # A directory where the database file should be: every connection fails.
        (tmp_path / "db").mkdir()
        url = f"sqlite:///{tmp_path / 'db'}"
    else:
        url = "postgresql://nobody@127.0.0.1:1/nothing"  # nothing listens on port 1
    settings = load_settings(
        {
            "DATABASE_URL": url,
            "SECRET_KEY": SECRET_KEY,
            "PUBLIC_BASE_URL": PUBLIC_BASE_URL,
            "SMS_TRANSPORT": "console",
        }
    )
    app = create_app({"TESTING": True}, settings=settings, clock=FrozenClock(MONDAY_AFTERNOON))
    return SignedClient(app.test_client(), SECRET_KEY)


def messages(response: Any) -> list[str]:
    assert response.status_code == 200
    return [m.text or "" for m in ElementTree.fromstring(response.data).findall("Message")]


@pytest.mark.parametrize("body", ["HELP", "info", "AYUDA"])
def test_help_still_answers_with_988(
    broken_twilio: SignedClient, body: str, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO):
        [reply] = messages(broken_twilio.text(ANNA_ATLANTA, body))
    assert "988" in reply
    # An outage is one line a text naming it, not a traceback each (the
    # driver's own error, from HELP's one read, included).
    failures = [r for r in caplog.records if r.getMessage().startswith("inbound processing")]
    assert [r.getMessage() for r in failures] == [
        "inbound processing failed: database unavailable (OperationalError)"
    ]
    assert all(r.exc_info is None for r in caplog.records if r.name.startswith("nudges"))


def test_a_crisis_message_still_gets_the_crisis_reply(broken_twilio: SignedClient) -> None:
    [reply] = messages(broken_twilio.text(ANNA_ATLANTA, "I want to end my life"))
    assert "988" in reply and "741741" in reply and "911" in reply


def test_other_messages_get_a_503_not_a_500(broken_twilio: SignedClient) -> None:
    assert broken_twilio.text(ANNA_ATLANTA, "JOIN").status_code == 503


def test_health_reports_the_outage(broken_twilio: SignedClient) -> None:
    response = broken_twilio.client.get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["database"] == "unreachable"


def test_a_status_callback_gets_a_503_not_a_500(broken_twilio: SignedClient) -> None:
    data = {"MessageSid": "SM" + "a" * 32, "MessageStatus": "delivered"}
    assert broken_twilio.post("/sms/status?outbox=1", data).status_code == 503
