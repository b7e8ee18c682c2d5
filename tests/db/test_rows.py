"""`nudges.db.rows`: the hot path's plain subscriber row and its batched writes,
on SQLite and PostgreSQL (one statement there)."""

from __future__ import annotations

import typing
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import event, select

from nudges.db.models import AuditEvent, ConsentEvent, Episode, Subscriber
from nudges.db.rows import (
    SUBSCRIBER_COLUMNS,
    SubscriberRow,
    Writes,
    insert_of,
    insert_subscriber_and_episode,
)
from nudges.db.session import Database
from nudges.domain.consent import State

NOW = datetime(2026, 12, 2, 15, 0, tzinfo=UTC)
AUDIT = insert_of(
    AuditEvent.__table__,  # type: ignore[arg-type]
    ("at", "actor", "action", "subscriber_id", "clinician_id", "episode_id", "detail"),
)
CONSENT = insert_of(
    ConsentEvent.__table__,  # type: ignore[arg-type]
    ("subscriber_id", "at", "from_state", "to_state", "source", "message_sid"),
)


@pytest.fixture
def db(database_url: str) -> Iterator[Database]:
    database = Database(database_url)
    with database.session() as session:
        session.add(
            Subscriber(
                phone="+14045550123",
                state=State.PENDING,
                state_changed_at=NOW,
                timezone="America/New_York",
                created_at=NOW,
            )
        )
    yield database
    database.dispose()


def _statements(db: Database) -> list[str]:
    seen: list[str] = []

    def note(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        seen.append(statement)

    assert db.engine is not None
    event.listen(db.engine, "before_cursor_execute", note)
    return seen


def _audit(action: str) -> dict[str, Any]:
    return {
        "at": NOW,
        "actor": "sms",
        "action": action,
        "subscriber_id": 1,
        "clinician_id": None,
        "episode_id": None,
        "detail": None,
    }


def test_the_plain_row_names_every_column_of_the_table() -> None:
    hints = typing.get_type_hints(SubscriberRow)
    names = [column.key for column in SUBSCRIBER_COLUMNS]
    assert list(SubscriberRow.__slots__) == names
    assert set(hints) == set(names)


def test_a_plain_row_reads_the_columns_as_the_model_types_them(db: Database) -> None:
    with db.session() as session:
        found = session.connection().execute(select(*SUBSCRIBER_COLUMNS)).one()
    row = SubscriberRow(found)
    assert row.state is State.PENDING  # a member, as the ORM's `is` checks need
    assert row.phone == "+14045550123" and row.state_changed_at == NOW


def test_writes_change_the_row_the_object_and_the_history_together(db: Database) -> None:
    seen = _statements(db)
    with db.session() as session:
        found = session.connection().execute(select(*SUBSCRIBER_COLUMNS)).one()
        sub = SubscriberRow(found)
        writes = Writes()
        writes.insert(
            CONSENT,
            {
                "subscriber_id": sub.id,
                "at": NOW,
                "from_state": State.PENDING,
                "to_state": State.ACTIVE,
                "source": "sms",
                "message_sid": "SM" + "1" * 32,
            },
        )
        writes.subscriber(sub, {"state": State.ACTIVE})
        writes.subscriber(sub, {"send_minute": 600})  # merged into the one UPDATE
        writes.insert(AUDIT, _audit("confirmed"))
        assert sub.state is State.ACTIVE and sub.send_minute == 600  # on the object at once
        seen.clear()
        writes.send(session)
    updates = sum(statement.upper().count("UPDATE SUBSCRIBER") for statement in seen)
    assert updates == 1
    if db.dialect == "postgresql":
        assert len(seen) == 1, seen  # one round trip for the three rows
    else:
        assert len(seen) == 3, seen
    with db.session() as session:
        stored = session.scalars(select(Subscriber)).one()
        assert (stored.state, stored.send_minute) == (State.ACTIVE, 600)
        consent = session.scalars(select(ConsentEvent)).one()
        assert (consent.from_state, consent.to_state) == (State.PENDING, State.ACTIVE)
        assert session.scalars(select(AuditEvent.action)).all() == ["confirmed"]


def test_rows_of_one_table_keep_their_order(db: Database) -> None:
    actions = ["first", "second", "third"]
    with db.session() as session:
        writes = Writes()
        for action in actions:
            writes.insert(AUDIT, _audit(action))
        writes.send(session)
    with db.session() as session:
        stored = session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert stored == actions


def test_a_failing_row_fails_the_whole_batch(db: Database) -> None:
    with pytest.raises(Exception), db.session() as session:  # noqa: B017 - the driver's own
        writes = Writes()
        writes.insert(AUDIT, _audit("kept?"))
        writes.insert(
            CONSENT,
            {
                "subscriber_id": 999,
                "at": NOW,
                "from_state": State.NONE,
                "to_state": State.PENDING,
                "source": "sms",
                "message_sid": None,
            },
        )
        writes.send(session)
    with db.session() as session:
        assert session.scalars(select(AuditEvent)).all() == []


def test_a_new_subscriber_and_its_episode_go_in_together(db: Database) -> None:
    seen = _statements(db)
    values = {
        "phone": "+13125550188",
        "state": State.NONE,
        "state_changed_at": NOW,
        "timezone": "America/Chicago",
        "created_at": NOW,
    }
    with db.session() as session:
        seen.clear()
        sub, episode_id = insert_subscriber_and_episode(
            session, values, {"clinician_id": None, "started_at": NOW, "source": "join"}
        )
        inserts = list(seen)
    assert len(inserts) == (1 if db.dialect == "postgresql" else 2), inserts
    assert sub.phone == "+13125550188" and sub.checkins_enabled is True  # the column default
    with db.session() as session:
        episode = session.get_one(Episode, episode_id)
        stored = session.get_one(Subscriber, sub.id)
    assert (episode.subscriber_id, episode.source, episode.clinician_id) == (sub.id, "join", None)
    assert stored.timezone == "America/Chicago" and stored.checkins_enabled is True
