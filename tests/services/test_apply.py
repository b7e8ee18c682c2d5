"""`subscriptions.apply`, the one writer of a decided subscriber change, and the
use cases that go through it, called directly with a frozen clock."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import event, select

from nudges.clock import FrozenClock
from nudges.config import Settings
from nudges.db.models import AuditEvent, ConsentEvent, Subscriber
from nudges.domain.consent import Event, State
from nudges.domain.schedule import Preferences, next_slot
from nudges.domain.subscriber import SubscriberChange
from nudges.runtime import Runtime, build_runtime
from nudges.services import dashboard
from nudges.services.clinicians import create_clinician
from nudges.services.subscriptions import apply, new_subscriber
from nudges.sms.transports import ConsoleTransport
from scheduler.maintenance import MaintenanceReport, resume_paused

ATLANTA = "+14045550123"  # 404: Eastern
EASTERN = ("America/New_York",)


@pytest.fixture
def runtime(settings: Settings, clock: FrozenClock) -> Iterator[Runtime]:
    built = build_runtime(settings, clock=clock, transport=ConsoleTransport(echo=False))
    yield built
    built.db.dispose()


def _subscriber(
    runtime: Runtime,
    state: State = State.ACTIVE,
    *,
    paused_until: datetime | None = None,
    clinician_id: int | None = None,
) -> int:
    """A row in a given shape (set-up, not the behaviour under test)."""
    now = runtime.clock.now()
    with runtime.db.session() as session:
        sub = new_subscriber(session, runtime.settings, ATLANTA, now)
        sub.state, sub.paused_until, sub.clinician_id = state.value, paused_until, clinician_id
        return sub.id


def _statements(runtime: Runtime) -> list[str]:
    seen: list[str] = []

    def note(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        seen.append(" ".join(statement.split()).upper())

    assert runtime.db.engine is not None
    event.listen(runtime.db.engine, "before_cursor_execute", note)
    return seen


def test_apply_writes_the_event_and_every_field_in_one_update(runtime: Runtime) -> None:
    sub_id = _subscriber(runtime, State.PAUSED, paused_until=runtime.clock.now())
    now = runtime.clock.now()
    slot = now + timedelta(hours=3)
    change = SubscriberChange(
        event=Event.RESUME, send_minute=17 * 60, paused_until=None, next_send_at=slot
    )
    seen = _statements(runtime)
    with runtime.db.session() as session:
        sub = session.get(Subscriber, sub_id)
        assert sub is not None
        seen.clear()  # only what apply and the commit cost
        apply(session, sub, change, now, by="sms", message_sid="SM" + "0" * 32)
    # One UPDATE, alone or (PostgreSQL) in the one statement of the text's writes.
    assert sum(s.count("UPDATE SUBSCRIBER") for s in seen) == 1, seen
    with runtime.db.session() as session:
        row = session.get(Subscriber, sub_id)
        assert row is not None
        assert (row.state, row.send_minute, row.paused_until) == ("active", 17 * 60, None)
        assert row.next_send_at == slot
        assert row.track == "perfectionism" and row.frequency == "3w"  # KEEP: untouched
        consent = session.scalars(select(ConsentEvent)).one()
        assert (consent.from_state, consent.to_state, consent.source) == ("paused", "active", "sms")


def test_apply_records_parking_once_by_the_system_and_the_rest_by_the_actor(
    runtime: Runtime,
) -> None:
    clinician = create_clinician(runtime, "dr@example.org", "correct horse battery").id
    sub_id = _subscriber(runtime, clinician_id=clinician)
    now = runtime.clock.now()
    change = SubscriberChange(timezone="Pacific/Honolulu", next_send_at=None, parked=True)
    audit = (("zone_changed", None), ("parked_no_window", None))
    by = f"clinician:{clinician}"
    with runtime.db.session() as session:
        sub = session.get(Subscriber, sub_id)
        assert sub is not None
        apply(session, sub, change, now, by=by, audit=audit, clinician_id=clinician)
    with runtime.db.session() as session:
        rows = session.scalars(
            select(AuditEvent).where(AuditEvent.subscriber_id == sub_id).order_by(AuditEvent.id)
        ).all()
        assert [(r.action, r.actor, r.clinician_id) for r in rows] == [
            ("parked_no_window", "system", None),
            ("zone_changed", by, clinician),
        ]
        assert rows[0].subscriber_id == sub_id and rows[0].detail


def test_an_empty_change_writes_nothing(runtime: Runtime) -> None:
    sub_id = _subscriber(runtime)
    seen = _statements(runtime)
    with runtime.db.session() as session:
        sub = session.get(Subscriber, sub_id)
        assert sub is not None
        seen.clear()
        apply(session, sub, SubscriberChange(), runtime.clock.now(), by="sms")
    assert not [s for s in seen if s.startswith(("UPDATE", "INSERT"))], seen


def test_a_clinicians_time_is_clamped_and_scheduled_through_apply(runtime: Runtime) -> None:
    clinician = create_clinician(runtime, "dr@example.org", "correct horse battery")
    other = create_clinician(runtime, "other@example.org", "correct horse battery")
    sub_id = _subscriber(runtime, clinician_id=clinician.id)
    assert not dashboard.change(runtime, other.id, sub_id, send_minute=22 * 60)
    assert dashboard.change(runtime, clinician.id, sub_id, send_minute=22 * 60)
    now = runtime.clock.now()
    expected = next_slot(
        Preferences(19 * 60 + 30, "3w", EASTERN[0]), EASTERN, runtime.settings.send_window, now
    )
    with runtime.db.session() as session:
        row = session.get(Subscriber, sub_id)
        assert row is not None
        assert row.send_minute == 19 * 60 + 30 and row.next_send_at == expected
        audit = session.scalars(select(AuditEvent).where(AuditEvent.action == "time_changed")).one()
        assert (audit.actor, audit.clinician_id, audit.detail) == (
            f"clinician:{clinician.id}", clinician.id, "7:30pm",
        )  # fmt: skip


def test_a_clinicians_pause_and_resume_go_through_the_consent_table(runtime: Runtime) -> None:
    clinician = create_clinician(runtime, "dr@example.org", "correct horse battery")
    sub_id = _subscriber(runtime, clinician_id=clinician.id)
    assert dashboard.act(runtime, clinician.id, sub_id, "pause")
    assert not dashboard.act(runtime, clinician.id, sub_id, "delete")
    with runtime.db.session() as session:
        row = session.get(Subscriber, sub_id)
        assert row is not None and row.state == "paused" and row.next_send_at is None
    assert dashboard.act(runtime, clinician.id, sub_id, "resume")
    with runtime.db.session() as session:
        row = session.get(Subscriber, sub_id)
        assert row is not None and row.state == "active" and row.next_send_at is not None
        sources = session.scalars(select(ConsentEvent.source)).all()
        assert sources == [f"clinician:{clinician.id}"] * 2


def test_a_pause_that_ends_is_resumed_and_scheduled(runtime: Runtime, clock: FrozenClock) -> None:
    ended = clock.now() - timedelta(minutes=1)
    sub_id = _subscriber(runtime, State.PAUSED, paused_until=ended)
    report = MaintenanceReport()
    resume_paused(runtime, clock.now(), report)
    assert report.resumed == 1
    with runtime.db.session() as session:
        row = session.get(Subscriber, sub_id)
        assert row is not None and row.state == "active" and row.paused_until is None
        assert row.next_send_at is not None and row.next_send_at > clock.now()
        assert session.scalars(select(ConsentEvent.source)).all() == ["pause_ended"]
