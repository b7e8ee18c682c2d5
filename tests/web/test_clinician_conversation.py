"""The conversation of the current episode, in the clinician's zone: nudges as
sent (their words), the service's replies, the parent's messages (their words
until MESSAGE_RETENTION_DAYS, then "text deleted"), each with its delivery
status or crisis level; the same as CSV; dates in the viewer's zone; actors by
name; the audit log filterable, page views hidden by default."""

from __future__ import annotations

import csv
import io

from nudges.clock import FrozenClock
from nudges.db.models import Outbox
from nudges.runtime import Runtime
from nudges.services.subscriptions import next_due
from scheduler.runner import tick
from tests.conftest import ANNA_ATLANTA, HANA_HONOLULU, SignedClient
from tests.web import test_clinician_pages as pages
from tests.web.test_clinician_pages import Clinic, client_id, rows

lee, ross, runtime = pages.lee, pages.ross, pages.runtime


def _a_week_of_texts(
    lee: Clinic, runtime: Runtime, twilio: SignedClient, clock: FrozenClock
) -> int:
    lee.invite(ANNA_ATLANTA, track="guilt", timezone="America/New_York")
    tick(runtime)  # the invitation goes (Monday 3pm Eastern: inside the window)
    twilio.text(ANNA_ATLANTA, "YES")
    clock.advance(minutes=5)
    twilio.text(ANNA_ATLANTA, "thanks, the mornings are the hardest")
    due = next_due(runtime)
    assert due is not None
    clock.set(due)
    tick(runtime)
    clock.advance(minutes=30)
    twilio.text(ANNA_ATLANTA, "I want to die")
    return client_id(runtime)


def test_the_client_page_shows_every_text_in_order(
    lee: Clinic, runtime: Runtime, twilio: SignedClient, clock: FrozenClock
) -> None:
    sub_id = _a_week_of_texts(lee, runtime, twilio, clock)
    [nudge] = rows(runtime, Outbox, Outbox.kind == "nudge")
    html = lee.client.get(f"/clinician/clients/{sub_id}").data.decode()
    talk = html[html.index('id="conversation"') : html.index("Consent history")]
    talk = talk.replace("&#39;", "'").replace("&#34;", '"').replace("&amp;", "&")
    order = [
        talk.index("you are invited to get"),  # the invitation, as sent
        talk.index(">YES<"),  # the parent's keyword
        talk.index("Welcome"),  # the service's reply to it
        talk.index("the mornings are the hardest"),
        talk.index(nudge.body or "?"),  # the nudge, with its words
        talk.index("I want to die"),
    ]
    assert order == sorted(order)
    # The crisis reply is the row right after the crisis text.
    after = talk[talk.index("I want to die") :]
    assert "741741" in after.split("</tr>")[1] and "sent as the reply" in after.split("</tr>")[1]
    assert ">ordinary<" in talk and ">crisis<" in talk and ">keyword<" in talk
    assert ">sent<" in talk or ">delivered<" in talk or ">queued<" in talk
    assert "Eastern" in talk and "UTC" not in talk


def test_the_export_has_the_same_conversation(
    lee: Clinic, runtime: Runtime, twilio: SignedClient, clock: FrozenClock
) -> None:
    sub_id = _a_week_of_texts(lee, runtime, twilio, clock)
    response = lee.client.get(f"/clinician/clients/{sub_id}/export.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    table = list(csv.DictReader(io.StringIO(response.data.decode())))
    assert list(table[0]) == ["time", "direction", "kind", "text", "status", "checkin"]
    kinds = [(row["direction"], row["kind"]) for row in table]
    assert kinds[0] == ("out", "invitation") and ("out", "nudge") in kinds
    assert ("in", "message") in kinds and ("out", "reply") in kinds
    assert [row["text"] for row in table if row["status"] == "crisis"] == ["I want to die"]
    assert all(row["checkin"] == "" for row in table)
    assert table[0]["time"].endswith("-05:00")  # the clinician's zone (Eastern, November)
    audit = lee.client.get("/clinician/audit").data.decode()
    assert "conversation exported" in audit


def test_a_formula_in_a_parents_text_is_not_run_by_a_spreadsheet(
    lee: Clinic, runtime: Runtime, twilio: SignedClient
) -> None:
    lee.invite(ANNA_ATLANTA)
    twilio.text(ANNA_ATLANTA, "YES")
    twilio.text(ANNA_ATLANTA, '=HYPERLINK("http://x") hello')
    exported = lee.client.get(f"/clinician/clients/{client_id(runtime)}/export.csv").data
    assert b"'=HYPERLINK" in exported


def test_the_parents_words_read_text_deleted_after_retention(
    lee: Clinic, runtime: Runtime, twilio: SignedClient, clock: FrozenClock
) -> None:
    lee.invite(ANNA_ATLANTA)
    twilio.text(ANNA_ATLANTA, "YES")
    twilio.text(ANNA_ATLANTA, "the mornings are the hardest")
    clock.advance(days=runtime.settings.message_retention_days + 1)
    tick(runtime)
    html = lee.client.get(f"/clinician/clients/{client_id(runtime)}").data.decode()
    assert "the mornings are the hardest" not in html and "text deleted" in html
    assert "you are invited to get" in html  # our own words are not the parent's


def test_times_are_in_the_viewers_zone_with_the_clients_beside(
    lee: Clinic, runtime: Runtime
) -> None:
    # Monday 20:00 UTC: 3:00pm for Dr Lee (Eastern by default), 10:00am in Honolulu.
    lee.invite(HANA_HONOLULU, timezone="Pacific/Honolulu")
    page = f"/clinician/clients/{client_id(runtime, HANA_HONOLULU)}"
    html = lee.client.get(page).data.decode()
    assert "Mon Nov 23, 3:00pm Eastern" in html
    assert "their time: Mon Nov 23, 10:00am Hawaii" in html
    assert lee.post("/clinician/account", "/clinician/account", timezone="America/Los_Angeles")
    html = lee.client.get(page).data.decode()
    assert "Mon Nov 23, 12:00pm Pacific" in html and "3:00pm Eastern" not in html
    audit = lee.client.get("/clinician/audit").data.decode()
    assert "12:00pm Pacific" in audit and "UTC" not in audit


def test_the_audit_log_names_people_and_hides_page_views_unless_asked(
    lee: Clinic, runtime: Runtime, twilio: SignedClient
) -> None:
    lee.invite(ANNA_ATLANTA)
    twilio.text(ANNA_ATLANTA, "YES")
    twilio.text(ANNA_ATLANTA, "I want to die")  # the service audits what it did
    lee.client.get(f"/clinician/clients/{client_id(runtime)}")
    audit = lee.client.get("/clinician/audit").data.decode()
    assert "Dr Lee" in audit and "clinician:" not in audit
    assert "the parent (by text)" in audit and "crisis detected" in audit
    assert "client viewed" not in audit.split('<table class="audit', 1)[1]
    with_views = lee.client.get("/clinician/audit?views=1").data.decode()
    assert "client viewed" in with_views.split('<table class="audit', 1)[1]
    only = lee.client.get("/clinician/audit?action=invited").data.decode()
    body = only.split('<table class="audit', 1)[1]
    assert "invited" in body and ">login<" not in body
    assert 'class="audit stack-on-phone"' in audit  # cards on a phone (see style.css)


REFUSED = "a number we did not take as a choice"


def test_a_number_the_service_did_not_take_is_not_shown_as_a_focus_choice(
    lee: Clinic, runtime: Runtime, twilio: SignedClient, clock: FrozenClock
) -> None:
    """A tester's "3", answered "not sure what that number meant", read "a focus
    choice" on the client page and in the export."""
    lee.invite(ANNA_ATLANTA, alias="Anna")
    twilio.text(ANNA_ATLANTA, "YES")
    twilio.text(ANNA_ATLANTA, "2")  # the focus question is open: taken
    clock.advance(days=2)
    twilio.text(ANNA_ATLANTA, "3")  # nothing open: refused
    sub_id = client_id(runtime)
    table = list(
        csv.DictReader(
            io.StringIO(lee.client.get(f"/clinician/clients/{sub_id}/export.csv").data.decode())
        )
    )
    theirs = [row["text"] for row in table if row["direction"] == "in"]
    assert theirs[1] == "a focus choice"  # the 2
    assert theirs[2] == REFUSED
    html = lee.client.get(f"/clinician/clients/{sub_id}").data.decode()
    assert html.count(">a focus choice<") == 1 and html.count(f">{REFUSED}<") == 1
    texts = [row["text"] for row in table]
    assert "not sure what that number meant" in texts[texts.index(REFUSED) + 1]  # its reply
