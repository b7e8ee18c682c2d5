"""The scheduler waits out a database outage, recovers by itself when the
database returns, and sends nothing twice."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from nudges.clock import FrozenClock
from nudges.config import Settings
from nudges.runtime import build_runtime
from nudges.sms.transports import ConsoleTransport
from scheduler.runner import _send_job
from tests.scheduler.conftest import text
from tests.web.test_stop_during_outage import Outage


def test_the_send_job_survives_an_outage_and_sends_once_after(
    make_settings: Callable[..., Settings], clock: FrozenClock, database_url: str
) -> None:
    if not database_url.startswith("sqlite"):
        pytest.skip("the outage is simulated by moving the SQLite file away")
    console = ConsoleTransport(echo=False)
    runtime = build_runtime(make_settings(), clock=clock, transport=console)
    text(runtime, "+14045550123", "JOIN", "YES", "TIME 10am")
    clock.set(datetime(2026, 11, 25, 15, 0, tzinfo=UTC))  # Wednesday 10am in Atlanta
    app: Any = type("App", (), {"extensions": {"nudges": runtime}})()
    with Outage(app, Path(database_url.removeprefix("sqlite:///"))):
        for _ in range(3):
            _send_job(runtime)  # logs and waits; never raises, never sends
        assert console.sent == []
    clock.advance(minutes=5)
    _send_job(runtime)
    _send_job(runtime)
    assert [sms.to for sms in console.sent] == ["+14045550123"]
    runtime.db.dispose()
