"""The alert leads somewhere: the alert text links to the alert page (an opaque
token, login required, nobody else's), which shows the words, the level and
signs, what the service already did, and the number behind an audited "show
number" with a tel: link. Flagged texts within the hour join one alert."""

from __future__ import annotations

import re
from typing import Any

from nudges.clock import FrozenClock
from nudges.db.models import AuditEvent, CrisisAlert, Outbox
from nudges.runtime import Runtime
from scheduler.runner import tick
from tests.conftest import ANNA_ATLANTA, CARLOS_CHICAGO, SignedClient
from tests.web import test_clinician_pages as pages
from tests.web.test_clinician_pages import Clinic, client_id, rows

lee, ross, runtime = pages.lee, pages.ross, pages.runtime

LINK = re.compile(r"https://nudges\.example\.org(/clinician/alerts/[A-Za-z0-9_-]+)$")


def _alert_link(runtime: Runtime) -> str:
    [text] = rows(runtime, Outbox, Outbox.kind == "alert")
    match = LINK.search(text.body or "")
    assert match, text.body
    return match.group(1)


def test_the_alert_text_links_to_the_alert_after_login(
    app: Any, lee: Clinic, runtime: Runtime, twilio: SignedClient
) -> None:
    lee.invite(ANNA_ATLANTA, alias="Mum of twins")
    twilio.text(ANNA_ATLANTA, "YES")
    twilio.text(ANNA_ATLANTA, "I have pills saved up and I want to die")
    path = _alert_link(runtime)
    [text] = rows(runtime, Outbox, Outbox.kind == "alert")
    assert "pills" not in (text.body or "") and "twins" not in (text.body or "")
    [alert] = rows(runtime, CrisisAlert)
    assert path.rsplit("/", 1)[1] == alert.token and len(alert.token or "") >= 20  # opaque

    stranger = app.test_client().get(path)
    assert stranger.status_code == 302 and "/clinician/login" in stranger.headers["Location"]

    page = lee.client.get(path)
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    html = page.data.decode()
    assert "I have pills saved up and I want to die" in html
    assert 'class="level">crisis<' in html
    assert "Sent the crisis reply" in html and "Paused their nudges" in html
    assert "We replied at once" in html and "988" in html  # the reply they got, word for word
    assert "A text to you with a link to this page is queued" in html  # not sent yet
    assert "***-0123" in html and "tel:" not in html and "555-0123" not in html


def test_show_number_is_audited_and_gives_a_tel_link(
    lee: Clinic, runtime: Runtime, twilio: SignedClient
) -> None:
    lee.invite(ANNA_ATLANTA)
    twilio.text(ANNA_ATLANTA, "YES")
    twilio.text(ANNA_ATLANTA, "I want to die")
    path = _alert_link(runtime)
    bare = lee.client.post(path + "/number", data={})
    assert bare.status_code == 400  # no CSRF token
    assert not rows(runtime, AuditEvent, AuditEvent.action == "number_revealed")
    shown = lee.post(path + "/number", path)
    assert shown.status_code == 200
    html = shown.data.decode()
    assert f'href="tel:{ANNA_ATLANTA}"' in html and "(404) 555-0123" in html
    [event] = rows(runtime, AuditEvent, AuditEvent.action == "number_revealed")
    assert event.actor.startswith("clinician:") and event.subscriber_id is not None
    audit = lee.client.get("/clinician/audit").data.decode()
    assert "number revealed" in audit and "Dr Lee" in audit


def test_another_clinician_gets_404_for_the_alert_and_its_number(
    lee: Clinic, ross: Clinic, runtime: Runtime, twilio: SignedClient
) -> None:
    lee.invite(ANNA_ATLANTA)
    twilio.text(ANNA_ATLANTA, "YES")
    twilio.text(ANNA_ATLANTA, "I want to die")
    path = _alert_link(runtime)
    assert ross.client.get(path).status_code == 404
    assert ross.post(path + "/number", "/clinician/").status_code == 404
    assert ross.client.get("/clinician/alerts/not-a-real-token-at-all").status_code == 404
    assert not rows(runtime, AuditEvent, AuditEvent.action == "number_revealed")


def test_texts_within_the_hour_join_one_alert_and_a_later_one_starts_another(
    lee: Clinic, runtime: Runtime, twilio: SignedClient, clock: FrozenClock
) -> None:
    lee.invite(ANNA_ATLANTA)
    twilio.text(ANNA_ATLANTA, "YES")
    twilio.text(ANNA_ATLANTA, "honestly nothing is ever going to get better for me")
    clock.advance(minutes=20)
    twilio.text(ANNA_ATLANTA, "I want to die")
    [alert] = rows(runtime, CrisisAlert)
    assert alert.tier == "crisis"  # the concern became a crisis: the clinician is texted
    path = _alert_link(runtime)
    html = lee.client.get(path).data.decode()
    assert "nothing is ever going to get better" in html and "I want to die" in html
    assert html.index("nothing is ever") < html.index("I want to die")
    clock.advance(hours=2)
    twilio.text(ANNA_ATLANTA, "I want to die")
    assert len(rows(runtime, CrisisAlert)) == 2


def test_a_concern_alert_page_says_no_text_was_sent(
    lee: Clinic, runtime: Runtime, twilio: SignedClient
) -> None:
    lee.invite(ANNA_ATLANTA)
    twilio.text(ANNA_ATLANTA, "YES")
    twilio.text(ANNA_ATLANTA, "honestly nothing is ever going to get better for me")
    assert rows(runtime, Outbox, Outbox.kind == "alert") == []
    dashboard = lee.client.get("/clinician/").data.decode()
    [path] = re.findall(r'href="(/clinician/alerts/[A-Za-z0-9_-]+)"', dashboard)
    html = lee.client.get(path).data.decode()
    assert "Possible alert" in html and "Held their nudges for 24 hours" in html
    assert "Did not text you" in html and "Paused their nudges" not in html


def _consent_history(html: str) -> list[tuple[str, str]]:
    """(change, by) of each row of the client page's consent history."""
    table = html[html.index("Consent history") :]
    return re.findall(
        r'<td data-label="Change">([^<]*)</td><td data-label="By">([^<]*)</td>', table
    )


def test_the_consent_history_tells_a_concern_hold_from_a_crisis_pause(
    lee: Clinic, runtime: Runtime, twilio: SignedClient
) -> None:
    """A tester saw a concern's 24-hour hold labelled "By: crisis"."""
    lee.invite(ANNA_ATLANTA, alias="Anna")
    twilio.text(ANNA_ATLANTA, "YES")
    twilio.text(ANNA_ATLANTA, "honestly nothing is ever going to get better for me")
    lee.invite(CARLOS_CHICAGO, alias="Carlos")
    twilio.text(CARLOS_CHICAGO, "YES")
    twilio.text(CARLOS_CHICAGO, "I have pills saved up and I want to die")
    concern = lee.client.get(f"/clinician/clients/{client_id(runtime)}").data.decode()
    crisis = lee.client.get(f"/clinician/clients/{client_id(runtime, CARLOS_CHICAGO)}")
    assert _consent_history(concern)[-1] == ("active → paused", "concern check")
    assert _consent_history(crisis.data.decode())[-1] == ("active → paused", "crisis pause")
    # The dashboard and the alert pages still say what each did.
    dashboard = lee.client.get("/clinician/").data.decode()
    assert "Possible alert" in dashboard
    paths = re.findall(r'href="(/clinician/alerts/[A-Za-z0-9_-]+)"', dashboard)
    pages = [lee.client.get(path).data.decode() for path in paths]
    assert sum("Held their nudges for 24 hours" in page for page in pages) == 1
    assert sum("Paused their nudges" in page for page in pages) == 1


def test_the_alert_page_says_when_the_link_was_sent_or_that_it_is_still_queued_or_failed(
    lee: Clinic, runtime: Runtime, twilio: SignedClient, clock: FrozenClock
) -> None:
    """A tester read "texted you a link at 3:00pm": the time the text was queued,
    though the sender sent it later."""
    lee.invite(ANNA_ATLANTA)
    twilio.text(ANNA_ATLANTA, "YES")
    twilio.text(ANNA_ATLANTA, "I have pills saved up and I want to die")  # 3:00pm Eastern
    path = _alert_link(runtime)
    queued = lee.client.get(path).data.decode()
    assert "Texted you a link" not in queued
    assert "A text to you with a link to this page is queued: not sent yet" in queued
    clock.advance(minutes=7)
    tick(runtime)
    [text] = rows(runtime, Outbox, Outbox.kind == "alert")
    assert text.state == "sent"
    sent = lee.client.get(path).data.decode()
    assert "Texted you a link to this page at Mon Nov 23, 3:07pm Eastern" in sent
    assert "3:00pm Eastern (without" not in sent and "queued" not in sent
    # The carrier could not deliver it: the page says so.
    clock.advance(minutes=1)
    twilio.post(
        f"/sms/status?outbox={text.id}",
        {
            "MessageSid": text.provider_sid or "",
            "MessageStatus": "undelivered",
            "ErrorCode": "30003",
        },
    )
    failed = lee.client.get(path).data.decode()
    assert "Texted you a link" not in failed
    assert "The text to you with a link to this page could not be delivered" in failed


def _alert_cards(html: str) -> list[str]:
    """The words of each alert card on the client page, newest first."""
    cards = re.findall(r'<div class="card[^"]*" data-alert="\d+">(.*?)</div>', html, re.S)
    return [" ".join(re.sub(r"<[^>]+>", " ", card).split()) for card in cards]


def test_an_alert_says_what_was_done_when_it_was_raised_after_a_later_end(
    lee: Clinic, runtime: Runtime, twilio: SignedClient, clock: FrozenClock
) -> None:
    """A tester ended a client's texts after two alerts, and the first alert's
    description changed to say the texts were ended."""
    lee.invite(ANNA_ATLANTA)
    twilio.text(ANNA_ATLANTA, "YES")
    twilio.text(ANNA_ATLANTA, "I have pills saved up and I want to die")
    first = _alert_link(runtime)
    client_page = f"/clinician/clients/{client_id(runtime)}"
    before = lee.client.get(first).data.decode()
    cards_before = _alert_cards(lee.client.get(client_page).data.decode())
    clock.advance(hours=2)
    twilio.text(ANNA_ATLANTA, "I want to die")  # a second alert, an hour on
    clock.advance(minutes=10)
    lee.post(f"{client_page}/end", f"{client_page}/end", confirm="yes")

    after = lee.client.get(first).data.decode()
    did = re.compile(r'<ul class="did">(.*?)</ul>', re.S)
    assert did.findall(after) == did.findall(before)
    assert "Paused their nudges until you or they resume them" in after
    cards = _alert_cards(lee.client.get(client_page).data.decode())
    assert len(cards) == 2 and cards[1].startswith(cards_before[0].split(" Acknowledge")[0])

    assert all("paused until you or they resume them" in card for card in cards)
    assert not any("ended" in card for card in cards)
