"""A clinician's whole day in a real browser (Debian's chromium through
Playwright), with texts going through the real Twilio SDK to our fake Twilio.

Log in; invite a client; the fake receives exactly one invitation; the parent's
signed YES makes them active; a crisis text raises the alert, pauses them and
texts the clinician without the words or the alias; another clinician gets 404;
a POST without a CSRF token gets 400. Screenshots of the dashboard and the
client page are saved under test-artifacts/.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from werkzeug.serving import make_server

from nudges.app import create_app
from nudges.clock import FrozenClock
from nudges.config import Settings
from nudges.services.clinicians import create_clinician
from nudges.web import get_runtime
from scheduler.runner import tick
from tests.conftest import SignedClient
from tests.fakes.fake_twilio import FakeTwilio
from tests.web.test_simulator_browser import page as page  # noqa: F401 - the browser fixture

# Drives chromium (slow too, by tests/conftest.py).
pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
PARENT = "+14045550123"
LEE_PHONE = "+13125550100"
CRISIS = "I can't do this anymore. I want to die"


@pytest.fixture
def world(
    make_settings: Callable[..., Settings],
) -> Iterator[tuple[str, Any, FakeTwilio, FrozenClock]]:
    clock = FrozenClock(datetime(2026, 11, 24, 15, 0, tzinfo=UTC))  # Tuesday 10am Eastern
    server = make_server("127.0.0.1", 0, Flask("placeholder"), threaded=True)
    base = f"http://127.0.0.1:{server.server_port}"
    with FakeTwilio(now=lambda: clock.now().timestamp()) as fake:
        settings = make_settings(
            SMS_TRANSPORT="twilio",
            TWILIO_ACCOUNT_SID=fake.account_sid,
            TWILIO_AUTH_TOKEN=fake.auth_token,
            TWILIO_FROM_NUMBER="+14045550100",
            TWILIO_API_BASE_URL=fake.base_url,
            PUBLIC_BASE_URL=base,
            MAX_SENDS_PER_SECOND="1000",
        )
        app = create_app({"TESTING": True}, settings=settings, clock=clock)
        server.app = app
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        runtime = get_runtime(app)
        create_clinician(
            runtime, "dr.lee@example.org", "correct horse battery", "Dr Lee", LEE_PHONE
        )
        create_clinician(runtime, "ross@example.org", "another long passphrase", "Ross")
        yield base, app, fake, clock
        server.shutdown()
        server.server_close()
        runtime.db.dispose()


def log_in(page: Any, base: str, email: str, password: str) -> None:
    page.goto(base + "/clinician/login")
    page.fill("#email", email)
    page.fill("#password", password)
    page.click("main button[type=submit]")
    page.wait_for_load_state()


def test_a_clinician_invites_a_client_and_is_alerted_to_a_crisis(
    page: Any, world: tuple[str, Any, FakeTwilio, FrozenClock]
) -> None:
    base, app, fake, clock = world
    runtime = get_runtime(app)
    parent = SignedClient(app.test_client(), fake.auth_token, base)  # signed over this URL

    log_in(page, base, "dr.lee@example.org", "correct horse battery")
    assert page.locator("h1").inner_text() == "Your clients"
    page.click("text=Invite a client")
    page.fill("#phone", "(404) 555-0123")
    page.fill("#alias", "Mum of twins")
    page.select_option("#timezone", "America/New_York")
    page.click("main button[type=submit]")
    page.wait_for_load_state()
    assert "Invitation sent" in page.locator("[role=status]").inner_text()
    assert page.locator("dd.status").inner_text() == "invited"

    tick(runtime)
    tick(runtime)
    assert [m["To"] for m in fake.messages] == [PARENT]  # exactly one invitation
    assert "you are invited to get" in fake.messages[0]["Body"]
    assert "Lee" not in fake.messages[0]["Body"]

    welcome = parent.text(PARENT, "YES").data.decode()
    assert "Welcome" in welcome and "Reply 1" in welcome
    parent.text(PARENT, "1")
    page.reload()
    assert page.locator("dd.status").inner_text() == "active"

    crisis = parent.text(PARENT, CRISIS).data.decode()
    assert "988" in crisis and "741741" in crisis
    tick(runtime)
    alert_texts = [m for m in fake.messages if m["To"] == LEE_PHONE]
    assert len(alert_texts) == 1
    assert "may need attention" in alert_texts[0]["Body"]
    assert "die" not in alert_texts[0]["Body"] and "twins" not in alert_texts[0]["Body"]

    page.goto(base + "/clinician/")
    row = page.locator("tr[data-client]")
    assert "Alert: 1 open" in row.inner_text() and "paused" in row.inner_text()
    ARTIFACTS.mkdir(exist_ok=True)
    page.set_viewport_size({"width": 1000, "height": 800})
    page.screenshot(path=str(ARTIFACTS / "dashboard.png"), full_page=True)
    page.click("text=Mum of twins")
    assert CRISIS in page.locator(".quote").inner_text()
    page.screenshot(path=str(ARTIFACTS / "client.png"), full_page=True)
    client_url = page.url
    page.click("text=Acknowledge")
    page.wait_for_load_state()
    assert "Alert acknowledged" in page.locator("[role=status]").inner_text()

    # Another clinician: 404 for this client's page.
    other = page.context.browser.new_context().new_page()
    log_in(other, base, "ross@example.org", "another long passphrase")
    assert other.goto(client_url).status == 404
    assert "Mum of twins" not in other.goto(base + "/clinician/").text()
    # A POST with the session but without the CSRF token is refused.
    forged = other.request.post(client_url + "/end", form={})
    assert forged.status == 400
