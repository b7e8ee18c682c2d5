"""What the clinician sees of issue 16's replies: the account page sets how
invitations name them (never a condition), and a parent's answer to a nudge's
question shows as an answer, right after the nudge, on the page and in the CSV."""

from __future__ import annotations

from sqlalchemy import update

from messages import load_library
from nudges.clock import FrozenClock
from nudges.db.models import Outbox
from nudges.runtime import Runtime
from nudges.services.subscriptions import next_due
from scheduler.runner import tick
from tests.conftest import ANNA_ATLANTA, SignedClient
from tests.web import test_clinician_pages as pages
from tests.web.test_clinician_pages import Clinic, client_id, rows

lee, runtime = pages.lee, pages.runtime
ASKING = next(n for n in load_library().nudges if n.asks and n.lang == "en")


def test_the_account_page_sets_the_name_invitations_give(lee: Clinic, runtime: Runtime) -> None:
    page = lee.client.get("/clinician/account").data.decode()
    assert 'name="invite_name"' in page and "never a condition" in page
    saved = lee.post(
        "/clinician/account",
        "/clinician/account",
        timezone="America/New_York",
        invite_name="Dr. Lee",
    )
    assert saved.status_code == 302
    lee.invite(ANNA_ATLANTA)
    [invitation] = rows(runtime, Outbox, Outbox.kind == "invitation")
    assert (invitation.body or "").startswith("GoodEnough: Dr. Lee invited you")


def test_a_condition_in_the_name_is_refused_on_the_page(lee: Clinic, runtime: Runtime) -> None:
    refused = lee.post(
        "/clinician/account",
        "/clinician/account",
        timezone="America/Los_Angeles",
        invite_name="Postpartum Depression Care",
    )
    assert refused.status_code == 400 and "health conditions" in refused.data.decode()
    lee.invite(ANNA_ATLANTA)
    [invitation] = rows(runtime, Outbox, Outbox.kind == "invitation")
    assert "Depression" not in (invitation.body or "") and "you are invited" in (
        invitation.body or ""
    )


def test_an_answer_shows_after_the_nudge_it_answers(
    lee: Clinic, runtime: Runtime, twilio: SignedClient, clock: FrozenClock
) -> None:
    lee.invite(ANNA_ATLANTA, track="guilt", timezone="America/New_York")
    tick(runtime)
    twilio.text(ANNA_ATLANTA, "YES")
    due = next_due(runtime)
    assert due is not None
    clock.set(due)
    tick(runtime)
    # Set-up: make the nudge just sent one that asks a question.
    with runtime.db.session() as session:
        session.execute(
            update(Outbox)
            .where(Outbox.kind == "nudge")
            .values(nudge_id=ASKING.id, body=ASKING.text, state="delivered")
        )
    clock.advance(hours=2)
    reply = twilio.text(ANNA_ATLANTA, "I took two minutes on the steps").data.decode()
    assert "988" in reply and "not watched" not in reply  # thanked, not "unrecognised"
    sub_id = client_id(runtime)
    html = lee.client.get(f"/clinician/clients/{sub_id}").data.decode()
    talk = html[html.index('id="conversation"') : html.index("Consent history")]
    talk = talk.replace("&#39;", "'").replace("&#34;", '"').replace("&amp;", "&")
    assert talk.index(ASKING.text) < talk.index("answering the nudge above")
    assert talk.index("answering the nudge above") < talk.index("two minutes on the steps")
    csv_text = lee.client.get(f"/clinician/clients/{sub_id}/export.csv").data.decode()
    assert "in,answer,I took two minutes on the steps" in csv_text
