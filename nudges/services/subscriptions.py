"""Keeping a subscriber's next send time in step with their state and preferences."""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from nudges.config import Settings
from nudges.db.models import AuditEvent, Subscriber
from nudges.domain.consent import State
from nudges.domain.preferences import (
    DEFAULT_FREQUENCY,
    DEFAULT_LANG,
    DEFAULT_SEND_MINUTE,
    DEFAULT_TRACK,
    candidate_zones,
    zone_on_join,
)
from nudges.domain.schedule import Preferences, next_slot
from nudges.runtime import Runtime

log = logging.getLogger(__name__)


def preferences(sub: Subscriber) -> Preferences:
    return Preferences(send_minute=sub.send_minute, frequency=sub.frequency, timezone=sub.timezone)


def reschedule(
    sub: Subscriber, settings: Settings, now: datetime, session: Session | None = None
) -> None:
    """Set `next_send_at` to the next slot for an active subscriber, else clear it.

    A subscriber whose zones share no part of the window is parked (no next
    slot, an audit event when a session is given) instead of failing."""
    if sub.state != State.ACTIVE.value or sub.unusable_reason:
        sub.next_send_at = None
        return
    zones = candidate_zones(sub.phone, sub.timezone)
    sub.next_send_at = next_slot(preferences(sub), zones, settings.send_window, now)
    if sub.next_send_at is None and session is not None:
        session.add(
            AuditEvent(
                at=now,
                actor="system",
                action="parked_no_window",
                subscriber_id=sub.id,
                detail="no slot inside SEND_WINDOW in every candidate zone",
            )
        )
        log.warning("subscriber %s parked: no slot inside the send window", sub.id)


def new_subscriber(session: Session, settings: Settings, phone: str, now: datetime) -> Subscriber:
    sub = Subscriber(
        phone=phone,
        state=State.NONE.value,
        state_changed_at=now,
        timezone=zone_on_join(phone, settings.default_timezone),
        send_minute=DEFAULT_SEND_MINUTE,
        frequency=DEFAULT_FREQUENCY,
        track=DEFAULT_TRACK,
        lang=DEFAULT_LANG,
        nudges_sent=0,
        created_at=now,
    )
    session.add(sub)
    session.flush()
    return sub


def next_due(runtime: Runtime) -> datetime | None:
    """When the earliest scheduled nudge is due (for `nudges tick --now next`)."""
    with runtime.db.session() as session:
        return session.scalar(
            select(func.min(Subscriber.next_send_at)).where(Subscriber.state == State.ACTIVE.value)
        )
