"""HELP, crisis and STOP through the signed webhook while PostgreSQL, behind a
loopback proxy, refuses connections or stalls (connections open, nothing
answers): each answered within 3 seconds, other texts a 503, and the STOP and
the crisis applied, once, after the database is back."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError

from nudges.app import create_app
from nudges.clock import FrozenClock
from nudges.config import Settings
from nudges.db.models import AuditEvent, ConsentEvent, CrisisAlert, InboundMessage, Subscriber
from nudges.web import get_runtime
from scheduler.runner import tick
from tests.conftest import (
    ANNA_ATLANTA,
    CARLOS_CHICAGO,
    PAT_PORTLAND,
    SECRET_KEY,
    SignedClient,
    journal_path,
)

pytestmark = pytest.mark.postgres

REPLY_WITHIN = 3.0  # seconds: what we promise; Twilio itself gives up at 15
CRISIS_SID, STOP_SID = "SM" + "c" * 32, "SM" + "5" * 32


@pytest.fixture
def proxied_app(proxied: tuple[Settings, Any], clock: FrozenClock) -> Iterator[tuple[Any, Any]]:
    settings, proxy = proxied
    app = create_app({"TESTING": True}, settings=settings, clock=clock)
    yield app, proxy
    proxy.restore()
    get_runtime(app).db.dispose()


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


def settles(check: Callable[[], bool], app: Any, seconds: float = 20) -> None:
    """Ticks (which replay the journal) until `check` holds: work held by the
    stall may hold the replay for a moment after the database is back."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            tick(get_runtime(app))
            if check():
                return
        except SQLAlchemyError:
            pass  # a connection the stall left broken; the next try gets a fresh one
        assert time.monotonic() < deadline, "never applied after the database came back"
        time.sleep(0.1)


@pytest.mark.parametrize("failure", ["stall", "cut"])
def test_help_crisis_and_stop_are_answered_in_time_and_applied_once_after(
    proxied_app: tuple[Any, Any], failure: str
) -> None:
    app, proxy = proxied_app
    phone = SignedClient(app.test_client(), SECRET_KEY)
    for number in (ANNA_ATLANTA, CARLOS_CHICAGO, PAT_PORTLAND):
        phone.text(number, "JOIN")
        phone.text(number, "YES")
    getattr(proxy, failure)()  # proxy.stall() or proxy.cut()
    assert b"988" in timed(phone, ANNA_ATLANTA, "HELP").data
    crisis = timed(phone, ANNA_ATLANTA, "I want to end my life", CRISIS_SID)
    assert crisis.status_code == 200 and b"741741" in crisis.data
    stop = timed(phone, CARLOS_CHICAGO, "STOP", STOP_SID)
    assert stop.status_code == 200 and b"unsubscribed" in stop.data
    assert timed(phone, PAT_PORTLAND, "TIME 9am").status_code == 503
    proxy.restore()

    def applied() -> bool:
        journal = journal_path()
        gone = not journal.exists() and not journal.with_name(journal.name + ".replaying").exists()
        return (
            gone
            and state(app, ANNA_ATLANTA) == "paused"
            and state(app, CARLOS_CHICAGO) == "stopped"
        )

    settles(applied, app)
    assert count(app, CrisisAlert) == 1
    assert count(app, AuditEvent, AuditEvent.action == "crisis_detected") == 1
    assert count(app, ConsentEvent, ConsentEvent.to_state == "stopped") == 1
    assert count(app, InboundMessage, InboundMessage.message_sid.in_([CRISIS_SID, STOP_SID])) == 2


def test_a_crisis_whose_stalled_work_finishes_after_the_reply_is_applied_once(
    proxied_app: tuple[Any, Any],
) -> None:
    app, proxy = proxied_app
    phone = SignedClient(app.test_client(), SECRET_KEY)
    phone.text(ANNA_ATLANTA, "JOIN")
    phone.text(ANNA_ATLANTA, "YES")
    proxy.stall()
    crisis = timed(phone, ANNA_ATLANTA, "I want to end my life", CRISIS_SID)
    assert b"741741" in crisis.data and journal_path().exists()
    proxy.restore()  # the held request's work now goes through, after its reply

    def by_the_request() -> bool:
        return count(app, InboundMessage, InboundMessage.message_sid == CRISIS_SID) == 1

    deadline = time.monotonic() + 20
    while not by_the_request():
        assert time.monotonic() < deadline, "the held work never finished"
        time.sleep(0.05)
    assert journal_path().exists()  # applied by the request, not the journal
    tick(get_runtime(app))  # the journalled copy: a MessageSid already seen
    assert not journal_path().exists()
    assert state(app, ANNA_ATLANTA) == "paused"
    assert count(app, CrisisAlert) == 1
    assert count(app, AuditEvent, AuditEvent.action == "crisis_detected") == 1


@pytest.mark.parametrize("failure", ["stall", "cut"])
def test_help_through_an_idle_quick_read_connection_is_answered_in_time(
    proxied_app: tuple[Any, Any], failure: str
) -> None:
    """HELP reads the parent's row on the request thread once the quick reader
    holds an idle connection; a database that stalls or is cut under it fails
    that read within its own bound, and the reply still goes in time."""
    app, proxy = proxied_app
    phone = SignedClient(app.test_client(), SECRET_KEY)
    phone.text(ANNA_ATLANTA, "HOLA")
    phone.text(ANNA_ATLANTA, "SI")
    for _ in range(2):  # the first opens the quick reader's connection
        assert "Pueden aplicar tarifas" in phone.text(ANNA_ATLANTA, "HELP").data.decode()
    assert get_runtime(app).db.quick_reader() is not None
    getattr(proxy, failure)()
    reply = timed(phone, ANNA_ATLANTA, "HELP").data.decode()
    assert "988" in reply and "741741" in reply


@pytest.mark.parametrize("failure", ["stall", "cut"])
def test_texts_on_an_idle_request_thread_connection_are_answered_in_time(
    proxied_app: tuple[Any, Any], failure: str, caplog: pytest.LogCaptureFixture
) -> None:
    """A text that changes state is applied on the request thread once an idle
    connection is ready for it there (Database.prompt_sessions); a database
    that stalls or is cut under that connection fails the work within its
    bound, the pool gets the rest of the deadline, and the reply still goes in
    time (the STOP and the crisis journalled, applied once after)."""
    app, proxy = proxied_app
    db = get_runtime(app).db
    phone = SignedClient(app.test_client(), SECRET_KEY)
    phone.text(ANNA_ATLANTA, "JOIN")  # through the pool; a connection opens meanwhile
    deadline = time.monotonic() + 5
    while db.prompt_sessions(1.0) is None:
        assert time.monotonic() < deadline, "no connection was opened for the request thread"
        time.sleep(0.01)
    for number in (ANNA_ATLANTA, CARLOS_CHICAGO):
        phone.text(number, "JOIN")
        phone.text(number, "YES")
    assert state(app, CARLOS_CHICAGO) == "active"
    getattr(proxy, failure)()
    crisis = timed(phone, ANNA_ATLANTA, "I want to end my life", CRISIS_SID)
    assert crisis.status_code == 200 and b"741741" in crisis.data
    stop = timed(phone, CARLOS_CHICAGO, "STOP", STOP_SID)
    assert stop.status_code == 200 and b"unsubscribed" in stop.data
    assert timed(phone, PAT_PORTLAND, "JOIN").status_code == 503
    tried_here = [r for r in caplog.records if "on the request thread failed" in r.getMessage()]
    assert tried_here, "the request thread never tried: the test proves nothing"
    proxy.restore()

    def applied() -> bool:
        return state(app, ANNA_ATLANTA) == "paused" and state(app, CARLOS_CHICAGO) == "stopped"

    settles(applied, app)
    assert count(app, CrisisAlert) == 1
    assert count(app, ConsentEvent, ConsentEvent.to_state == "stopped") == 1
    assert count(app, InboundMessage, InboundMessage.message_sid.in_([CRISIS_SID, STOP_SID])) == 2
