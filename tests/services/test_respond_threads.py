"""respond: HELP changes nothing, so it is answered on the caller's thread when
nothing waits in the safety journal: with nothing read when Twilio's Advanced
Opt-Out answered it already, else with one quick read of the parent's language
and frequency through an idle connection of the quick reader (every step bounded
to about a second; Database.quick_reader). With no idle connection, or when the
quick read fails, HELP goes through the reply-deadline pool, as every other
text does (so a hung database cannot hold the reply:
tests/web/test_reply_deadline.py)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import event, select
from sqlalchemy.exc import OperationalError

from nudges.db.models import ConsentEvent, CrisisAlert, InboundMessage
from nudges.db.rows import Writes
from nudges.runtime import Runtime
from nudges.services import inbound, reply_deadline
from nudges.services.inbound import InboundSms, journal_of, respond
from tests.conftest import ANNA_ATLANTA, PAT_PORTLAND
from tests.services.conftest import subscriber, text

STOP_SID = "SM" + "5" * 32


@pytest.fixture
def pooled(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the work handed to the pool, in order."""
    seen: list[str] = []
    real = reply_deadline.run_within

    def spy(seconds: float, work: Callable[..., Any], *args: object) -> Any:
        seen.append(work.__name__)
        return real(seconds, work, *args)

    monkeypatch.setattr(reply_deadline, "run_within", spy)
    return seen


def sms(phone: str, body: str, n: int) -> InboundSms:
    return InboundSms(phone, body, f"SM{n:032x}")


def test_a_help_twilio_answered_stays_on_the_callers_thread_the_rest_use_the_pool(
    runtime: Runtime, pooled: list[str]
) -> None:
    quiet = InboundSms(PAT_PORTLAND, "HELP", f"SM{1:032x}", opt_out_type="HELP")
    assert respond(runtime, quiet).messages == ()
    assert pooled == []
    # Our own HELP names the parent's frequency, read from their row. The first
    # finds no idle quick-read connection yet: the pool, which opens one.
    [help_reply] = respond(runtime, sms(PAT_PORTLAND, "HELP", 2)).messages
    assert "988" in help_reply and "up to 3 msgs/wk" in help_reply
    assert pooled == ["_apply_now"]


def test_a_text_that_changes_state_is_applied_on_the_callers_thread_once_a_connection_is_idle(
    runtime: Runtime, pooled: list[str]
) -> None:
    # No idle connection yet: the pool applies it, and one is opened meanwhile.
    assert "YES" in respond(runtime, sms(PAT_PORTLAND, "JOIN", 40)).messages[0]
    assert pooled == ["_apply_now"]
    ready(runtime)
    respond(runtime, sms(PAT_PORTLAND, "YES", 41))
    crisis = respond(runtime, sms(PAT_PORTLAND, "I want to end my life", 42))
    respond(runtime, sms(PAT_PORTLAND, "STOP", 43))
    assert pooled == ["_apply_now"]  # no hand-off for the three
    assert crisis.level == "crisis" and "988" in crisis.messages[0]
    sub = subscriber(runtime, PAT_PORTLAND)
    assert sub is not None and sub.state == "stopped"
    with runtime.db.session() as session:
        alerts = session.scalars(select(CrisisAlert)).all()
        sids = session.scalars(select(InboundMessage.message_sid)).all()
    assert len(alerts) == 1
    assert sorted(sids) == [f"SM{n:032x}" for n in (40, 41, 42, 43)]


def test_a_text_whose_work_fails_on_the_callers_thread_is_applied_once_through_the_pool(
    runtime: Runtime, pooled: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    respond(runtime, sms(PAT_PORTLAND, "JOIN", 50))
    ready(runtime)
    pooled.clear()
    real = Writes.send
    calls: list[str] = []

    def fails_on_this_thread(writes: Writes, session: Any) -> None:
        # After the text's writes went to the database: the rollback undoes them.
        real(writes, session)
        calls.append(threading.current_thread().name)
        if threading.current_thread() is threading.main_thread():
            raise OperationalError("INSERT", {}, Exception("connection lost"))

    monkeypatch.setattr(Writes, "send", fails_on_this_thread)
    replies = respond(runtime, sms(PAT_PORTLAND, "YES", 51)).messages
    assert replies and "Welcome to GoodEnough" in replies[0]
    assert pooled == ["_apply_now"]
    assert calls[0] == threading.main_thread().name and calls[-1].startswith("inbound")
    sub = subscriber(runtime, PAT_PORTLAND)
    assert sub is not None and sub.state == "active"
    with runtime.db.session() as session:
        consents = session.scalars(select(ConsentEvent.to_state)).all()
        stored = session.scalars(select(InboundMessage.message_sid)).all()
    assert consents == ["pending", "active"]  # the first attempt left nothing behind
    assert stored.count(f"SM{51:032x}") == 1


def test_a_text_committed_on_the_callers_thread_is_not_applied_twice_by_the_pool(
    runtime: Runtime, pooled: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The commit went through but the call failed after it (a connection cut
    as the commit's answer came back): the pool finds the MessageSid stored and
    answers with the replies stored with it."""
    respond(runtime, sms(PAT_PORTLAND, "JOIN", 60))
    ready(runtime)
    pooled.clear()
    real = inbound.metrics.OPT_OUTS.labels

    def fails_on_this_thread(**labels: Any) -> Any:
        if threading.current_thread() is threading.main_thread():
            raise OperationalError("COMMIT", {}, Exception("connection lost"))
        return real(**labels)

    monkeypatch.setattr(inbound.metrics.OPT_OUTS, "labels", fails_on_this_thread)
    [confirm] = respond(runtime, sms(PAT_PORTLAND, "STOP", 61)).messages
    assert pooled == ["_apply_now"] and "unsubscribed" in confirm.lower()
    with runtime.db.session() as session:
        stops = session.scalars(
            select(ConsentEvent).where(ConsentEvent.to_state == "stopped")
        ).all()
    assert len(stops) == 1


def ready(runtime: Runtime) -> None:
    """Wait (a few seconds at most) for the connection opened in the background."""
    deadline = time.monotonic() + 5
    while runtime.db.prompt_sessions(1.0) is None:
        assert time.monotonic() < deadline, "no connection was opened for the request thread"
        time.sleep(0.01)


def test_help_goes_through_the_pool_when_the_journal_holds_texts_to_apply_first(
    runtime: Runtime, pooled: list[str]
) -> None:
    text(runtime, ANNA_ATLANTA, "JOIN")
    text(runtime, ANNA_ATLANTA, "YES")
    journal = journal_of(runtime)
    journal.record(
        ANNA_ATLANTA, STOP_SID, "STOP", runtime.clock.now(), reasons=["stop"], opt_out_type=None
    )
    [help_reply] = respond(runtime, sms(PAT_PORTLAND, "HELP", 5)).messages
    assert "988" in help_reply
    assert pooled == ["_apply_now"]
    # The journalled STOP was applied before the HELP was answered.
    sub = subscriber(runtime, ANNA_ATLANTA)
    assert sub is not None and sub.state == "stopped"
    assert not journal.pending()


def test_help_on_the_callers_thread_makes_no_database_call(runtime: Runtime) -> None:
    """Nothing bounds a database call on the caller's thread within 3 s: the HELP
    handled there (Twilio already answered it) must read nothing."""
    statements: list[str] = []

    def seen(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(statement)

    engine = runtime.db.engine
    assert engine is not None
    event.listen(engine, "before_cursor_execute", seen)
    try:
        for n, (phone, body) in enumerate(((PAT_PORTLAND, "HELP"), (ANNA_ATLANTA, "ayuda"))):
            quiet = InboundSms(phone, body, f"SM{6 + n:032x}", opt_out_type="HELP")
            assert respond(runtime, quiet).messages == ()
        during_help = list(statements)
        text(runtime, PAT_PORTLAND, "JOIN")
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    assert during_help == []
    assert len(statements) > 0  # the listener does see this engine's statements


def test_help_reads_the_parents_row_on_the_callers_thread_once_a_connection_is_idle(
    runtime: Runtime, pooled: list[str]
) -> None:
    text(runtime, ANNA_ATLANTA, "HOLA")
    text(runtime, ANNA_ATLANTA, "SI")
    text(runtime, ANNA_ATLANTA, "DIARIO")
    pooled.clear()
    first = respond(runtime, sms(ANNA_ATLANTA, "HELP", 20)).messages
    assert pooled == ["_apply_now"]  # opened the quick reader's first connection
    [spanish] = respond(runtime, sms(ANNA_ATLANTA, "HELP", 21)).messages
    assert pooled == ["_apply_now"]  # answered here: no hand-off
    assert (spanish,) == first
    # The parent's language and real frequency, read from the row just now.
    assert "Pueden aplicar tarifas" in spanish and "1 al dia" in spanish and "988" in spanish
    [english] = respond(runtime, sms(PAT_PORTLAND, "HELP", 22)).messages
    assert pooled == ["_apply_now"] and "Reply STOP" in english


def test_a_quick_help_read_that_fails_is_answered_through_the_pool(
    runtime: Runtime, pooled: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    respond(runtime, sms(PAT_PORTLAND, "HELP", 30))  # the quick reader has a connection
    pooled.clear()
    calls: list[str] = []
    real = inbound.HELP_FACTS.first

    def fails_on_this_thread(engine: Any, **params: Any) -> Any:
        calls.append(threading.current_thread().name)
        if threading.current_thread() is threading.main_thread():
            raise OperationalError("SELECT", {}, Exception("connection lost"))
        return real(engine, **params)

    monkeypatch.setattr(inbound.HELP_FACTS, "first", fails_on_this_thread)
    [help_reply] = respond(runtime, sms(PAT_PORTLAND, "HELP", 31)).messages
    assert "988" in help_reply and "up to 3 msgs/wk" in help_reply
    assert pooled == ["_apply_now"]
    assert len(calls) == 2 and calls[1].startswith("inbound")  # then on a pool thread
