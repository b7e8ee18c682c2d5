"""What a clinician's actions change for a client: pure decisions, written by the
same `apply` as a parent's text, so a clinician's edit obeys the same window and
scheduling rules as the parent's own TIME."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time

from nudges.domain.consent import Event
from nudges.domain.conversation import CHOICE_OPEN_AFTER_JOIN, TRACK_LABELS
from nudges.domain.preferences import clamp_to_window, format_minute
from nudges.domain.subscriber import KEEP, SubscriberChange, Subscription, scheduled


@dataclass(frozen=True)
class Edit:
    change: SubscriberChange = SubscriberChange()
    audit: tuple[tuple[str, str | None], ...] = ()  # (action, detail), in order


# The page's action, the consent event it applies and the audit action it records.
ACTIONS: dict[str, tuple[Event, str]] = {
    "pause": (Event.PAUSE, "paused"),
    "resume": (Event.RESUME, "resumed"),
    "end": (Event.OPT_OUT, "ended"),
}


def clinician_action(
    sub: Subscription, phone: str, action: str, window: tuple[time, time], now: datetime
) -> Edit | None:
    """Pause, resume or end a client's texts; None for an action we do not know.

    A clinician's pause has no end date (a parent's PAUSE 7 becomes open-ended)."""
    if action not in ACTIONS:
        return None
    event, audited = ACTIONS[action]
    change = SubscriberChange(event=event, paused_until=None if action == "pause" else KEEP)
    return Edit(scheduled(change, sub, phone, window, now), ((audited, None),))


def clinician_change(
    sub: Subscription,
    phone: str,
    window: tuple[time, time],
    now: datetime,
    *,
    track: str | None = None,
    send_minute: int | None = None,
) -> Edit:
    """A new track (keeping the client's place: same week, new track) or send time.

    An unknown or unchanged track changes nothing. The time is kept inside the
    send window, like a parent's TIME, and the next send time follows it."""
    change = SubscriberChange()
    audit: tuple[tuple[str, str | None], ...] = ()
    if track and track in TRACK_LABELS and track != sub.track:
        change = SubscriberChange(track=track, track_choice_until=None)
        audit += (("track_changed", track),)
    if send_minute is not None:
        minute = clamp_to_window(send_minute, window)
        change = change.plus(SubscriberChange(send_minute=minute))
        audit += (("time_changed", format_minute(minute)),)
    return Edit(scheduled(change, sub, phone, window, now), audit)


def invitation(
    window: tuple[time, time],
    now: datetime,
    *,
    clinician_id: int,
    alias: str,
    frequency: str,
    timezone: str | None,
    send_minute: int | None,
    track: str | None,
    lang: str = "en",
) -> SubscriberChange:
    """A clinician's invitation: the client's settings, and the consent event.

    Without a track the parent chooses one after their YES. The language is the
    one the clinician chose: the invitation itself is written in it."""
    return SubscriberChange(
        event=Event.INVITE,
        clinician_id=clinician_id,
        alias=alias,
        frequency=frequency,
        timezone=timezone or KEEP,
        send_minute=KEEP if send_minute is None else clamp_to_window(send_minute, window),
        track=track or KEEP,
        track_choice_until=None if track else now + CHOICE_OPEN_AFTER_JOIN,
        lang=lang,
    )
