"""The weekly check-in on the clinician's side, on the console transport (where
nothing is ever "delivered"): the client row and page say "last check-in 2/5",
the chart shows the answers beside texts sent, replies, pauses and stops, in
words, numbers and patterns with a table of the same figures, and the export
has the answer in its `checkin` column."""

from __future__ import annotations

import csv
import io
import re

import pytest

from nudges.clock import FrozenClock
from nudges.db.models import Outbox
from nudges.runtime import Runtime
from nudges.services.subscriptions import next_due
from scheduler.runner import tick
from tests.conftest import ANNA_ATLANTA, SignedClient
from tests.web import test_clinician_pages as pages
from tests.web.test_clinician_pages import Clinic, client_id, rows

lee, ross, runtime = pages.lee, pages.ross, pages.runtime


def _until_the_first_checkin(
    lee: Clinic, runtime: Runtime, twilio: SignedClient, clock: FrozenClock
) -> int:
    """Anna is invited, says YES, gets her nudges at each slot, and then the
    check-in question in place of the next one, which she answers."""
    lee.invite(ANNA_ATLANTA, track="guilt", timezone="America/New_York")
    tick(runtime)
    twilio.text(ANNA_ATLANTA, "YES")
    while not rows(runtime, Outbox, Outbox.kind == "checkin"):
        due = next_due(runtime)
        assert due is not None
        clock.set(due)
        tick(runtime)
    clock.advance(hours=2)
    return client_id(runtime)


def _chart_table(html: str, chart_id: str) -> list[dict[str, str]]:
    """The rows of the chart's table fallback, by header."""
    section = html[html.index(f'id="{chart_id}-title"') :]
    table = section[section.index("<table") : section.index("</table>")]
    cells = re.findall(r'<td data-label="([^"]+)">([^<]*)</td>', table)
    rows_: list[dict[str, str]] = []
    for label, value in cells:
        if label == "Week of":
            rows_.append({})
        rows_[-1][label] = value.strip()
    return rows_


def test_a_low_answer_shows_on_the_row_the_page_and_the_chart(
    lee: Clinic, runtime: Runtime, twilio: SignedClient, clock: FrozenClock
) -> None:
    assert runtime.transport.name == "console"
    sub_id = _until_the_first_checkin(lee, runtime, twilio, clock)
    reply = twilio.text(ANNA_ATLANTA, "2")
    assert "988" in reply.data.decode() and "hard week" in reply.data.decode()

    dashboard = lee.client.get("/clinician/").data.decode()
    assert "last check-in 2/5: a hard week" in dashboard
    page = lee.client.get(f"/clinician/clients/{sub_id}").data.decode()
    assert "last check-in 2/5: a hard week" in page

    week = _chart_table(page, "client-chart")[-1]
    assert week["Check-in"] == "2/5 (hard week)"
    # Console transport: nothing is delivered, yet what went out is counted.
    assert int(week["Sent"]) >= 1 and week["Delivered"] == "0"
    assert int(week["Replies"]) >= 1
    sent = sum(int(row["Sent"]) for row in _chart_table(page, "client-chart"))
    assert sent == len(rows(runtime, Outbox, Outbox.kind.in_(("nudge", "checkin"))))
    # Readable without colour: the answer is printed, the marks are described.
    assert "2/5 low" in page
    assert "Week of" in page and "check-in 2/5; " in page and "replies (dotted)" in page
    all_clients = _chart_table(dashboard, "chart")[-1]
    assert all_clients["Check-in"] == "2/5 (hard week)"


def test_a_good_answer_is_shown_plainly_and_pauses_and_stops_are_counted(
    lee: Clinic, runtime: Runtime, twilio: SignedClient, clock: FrozenClock
) -> None:
    sub_id = _until_the_first_checkin(lee, runtime, twilio, clock)
    twilio.text(ANNA_ATLANTA, "5")
    twilio.text(ANNA_ATLANTA, "PAUSE")
    twilio.text(ANNA_ATLANTA, "STOP")
    page = lee.client.get(f"/clinician/clients/{sub_id}").data.decode()
    assert "last check-in 5/5, " in page and "5/5: a hard week" not in page
    week = _chart_table(page, "client-chart")[-1]
    assert (week["Check-in"], week["Paused"], week["Stopped"]) == ("5/5", "1", "1")


def test_the_export_has_the_answer_in_the_checkin_column(
    lee: Clinic, runtime: Runtime, twilio: SignedClient, clock: FrozenClock
) -> None:
    sub_id = _until_the_first_checkin(lee, runtime, twilio, clock)
    twilio.text(ANNA_ATLANTA, "4")
    table = list(
        csv.DictReader(
            io.StringIO(lee.client.get(f"/clinician/clients/{sub_id}/export.csv").data.decode())
        )
    )
    [question] = [row for row in table if row["kind"] == "checkin"]
    assert question["direction"] == "out" and "1 (very hard) to 5 (very good)" in question["text"]
    [answer] = [row for row in table if row["checkin"]]
    assert (answer["direction"], answer["checkin"], answer["text"]) == (
        "in",
        "4/5",
        "check-in answer: 4",
    )


def test_checkin_off_shows_on_the_client_page(
    lee: Clinic, runtime: Runtime, twilio: SignedClient
) -> None:
    lee.invite(ANNA_ATLANTA)
    twilio.text(ANNA_ATLANTA, "YES")
    twilio.text(ANNA_ATLANTA, "CHECKIN OFF")
    page = lee.client.get(f"/clinician/clients/{client_id(runtime)}").data.decode()
    assert "weekly check-ins are off" in page and "none yet" in page


def test_a_second_digit_soon_after_changes_the_answer_everywhere_the_clinician_looks(
    lee: Clinic, runtime: Runtime, twilio: SignedClient, clock: FrozenClock
) -> None:
    sub_id = _until_the_first_checkin(lee, runtime, twilio, clock)
    twilio.text(ANNA_ATLANTA, "2")
    clock.advance(minutes=5)
    reply = twilio.text(ANNA_ATLANTA, "4").data.decode()
    assert "we changed your answer to 4" in reply and "not sure" not in reply

    page = lee.client.get(f"/clinician/clients/{sub_id}").data.decode()
    assert "last check-in 4/5, " in page and "2/5: a hard week" not in page
    # One answer for the week, not the mean of the slip and the answer (3/5).
    assert _chart_table(page, "client-chart")[-1]["Check-in"] == "4/5"
    table = list(
        csv.DictReader(
            io.StringIO(lee.client.get(f"/clinician/clients/{sub_id}/export.csv").data.decode())
        )
    )
    [answer] = [row for row in table if row["checkin"]]
    assert (answer["checkin"], answer["text"]) == ("4/5", "check-in answer: 4")
    # The first digit is still in the conversation, as the answer it was, changed.
    assert "check-in answer 2, changed by their next text" in [row["text"] for row in table]

    # Changed to a hard week: the reply names 988 and the page flags it.
    clock.advance(minutes=5)
    assert "988" in twilio.text(ANNA_ATLANTA, "1").data.decode()
    page = lee.client.get(f"/clinician/clients/{sub_id}").data.decode()
    assert "last check-in 1/5: a hard week" in page

    # An hour on, a digit is not taken as a check-in answer.
    clock.advance(hours=2)
    assert "not sure what that number meant" in twilio.text(ANNA_ATLANTA, "5").data.decode()


# A black-box tester's parents, each answering the check-in in their own words:
# the score reaches the clinician and the words are kept as written.
IN_THEIR_WORDS = [
    ("ugh 2 out of 5 honestly, rough week", 2),
    ("2/5 rough week", 2),
    ("prob a 2", 2),
    ("Two", 2),
    ("honestly like a 1, my husband moved out", 1),
    ("3 i guess", 3),
    ("it was a 4 😊", 4),
    ("actually 3", 3),
]


def _export(lee: Clinic, sub_id: int) -> list[dict[str, str]]:
    page = lee.client.get(f"/clinician/clients/{sub_id}/export.csv").data.decode()
    return list(csv.DictReader(io.StringIO(page)))


@pytest.mark.parametrize(("body", "score"), IN_THEIR_WORDS)
def test_an_answer_in_the_parents_words_reaches_the_clinician(
    lee: Clinic, runtime: Runtime, twilio: SignedClient, clock: FrozenClock, body: str, score: int
) -> None:
    sub_id = _until_the_first_checkin(lee, runtime, twilio, clock)
    reply = twilio.text(ANNA_ATLANTA, body).data.decode()
    assert "automated" not in reply
    assert ("988" in reply) is (score <= 2)

    page = lee.client.get(f"/clinician/clients/{sub_id}").data.decode()
    assert f"last check-in {score}/5" in page
    [answer] = [row for row in _export(lee, sub_id) if row["checkin"]]
    assert (answer["checkin"], answer["text"]) == (f"{score}/5", body)


def test_a_1_in_a_concern_message_is_recorded_with_the_concern_reply(
    lee: Clinic, runtime: Runtime, twilio: SignedClient, clock: FrozenClock
) -> None:
    sub_id = _until_the_first_checkin(lee, runtime, twilio, clock)
    body = "1. worst week ever, i cant do this anymore"
    reply = twilio.text(ANNA_ATLANTA, body).data.decode()
    assert "a lot to carry" in reply and "988" in reply

    page = lee.client.get(f"/clinician/clients/{sub_id}").data.decode()
    assert "last check-in 1/5: a hard week" in page and "Possible alert" in page
    [answer] = [row for row in _export(lee, sub_id) if row["checkin"]]
    assert (answer["checkin"], answer["text"]) == ("1/5", body)
