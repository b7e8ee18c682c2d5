"""Applying a consent event to a subscriber, and recording it: the one place a
subscriber's consent state changes (inbound texts, provider errors, expiry,
automatic resume, and later the clinician pages all come through here)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from nudges.db.models import ConsentEvent, Subscriber
from nudges.db.rows import AnySubscriber, Writes, insert_of
from nudges.domain.consent import Event, State, next_state

# The episode is stamped from the loaded subscriber (rows.insert_of).
_RECORD = insert_of(
    ConsentEvent.__table__,  # type: ignore[arg-type]
    (
        "subscriber_id", "at", "from_state", "to_state", "source", "message_sid",
        "consent_text", "episode_id",
    ),
)  # fmt: skip


def consent_fields(
    session: Session,
    sub: AnySubscriber,
    event: Event,
    now: datetime,
    *,
    source: str,
    message_sid: str | None = None,
    consent_text: str | None = None,
    writes: Writes | None = None,
) -> dict[str, Any]:
    """Append the change `event` makes, with its proof, to the consent history
    (in `writes` when given, else now), and return the subscriber's fields it
    changes, for the caller to write with its own (one UPDATE). An event that
    changes nothing records nothing."""
    before = sub.state
    after = next_state(before, event)
    if after is before and before is not State.NONE:
        return {}
    fields: dict[str, Any] = {"state": after, "state_changed_at": now}
    if after is not State.ACTIVE:
        fields["next_send_at"] = None
    if after is not State.PAUSED:
        fields["paused_until"] = None
    batch = Writes() if writes is None else writes
    batch.insert(
        _RECORD,
        {
            "subscriber_id": sub.id,
            "at": now,
            "from_state": before,
            "to_state": after,
            "source": source,
            "message_sid": message_sid,
            "consent_text": consent_text[:160] if consent_text else None,
            "episode_id": sub.episode_id,
        },
    )
    if writes is None:
        batch.send(session)
    return fields


def apply_consent_event(
    session: Session,
    sub: Subscriber,
    event: Event,
    now: datetime,
    *,
    source: str,
    message_sid: str | None = None,
    consent_text: str | None = None,
) -> State:
    """Move `sub` per the consent table and append the change, with its proof, to
    the consent history (an event with nothing else to write: provider errors)."""
    writes = Writes()
    fields = consent_fields(
        session,
        sub,
        event,
        now,
        source=source,
        message_sid=message_sid,
        consent_text=consent_text,
        writes=writes,
    )
    writes.subscriber(sub, fields)
    writes.send(session)
    return sub.state
