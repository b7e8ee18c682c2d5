"""Texts from one number that arrive at the same moment (a parent tapping STOP
five times, two JOINs crossing): taken one at a time, each answered as it would
be if they had come one after another, none refused."""

from __future__ import annotations

import secrets
import threading
from concurrent.futures import ThreadPoolExecutor

from nudges.db.models import ConsentEvent, InboundMessage, Subscriber
from nudges.runtime import Runtime
from nudges.services.inbound import InboundSms, Reply, respond
from tests.conftest import ANNA_ATLANTA
from tests.services.conftest import count, subscriber, text

TOGETHER = 5


def at_once(runtime: Runtime, phone: str, body: str, copies: int = TOGETHER) -> list[Reply]:
    """`copies` texts with their own MessageSids, released together."""
    start = threading.Barrier(copies)

    def send(_: int) -> Reply:
        start.wait()
        return respond(runtime, InboundSms(phone, body, "SM" + secrets.token_hex(16)))

    with ThreadPoolExecutor(copies) as pool:
        return list(pool.map(send, range(copies)))


def test_stops_sent_together_get_one_confirmation(runtime: Runtime) -> None:
    text(runtime, ANNA_ATLANTA, "JOIN")
    text(runtime, ANNA_ATLANTA, "YES")
    replies = at_once(runtime, ANNA_ATLANTA, "STOP")
    confirmations = [reply for reply in replies if reply.messages]
    assert len(confirmations) == 1, [reply.messages for reply in replies]
    assert "unsubscribed" in confirmations[0].messages[0].lower()
    assert count(runtime, ConsentEvent, ConsentEvent.to_state == "stopped") == 1
    assert count(runtime, InboundMessage) == 2 + TOGETHER  # every one recorded


def test_yeses_sent_together_get_one_welcome(runtime: Runtime) -> None:
    text(runtime, ANNA_ATLANTA, "JOIN")
    replies = at_once(runtime, ANNA_ATLANTA, "YES")
    welcomes = [r for r in replies if any("Welcome" in m for m in r.messages)]
    assert len(welcomes) == 1, [reply.messages for reply in replies]
    assert count(runtime, ConsentEvent, ConsentEvent.to_state == "active") == 1


def test_joins_from_a_new_number_sent_together_are_all_answered(runtime: Runtime) -> None:
    replies = at_once(runtime, ANNA_ATLANTA, "JOIN")  # each would create the number
    assert all(reply.messages for reply in replies), [reply.messages for reply in replies]
    assert count(runtime, Subscriber) == 1
    assert count(runtime, ConsentEvent, ConsentEvent.to_state == "pending") == 1
    sub = subscriber(runtime, ANNA_ATLANTA)
    assert sub is not None and sub.state == "pending"
