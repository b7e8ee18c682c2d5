"""Exactly once, counted by the fake Twilio server, when the sender dies mid-send
or Twilio misbehaves."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from nudges.clock import FrozenClock
from nudges.db.models import Outbox
from nudges.runtime import Runtime
from scheduler.dispatch import dispatch
from scheduler.runner import tick
from scheduler.sender import send_queued
from tests.fakes.fake_twilio import FakeTwilio
from tests.scheduler.conftest import text

WEDNESDAY_TEN_NY = datetime(2026, 11, 25, 15, 0, tzinfo=UTC)


class Crash(BaseException):
    """Stands for the process dying: nothing catches it, the transaction is lost."""


def crash_at(step: str):  # type: ignore[no-untyped-def]
    def hook(at: str, _outbox_id: int) -> None:
        if at == step:
            raise Crash(step)

    return hook


def rows(runtime: Runtime) -> list[Outbox]:
    with runtime.db.session() as session:
        return list(session.scalars(select(Outbox)))


@pytest.mark.parametrize("step", ["before_call", "after_accept", "before_commit"])
def test_a_sender_killed_at_any_step_still_delivers_exactly_once(
    runtime: Runtime, fake_twilio: FakeTwilio, clock: FrozenClock, step: str
) -> None:
    text(runtime, "+14045550123", "JOIN", "YES", "TIME 10am")
    clock.set(WEDNESDAY_TEN_NY)
    assert dispatch(runtime, clock.now()).queued == 1
    with pytest.raises(Crash):
        send_queued(runtime, hook=crash_at(step))
    accepted_before_restart = len(fake_twilio.messages)
    assert accepted_before_restart == (0 if step == "before_call" else 1)

    # Restarted a minute later: the row is claimed by the dead sender; nothing resends it.
    clock.advance(minutes=1)
    tick(runtime)
    assert len(fake_twilio.messages) == accepted_before_restart
    # After the stuck timeout, reconcile asks Twilio before sending again.
    clock.advance(minutes=20)
    tick(runtime)
    clock.advance(minutes=1)
    tick(runtime)
    assert len(fake_twilio.messages) == 1
    [row] = rows(runtime)
    assert row.state == "sent"
    assert row.provider_sid == fake_twilio.messages[0]["sid"]


def test_an_accepted_message_whose_answer_was_lost_is_not_sent_again(
    runtime: Runtime, fake_twilio: FakeTwilio, clock: FrozenClock
) -> None:
    text(runtime, "+14045550123", "JOIN", "YES", "TIME 10am")
    fake_twilio.accept_then_fail(1)
    clock.set(WEDNESDAY_TEN_NY)
    tick(runtime)
    for _ in range(5):
        clock.advance(minutes=2)
        tick(runtime)
    assert len(fake_twilio.messages) == 1
    [row] = rows(runtime)
    assert row.state == "sent" and row.provider_sid == fake_twilio.messages[0]["sid"]


@pytest.mark.slow  # every timeout waits out the client's timeout (about 10 s)
def test_with_a_fifth_of_calls_failing_everything_is_sent_exactly_once(
    runtime: Runtime, fake_twilio: FakeTwilio, clock: FrozenClock
) -> None:
    phones = [f"+1404555{n:04d}" for n in range(30)]
    for phone in phones:
        text(runtime, phone, "JOIN", "YES", "TIME 10am", "DAILY")
    fake_twilio.fault_rate(0.2, seed=7, faults=("429", "500", "timeout", "slow_accept"))
    start = datetime(2026, 11, 24, 15, 0, tzinfo=UTC)  # Tuesday 10:00 New York
    for day in range(3):
        clock.set(start + timedelta(days=day))
        for _ in range(40):  # every 3 minutes for two hours
            tick(runtime)
            clock.advance(minutes=3)
    per_number = Counter(m["To"] for m in fake_twilio.messages)
    assert per_number == dict.fromkeys(phones, 3)
    assert all(r.state == "sent" for r in rows(runtime))
    assert len({m["sid"] for m in fake_twilio.messages}) == len(fake_twilio.messages)
    # The faults really happened: more calls than messages.
    assert fake_twilio.requests_count > len(fake_twilio.messages) + 10
