"""HELP, crisis and STOP are answered within 3 seconds while the database makes
every write wait (another writer holds a lock), on SQLite and PostgreSQL alike.

The waiting work finishes once the lock goes, after its reply was sent; the
journalled copy replayed afterwards then changes nothing: each text is applied
exactly once."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import func, select, text

from nudges.db.models import AuditEvent, ConsentEvent, CrisisAlert, InboundMessage, Subscriber
from nudges.db.session import make_engine
from nudges.web import get_runtime
from scheduler.runner import tick
from tests.conftest import ANNA_ATLANTA, CARLOS_CHICAGO, PAT_PORTLAND, SignedClient, journal_path

# Slow tier: holds a write lock for seconds on purpose (replies must beat it).
pytestmark = pytest.mark.slow

REPLY_WITHIN = 3.0  # seconds: what we promise; Twilio itself gives up at 15
CRISIS_SID, STOP_SID = "SM" + "c" * 32, "SM" + "5" * 32


@contextmanager
def writes_held(database_url: str) -> Iterator[None]:
    """Another writer holds the database (SQLite) or the subscriber table
    (PostgreSQL): reads go on, every write waits."""
    if database_url.startswith("sqlite"):
        holder = sqlite3.connect(database_url.removeprefix("sqlite:///"), isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")
        try:
            yield
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        return
    engine = make_engine(database_url)
    try:
        with engine.begin() as conn:
            conn.execute(text("LOCK TABLE subscriber IN EXCLUSIVE MODE"))
            yield
    finally:
        engine.dispose()


def timed(phone: SignedClient, number: str, body: str, sid: str | None = None) -> Any:
    started = time.monotonic()
    response = phone.text(number, body, sid=sid)
    elapsed = time.monotonic() - started
    assert elapsed < REPLY_WITHIN, f"{body!r} answered in {elapsed:.1f} s"
    return response


def count(app: Any, model: Any, *where: Any) -> int:
    with get_runtime(app).db.session() as session:
        return int(session.scalar(select(func.count()).select_from(model).where(*where)) or 0)


def state(app: Any, number: str) -> str | None:
    with get_runtime(app).db.session() as session:
        sub = session.scalar(select(Subscriber).where(Subscriber.phone == number))
        return sub.state if sub else None


def wait_until(done: Any, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while not done():
        assert time.monotonic() < deadline, "the held work never finished"
        time.sleep(0.05)


def test_help_crisis_and_stop_are_answered_in_time_while_writes_wait(
    app: Any, twilio: SignedClient, database_url: str
) -> None:
    for number in (ANNA_ATLANTA, CARLOS_CHICAGO, PAT_PORTLAND):
        twilio.text(number, "JOIN")
        twilio.text(number, "YES")
    with writes_held(database_url):
        assert b"988" in timed(twilio, ANNA_ATLANTA, "HELP").data
        crisis = timed(twilio, ANNA_ATLANTA, "I want to end my life", CRISIS_SID)
        assert crisis.status_code == 200 and b"741741" in crisis.data
        stop = timed(twilio, CARLOS_CHICAGO, "STOP", STOP_SID)
        assert stop.status_code == 200 and b"unsubscribed" in stop.data
        assert timed(twilio, PAT_PORTLAND, "TIME 9am").status_code == 503
        assert journal_path().exists()
    # The held work goes on once the lock is gone, after its replies were sent...
    sids = (CRISIS_SID, STOP_SID)
    wait_until(lambda: count(app, InboundMessage, InboundMessage.message_sid.in_(sids)) == 2)
    # ...and the journalled copies, replayed now, change nothing.
    tick(get_runtime(app))
    assert not journal_path().exists()
    assert state(app, ANNA_ATLANTA) == "paused"
    assert count(app, CrisisAlert) == 1
    assert count(app, AuditEvent, AuditEvent.action == "crisis_detected") == 1
    assert state(app, CARLOS_CHICAGO) == "stopped"
    assert count(app, ConsentEvent, ConsentEvent.to_state == "stopped") == 1
