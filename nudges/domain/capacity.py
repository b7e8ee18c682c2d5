"""Send capacity: how long MAX_SENDS_PER_SECOND needs for the busiest slot of the week.

Every nudge of a slot falls due at once, and parents cluster on the default
time and on round hours. At `rate` texts a second the last of `due` goes out
`due / rate` seconds after the slot. Dispatch queues a slot only within its
grace (`GRACE`, 2 h) and the sender refuses a nudge `SEND_DEADLINE` after its
slot (the grace plus an hour kept for retries) as "too late for its slot"; the
send window closing first cuts both short. So at the default 1 a second, a slot
of more than about 7,200 parents spills into the retry hour, and past about
10,800 the rest are dropped, with nothing said unless this is.

Pure: the caller passes the due counts grouped by (next slot, frequency, zone),
as one grouped query gives them, and `now`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from nudges.domain.schedule import (
    FREQUENCY_DAYS,
    GRACE,
    SEND_DEADLINE,
    TOO_LATE,
    local_at,
    local_minute,
)

WEEK = timedelta(days=7)


@dataclass(frozen=True)
class SlotGroup:
    """Active subscribers whose next nudge is at one instant, on one schedule."""

    next_at: datetime  # aware UTC
    frequency: str  # "3w" or "daily"
    timezone: str  # the stored IANA zone
    count: int


@dataclass(frozen=True)
class Capacity:
    """The busiest send slot of the coming week, and what the rate makes of it."""

    slot_at: datetime | None  # None: nobody is scheduled in the coming week
    due: int
    rate: float  # MAX_SENDS_PER_SECOND
    grace: timedelta  # how long its nudges may take to go out first time
    deadline: timedelta  # after this, the rest are refused as too late for its slot

    @property
    def needs(self) -> timedelta:
        """How long the configured rate takes to send the whole slot."""
        return timedelta(seconds=self.due / self.rate)

    @property
    def fits(self) -> bool:
        return self.needs <= self.grace

    @property
    def dropped(self) -> int:
        """Nudges of the slot that would still be unsent at the deadline."""
        return max(0, self.due - int(self.rate * self.deadline.total_seconds()))

    def warning(self) -> str | None:
        """One sentence for /healthz and the log when the slot does not fit
        (counts and times only: no number, no text)."""
        if self.fits or self.slot_at is None:
            return None
        if not self.dropped:
            lost = "the last go out in the hour kept for retries"
        elif self.deadline < SEND_DEADLINE:
            lost = f"about {self.dropped:,} would not be sent: the send window closes first"
        else:
            lost = f"about {self.dropped:,} would not be sent: {TOO_LATE}"
        return (
            f"the busiest send slot of the coming week ({self.slot_at:%a %Y-%m-%d %H:%M} UTC) "
            f"has {self.due:,} parents due; at {self.rate:g} texts/s they take "
            f"{duration(self.needs)}, longer than the {duration(self.grace)} they have, so {lost}. "
            "Raise MAX_SENDS_PER_SECOND (as far as the sender allows) or spread send times"
        )

    def to_json(self) -> str:
        """A compact record (under 200 characters) for the `capacity` heartbeat."""
        return json.dumps(
            {
                "slot": self.slot_at.isoformat() if self.slot_at else None,
                "due": self.due,
                "rate": self.rate,
                "grace": self.grace.total_seconds(),
                "deadline": self.deadline.total_seconds(),
            },
            separators=(",", ":"),
        )

    @classmethod
    def from_json(cls, text: str) -> Capacity:
        data = json.loads(text)
        slot = data["slot"]
        return cls(
            slot_at=datetime.fromisoformat(slot) if slot else None,
            due=int(data["due"]),
            rate=float(data["rate"]),
            grace=timedelta(seconds=float(data["grace"])),
            deadline=timedelta(seconds=float(data["deadline"])),
        )


def duration(span: timedelta) -> str:
    """`2h30m`, `45m`, `12s`: short enough for a log line."""
    seconds = round(span.total_seconds())
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}h{minutes:02d}m" if minutes else f"{hours}h"
    if minutes:
        return f"{minutes}m"
    return f"{secs}s"


def busiest_slot(
    groups: Iterable[SlotGroup],
    now: datetime,
    rate: float,
    window: tuple[time, time],
    horizon: timedelta = WEEK,
) -> Capacity:
    """The slot in [now, now + horizon) with the most parents due, and its room.

    Each group's next slot is repeated on its frequency's days at the same local
    time, so a daily and a three-a-week parent at noon meet on Monday, Wednesday
    and Friday. The room is the grace, or less when the send window (in the
    stored zone) closes first. Ties go to the earliest slot. A group whose zone
    is unknown is left out: dispatch parks those subscribers.
    """
    due: dict[datetime, int] = {}
    closes: dict[datetime, datetime] = {}
    close_minute = window[1].hour * 60 + window[1].minute
    for group in groups:
        try:
            zone = ZoneInfo(group.timezone)
        except (ZoneInfoNotFoundError, ValueError):
            continue
        minute = local_minute(group.next_at, group.timezone)
        next_day = group.next_at.astimezone(zone).date()
        # A next slot already past (not yet dispatched) still shows the days after.
        first_day = max(next_day, now.astimezone(zone).date())
        days = FREQUENCY_DAYS.get(group.frequency, FREQUENCY_DAYS["3w"])
        for offset in range(horizon.days + 1):
            day = first_day + timedelta(days=offset)
            if day == next_day:
                slot = group.next_at
            elif day.weekday() in days:
                slot = local_at(day, minute, group.timezone)
            else:
                continue
            if not now <= slot < now + horizon:
                continue
            due[slot] = due.get(slot, 0) + group.count
            close = local_at(day, close_minute, group.timezone)
            closes[slot] = min(closes.get(slot, close), close)
    if not due:
        return Capacity(None, 0, rate, GRACE, SEND_DEADLINE)
    slot_at = min(due, key=lambda slot: (-due[slot], slot))
    open_for = max(timedelta(0), closes[slot_at] - slot_at)
    return Capacity(
        slot_at=slot_at.astimezone(UTC),
        due=due[slot_at],
        rate=rate,
        grace=min(GRACE, open_for),
        deadline=min(SEND_DEADLINE, open_for),
    )
