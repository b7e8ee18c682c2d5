"""Isolation by episode and the alert page in a real browser (Debian's chromium
through Playwright), texts through the real Twilio SDK to our fake Twilio.

Dr Lee invites a number; before YES the parent sends a crisis text; the
invitation lapses; Ross invites the same number. Ross sees only his own
episode; Lee opens the alert from the link in the alert text, reveals the
number (a tel: link), and still has the alert after the number became Ross's.
Logging out ends a copied session; every page carries its security headers.
Screenshots go to test-artifacts/, and to docs/ with UPDATE_DOCS_SCREENSHOTS=1.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest

from nudges.clock import FrozenClock
from nudges.web import get_runtime
from scheduler.runner import tick
from tests.conftest import SignedClient
from tests.fakes.fake_twilio import FakeTwilio
from tests.web import test_clinician_browser as browser_tests
from tests.web.test_clinician_browser import LEE_PHONE, PARENT, log_in
from tests.web.test_simulator_browser import page as page  # noqa: F401 - the browser fixture

# Drives chromium, like the module it borrows from (a pytestmark is not imported
# with its fixtures): the conftest hook puts it in the slow tier.
pytestmark = pytest.mark.browser

world = browser_tests.world
ROOT = Path(__file__).resolve().parents[2]
CRISIS = "I cannot do this anymore, I have the pills ready"


def shoot(page: Any, name: str) -> None:
    """Into test-artifacts/ always; into docs/ (the README's pictures) on request."""
    (ROOT / "test-artifacts").mkdir(exist_ok=True)
    page.screenshot(path=str(ROOT / "test-artifacts" / f"{name}.png"), full_page=True)
    if os.environ.get("UPDATE_DOCS_SCREENSHOTS") == "1":
        page.screenshot(path=str(ROOT / "docs" / f"{name}.png"), full_page=True)


def test_a_second_clinician_sees_only_their_episode_and_the_first_keeps_the_alert(
    page: Any, world: tuple[str, Any, FakeTwilio, FrozenClock]
) -> None:
    base, app, fake, clock = world
    runtime = get_runtime(app)
    parent = SignedClient(app.test_client(), fake.auth_token, base)
    page.set_viewport_size({"width": 1000, "height": 800})

    log_in(page, base, "dr.lee@example.org", "correct horse battery")
    page.click("text=Invite a client")
    page.fill("#phone", "(404) 555-0123")
    page.fill("#alias", "Lee client")
    page.click("main button[type=submit]")
    page.wait_for_load_state()
    tick(runtime)
    assert "988" in parent.text(PARENT, CRISIS).data.decode()  # before any YES
    tick(runtime)
    [alert_text] = [m for m in fake.messages if m["To"] == LEE_PHONE]
    assert "pills" not in alert_text["Body"] and "Lee client" not in alert_text["Body"]
    link = re.search(r"(http://\S+/clinician/alerts/[A-Za-z0-9_-]+)$", alert_text["Body"])
    assert link, alert_text["Body"]

    clock.advance(days=8)  # the invitation lapses unanswered
    tick(runtime)

    ross = page.context.browser.new_context(viewport={"width": 1000, "height": 800}).new_page()
    log_in(ross, base, "ross@example.org", "another long passphrase")
    ross.click("text=Invite a client")
    ross.fill("#phone", "404-555-0123")
    ross.fill("#alias", "Ross client")
    ross.click("main button[type=submit]")
    ross.wait_for_load_state()
    assert "Invitation sent" in ross.locator("[role=status]").inner_text()
    tick(runtime)
    parent.text(PARENT, "YES")
    parent.text(PARENT, "Mornings are the hardest, but the kids laughed today")
    ross.reload()
    shown = ross.locator("main").inner_text()
    assert "pills" not in shown and "Lee client" not in shown and "Dr Lee" not in shown
    assert "No alerts." in shown and "Acknowledge" not in shown
    assert "Mornings are the hardest" in shown and "Welcome" in shown
    shoot(ross, "clinician-conversation")
    assert ross.goto(link.group(1)).status == 404  # Lee's alert is not Ross's
    ross.goto(base + "/clinician/audit")
    assert "crisis detected" not in ross.locator("main").inner_text()

    # Lee opens the alert from the link in the text: still there, still Lee's.
    response = page.goto(link.group(1))
    assert response.status == 200
    assert response.headers["cache-control"] == "no-store"
    assert response.headers["x-frame-options"] == "DENY"
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
    main = page.locator("main").inner_text()
    assert CRISIS in main and "crisis" in page.locator("dd.level").inner_text()
    assert "Sent the crisis reply" in main and "no longer your client" in main
    assert "had not said YES" in main and "Paused their nudges" not in main
    assert "Ross client" not in main and "Mornings" not in main
    page.click("text=Show number")
    page.wait_for_load_state()
    call = page.locator("a[href^='tel:']")
    assert call.get_attribute("href") == f"tel:{PARENT}"
    assert call.inner_text() == "(404) 555-0123"
    shoot(page, "clinician-alert")
    page.goto(base + "/clinician/audit")
    assert "number revealed" in page.locator("main").inner_text()
    assert "Dr Lee" in page.locator("main").inner_text()
    page.set_viewport_size({"width": 390, "height": 800})  # a phone: rows become cards
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shoot(page, "clinician-audit-phone")


def test_logout_ends_a_copied_session(
    page: Any, world: tuple[str, Any, FakeTwilio, FrozenClock]
) -> None:
    base, _app, _fake, _clock = world
    log_in(page, base, "dr.lee@example.org", "correct horse battery")
    copy = page.context.browser.new_context()
    copy.add_cookies(page.context.cookies())
    thief = copy.new_page()
    assert thief.goto(base + "/clinician/").url.endswith("/clinician/")
    page.click("text=Log out")
    page.wait_for_load_state()
    thief.goto(base + "/clinician/")
    assert "/clinician/login" in thief.url
