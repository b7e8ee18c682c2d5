"""Two weeks of ticks with a frozen clock: once a week the check-in question
takes the place of one nudge (never a 4th text, never two on a day), on both
cadences; the answer is recorded and acknowledged; CHECKIN OFF stops it."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from messages import system_text
from nudges.clock import FrozenClock
from nudges.config import Settings
from nudges.db.models import InboundMessage, Outbox, Subscriber
from nudges.runtime import Runtime, build_runtime
from nudges.services.inbound import InboundSms, handle_inbound
from nudges.sms.transports import ConsoleTransport
from scheduler.dispatch import pick_text
from scheduler.runner import tick
from tests.conftest import ANNA_ATLANTA, CARLOS_CHICAGO
from tests.scheduler.conftest import run_due, sent

# Slow tier: two weeks of ticks every 30 minutes.
pytestmark = pytest.mark.slow

PAT_ATLANTA = "+14045550177"  # a second Eastern number
ZONES = {ANNA_ATLANTA: "America/New_York", CARLOS_CHICAGO: "America/Chicago"}


@pytest.fixture
def console(settings: Settings, clock: FrozenClock) -> Iterator[Runtime]:
    built = build_runtime(settings, clock=clock, transport=ConsoleTransport(echo=False))
    yield built
    built.db.dispose()


def text(runtime: Runtime, phone: str, *bodies: str) -> list[str]:
    replies: list[str] = []
    for body in bodies:
        sms = InboundSms(phone, body, "SM" + secrets.token_hex(16))
        replies += handle_inbound(runtime, sms).messages
    return replies


def run(runtime: Runtime, clock: FrozenClock, days: float) -> None:
    end = clock.now() + timedelta(days=days)
    while clock.now() < end:
        tick(runtime)
        clock.advance(minutes=30)


def test_one_checkin_a_week_in_place_of_a_nudge_on_both_cadences(
    console: Runtime, clock: FrozenClock
) -> None:
    text(console, ANNA_ATLANTA, "JOIN", "YES", "TIME 10am")  # 3 a week
    text(console, CARLOS_CHICAGO, "JOIN", "YES", "TIME 7:30pm", "DAILY")
    run(console, clock, 15)

    question = system_text("checkin_question", program=console.settings.program_name)
    for phone, per_week in ((ANNA_ATLANTA, 3), (CARLOS_CHICAGO, 7)):
        rows = sent(console, phone)
        zone = ZoneInfo(ZONES[phone])
        checkins = [r for r in rows if r.kind == "checkin"]
        nudges = [r for r in rows if r.kind == "nudge"]
        # Two weeks in, two check-ins, a week apart, with the question's words.
        assert len(checkins) == 2, phone
        assert all(r.nudge_id == "checkin" and r.body == question for r in checkins)
        first, second = (r.slot_at.astimezone(zone).date() for r in checkins)
        assert second - first == timedelta(days=7), phone
        # In place of a nudge: the slots are the cadence's, no more.
        days = [r.slot_at.astimezone(zone).date() for r in rows]
        assert len(days) == len(set(days)), phone  # never two texts on one local day
        for r in rows:
            window = [o for o in rows if r.slot_at <= o.slot_at < r.slot_at + timedelta(hours=24)]
            assert len(window) <= 3, phone
        weeks = {}
        for day in days:
            weeks.setdefault(day.isocalendar()[1], []).append(day)
        full_weeks = [w for w in weeks.values() if len(w) == per_week]
        assert len(full_weeks) >= 1, phone
        # The track goes on where it was: no nudge is skipped for the check-in.
        frequency = "3w" if per_week == 3 else "daily"
        expected = [pick_text("perfectionism", "en", frequency, i)[0] for i in range(len(nudges))]
        assert [r.nudge_id for r in nudges] == expected, phone
    # The 3-a-week parent: 2 nudges and 1 check-in in the second week.
    anna = sent(console, ANNA_ATLANTA)
    second_week = [r for r in anna if r.slot_at >= checkins_start(anna)]
    assert [r.kind for r in second_week[:3]] == ["checkin", "nudge", "nudge"]


def checkins_start(rows: list[Outbox]) -> datetime:
    return next(r.slot_at for r in rows if r.kind == "checkin")


def test_the_answer_is_recorded_linked_and_acknowledged(
    console: Runtime, clock: FrozenClock
) -> None:
    text(console, ANNA_ATLANTA, "JOIN", "YES", "TIME 10am")
    run_due(console, clock, 8)
    [asked] = [r for r in sent(console, ANNA_ATLANTA) if r.kind == "checkin"]
    clock.set(asked.slot_at + timedelta(hours=3))

    [reply] = text(console, ANNA_ATLANTA, "2")
    assert "988" in reply and "hard week" in reply
    [again] = text(console, ANNA_ATLANTA, "4")  # soon after: it changes the answer
    assert "we changed your answer to 4" in again
    clock.advance(hours=2)
    [late] = text(console, ANNA_ATLANTA, "3")  # the question is answered: not a second answer
    assert "not sure what that number meant" in late
    with console.db.session() as session:
        *_, answer, change, repeat = session.scalars(
            select(InboundMessage).order_by(InboundMessage.id)
        )
    # One answer, the last: the first is kept as the answer it was, changed.
    assert (answer.checkin, answer.intent, answer.follows_outbox_id) == (
        None,
        "checkin_changed:2",
        asked.id,
    )
    assert (change.checkin, change.follows_outbox_id) == (4, asked.id)
    assert (repeat.checkin, repeat.follows_outbox_id) == (None, asked.id)


def test_a_good_week_is_met_gladly(console: Runtime, clock: FrozenClock) -> None:
    text(console, ANNA_ATLANTA, "JOIN", "YES", "TIME 10am")
    run_due(console, clock, 8)
    [reply] = text(console, ANNA_ATLANTA, "5")
    assert "glad" in reply and "988" not in reply


def test_checkin_off_stops_the_question_and_nudges_take_its_place(
    console: Runtime, clock: FrozenClock
) -> None:
    text(console, ANNA_ATLANTA, "JOIN", "YES", "TIME 10am")
    [off] = text(console, ANNA_ATLANTA, "CHECKIN OFF")
    assert "CHECKIN ON" in off
    run_due(console, clock, 15)
    rows = sent(console, ANNA_ATLANTA)
    assert rows and all(r.kind == "nudge" for r in rows)
    # A digit now is no answer: no question was asked.
    [unclear] = text(console, ANNA_ATLANTA, "3")
    assert "not sure what that number meant" in unclear

    [on] = text(console, ANNA_ATLANTA, "CHECKIN ON")
    assert "CHECKIN OFF" in on
    run_due(console, clock, 3)
    assert [r.kind for r in sent(console, ANNA_ATLANTA)][len(rows)] == "checkin"


def test_one_batch_holds_a_check_in_and_a_nudge_for_the_same_slot(
    console: Runtime, clock: FrozenClock
) -> None:
    # Same zone, same time: both are due together and dispatched in one batch,
    # one asked the question (its subscriber fields move), the other sent a nudge.
    text(console, ANNA_ATLANTA, "JOIN", "YES", "TIME 10am")
    text(console, PAT_ATLANTA, "JOIN", "YES", "TIME 10am", "CHECKIN OFF")
    run_due(console, clock, 8)
    kinds = {phone: [r.kind for r in sent(console, phone)] for phone in (ANNA_ATLANTA, PAT_ATLANTA)}
    assert kinds[ANNA_ATLANTA].count("checkin") == 1
    assert "checkin" not in kinds[PAT_ATLANTA]
    assert len(kinds[ANNA_ATLANTA]) == len(kinds[PAT_ATLANTA])
    with console.db.session() as session:
        anna, pat = (
            session.scalar(select(Subscriber).where(Subscriber.phone == phone))
            for phone in (ANNA_ATLANTA, PAT_ATLANTA)
        )
        assert anna is not None and pat is not None
        assert anna.question == "checkin" and anna.last_checkin_at is not None
        assert pat.question is None and pat.last_checkin_at is None
        assert anna.nudges_sent == pat.nudges_sent - 1  # the check-in took a slot, not a nudge


@pytest.mark.parametrize("pause", ["PAUSE", "PAUSE 8"])
def test_a_parent_who_paused_before_their_first_nudge_gets_a_nudge_first(
    console: Runtime, clock: FrozenClock, pause: str
) -> None:
    """A tester paused before any nudge came, resumed a week later, and got the
    check-in ("how has this week been?") as the first text of the programme."""
    text(console, ANNA_ATLANTA, "JOIN", "YES", "TIME 10am", pause)
    run_due(console, clock, 9)
    assert sent(console, ANNA_ATLANTA) == []
    if pause == "PAUSE":
        text(console, ANNA_ATLANTA, "RESUME")
    run_due(console, clock, 8)
    kinds = [r.kind for r in sent(console, ANNA_ATLANTA)]
    assert kinds[0] == "nudge", kinds
    assert "checkin" in kinds  # the check-in still comes, after a nudge
