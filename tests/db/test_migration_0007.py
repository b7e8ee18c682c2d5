"""0007_episodes on a database with history: each number becomes one episode
with its clinician of the day, every row about it is stamped with it, alerts
get tokens; and it goes back down cleanly."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from nudges.db.migrate import downgrade, upgrade
from nudges.db.session import make_engine


@pytest.mark.slow  # two Alembic runs from an empty database (about a second)
def test_existing_history_becomes_one_episode_per_number(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'history.sqlite3'}"
    upgrade(url, "0006")
    engine = make_engine(url)
    at = "2026-11-20 12:00:00+00:00"
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO clinician (id, email, name, password_hash, created_at)"
                " VALUES (1, 'lee@example.org', 'Dr Lee', 'x', :at)"
            ),
            {"at": at},
        )
        for sub_id, clinician in ((1, 1), (2, None)):
            conn.execute(
                text(
                    "INSERT INTO subscriber (id, phone, state, state_changed_at, timezone,"
                    " send_minute, frequency, track, lang, nudges_sent, clinician_id, created_at)"
                    " VALUES (:id, :phone, 'active', :at, 'America/New_York', 720, '3w',"
                    " 'guilt', 'en', 0, :clinician, :at)"
                ),
                {"id": sub_id, "phone": f"+1404555012{sub_id}", "at": at, "clinician": clinician},
            )
            conn.execute(
                text(
                    "INSERT INTO consent_event (subscriber_id, at, from_state, to_state, source)"
                    " VALUES (:id, :at, 'pending', 'active', 'sms')"
                ),
                {"id": sub_id, "at": at},
            )
        conn.execute(
            text(
                "INSERT INTO crisis_alert (subscriber_id, clinician_id, categories, created_at,"
                " tier) VALUES (1, 1, 'hopeless', :at, 'crisis')"
            ),
            {"at": at},
        )
        conn.execute(
            text("INSERT INTO audit_event (at, actor, action) VALUES (:at, 'cli', 'started')"),
            {"at": at},
        )
    engine.dispose()

    upgrade(url)
    engine = make_engine(url)
    with engine.connect() as conn:
        episodes = conn.execute(
            text("SELECT id, subscriber_id, clinician_id, source FROM episode ORDER BY id")
        ).all()
        assert [(e.subscriber_id, e.clinician_id, e.source) for e in episodes] == [
            (1, 1, "migrated"),
            (2, None, "migrated"),
        ]
        current = dict(conn.execute(text("SELECT id, episode_id FROM subscriber")).tuples().all())
        assert current == {1: episodes[0].id, 2: episodes[1].id}
        stamped = conn.execute(text("SELECT subscriber_id, episode_id FROM consent_event")).all()
        assert {(s.subscriber_id, s.episode_id) for s in stamped} == {
            (1, episodes[0].id),
            (2, episodes[1].id),
        }
        token, last_at = conn.execute(text("SELECT token, last_at FROM crisis_alert")).one()
        assert len(token) >= 20 and last_at is not None
        assert conn.execute(text("SELECT episode_id FROM audit_event")).scalar() is None
        assert conn.execute(text("SELECT session_version FROM clinician")).scalar() == 0
    engine.dispose()

    downgrade(url, "0006")
    engine = make_engine(url)
    with engine.connect() as conn:
        columns = [row[1] for row in conn.execute(text("PRAGMA table_info(subscriber)"))]
        assert "episode_id" not in columns
        assert conn.execute(text("SELECT count(*) FROM consent_event")).scalar() == 2
    engine.dispose()
