"""The state columns hold our enums' VALUES ("active"), as every existing row
already does (SQLAlchemy's Enum would store the NAMES, "ACTIVE", unless told
otherwise), and read back as members, on SQLite and PostgreSQL alike."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import select, text

from nudges.config import Settings
from nudges.db.models import ConsentEvent, Outbox, Subscriber
from nudges.db.session import Database
from nudges.domain.consent import State
from nudges.domain.outbox import OutboxState

NOW = datetime(2026, 11, 23, 20, 0, tzinfo=UTC)


@pytest.fixture
def db(settings: Settings) -> Iterator[Database]:
    database = Database(settings.database_url)
    yield database
    database.dispose()


def _subscriber(state: State | str) -> Subscriber:
    return Subscriber(
        phone="+14045550123",
        state=state,
        state_changed_at=NOW,
        timezone="America/New_York",
        created_at=NOW,
    )


def test_members_are_stored_as_their_values(db: Database) -> None:
    with db.session() as session:
        sub = _subscriber(State.ACTIVE)
        session.add(sub)
        session.flush()
        session.add(
            ConsentEvent(
                subscriber_id=sub.id,
                at=NOW,
                from_state=State.PENDING,
                to_state=State.ACTIVE,
                source="sms",
            )
        )
        session.add(
            Outbox(
                dedupe_key="test:1",
                kind="nudge",
                subscriber_id=sub.id,
                slot_at=NOW,
                state=OutboxState.UNDELIVERED,
                created_at=NOW,
                updated_at=NOW,
            )
        )
    with db.session() as session:
        raw = session.execute(
            text(
                "SELECT s.state, c.from_state, c.to_state, o.state FROM subscriber s"
                " JOIN consent_event c ON c.subscriber_id = s.id"
                " JOIN outbox o ON o.subscriber_id = s.id"
            )
        ).one()
    assert tuple(raw) == ("active", "pending", "active", "undelivered")
    assert all(type(value) is str for value in raw)


def test_stored_values_read_back_as_members(db: Database) -> None:
    """Rows written as plain strings (all rows before the columns were enums)."""
    with db.session() as session:
        session.execute(
            text(
                "INSERT INTO subscriber (phone, state, state_changed_at, timezone, send_minute,"
                " frequency, track, lang, nudges_sent, created_at, checkins_enabled)"
                " VALUES ('+14045550123', 'paused', :now, 'America/New_York', 540, '3w',"
                " 'general', 'en', 0, :now, true)"
            ),
            {"now": NOW},
        )
    with db.session() as session:
        sub = session.scalars(select(Subscriber)).one()
        assert sub.state is State.PAUSED


def test_a_plain_string_becomes_a_member_before_any_flush() -> None:
    assert _subscriber("pending").state is State.PENDING


def test_a_name_is_not_a_state() -> None:
    with pytest.raises(ValueError):
        _subscriber("PENDING")
