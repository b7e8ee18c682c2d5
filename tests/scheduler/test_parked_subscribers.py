"""One subscriber who cannot be scheduled never stops the rest."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy import select, update

from nudges.clock import FrozenClock
from nudges.config import Settings
from nudges.db.models import AuditEvent, Subscriber
from nudges.runtime import Runtime, build_runtime
from nudges.sms.transports import ConsoleTransport
from scheduler.runner import tick
from tests.scheduler.conftest import text

GOOD = [f"+1404555{n:04d}" for n in range(5)]
HAWAII_ON_404 = "+14045559999"


def test_an_impossible_subscriber_is_parked_and_every_good_one_is_sent(
    make_settings: Callable[..., Settings], clock: FrozenClock
) -> None:
    # A narrow window: Eastern and Hawaii never share an hour of 09:00-12:00.
    settings = make_settings(SEND_WINDOW="09:00-12:00", MAX_SENDS_PER_SECOND="1000")
    console = ConsoleTransport(echo=False)
    runtime: Runtime = build_runtime(settings, clock=clock, transport=console)
    for phone in [*GOOD, HAWAII_ON_404]:
        text(runtime, phone, "JOIN", "YES", "TIME 10am")
    # As if the impossible zone got in before this rule existed (an old row):
    with runtime.db.session() as session:
        session.execute(
            update(Subscriber)
            .where(Subscriber.phone == HAWAII_ON_404)
            .values(
                timezone="Pacific/Honolulu", next_send_at=datetime(2026, 11, 25, 14, 59, tzinfo=UTC)
            )
        )
    clock.set(datetime(2026, 11, 25, 15, 0, tzinfo=UTC))  # Wednesday 10am Eastern
    report = tick(runtime)
    assert report.dispatch.parked == 1
    assert Counter(sms.to for sms in console.sent) == dict.fromkeys(GOOD, 1)
    with runtime.db.session() as session:
        parked = session.scalar(select(Subscriber).where(Subscriber.phone == HAWAII_ON_404))
        audit = session.scalars(select(AuditEvent.action)).all()
    assert parked is not None and parked.next_send_at is None
    assert "parked_no_window" in audit
    # Later ticks go on working.
    clock.set(datetime(2026, 11, 27, 15, 0, tzinfo=UTC))  # Friday
    tick(runtime)
    assert Counter(sms.to for sms in console.sent) == dict.fromkeys(GOOD, 2)
    runtime.db.dispose()


def test_setting_an_impossible_zone_is_answered_and_parked(
    make_settings: Callable[..., Settings], clock: FrozenClock
) -> None:
    settings = make_settings(SEND_WINDOW="09:00-12:00")
    runtime = build_runtime(settings, clock=clock, transport=ConsoleTransport(echo=False))
    [[*_], [*_], [reply]] = text(runtime, GOOD[0], "JOIN", "YES", "ZONE Hawaii")
    assert "on hold" in reply and "ZONE" in reply
    with runtime.db.session() as session:
        sub = session.scalar(select(Subscriber).where(Subscriber.phone == GOOD[0]))
        audit = session.scalars(select(AuditEvent.action)).all()
    assert sub is not None and sub.next_send_at is None and sub.timezone == "Pacific/Honolulu"
    assert "parked_no_window" in audit
    # Moving back to a possible zone un-parks them.
    [[again]] = text(runtime, GOOD[0], "ZONE Eastern")
    assert "Eastern" in again
    with runtime.db.session() as session:
        sub = session.scalar(select(Subscriber).where(Subscriber.phone == GOOD[0]))
    assert sub is not None and sub.next_send_at is not None
    runtime.db.dispose()
