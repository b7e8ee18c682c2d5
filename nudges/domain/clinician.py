"""What a clinician's actions change for a client: pure decisions, written by the
same `apply` as a parent's text, so a clinician's edit obeys the same window and
scheduling rules as the parent's own TIME."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, time

from nudges.domain.consent import Event, State
from nudges.domain.conversation import CHOICE_OPEN_AFTER_JOIN, TRACK_LABELS
from nudges.domain.preferences import clamp_to_window, format_minute
from nudges.domain.subscriber import (
    KEEP,
    SubscriberChange,
    Subscription,
    promised_time,
    scheduled,
)


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
# Ending an invitation nobody has answered cancels it: the number has not opted
# out of anything, so it lapses (as an unanswered one does after 7 days) and may
# be invited again. It is not counted as an opt-out.
CANCEL: tuple[Event, str] = (Event.EXPIRE, "invitation_cancelled")
LANGUAGES = ("en", "es")  # the languages a parent's texts can come in


def actions_for(sub: Subscription) -> tuple[str, ...]:
    """The actions that really do something for a client in this state, so the
    page offers no Resume to a stopped client and no Pause to an invitee.

    A paused client can be paused again only to turn a parent's `PAUSE 7` into a
    pause with no end date. A stopped or lapsed number has none: only the parent
    can restart texts after STOP, and a lapsed invitation is invited again."""
    if sub.state is State.PENDING:
        return ("end",)
    if sub.unusable and sub.state in (State.ACTIVE, State.PAUSED):
        return ("end",)
    if sub.state is State.ACTIVE:
        return ("pause", "end")
    if sub.state is State.PAUSED:
        return ("pause", "resume", "end") if sub.paused_until else ("resume", "end")
    return ()


def clinician_action(
    sub: Subscription, phone: str, action: str, window: tuple[time, time], now: datetime
) -> Edit | None:
    """Pause, resume or end a client's texts; None for an action that does not
    apply to the client as they are now (or that we do not know).

    A clinician's pause has no end date (a parent's PAUSE 7 becomes open-ended).
    Ending a pending invitation cancels it (see CANCEL)."""
    if action not in ACTIONS or action not in actions_for(sub):
        return None
    event, audited = CANCEL if sub.state is State.PENDING else ACTIONS[action]
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
    lang: str | None = None,
) -> Edit:
    """A new track (keeping the client's place: same week, new track), send time
    or language.

    An unknown or unchanged track or language changes nothing. The time is kept
    inside the send window, like a parent's TIME, and the next send time follows it."""
    change = SubscriberChange()
    audit: tuple[tuple[str, str | None], ...] = ()
    if track and track in TRACK_LABELS and track != sub.track:
        change = SubscriberChange(track=track, track_choice_until=None)
        audit += (("track_changed", track),)
    if send_minute is not None and clamp_to_window(send_minute, window) != sub.send_minute:
        # Saving the time already set is no change: not written, not audited.
        minute = clamp_to_window(send_minute, window)
        change = change.plus(SubscriberChange(send_minute=minute))
        audit += (("time_changed", format_minute(minute)),)
    if lang in LANGUAGES and lang != sub.lang:
        change = change.plus(SubscriberChange(lang=lang))
        audit += (("language_changed", lang),)
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


@dataclass(frozen=True)
class Told:
    """What a parent knows of their settings: the focus, the time set and the
    language their texts come in. A clinician's notice names what differs from
    it; one that replaces an unsent notice starts from what that one started from."""

    track: str
    send_minute: int
    lang: str = ""  # "" in a notice queued before the language was told: no change

    def encode(self) -> str:
        return f"{self.track} {self.send_minute} {self.lang}".rstrip()

    @classmethod
    def decode(cls, raw: str | None) -> Told | None:
        track, _, rest = (raw or "").partition(" ")
        minute, _, lang = rest.partition(" ")
        return cls(track, int(minute), lang) if track and minute.isdigit() else None


def untold(
    told: Told, sub: Subscription, phone: str, window: tuple[time, time], now: datetime
) -> tuple[str | None, str | None]:
    """What a notice must name: the focus (its key) if it is not the one the parent
    knows, and the time texts come ("4:30pm Pacific", the one promised_time every
    reply gives) if it is not the time the parent was told; None for what did not
    change (guilt -> perfectionism -> guilt before any notice went is no change)."""
    focus = sub.track if sub.track != told.track else None
    now_promise = promised_time(sub, phone, window, now)
    before = promised_time(replace(sub, send_minute=told.send_minute), phone, window, now)
    moved = now_promise is not None and (before is None or before.text != now_promise.text)
    return focus, now_promise.text if moved and now_promise is not None else None
