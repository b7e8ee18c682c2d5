"""respond: AYUDA (which reads and writes nothing) is answered on the caller's
thread when nothing waits in the safety journal; every other text, English HELP
(which reads the parent's language), and AYUDA while the journal holds texts to
apply first, goes through the reply-deadline pool (so a hung database cannot
hold the reply: tests/web/test_reply_deadline.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import event

from nudges.runtime import Runtime
from nudges.services import reply_deadline
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


def test_ayuda_is_answered_on_the_callers_thread_other_texts_go_through_the_pool(
    runtime: Runtime, pooled: list[str]
) -> None:
    [help_reply] = respond(runtime, sms(PAT_PORTLAND, "AYUDA", 1)).messages
    assert "988" in help_reply
    assert pooled == []
    # English HELP is answered in the parent's language, read from their row: the pool.
    assert respond(runtime, sms(PAT_PORTLAND, "HELP", 2)).messages
    assert pooled == ["_apply_now"]
    respond(runtime, sms(PAT_PORTLAND, "JOIN", 3))
    assert pooled == ["_apply_now"] * 2
    # HELP together with crisis words writes (pause, alert): the pool.
    crisis = respond(runtime, sms(PAT_PORTLAND, "HELP I want to end my life", 4))
    assert crisis.level == "crisis" and pooled == ["_apply_now"] * 3


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


def test_ayuda_on_the_callers_thread_makes_no_database_call(runtime: Runtime) -> None:
    """Nothing bounds a database call on the caller's thread within 3 s: if AYUDA
    ever reads the database, it must go through the pool instead."""
    statements: list[str] = []

    def seen(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(statement)

    engine = runtime.db.engine
    assert engine is not None
    event.listen(engine, "before_cursor_execute", seen)
    try:
        assert respond(runtime, sms(PAT_PORTLAND, "AYUDA", 6)).messages
        assert respond(runtime, sms(ANNA_ATLANTA, "ayuda", 7)).messages
        during_help = list(statements)
        text(runtime, PAT_PORTLAND, "JOIN")
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    assert during_help == []
    assert len(statements) > 0  # the listener does see this engine's statements
