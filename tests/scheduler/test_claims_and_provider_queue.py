"""Exactly once when a batch is slow, a callback is early, Twilio holds messages
in its queue, or our credentials stop working. Counted by the fake Twilio."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select

from nudges.clock import FrozenClock
from nudges.db.models import Heartbeat, Outbox, Subscriber
from nudges.runtime import Runtime
from nudges.services.delivery import record_status
from nudges.services.health import check
from scheduler.dispatch import dispatch
from scheduler.maintenance import maintain
from scheduler.runner import tick
from scheduler.sender import send_queued
from tests.fakes.fake_twilio import FakeTwilio
from tests.scheduler.conftest import text

WEDNESDAY_TEN_NY = datetime(2026, 11, 25, 15, 0, tzinfo=UTC)
PHONES = [f"+1404555{n:04d}" for n in range(6)]


def rows(runtime: Runtime) -> list[Outbox]:
    with runtime.db.session() as session:
        return list(session.scalars(select(Outbox).order_by(Outbox.id)))


def join_all(runtime: Runtime, phones: list[str]) -> None:
    for phone in phones:
        text(runtime, phone, "JOIN", "YES", "TIME 10am")


def test_a_batch_slower_than_the_stuck_timeout_is_never_sent_twice(
    runtime: Runtime, fake_twilio: FakeTwilio, clock: FrozenClock
) -> None:
    """Sender A takes 20 minutes over its batch (a slow provider); meanwhile a second
    scheduler runs maintenance and sends. Nobody gets two texts."""
    join_all(runtime, PHONES)
    clock.set(WEDNESDAY_TEN_NY)
    assert dispatch(runtime, clock.now()).queued == len(PHONES)
    rival_runs = []

    def slow_provider(step: str, _outbox_id: int) -> None:
        if step == "before_call":
            clock.advance(minutes=4)  # every call takes four minutes
            maintain(runtime, clock.now())
            rival_runs.append(send_queued(runtime))

    report = send_queued(runtime, hook=slow_provider)
    assert report.sent == len(PHONES)
    assert Counter(m["To"] for m in fake_twilio.messages) == dict.fromkeys(PHONES, 1)
    assert sum(r.sent for r in rival_runs) == 0
    assert all(r.state == "sent" for r in rows(runtime))


def test_an_early_delivered_callback_is_never_moved_backwards_by_a_timeout(
    runtime: Runtime, fake_twilio: FakeTwilio, clock: FrozenClock
) -> None:
    """Twilio accepted the message but our call timed out; its delivered callback
    arrives before the retry. The row stays delivered and nothing is resent."""
    join_all(runtime, PHONES[:1])
    clock.set(WEDNESDAY_TEN_NY)
    dispatch(runtime, clock.now())
    fake_twilio.fault_rate(1.0, faults=("slow_accept",))
    assert send_queued(runtime).retried == 1
    fake_twilio.fault_rate(0.0)
    [row] = rows(runtime)
    assert row.state == "queued" and row.verify_before_send
    sid = fake_twilio.messages[0]["sid"]
    assert record_status(runtime, row.id, sid, "delivered", None).changed
    for _ in range(4):
        clock.advance(minutes=2)
        tick(runtime)
    assert len(fake_twilio.messages) == 1
    [row] = rows(runtime)
    assert row.state == "delivered"


def test_a_delivered_row_claimed_by_a_sender_is_not_failed_or_requeued(
    runtime: Runtime, fake_twilio: FakeTwilio, clock: FrozenClock
) -> None:
    """The callback lands while the sender is still inside its call; the call then
    fails. The failure may not touch the row any more."""
    join_all(runtime, PHONES[:1])
    clock.set(WEDNESDAY_TEN_NY)
    dispatch(runtime, clock.now())
    fake_twilio.queue_errors([(500, None)])

    def callback_first(step: str, outbox_id: int) -> None:
        if step == "before_call":
            record_status(runtime, outbox_id, "SM" + "a" * 32, "delivered", None)

    send_queued(runtime, hook=callback_first)
    [row] = rows(runtime)
    assert row.state == "delivered"
    clock.advance(minutes=5)
    tick(runtime)
    assert fake_twilio.messages == []  # the 500 was never accepted; nothing resent


def test_a_message_still_queued_at_twilio_is_found_and_not_sent_again(
    runtime: Runtime, fake_twilio: FakeTwilio, clock: FrozenClock
) -> None:
    """Twilio accepted the message but holds it in its queue (no DateSent), and our
    answer was lost: the verification must find it anyway."""
    join_all(runtime, PHONES[:1])
    clock.set(WEDNESDAY_TEN_NY)
    fake_twilio.hold_queue()
    fake_twilio.accept_then_fail(1)
    tick(runtime)
    held = fake_twilio.resources()
    assert len(held) == 1 and held[0]["date_sent"] is None and held[0]["status"] == "queued"
    for _ in range(5):
        clock.advance(minutes=2)
        tick(runtime)
    assert len(fake_twilio.messages) == 1
    [row] = rows(runtime)
    assert row.state == "sent" and row.provider_sid == held[0]["sid"]


def test_the_fake_honours_twilios_date_sent_filter(fake_twilio: FakeTwilio) -> None:
    """The SDK's date_sent_after filter skips queued messages: the reason the
    verification may not rely on it."""
    from twilio.rest import Client

    client = Client(fake_twilio.account_sid, fake_twilio.auth_token)
    client.api.base_url = fake_twilio.base_url
    fake_twilio.hold_queue()
    client.messages.create(to=PHONES[0], from_="+14045550100", body="held")
    by_date = client.messages.list(to=PHONES[0], date_sent_after=datetime(2026, 1, 1, tzinfo=UTC))
    assert by_date == []
    assert [m.body for m in client.messages.list(to=PHONES[0])] == ["held"]
    fake_twilio.release_queue()
    by_date = client.messages.list(to=PHONES[0], date_sent_after=datetime(2026, 1, 1, tzinfo=UTC))
    assert [m.status for m in by_date] == ["sent"]


def test_30003_and_30008_are_final_and_not_resent(
    runtime: Runtime, fake_twilio: FakeTwilio, clock: FrozenClock
) -> None:
    join_all(runtime, PHONES[:2])
    clock.set(WEDNESDAY_TEN_NY)
    tick(runtime)
    for row, code in zip(rows(runtime), (30003, 30008), strict=True):
        assert row.provider_sid is not None
        record_status(runtime, row.id, row.provider_sid, "undelivered", code)
    for _ in range(10):
        clock.advance(minutes=10)
        tick(runtime)
    assert len(fake_twilio.messages) == 2
    assert [r.state for r in rows(runtime)] == ["undelivered", "undelivered"]
    with runtime.db.session() as session:
        states = set(session.scalars(select(Subscriber.state)))
    assert states == {"active"}  # the next nudge goes at its usual time


def test_a_401_stops_sending_leaves_rows_queued_and_resumes_by_itself(
    runtime: Runtime, fake_twilio: FakeTwilio, clock: FrozenClock, caplog: Any
) -> None:
    join_all(runtime, PHONES)
    clock.set(WEDNESDAY_TEN_NY)
    good_token = fake_twilio.auth_token
    fake_twilio.auth_token = "rotated"  # our token no longer works
    first = tick(runtime)
    second = tick(runtime)
    assert first.send.blocked and second.send.blocked
    assert fake_twilio.messages == []
    assert {r.state for r in rows(runtime)} == {"queued"}
    assert {r.attempts for r in rows(runtime)} == {0}
    errors = [r for r in caplog.records if r.levelname == "ERROR" and "stopped" in r.message]
    assert len(errors) == 1  # one clear error, not one per row or per tick
    healthy, report = check(runtime)
    assert not healthy and "blocked" in report["sending"]

    fake_twilio.auth_token = good_token  # the operator fixed it
    clock.advance(minutes=1)
    tick(runtime)
    assert Counter(m["To"] for m in fake_twilio.messages) == dict.fromkeys(PHONES, 1)
    healthy, report = check(runtime)
    assert healthy and "sending" not in report
    with runtime.db.session() as session:
        assert session.get(Heartbeat, "sending_blocked") is None
