"""Send capacity an operator can see: when the configured rate cannot send the
busiest slot of the coming week within its grace, /healthz warns (and stays
200), a metric says how long it needs, and one log line says so."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import event, insert

from nudges.app import create_app
from nudges.clock import FrozenClock
from nudges.config import Settings
from nudges.db.models import Subscriber
from nudges.runtime import Runtime
from nudges.web import get_runtime
from scheduler.capacity import check_capacity
from scheduler.runner import tick

# Wednesday 25 November 2026, noon in New York: the default time, a round hour.
WEDNESDAY_NOON_NY = datetime(2026, 11, 25, 17, 0, tzinfo=UTC)


@pytest.fixture
def metered(make_settings: Callable[..., Settings], clock: FrozenClock) -> Iterator[Any]:
    settings = make_settings(METRICS_ENABLED="true", MAX_SENDS_PER_SECOND="1")
    app = create_app({"TESTING": True}, settings=settings, clock=clock)
    yield app
    get_runtime(app).db.dispose()


def crowd(runtime: Runtime, count: int, at: datetime = WEDNESDAY_NOON_NY) -> None:
    """`count` active parents whose next nudge is at `at` (three a week, New York)."""
    now = runtime.clock.now()
    with runtime.db.session() as session:
        session.execute(
            insert(Subscriber),
            [
                {
                    "phone": f"+1404{2000000 + i:07d}",
                    "state": "active",
                    "state_changed_at": now,
                    "timezone": "America/New_York",
                    "send_minute": 12 * 60,
                    "frequency": "3w",
                    "track": "perfectionism",
                    "lang": "en",
                    "nudges_sent": 0,
                    "next_send_at": at,
                    "created_at": now,
                }
                for i in range(count)
            ],
        )


def gauge(text: str, name: str) -> float:
    match = re.search(rf"^{re.escape(name)} ([0-9.e+-]+)$", text, re.M)
    assert match, name
    return float(match.group(1))


def test_a_slot_too_big_for_the_rate_warns_in_healthz_a_metric_and_one_log_line(
    metered: Any, clock: FrozenClock, caplog: pytest.LogCaptureFixture
) -> None:
    runtime = get_runtime(metered)
    crowd(runtime, 7300)  # 1 a second sends 7,200 in the 2-hour grace
    with caplog.at_level(logging.WARNING, logger="scheduler.capacity"):
        check_capacity(runtime, clock.now())
        clock.advance(minutes=5)
        check_capacity(runtime, clock.now())  # the same slot again: not logged again
    [line] = [r.getMessage() for r in caplog.records if r.name == "scheduler.capacity"]
    assert "7,300 parents due" in line and "2h01m" in line and "MAX_SENDS_PER_SECOND" in line
    assert "+1404" not in line

    client = metered.test_client()
    health = client.get("/healthz")
    assert health.status_code == 200  # a warning, not a failure
    report = health.get_json()
    assert report["status"] == "ok"
    assert report["capacity"]["busiest_slot"] == WEDNESDAY_NOON_NY.isoformat()
    assert (report["capacity"]["due"], report["capacity"]["send_seconds"]) == (7300, 7300)
    assert report["capacity"]["grace_seconds"] == 7200
    [warning] = report["warnings"]
    assert "Wed 2026-11-25 17:00 UTC" in warning

    text = client.get("/metrics").data.decode()
    assert gauge(text, "nudges_busiest_slot_due") == 7300
    assert gauge(text, "nudges_busiest_slot_send_seconds") == 7300
    assert gauge(text, "nudges_busiest_slot_grace_seconds") == 7200


def test_a_slot_that_fits_shows_its_figures_after_a_tick_and_warns_of_nothing(
    metered: Any, caplog: pytest.LogCaptureFixture
) -> None:
    runtime = get_runtime(metered)
    crowd(runtime, 50)
    with caplog.at_level(logging.WARNING, logger="scheduler.capacity"):
        tick(runtime)
    assert not [r for r in caplog.records if r.name == "scheduler.capacity"]
    report = metered.test_client().get("/healthz").get_json()
    assert report["capacity"]["due"] == 50 and report["capacity"]["send_seconds"] == 50
    assert "warnings" not in report


def test_the_check_is_one_grouped_query_on_the_subscriber_table(
    metered: Any, clock: FrozenClock
) -> None:
    runtime = get_runtime(metered)
    crowd(runtime, 300)
    statements: list[str] = []

    def note(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(statement)

    engine = runtime.db.engine
    event.listen(engine, "before_cursor_execute", note)
    try:
        capacity = check_capacity(runtime, clock.now())
    finally:
        event.remove(engine, "before_cursor_execute", note)
    assert capacity.due == 300
    [query] = [s for s in statements if "FROM subscriber" in s]
    assert "GROUP BY" in query
