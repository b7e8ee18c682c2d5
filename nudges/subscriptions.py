"""Keeping a subscriber's next send time in step with their state and preferences."""

from __future__ import annotations

from datetime import datetime

from nudges.config import Settings
from nudges.db.models import Subscriber
from nudges.domain.preferences import candidate_zones
from nudges.domain.schedule import Preferences, next_slot


def preferences(sub: Subscriber) -> Preferences:
    return Preferences(send_minute=sub.send_minute, frequency=sub.frequency, timezone=sub.timezone)


def reschedule(sub: Subscriber, settings: Settings, now: datetime) -> None:
    """Set `next_send_at` to the next slot for an active subscriber, else clear it."""
    if sub.state != "active" or sub.unusable_reason:
        sub.next_send_at = None
        return
    zones = candidate_zones(sub.phone, sub.timezone)
    sub.next_send_at = next_slot(preferences(sub), zones, settings.send_window, now)
