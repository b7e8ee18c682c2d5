"""Dispatch and send, end to end: the real SDK talking to our fake Twilio."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from nudges.clock import FrozenClock
from nudges.db.models import ConsentEvent, Outbox, Subscriber
from nudges.runtime import Runtime
from scheduler.runner import tick
from tests.conftest import ANNA_ATLANTA, CARLOS_CHICAGO
from tests.fakes.fake_twilio import FakeTwilio
from tests.scheduler.conftest import text

# Wednesday 25 November 2026, 10:00 in New York.
WEDNESDAY_TEN_NY = datetime(2026, 11, 25, 15, 0, tzinfo=UTC)


def subscriber(runtime: Runtime, phone: str) -> Subscriber:
    with runtime.db.session() as session:
        sub = session.scalar(select(Subscriber).where(Subscriber.phone == phone))
    assert sub is not None
    return sub


def outbox(runtime: Runtime) -> list[Outbox]:
    with runtime.db.session() as session:
        return list(session.scalars(select(Outbox).order_by(Outbox.id)))


def join(runtime: Runtime, phone: str = ANNA_ATLANTA, *more: str) -> None:
    text(runtime, phone, "JOIN", "YES", "TIME 10am", *more)


def test_a_new_parent_gets_one_nudge_at_ten_on_wednesday(
    runtime: Runtime, fake_twilio: FakeTwilio, clock: FrozenClock
) -> None:
    join(runtime)
    clock.set(WEDNESDAY_TEN_NY)
    report = tick(runtime)
    assert report.dispatch.queued == 1 and report.send.sent == 1
    [message] = fake_twilio.messages
    assert message["To"] == ANNA_ATLANTA
    assert message["ValidityPeriod"] == "3600"
    [row] = outbox(runtime)
    assert message["StatusCallback"] == f"https://nudges.example.org/sms/status?outbox={row.id}"
    assert row.nudge_id == "perf-w1-1"  # programme order: the first nudge of the track
    assert row.provider_sid == message["sid"] and row.state == "sent"


def test_a_second_tick_sends_nothing(
    runtime: Runtime, fake_twilio: FakeTwilio, clock: FrozenClock
) -> None:
    join(runtime)
    clock.set(WEDNESDAY_TEN_NY)
    tick(runtime)
    clock.advance(minutes=1)
    again = tick(runtime)
    assert again.dispatch.queued == 0 and again.send.sent == 0
    assert len(fake_twilio.messages) == 1


def test_nothing_is_sent_before_the_slot_or_on_other_days(
    runtime: Runtime, fake_twilio: FakeTwilio, clock: FrozenClock
) -> None:
    join(runtime)
    clock.set(WEDNESDAY_TEN_NY - timedelta(days=1))  # Tuesday 10:00
    tick(runtime)
    clock.set(WEDNESDAY_TEN_NY - timedelta(minutes=5))
    tick(runtime)
    assert fake_twilio.messages == []


@pytest.mark.slow  # many ticks across weeks (about 7 s)
def test_paused_and_stopped_parents_get_nothing(
    runtime: Runtime, fake_twilio: FakeTwilio, clock: FrozenClock
) -> None:
    join(runtime, ANNA_ATLANTA, "PAUSE")
    join(runtime, CARLOS_CHICAGO, "STOP")
    for hours in range(0, 24 * 7, 1):
        clock.set(WEDNESDAY_TEN_NY + timedelta(hours=hours))
        tick(runtime)
    assert fake_twilio.messages == []


def test_pause_with_days_resumes_by_itself(
    runtime: Runtime, fake_twilio: FakeTwilio, clock: FrozenClock
) -> None:
    join(runtime, ANNA_ATLANTA, "PAUSE 3")  # Monday afternoon, until Thursday afternoon
    clock.set(WEDNESDAY_TEN_NY)
    tick(runtime)
    assert fake_twilio.messages == []
    clock.set(WEDNESDAY_TEN_NY + timedelta(days=1, hours=6))  # Thursday 16:00: resumed
    tick(runtime)
    assert subscriber(runtime, ANNA_ATLANTA).state == "active"
    clock.set(WEDNESDAY_TEN_NY + timedelta(days=2))  # Friday 10:00
    tick(runtime)
    assert len(fake_twilio.messages) == 1


def test_a_pending_join_expires_after_seven_days(runtime: Runtime, clock: FrozenClock) -> None:
    text(runtime, ANNA_ATLANTA, "JOIN")
    clock.advance(days=6, hours=23)
    tick(runtime)
    assert subscriber(runtime, ANNA_ATLANTA).state == "pending"
    clock.advance(hours=2)
    tick(runtime)
    assert subscriber(runtime, ANNA_ATLANTA).state == "expired"
    with runtime.db.session() as session:
        sources = session.scalars(select(ConsentEvent.source)).all()
    assert "expiry" in sources


def test_a_slot_missed_within_the_grace_period_is_sent_late(
    runtime: Runtime, fake_twilio: FakeTwilio, clock: FrozenClock
) -> None:
    join(runtime)
    clock.set(WEDNESDAY_TEN_NY + timedelta(minutes=90))
    tick(runtime)
    assert len(fake_twilio.messages) == 1


def test_after_downtime_missed_slots_are_skipped_not_sent_in_a_burst(
    runtime: Runtime, fake_twilio: FakeTwilio, clock: FrozenClock
) -> None:
    join(runtime)
    # The scheduler was down from Monday to the next Wednesday afternoon.
    clock.set(WEDNESDAY_TEN_NY + timedelta(days=7, hours=5))
    report = tick(runtime)
    assert fake_twilio.messages == []
    assert report.dispatch.skipped == 1
    sub = subscriber(runtime, ANNA_ATLANTA)
    assert sub.next_send_at == WEDNESDAY_TEN_NY + timedelta(days=9)  # the next Friday


def test_after_a_day_without_ticks_todays_slot_due_now_is_still_sent(
    runtime: Runtime, fake_twilio: FakeTwilio, clock: FrozenClock
) -> None:
    # A daily parent; the scheduler last ran on Monday. Tuesday's slot is past its
    # grace and skipped; Wednesday's came 30 s ago and goes out (it was skipped
    # too, the first nudge coming only on Thursday).
    join(runtime, ANNA_ATLANTA, "DAILY")
    assert subscriber(runtime, ANNA_ATLANTA).next_send_at == WEDNESDAY_TEN_NY - timedelta(days=1)
    clock.set(WEDNESDAY_TEN_NY + timedelta(seconds=30))
    report = tick(runtime)
    assert (report.dispatch.queued, report.dispatch.skipped, report.send.sent) == (1, 1, 1)
    [row] = outbox(runtime)
    assert row.slot_at == WEDNESDAY_TEN_NY and row.state == "sent"
    assert row.nudge_id == "perf-w1-1"  # a skipped slot uses up no text
    assert subscriber(runtime, ANNA_ATLANTA).next_send_at == WEDNESDAY_TEN_NY + timedelta(days=1)
    clock.advance(minutes=5)
    again = tick(runtime)
    assert again.dispatch.queued == 0 and len(fake_twilio.messages) == 1


def test_after_a_long_outage_only_the_slot_within_the_grace_is_sent(
    runtime: Runtime, fake_twilio: FakeTwilio, clock: FrozenClock
) -> None:
    # Three a week, down from Monday to the Friday after next, back 90 minutes
    # after Friday's slot: five slots missed, one text (Friday's), never a burst.
    join(runtime)
    friday_ten = WEDNESDAY_TEN_NY + timedelta(days=9)
    clock.set(friday_ten + timedelta(minutes=90))
    report = tick(runtime)
    assert len(fake_twilio.messages) == 1
    [row] = outbox(runtime)
    assert row.slot_at == friday_ten
    assert subscriber(runtime, ANNA_ATLANTA).next_send_at == friday_ten + timedelta(days=3)
    assert report.dispatch.skipped == 1  # counted once per parent, as before


def test_consent_is_checked_again_at_the_moment_of_sending(
    runtime: Runtime, fake_twilio: FakeTwilio, clock: FrozenClock
) -> None:
    from scheduler.dispatch import dispatch
    from scheduler.sender import send_queued

    join(runtime)
    clock.set(WEDNESDAY_TEN_NY)
    assert dispatch(runtime, clock.now()).queued == 1
    text(runtime, ANNA_ATLANTA, "STOP")
    report = send_queued(runtime)
    assert report.skipped == 1 and fake_twilio.messages == []
    assert outbox(runtime)[0].state == "skipped"


def test_it_stops_after_21610(
    runtime: Runtime, fake_twilio: FakeTwilio, clock: FrozenClock
) -> None:
    join(runtime)
    fake_twilio.queue_errors([(400, 21610)])
    clock.set(WEDNESDAY_TEN_NY)
    tick(runtime)
    assert subscriber(runtime, ANNA_ATLANTA).state == "stopped"
    assert outbox(runtime)[0].state == "failed"
    clock.set(WEDNESDAY_TEN_NY + timedelta(days=2))
    tick(runtime)
    assert fake_twilio.requests_count == 1


def test_an_invalid_number_is_marked_unusable(
    runtime: Runtime, fake_twilio: FakeTwilio, clock: FrozenClock
) -> None:
    join(runtime)
    fake_twilio.queue_errors([(400, 21211)])
    clock.set(WEDNESDAY_TEN_NY)
    tick(runtime)
    sub = subscriber(runtime, ANNA_ATLANTA)
    assert sub.unusable_reason == "error 21211" and sub.next_send_at is None
    clock.set(WEDNESDAY_TEN_NY + timedelta(days=2))
    tick(runtime)
    assert fake_twilio.requests_count == 1


def test_30007_is_not_blindly_retried(
    runtime: Runtime, fake_twilio: FakeTwilio, clock: FrozenClock
) -> None:
    join(runtime)
    fake_twilio.queue_errors([(400, 30007)])
    clock.set(WEDNESDAY_TEN_NY)
    tick(runtime)
    for minutes in range(1, 60):
        clock.set(WEDNESDAY_TEN_NY + timedelta(minutes=minutes))
        tick(runtime)
    assert fake_twilio.requests_count == 1
    assert outbox(runtime)[0].state == "failed"


def test_a_429_is_retried_with_backoff_and_sent_once(
    runtime: Runtime, fake_twilio: FakeTwilio, clock: FrozenClock
) -> None:
    join(runtime)
    fake_twilio.queue_errors([(429, 20429), (429, 20429)])
    clock.set(WEDNESDAY_TEN_NY)
    first = tick(runtime)
    assert first.send.retried == 1
    clock.advance(seconds=10)
    assert tick(runtime).send.sent == 0  # still backing off
    clock.advance(seconds=25)
    tick(runtime)
    clock.advance(seconds=65)
    tick(runtime)
    assert len(fake_twilio.messages) == 1
    assert outbox(runtime)[0].state == "sent"


def test_transient_failures_give_up_after_the_attempt_limit(
    runtime: Runtime, fake_twilio: FakeTwilio, clock: FrozenClock
) -> None:
    join(runtime)
    fake_twilio.queue_errors([(503, None)] * 10)
    clock.set(WEDNESDAY_TEN_NY)
    for _ in range(12):
        tick(runtime)
        clock.advance(minutes=10)
    assert outbox(runtime)[0].state == "failed"
    assert fake_twilio.messages == []


def test_after_the_programme_caring_check_ins_come_about_monthly(
    runtime: Runtime, fake_twilio: FakeTwilio, clock: FrozenClock
) -> None:
    from scheduler.dispatch import _sequences

    join(runtime)
    programme_length = len(_sequences("perfectionism", "en", "3w")[0])
    with runtime.db.session() as session:
        sub = session.scalar(select(Subscriber))
        assert sub is not None
        sub.nudges_sent = programme_length - 1  # the last programme nudge is next
    clock.set(WEDNESDAY_TEN_NY)
    tick(runtime)
    assert len(fake_twilio.messages) == 1
    after = subscriber(runtime, ANNA_ATLANTA).next_send_at
    assert after is not None and after - WEDNESDAY_TEN_NY >= timedelta(days=27)
    assert after - WEDNESDAY_TEN_NY < timedelta(days=31)
    clock.set(after)
    tick(runtime)
    assert len(fake_twilio.messages) == 2
    assert fake_twilio.messages[1]["Body"].startswith("Just checking in")


@pytest.mark.parametrize(("rate", "batch"), [(0.1, 6), (1, 50), (3, 50), (100, 50), (1e9, 50)])
def test_a_sender_claims_about_a_minute_of_sends_at_a_time(rate: float, batch: int) -> None:
    # A sender killed mid-batch strands at most that many unsent rows for reconcile.
    from scheduler.sender import batch_size_for

    assert batch_size_for(rate) == batch
