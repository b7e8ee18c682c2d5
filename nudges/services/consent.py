"""Applying a consent event to a subscriber, and recording it: the one place a
subscriber's consent state changes (inbound texts, provider errors, expiry,
automatic resume, and later the clinician pages all come through here)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from nudges.db.models import ConsentEvent, Subscriber
from nudges.domain.consent import Event, State, next_state


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
    the consent history. An event that changes nothing records nothing."""
    before = sub.state
    after = next_state(before, event)
    if after is before and before is not State.NONE:
        return after
    sub.state = after
    sub.state_changed_at = now
    if after is not State.ACTIVE:
        sub.next_send_at = None
    if after is not State.PAUSED:
        sub.paused_until = None
    session.add(
        ConsentEvent(
            subscriber_id=sub.id,
            at=now,
            from_state=before,
            to_state=after,
            source=source,
            message_sid=message_sid,
            consent_text=consent_text[:160] if consent_text else None,
        )
    )
    return after
