"""The README's clinician walk, in a real browser (Debian's chromium through
Playwright) against a running test server on the console transport, as after
`make run`:

Dr Lee logs in and invites a parent; the parent, played in /dev/phone, replies
YES, picks a focus, answers a nudge and then sends a crisis text; Lee opens the
alert from the link in the alert text (read from the console transport, where
the SMS went), reveals the number, reads the whole conversation, changes the
time (the parent gets one text), exports the conversation, and Ross, another
clinician, gets 404 for every page of that client.

Screenshots go to test-artifacts/, and to docs/ (the README's pictures) with
UPDATE_DOCS_SCREENSHOTS=1.
"""

from __future__ import annotations

import csv
import io
import re
import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from werkzeug.serving import make_server

from nudges.app import create_app
from nudges.clock import FrozenClock
from nudges.config import Settings
from nudges.services.clinicians import create_clinician
from nudges.services.subscriptions import next_due
from nudges.sms.transports import ConsoleTransport
from nudges.web import get_runtime
from scheduler.runner import tick
from tests.web.test_clinician_browser import log_in
from tests.web.test_clinician_episode_browser import shoot
from tests.web.test_simulator_browser import page as page  # noqa: F401 - the browser fixture

pytestmark = pytest.mark.browser

PARENT = "+14045550123"
LEE_PHONE = "+13125550100"
CRISIS = "I can't do this anymore. I want to die"
REPLY = "That one landed. Bedtime was calmer tonight"


@pytest.fixture
def running(
    make_settings: Callable[..., Settings],
) -> Iterator[tuple[str, Any, FrozenClock]]:
    """The service as `make run` starts it: console transport, a live server."""
    clock = FrozenClock(datetime(2026, 11, 24, 15, 0, tzinfo=UTC))  # Tuesday 10am Eastern
    server = make_server("127.0.0.1", 0, lambda env, start: [], threaded=True)
    base = f"http://127.0.0.1:{server.server_port}"
    settings = make_settings(PUBLIC_BASE_URL=base, MAX_SENDS_PER_SECOND="1000")
    app = create_app({"TESTING": True}, settings=settings, clock=clock)
    server.app = app
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    runtime = get_runtime(app)
    create_clinician(runtime, "dr.lee@example.org", "correct horse battery", "Dr Lee", LEE_PHONE)
    create_clinician(runtime, "ross@example.org", "another long passphrase", "Ross")
    yield base, app, clock
    server.shutdown()
    server.server_close()
    runtime.db.dispose()


def text_as_parent(phone: Any, body: str) -> list[str]:
    """Send one text from /dev/phone; returns every service bubble since."""
    before = phone.locator("[data-who=service]").count()
    phone.fill("textarea[name=body]", body)
    phone.click("button[type=submit]")
    phone.wait_for_load_state()
    bubbles = phone.locator("[data-who=service]").all_inner_texts()
    return [b.rsplit("\n", 1)[0] for b in bubbles[before:]]


def test_the_readme_walk_from_invitation_to_alert_conversation_and_export(
    page: Any, running: tuple[str, Any, FrozenClock]
) -> None:
    base, app, clock = running
    runtime = get_runtime(app)
    transport = runtime.transport
    assert isinstance(transport, ConsoleTransport)
    page.set_viewport_size({"width": 1000, "height": 800})

    # 1. Log in and invite.
    log_in(page, base, "dr.lee@example.org", "correct horse battery")
    page.click("text=Invite a client")
    page.fill("#phone", "(404) 555-0123")
    page.fill("#alias", "Sam (Tuesdays)")
    page.select_option("#track", "")  # let the parent choose
    page.fill("#send_time", "7pm")
    if page.locator("#language").count():  # the invitation's language, where it is offered
        page.select_option("#language", "en")
    shoot(page, "clinician-invite")
    page.click("main button[type=submit]")
    page.wait_for_load_state()
    assert "Invitation sent" in page.locator("[role=status]").inner_text()
    assert page.locator("dd.status").inner_text() == "invited"
    assert "the parent chooses" in page.locator("main").inner_text()
    tick(runtime)
    [invitation] = [sms for sms in transport.sent if sms.to == PARENT]
    assert "Reply YES to start" in invitation.body

    # 2. The parent, in /dev/phone: YES, a focus, a reply to a nudge.
    phone = page.context.browser.new_context(viewport={"width": 420, "height": 800}).new_page()
    phone.goto(base + "/dev/phone")
    phone.fill("input[name=phone]", "(404) 555-0123")
    welcome = text_as_parent(phone, "YES")
    assert any("Welcome" in b for b in welcome) and any("Reply 1" in b for b in welcome)
    [focus] = text_as_parent(phone, "2")
    assert "parent guilt" in focus
    due = next_due(runtime)
    assert due is not None
    clock.set(due)
    tick(runtime)
    nudge = [sms for sms in transport.sent if sms.to == PARENT][-1]
    phone.reload()
    assert nudge.body in phone.locator("#thread").inner_text()
    text_as_parent(phone, REPLY)

    # 3. A crisis text: the crisis reply at once, and an alert text to Dr Lee.
    crisis_reply = text_as_parent(phone, CRISIS)
    assert "988" in crisis_reply[0] and "741741" in crisis_reply[0]
    shoot(phone, "parent-phone")
    tick(runtime)
    [alert_text] = [sms for sms in transport.sent if sms.to == LEE_PHONE]
    assert "want to die" not in alert_text.body and "Sam" not in alert_text.body
    link = re.search(r"(http://\S+/clinician/alerts/[A-Za-z0-9_-]+)$", alert_text.body)
    assert link, alert_text.body
    # Dr Lee's own phone in /dev/phone shows the same text, with the link.
    phone.goto(base + "/dev/phone?phone=(312) 555-0100")
    assert link.group(1) in phone.locator("[data-who=nudge]").inner_text()
    assert "Crisis alert" in phone.locator("[data-who=nudge]").inner_text()
    assert "Eastern" not in phone.locator("#thread").inner_text()  # Chicago's number: Central
    shoot(phone, "clinician-phone-alert")

    # 4. The link opens the alert; the number is one audited click away.
    page.goto(base + "/clinician/")
    assert "Alert: 1 open" in page.locator("tr[data-client]").inner_text()
    shoot(page, "clinician-dashboard")
    assert page.goto(link.group(1)).status == 200
    main = page.locator("main").inner_text()
    assert CRISIS in main and "Paused their nudges" in main
    page.click("text=Show number")
    page.wait_for_load_state()
    assert page.locator("a[href^='tel:']").get_attribute("href") == f"tel:{PARENT}"
    shoot(page, "clinician-alert")

    # 5. The whole conversation, in order, with the texts' own words.
    page.click("text=The whole conversation")
    page.wait_for_load_state()
    client_url = page.url
    conversation = page.locator("table.conversation").inner_text()
    for words in ("you are invited", "Welcome", nudge.body, REPLY, CRISIS):
        assert words in conversation, words
    assert conversation.index(REPLY) < conversation.index(CRISIS)
    # Paused by the crisis: Resume and End are offered, Pause is not.
    offered = page.locator(".actions button").all_inner_texts()
    assert "Resume texts" in offered and "Pause texts" not in offered
    shoot(page, "clinician-client")

    # 6. Resume, then move the time: the page says when texts really come,
    # and the parent gets one text saying so.
    page.click("text=Resume texts")
    page.wait_for_load_state()
    assert "Texts resumed: the next one comes around" in page.locator("[role=status]").inner_text()
    page.fill("#send_time", "6am")
    page.click("text=Save changes")
    page.wait_for_load_state()
    said = page.locator("[role=status]").inner_text()
    assert "(not 6:00am)" in said and "They will get one text saying so." in said
    tick(runtime)  # the change's text goes now, inside the window, not with the next nudge
    assert any("your clinician set your texts" in sms.body for sms in transport.sent)

    # 7. The export: the same conversation as CSV.
    with page.expect_download() as download:
        page.click("text=Export (CSV)")
    body = Path(download.value.path()).read_text(encoding="utf-8")
    exported = list(csv.DictReader(io.StringIO(body)))
    assert set(exported[0]) >= {"time", "direction", "kind", "text", "status", "checkin"}
    assert [r["status"] for r in exported if r["text"] == CRISIS] == ["crisis"]

    # 8. Another clinician sees nothing of this client.
    ross = page.context.browser.new_context().new_page()
    log_in(ross, base, "ross@example.org", "another long passphrase")
    for url in (client_url, client_url + "/export.csv", client_url + "/end", link.group(1)):
        assert ross.goto(url).status == 404, url
    ross.goto(base + "/clinician/")
    assert "Sam" not in ross.locator("main").inner_text()


def test_ending_asks_first_in_the_browser(page: Any, running: tuple[str, Any, FrozenClock]) -> None:
    base, _app, _clock = running
    page.set_viewport_size({"width": 1000, "height": 800})
    log_in(page, base, "dr.lee@example.org", "correct horse battery")
    page.click("text=Invite a client")
    page.fill("#phone", "(404) 555-0123")
    page.fill("#alias", "Sam (Tuesdays)")
    page.click("main button[type=submit]")
    page.wait_for_load_state()
    page.click("text=Cancel the invitation")
    page.wait_for_load_state()
    assert "not an opt-out" in page.locator("main").inner_text()
    shoot(page, "clinician-confirm-end")
    page.click("text=Yes, cancel the invitation")
    page.wait_for_load_state()
    assert "Invitation cancelled" in page.locator("[role=status]").inner_text()
    assert page.locator("dd.status").inner_text() == "invitation cancelled"
    page.click("text=Invite again")
    page.wait_for_load_state()
    assert page.locator("dd.status").inner_text() == "invited"
