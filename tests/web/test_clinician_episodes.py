"""Isolation by episode: a number that was Dr Lee's invitee, then Ross's,
brings none of Lee's history to Ross; Lee keeps the alert that was raised while
the number was Lee's. Each enrolment is an episode; a clinician sees only their
own."""

from __future__ import annotations

import csv
import io
import re

from nudges.clock import FrozenClock
from nudges.db.models import AuditEvent, ConsentEvent, CrisisAlert, Episode, InboundMessage, Outbox
from nudges.runtime import Runtime
from scheduler.maintenance import maintain
from tests.conftest import ANNA_ATLANTA, SignedClient
from tests.web import test_clinician_pages as pages
from tests.web.test_clinician_pages import Clinic, client_id, rows

# The clinicians and the runtime, as fixtures, from the clinician page tests.
lee, ross, runtime = pages.lee, pages.ross, pages.runtime

CRISIS = "I cannot do this anymore, I want to die tonight"


def _lee_invitation_lapses(
    lee: Clinic, runtime: Runtime, twilio: SignedClient, clock: FrozenClock
) -> int:
    """Lee invites; before YES the parent sends a crisis text; the invitation
    expires. Returns the client's id."""
    assert lee.invite(ANNA_ATLANTA, alias="Lee alias").status_code == 302
    reply = twilio.text(ANNA_ATLANTA, CRISIS).data
    assert b"988" in reply
    clock.advance(days=8)
    maintain(runtime, clock.now())
    sub_id = client_id(runtime)
    assert lee.client.get(f"/clinician/clients/{sub_id}").status_code == 200
    return sub_id


def test_a_new_clinician_sees_nothing_of_the_last_episode(
    lee: Clinic, ross: Clinic, runtime: Runtime, twilio: SignedClient, clock: FrozenClock
) -> None:
    sub_id = _lee_invitation_lapses(lee, runtime, twilio, clock)
    assert ross.invite(ANNA_ATLANTA, alias="Ross client").status_code == 302
    assert client_id(runtime) == sub_id  # the same number, a new episode

    page = ross.client.get(f"/clinician/clients/{sub_id}").data.decode()
    assert "Ross client" in page
    assert "want to die" not in page and "Possible alert" not in page
    assert ">Alert<" not in page and "Acknowledge" not in page
    # Ross's consent history starts at Ross's invitation: none of Lee's.
    consent = page[page.index("Consent history") :]
    assert consent.count("→") == 1 and "expired" not in consent and "Dr Lee" not in consent

    export = ross.client.get(f"/clinician/clients/{sub_id}/export.csv").data.decode()
    texts = [row["text"] for row in csv.DictReader(io.StringIO(export))]
    assert len(texts) == 1 and "you are invited to get" in texts[0]  # Ross's invitation only

    audit = ross.client.get("/clinician/audit?views=1").data.decode()
    assert "Dr Lee" not in audit and "crisis detected" not in audit
    assert "expired" not in audit.lower()
    dashboard = ross.client.get("/clinician/").data.decode()
    assert "Alert:" not in dashboard and "Open alerts" not in dashboard


def test_the_first_clinician_keeps_their_unacknowledged_alert(
    lee: Clinic, ross: Clinic, runtime: Runtime, twilio: SignedClient, clock: FrozenClock
) -> None:
    sub_id = _lee_invitation_lapses(lee, runtime, twilio, clock)
    ross.invite(ANNA_ATLANTA, alias="Ross client")

    dashboard = lee.client.get("/clinician/").data.decode()
    assert "Open alerts" in dashboard
    [token] = re.findall(r"/clinician/alerts/([A-Za-z0-9_-]+)", dashboard)
    alert = lee.client.get(f"/clinician/alerts/{token}").data.decode()
    assert CRISIS in alert
    assert "Ross client" not in alert and "no longer your client" in alert
    # The client page is Ross's now.
    assert lee.client.get(f"/clinician/clients/{sub_id}").status_code == 404
    assert "Ross client" not in dashboard
    # Ross cannot open Lee's alert.
    assert ross.client.get(f"/clinician/alerts/{token}").status_code == 404
    # Lee can still acknowledge it, and lands on the dashboard.
    [row] = rows(runtime, CrisisAlert)
    done = lee.post(f"/clinician/alerts/{row.id}/acknowledge", f"/clinician/alerts/{token}")
    assert done.status_code == 302 and done.headers["Location"].endswith("/clinician/")
    assert "Open alerts" not in lee.client.get("/clinician/").data.decode()
    # Lee's audit still has Lee's episode; Ross's has none of it.
    assert "crisis detected" in lee.client.get("/clinician/audit").data.decode()


def test_every_row_carries_the_episode_it_happened_in(
    lee: Clinic, ross: Clinic, runtime: Runtime, twilio: SignedClient, clock: FrozenClock
) -> None:
    _lee_invitation_lapses(lee, runtime, twilio, clock)
    ross.invite(ANNA_ATLANTA)
    twilio.text(ANNA_ATLANTA, "YES")
    first, second = rows(runtime, Episode)
    assert (first.source, second.source) == ("invite", "invite")
    assert first.clinician_id != second.clinician_id
    for model in (ConsentEvent, InboundMessage, Outbox):
        episodes = {row.episode_id for row in rows(runtime, model)}
        assert episodes == {first.id, second.id}, model.__name__
    assert {a.episode_id for a in rows(runtime, CrisisAlert)} == {first.id}
    about_client = [e for e in rows(runtime, AuditEvent) if e.subscriber_id is not None]
    assert about_client and all(e.episode_id in (first.id, second.id) for e in about_client)


def test_a_parents_own_join_starts_an_episode(
    runtime: Runtime, twilio: SignedClient, clock: FrozenClock
) -> None:
    twilio.text(ANNA_ATLANTA, "JOIN")
    twilio.text(ANNA_ATLANTA, "JOIN")  # again while pending: the same episode
    [episode] = rows(runtime, Episode)
    assert episode.source == "join" and episode.clinician_id is None
    clock.advance(days=8)
    maintain(runtime, clock.now())
    twilio.text(ANNA_ATLANTA, "JOIN")
    assert [e.source for e in rows(runtime, Episode)] == ["join", "join"]


def test_a_nudge_written_by_the_scheduler_carries_the_episode(
    lee: Clinic, runtime: Runtime, twilio: SignedClient, clock: FrozenClock
) -> None:
    from nudges.services.subscriptions import next_due
    from scheduler.runner import tick

    lee.invite(ANNA_ATLANTA, track="guilt")
    twilio.text(ANNA_ATLANTA, "YES")
    due = next_due(runtime)
    assert due is not None
    clock.set(due)
    tick(runtime)
    [episode] = rows(runtime, Episode)
    nudges = rows(runtime, Outbox, Outbox.kind == "nudge")
    assert nudges and {n.episode_id for n in nudges} == {episode.id}
    page = lee.client.get(f"/clinician/clients/{client_id(runtime)}").data.decode()
    assert nudges[0].body and nudges[0].body in page.replace("&#39;", "'").replace("&#34;", '"')


def test_an_earlier_enrolments_open_alert_stays_open_and_says_where_it_is_from(
    lee: Clinic, runtime: Runtime, twilio: SignedClient
) -> None:
    """Lee ends a client's texts with a crisis alert not yet acknowledged; the
    parent texts HOLA and SI and is back, in a new episode. The alert does not
    vanish, nor read as this enrolment's: the row, the open alerts and the
    client page all say it is from before they re-joined, until acknowledged."""
    lee.invite(ANNA_ATLANTA)
    twilio.text(ANNA_ATLANTA, "YES")
    twilio.text(ANNA_ATLANTA, CRISIS)
    sub_id = client_id(runtime)
    client_page = f"/clinician/clients/{sub_id}"
    lee.post(f"{client_page}/end", f"{client_page}/end", confirm="yes")
    twilio.text(ANNA_ATLANTA, "hola")
    twilio.text(ANNA_ATLANTA, "SI")
    dashboard = lee.client.get("/clinician/").data.decode()
    row = re.search(rf'<tr[^>]*data-client="{sub_id}">.*?</tr>', dashboard, re.S)
    assert row is not None
    assert "1 open, from before they re-joined" in row.group(0)
    assert '<td data-label="Alerts">none</td>' not in row.group(0)
    [listed] = re.findall(r'<li class="card alert">.*?</li>', dashboard, re.S)
    assert "from before they re-joined" in listed
    page = lee.client.get(client_page).data.decode()
    assert "still open from before they re-joined" in page
    [alert] = rows(runtime, CrisisAlert)
    lee.post(f"/clinician/alerts/{alert.id}/acknowledge", client_page)
    dashboard = lee.client.get("/clinician/").data.decode()
    assert "from before they re-joined" not in dashboard
