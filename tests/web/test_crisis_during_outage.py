"""A crisis text during a database outage: the crisis reply at once, and, when
the database returns, everything a crisis does (nudges paused, the clinician
alerted, an audit event), exactly once, however often or concurrently the
journal is replayed."""

from __future__ import annotations

import os
import stat
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import func, select

from nudges.app import create_app
from nudges.clock import FrozenClock
from nudges.db.models import AuditEvent, CrisisAlert, InboundMessage, Outbox, Subscriber
from nudges.services.clinicians import create_clinician
from nudges.services.enrolment import Invitation, invite
from nudges.services.inbound import InboundSms, handle_inbound, replay_journal
from nudges.web import get_runtime
from scheduler.runner import tick
from tests.conftest import (
    ANNA_ATLANTA,
    CARLOS_CHICAGO,
    SECRET_KEY,
    DatabaseOutage,
    SignedClient,
    journal_path,
)

# Slow tier: clinician accounts (scrypt) and the crisis model, about 2 s a test.
pytestmark = pytest.mark.slow

LEE = ("lee@clinic.example", "a long enough passphrase")
LEE_PHONE = "+14045550177"
CRISIS_SID = "SM" + "c" * 32


@pytest.fixture
def outage_app(outage: DatabaseOutage, clock: FrozenClock) -> Iterator[tuple[Any, DatabaseOutage]]:
    app = create_app({"TESTING": True}, settings=outage.settings, clock=clock)
    outage.watch(get_runtime(app))
    yield app, outage
    get_runtime(app).db.dispose()


def invited_and_confirmed(app: Any, phone: SignedClient) -> None:
    """Anna, invited by Dr Lee (who gets alert texts), has said YES."""
    runtime = get_runtime(app)
    lee = create_clinician(runtime, *LEE, name="Dr Lee", phone=LEE_PHONE)
    invite(runtime, lee.id, Invitation(ANNA_ATLANTA, alias="A."))
    assert phone.text(ANNA_ATLANTA, "YES").status_code == 200


def count(app: Any, model: Any, *where: Any) -> int:
    with get_runtime(app).db.session() as session:
        return int(session.scalar(select(func.count()).select_from(model).where(*where)) or 0)


def state(app: Any, number: str = ANNA_ATLANTA) -> str | None:
    with get_runtime(app).db.session() as session:
        sub = session.scalar(select(Subscriber).where(Subscriber.phone == number))
        return sub.state if sub else None


def crisis_applied_once(app: Any) -> None:
    assert state(app) == "paused"
    assert count(app, CrisisAlert) == 1
    assert count(app, Outbox, Outbox.kind == "alert") == 1  # one text to Dr Lee
    assert count(app, AuditEvent, AuditEvent.action == "crisis_detected") == 1
    assert count(app, InboundMessage, InboundMessage.message_sid == CRISIS_SID) == 1


def test_a_crisis_in_an_outage_is_answered_and_applied_when_the_database_returns(
    outage_app: tuple[Any, DatabaseOutage],
) -> None:
    app, outage = outage_app
    phone = SignedClient(app.test_client(), SECRET_KEY)
    invited_and_confirmed(app, phone)
    with outage:
        response = phone.text(ANNA_ATLANTA, "I want to end my life", sid=CRISIS_SID)
        assert response.status_code == 200
        assert b"988" in response.data and b"741741" in response.data
        journal = journal_path()
        assert stat.S_IMODE(os.stat(journal).st_mode) == 0o600
    assert state(app) == "active"  # nothing applied while the database was away
    assert count(app, CrisisAlert) == 0
    tick(get_runtime(app))
    crisis_applied_once(app)
    assert not journal.exists()


def test_the_next_text_applies_a_journalled_crisis_first(
    outage_app: tuple[Any, DatabaseOutage],
) -> None:
    app, outage = outage_app
    phone = SignedClient(app.test_client(), SECRET_KEY)
    invited_and_confirmed(app, phone)
    with outage:
        phone.text(ANNA_ATLANTA, "I want to end my life", sid=CRISIS_SID)
    assert b"988" in phone.text(ANNA_ATLANTA, "HELP").data
    crisis_applied_once(app)


def test_a_crisis_replayed_twice_is_applied_once(outage_app: tuple[Any, DatabaseOutage]) -> None:
    app, outage = outage_app
    phone = SignedClient(app.test_client(), SECRET_KEY)
    invited_and_confirmed(app, phone)
    with outage:
        phone.text(ANNA_ATLANTA, "I want to end my life", sid=CRISIS_SID)
    journal = journal_path()
    entries = journal.read_text()
    tick(get_runtime(app))
    journal.write_text(entries)  # as if the first replay's deletion never happened
    assert replay_journal(get_runtime(app)) == 1
    crisis_applied_once(app)


def test_racing_replays_and_the_stalled_original_apply_a_crisis_once(
    outage_app: tuple[Any, DatabaseOutage],
) -> None:
    app, outage = outage_app
    runtime = get_runtime(app)
    phone = SignedClient(app.test_client(), SECRET_KEY)
    invited_and_confirmed(app, phone)
    with outage:
        phone.text(ANNA_ATLANTA, "I want to end my life", sid=CRISIS_SID)
    # Two replays (an inbound text's and the scheduler's) and the original
    # request's work, finishing late after a stall, all at once.
    original = InboundSms(ANNA_ATLANTA, "I want to end my life", CRISIS_SID)
    start = threading.Barrier(3)
    failures: list[BaseException] = []

    def race(work: Any) -> None:
        start.wait()
        try:
            work()
        except BaseException as exc:  # noqa: BLE001 - reported by the assert below
            failures.append(exc)

    jobs = [
        lambda: replay_journal(runtime),
        lambda: replay_journal(runtime),
        lambda: handle_inbound(runtime, original),
    ]
    threads = [threading.Thread(target=race, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert failures == []
    crisis_applied_once(app)
    assert not journal_path().exists()


def test_a_crisis_with_stop_in_an_outage_is_applied_as_both(
    outage_app: tuple[Any, DatabaseOutage],
) -> None:
    app, outage = outage_app
    phone = SignedClient(app.test_client(), SECRET_KEY)
    invited_and_confirmed(app, phone)
    with outage:
        body = phone.text(ANNA_ATLANTA, "STOP. I want to die", sid=CRISIS_SID).data.decode()
    assert "741741" in body and "unsubscribed" in body
    assert body.count("unsubscribed") == 1  # one confirmation, as when the database is up
    tick(get_runtime(app))
    assert state(app) == "stopped"
    assert count(app, CrisisAlert) == 1
    assert count(app, AuditEvent, AuditEvent.action == "crisis_detected") == 1


def test_a_crisis_from_an_unknown_number_in_an_outage_is_answered_and_replayed_harmlessly(
    outage_app: tuple[Any, DatabaseOutage],
) -> None:
    app, outage = outage_app
    phone = SignedClient(app.test_client(), SECRET_KEY)
    with outage:
        response = phone.text(CARLOS_CHICAGO, "I can't go on anymore", sid=CRISIS_SID)
        assert response.status_code == 200 and b"988" in response.data
    tick(get_runtime(app))
    tick(get_runtime(app))
    assert state(app, CARLOS_CHICAGO) is None  # no subscriber made from a crisis
    assert count(app, CrisisAlert) == 0
    assert count(app, AuditEvent, AuditEvent.action == "crisis_reply_unknown_number") == 1
    assert count(app, InboundMessage, InboundMessage.message_sid == CRISIS_SID) == 1
    assert not journal_path().exists()


def test_help_in_an_outage_is_answered_and_not_journalled(
    outage_app: tuple[Any, DatabaseOutage],
) -> None:
    app, outage = outage_app
    phone = SignedClient(app.test_client(), SECRET_KEY)
    with outage:
        assert b"988" in phone.text(ANNA_ATLANTA, "HELP").data
    assert not journal_path().exists()


def test_a_torn_journal_line_does_not_hold_back_the_crisis_after_it(
    outage_app: tuple[Any, DatabaseOutage],
) -> None:
    app, outage = outage_app
    phone = SignedClient(app.test_client(), SECRET_KEY)
    invited_and_confirmed(app, phone)
    journal = journal_path()
    journal.write_text('{"phone": "+1404555')  # a crash in the middle of an append
    with outage:
        phone.text(ANNA_ATLANTA, "I want to end my life", sid=CRISIS_SID)
    tick(get_runtime(app))
    crisis_applied_once(app)
    assert not journal.exists()
