"""A subscriber as the rules see it, and the typed change a rule decides.

Every rule that changes a subscriber (the SMS conversation, a clinician's page,
an invitation, the maintenance jobs) returns a `SubscriberChange`; one service
function (`nudges.services.subscriptions.apply`) writes it. Field names never
leave this module as strings, and the next send time is computed here, so it is
the same slot any reply promises.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from datetime import datetime, time
from enum import Enum
from typing import Final

from nudges.domain.consent import Event, State, next_state
from nudges.domain.preferences import (
    DEFAULT_FREQUENCY,
    DEFAULT_SEND_MINUTE,
    DEFAULT_TRACK,
    candidate_zones,
    format_minute,
    zone_label,
)
from nudges.domain.schedule import Preferences, local_minute, next_slot


class Keep(Enum):
    """'Leave this field as it is': None is a value some fields are set to."""

    KEEP = "keep"


KEEP: Final = Keep.KEEP


@dataclass(frozen=True)
class Subscription:
    """What the rules need to know about a subscriber (plain values)."""

    state: State
    timezone: str
    send_minute: int = DEFAULT_SEND_MINUTE
    frequency: str = DEFAULT_FREQUENCY
    track: str = DEFAULT_TRACK
    # Until then a bare 1, 2 or 3 picks the track (offered with the welcome or TRACK).
    track_choice_until: datetime | None = None
    paused_until: datetime | None = None
    programme_started_at: datetime | None = None
    unusable: bool = False  # the provider said the number cannot take texts
    # The weekly check-in (domain/checkin.py): on or off, and the last question
    # asked ("track" or "checkin") with when, which a bare digit answers.
    checkins_enabled: bool = True
    question: str | None = None
    question_at: datetime | None = None
    lang: str = "en"  # "en" or "es": every text to this number is in this language
    # Hard-moment texts sent lately, newest first: not sent again soon.
    recent_moments: tuple[str, ...] = ()
    # Nudges of the track sent so far: 0 is a parent who has had none yet.
    nudges_sent: int = 0

    def choosing_track(self, now: datetime) -> bool:
        return self.track_choice_until is not None and self.track_choice_until > now

    def preferences(self) -> Preferences:
        return Preferences(self.send_minute, self.frequency, self.timezone)


@dataclass(frozen=True)
class SubscriberChange:
    """What to write to one subscriber; KEEP leaves a field alone.

    The consent event is applied first (through the consent table, which records
    it), then the fields, so a value decided here has the last word."""

    event: Event | None = None
    timezone: str | Keep = KEEP
    send_minute: int | Keep = KEEP
    frequency: str | Keep = KEEP
    track: str | Keep = KEEP
    track_choice_until: datetime | None | Keep = KEEP
    paused_until: datetime | None | Keep = KEEP
    programme_started_at: datetime | Keep = KEEP
    next_send_at: datetime | None | Keep = KEEP
    clinician_id: int | Keep = KEEP
    alias: str | Keep = KEEP
    checkins_enabled: bool | Keep = KEEP
    question: str | None | Keep = KEEP
    question_at: datetime | None | Keep = KEEP
    lang: str | Keep = KEEP
    recent_moments: tuple[str, ...] | Keep = KEEP
    # Active, but no slot inside the send window in every candidate zone: the
    # subscriber is parked (recorded and logged) instead of failing every tick.
    parked: bool = False

    def plus(self, other: SubscriberChange) -> SubscriberChange:
        """This change, then `other`: where both set a field, `other` wins."""
        later = {f.name: getattr(other, f.name) for f in fields(other)}
        kept = {name: value for name, value in later.items() if value is not KEEP}
        merged = replace(self, **kept)
        return replace(merged, event=other.event or self.event, parked=self.parked or other.parked)

    def is_empty(self) -> bool:
        return self == SubscriberChange()

    def moves_schedule(self) -> bool:
        """Does it change what the next slot depends on (state, zone, time, days)?"""
        inputs = (self.timezone, self.send_minute, self.frequency)
        return self.event is not None or any(value is not KEEP for value in inputs)

    def onto(self, sub: Subscription) -> Subscription:
        """The subscriber as the rules will see it once this change is written."""
        return Subscription(
            state=next_state(sub.state, self.event) if self.event else sub.state,
            timezone=sub.timezone if self.timezone is KEEP else self.timezone,
            send_minute=sub.send_minute if self.send_minute is KEEP else self.send_minute,
            frequency=sub.frequency if self.frequency is KEEP else self.frequency,
            track=sub.track if self.track is KEEP else self.track,
            track_choice_until=_or(self.track_choice_until, sub.track_choice_until),
            paused_until=_or(self.paused_until, sub.paused_until),
            programme_started_at=_or(self.programme_started_at, sub.programme_started_at),
            unusable=sub.unusable,
            checkins_enabled=(
                sub.checkins_enabled if self.checkins_enabled is KEEP else self.checkins_enabled
            ),
            question=sub.question if self.question is KEEP else self.question,
            question_at=_or(self.question_at, sub.question_at),
            lang=sub.lang if self.lang is KEEP else self.lang,
            recent_moments=_or_ids(self.recent_moments, sub.recent_moments),
            nudges_sent=sub.nudges_sent,
        )


def _or(value: datetime | None | Keep, kept: datetime | None) -> datetime | None:
    return kept if value is KEEP else value


def _or_ids(value: tuple[str, ...] | Keep, kept: tuple[str, ...]) -> tuple[str, ...]:
    return kept if isinstance(value, Keep) else value


def next_send(
    sub: Subscription, phone: str, window: tuple[time, time], now: datetime
) -> datetime | None:
    """The next slot for these preferences, after every window rule; None when
    the parent's zones share no part of the window."""
    zones = candidate_zones(phone, sub.timezone)
    return next_slot(sub.preferences(), zones, window, now)


@dataclass(frozen=True)
class Promise:
    """When texts really come: the next slot, as the parent's own clock reads it."""

    minute: int  # local minutes after midnight in the parent's stored zone
    text: str  # "4:30pm Pacific"
    slot: datetime  # when, in UTC: the next send time a change carries


def promised_time(
    sub: Subscription, phone: str, window: tuple[time, time], now: datetime
) -> Promise | None:
    """The local time the next nudge will really arrive, after every window rule
    (the stored zone and the number's own); None when the zones share no part of
    the window. The one answer for the reply to TIME or ZONE, the welcome, the
    clinician's pages and the slot the scheduler stores: a chosen 7:30pm Pacific
    on a New York number is promised, shown and sent at 4:30pm Pacific."""
    slot = next_send(sub, phone, window, now)
    if slot is None:
        return None
    minute = local_minute(slot, sub.timezone)
    return Promise(minute, f"{format_minute(minute)} {zone_label(sub.timezone)}", slot)


def scheduled(
    change: SubscriberChange,
    sub: Subscription,
    phone: str,
    window: tuple[time, time],
    now: datetime,
) -> SubscriberChange:
    """`change` with the next send time it implies, when it moves the schedule.

    Only an active, reachable subscriber has one. A slot the change already
    carries (the one a reply promised) is kept, not computed again."""
    if not change.moves_schedule():
        return change
    after = change.onto(sub)
    if after.state is not State.ACTIVE or after.unusable:
        return replace(change, next_send_at=None, parked=False)
    if change.next_send_at is KEEP:
        change = replace(change, next_send_at=next_send(after, phone, window, now))
    return replace(change, parked=change.next_send_at is None)
