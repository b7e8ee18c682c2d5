"""The scheduler waits out a database outage, recovers by itself when the
database returns, and sends nothing twice."""

from __future__ import annotations

from datetime import UTC, datetime

from nudges.clock import FrozenClock
from nudges.runtime import build_runtime
from nudges.sms.transports import ConsoleTransport
from scheduler.runner import _send_job
from tests.conftest import DatabaseOutage
from tests.scheduler.conftest import text


def test_the_send_job_survives_an_outage_and_sends_once_after(
    outage: DatabaseOutage, clock: FrozenClock
) -> None:
    console = ConsoleTransport(echo=False)
    runtime = build_runtime(outage.settings, clock=clock, transport=console)
    outage.watch(runtime)
    text(runtime, "+14045550123", "JOIN", "YES", "TIME 10am")
    clock.set(datetime(2026, 11, 25, 15, 0, tzinfo=UTC))  # Wednesday 10am in Atlanta
    with outage:
        for _ in range(3):
            _send_job(runtime)  # logs and waits; never raises, never sends
        assert console.sent == []
    clock.advance(minutes=5)
    _send_job(runtime)
    _send_job(runtime)
    assert [sms.to for sms in console.sent] == ["+14045550123"]
    runtime.db.dispose()
