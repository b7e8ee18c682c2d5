"""When the next nudge is due: pure arithmetic on (preferences, zones, window, now).

Slots are at the parent's chosen local time on their days (Mon/Wed/Fri by
default, every day on request) in their stored zone. A slot is then kept
inside SEND_WINDOW in *every* candidate zone (stored zone plus the area code's
zones): if the chosen time falls outside that shared window it moves to the
nearest edge of it, and a day with no shared window is skipped.

DST: a local time that does not exist (spring forward) resolves with the
offset from before the change, i.e. an hour later on the clock; a time that
happens twice (fall back) uses the first. With the default 09:00-20:00 window
neither ever happens, since US changes are at 02:00.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from nudges.domain.consent import State

FREQUENCY_DAYS: dict[str, tuple[int, ...]] = {
    "3w": (0, 2, 4),  # Monday normalise, Wednesday one action, Friday a small win
    "daily": (0, 1, 2, 3, 4, 5, 6),
}
GRACE = timedelta(hours=2)  # a slot missed while the scheduler was down, at most this late
# Retries get an hour beyond the grace period; after that a nudge is stale.
RETRY_ROOM = timedelta(hours=1)
SEND_DEADLINE = GRACE + RETRY_ROOM
TOO_LATE = "too late for its slot"
END_MARGIN = timedelta(minutes=30)  # never aim a slot at the last minutes of the window
MAX_PER_24H = 3
# After the programme, caring check-ins come about once a month: gains faded
# after programmes ended (Dol et al. 2025), and caring contacts worked as rare,
# undemanding notes (Motto & Bostrom 2001; Comtois et al. 2019).
CHECKIN_GAP = timedelta(days=27)


@dataclass(frozen=True)
class Preferences:
    send_minute: int  # local minutes after midnight
    frequency: str  # "3w" or "daily"
    timezone: str  # the stored IANA zone


def local_at(day: date, minute: int, zone: str) -> datetime:
    """`minute` after local midnight of `day` in `zone`, as an aware UTC datetime."""
    naive = datetime.combine(day, time(minute // 60, minute % 60))
    return naive.replace(tzinfo=ZoneInfo(zone), fold=0).astimezone(UTC)


def shared_window(
    day: date, zones: tuple[str, ...], window: tuple[time, time]
) -> tuple[datetime, datetime] | None:
    """The UTC interval on the stored zone's `day` inside the window in every zone.

    "The same day" elsewhere is the date there at noon of `day` in the stored
    zone; US zones are at most a few hours apart, so that is the date a parent
    would name.
    """
    start_min = window[0].hour * 60 + window[0].minute
    end_min = window[1].hour * 60 + window[1].minute
    noon = local_at(day, 12 * 60, zones[0])
    lo = datetime.min.replace(tzinfo=UTC)
    hi = datetime.max.replace(tzinfo=UTC)
    for zone in zones:
        there = noon.astimezone(ZoneInfo(zone)).date()
        lo = max(lo, local_at(there, start_min, zone))
        hi = min(hi, local_at(there, end_min, zone))
    return (lo, hi) if lo < hi else None


def inside_window(at: datetime, zones: tuple[str, ...], window: tuple[time, time]) -> bool:
    """True when `at` is inside the send window in every candidate zone."""
    for zone in zones:
        local = at.astimezone(ZoneInfo(zone)).time()
        if not window[0] <= local < window[1]:
            return False
    return True


@lru_cache(maxsize=65536)
def slot_on(
    day: date, prefs: Preferences, zones: tuple[str, ...], window: tuple[time, time]
) -> datetime | None:
    """The send time on local `day`, moved into the shared window; None if there is none.

    Cached: subscribers with the same time, zones and day share a slot, and
    dispatch asks for thousands of them per tick."""
    shared = shared_window(day, zones, window)
    if shared is None:
        return None
    lo, hi = shared
    latest = max(lo, hi - END_MARGIN)
    wanted = local_at(day, prefs.send_minute, prefs.timezone)
    return min(max(wanted, lo), latest)


def next_slot(
    prefs: Preferences,
    zones: tuple[str, ...],
    window: tuple[time, time],
    after: datetime,
) -> datetime | None:
    """The first slot strictly after `after` (aware), looking two weeks ahead.

    None when the parent's zones share no part of the window on any of their
    days (a narrow SEND_WINDOW, a zone far from the area code's): the caller
    parks the subscriber instead of failing every tick."""
    today = after.astimezone(ZoneInfo(prefs.timezone)).date()
    days = FREQUENCY_DAYS.get(prefs.frequency, FREQUENCY_DAYS["3w"])
    for offset in range(15):
        day = today + timedelta(days=offset)
        if day.weekday() not in days:
            continue
        slot = slot_on(day, prefs, zones, window)
        if slot is not None and slot > after:
            return slot
    return None


def window_opening(
    zones: tuple[str, ...], window: tuple[time, time], now: datetime
) -> datetime | None:
    """`now` if it is inside the window in every zone, else when it next opens
    (None if the zones share no window in the next week)."""
    if inside_window(now, zones, window):
        return now
    today = now.astimezone(ZoneInfo(zones[0])).date()
    for offset in range(8):
        shared = shared_window(today + timedelta(days=offset), zones, window)
        if shared is not None and shared[0] > now:
            return shared[0]
    return None


def local_minute(at: datetime, zone: str) -> int:
    """Minutes after local midnight of `at` in `zone`."""
    local = at.astimezone(ZoneInfo(zone))
    return local.hour * 60 + local.minute


def search_from(slot: datetime, now: datetime, sent: int, programme_length: int) -> datetime:
    """Where to look for the next slot: after this one, or, once `sent` nudges have
    used up the programme, a month on (the check-in cadence)."""
    start = max(slot, now)
    return start + CHECKIN_GAP if sent >= programme_length else start


def slot_day(slot: datetime, zone: str) -> date:
    """The local day a slot belongs to: one nudge per subscription per local day."""
    return slot.astimezone(ZoneInfo(zone)).date()


def is_late(slot: datetime, now: datetime) -> bool:
    """A slot older than the grace period is skipped, never sent in a burst."""
    return now - slot > GRACE


def slot_to_send(
    slot: datetime,
    now: datetime,
    prefs: Preferences,
    zones: tuple[str, ...],
    window: tuple[time, time],
) -> datetime:
    """The slot a tick at `now` considers for a subscriber whose next slot is `slot`.

    Normally `slot` itself. After an outage longer than the grace, `slot` is
    late and skipped, but a later slot of theirs may have come within the grace
    (a daily parent's today, after a day without ticks): that one is still on
    time and is the one to send, so an outage costs only the slots it really
    missed. Never more than one slot: the ones in between are skipped, not sent
    in a burst."""
    if not is_late(slot, now):
        return slot
    # The first slot not yet past its grace (next_slot is strictly after).
    recent = next_slot(prefs, zones, window, now - GRACE - timedelta(microseconds=1))
    if recent is not None and slot < recent <= now:
        return recent
    return slot


def programme_position(index: int, programme_length: int, checkins: int) -> tuple[str, int]:
    """Which nudge comes `index`-th: ("programme", i) until the track is used up,
    then ("checkin", j) cycling through the caring check-ins."""
    if index < programme_length:
        return "programme", index
    if checkins <= 0:
        return "programme", (index - programme_length) % max(programme_length, 1)
    return "checkin", (index - programme_length) % checkins


INVITATION_STALE_AFTER = timedelta(days=1)


def refusal_at_send(
    state: State | None,
    unusable: bool,
    zones: tuple[str, ...],
    slot: datetime,
    now: datetime,
    window: tuple[time, time],
    kind: str = "nudge",
) -> str | None:
    """Why a queued text must not go out now, or None. Checked at the moment of
    sending, because consent and the clock may have moved since it was queued.

    - a nudge: only to an active number, inside the window, not stale;
    - an invitation: only while the invitation is still pending, inside the window;
    - a clinician's crisis alert: at any hour (alerts are not nudges).
    """
    if kind == "alert":
        return None
    if state is None:
        return "no subscriber"
    if unusable:
        return "number unusable"
    if kind == "invitation":
        if state != State.PENDING:
            return "invitation no longer pending"
        if not inside_window(now, zones, window):
            return "outside the send window"
        if now - slot > INVITATION_STALE_AFTER:
            return "invitation too old to send"
        return None
    if state != State.ACTIVE:
        return "no longer active"
    if not inside_window(now, zones, window):
        return "outside the send window"
    if now - slot > SEND_DEADLINE:
        return TOO_LATE
    return None
