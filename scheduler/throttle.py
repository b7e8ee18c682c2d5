"""Keeping to MAX_SENDS_PER_SECOND: at most one send per 1/rate seconds.

`Throttle` paces one process. `SharedThrottle` paces the whole account across
every scheduler process: it reserves a few send slots at a time from the
`send_pace` row with one atomic UPDATE (the row lock orders the processes), then
spaces its own sends inside its slots. A process that dies wastes at most its
unused slots (about two seconds of sending), never doubles the rate.

One clock: the shared schedule is kept in the database's time, read inside the
same UPDATE that reserves, never in a host's. Hosts disagree (a skewed box, a
clock stepped back); when each wrote its own `now`, a scheduler whose clock was
hours behind the last writer slept those hours before every batch. Each process
turns its slots into waits on its own monotonic clock, measured from the
database's `now` returned with the reservation, so no host's wall clock is ever
compared with another's.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import NamedTuple

from sqlalchemy import Float, cast, extract, func, insert, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.sql.elements import ColumnElement

from nudges.db.models import SendPace
from nudges.runtime import Runtime

ACCOUNT = "account"
# SQLite's julianday() counts days from noon, 24 November 4714 BC; this is 1970-01-01.
UNIX_EPOCH_JULIAN_DAY = 2440587.5
# How far ahead of the database's clock the shared schedule may run, in reservations.
# Each process holds at most one reservation at a time, so this many processes can
# queue behind one another; a row further ahead than that (left by a host whose
# clock ran fast, before the schedule used the database's clock, or by a database
# clock stepped back) is pulled back, so no process sleeps more than this many
# reservations plus its own, whatever any clock says.
MAX_QUEUED_RESERVATIONS = 32

DatabaseClock = Callable[[str], ColumnElement[float]]


def database_now(dialect: str) -> ColumnElement[float]:
    """The database's `now` in epoch seconds, as SQL evaluated by the database.

    PostgreSQL: `clock_timestamp()`, the time as the statement runs (after any
    wait for the row lock; `now()` would be the start of the transaction).
    SQLite runs in one process on one host: `julianday('now')` is that host's
    clock, read by SQLite, the same for every throttle that shares the file.
    """
    if dialect == "postgresql":
        return cast(extract("epoch", func.clock_timestamp()), Float)
    return cast((func.julianday("now") - UNIX_EPOCH_JULIAN_DAY) * 86400.0, Float)


class Reservation(NamedTuple):
    """Slots reserved from the shared schedule, in the database's time."""

    start: float  # when the first slot begins
    now: float  # the database's clock when it was reserved

    @property
    def delay(self) -> float:
        """How long to wait for the first slot (never negative)."""
        return max(0.0, self.start - self.now)


class Throttle:
    def __init__(
        self,
        per_second: float,
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.interval = 1.0 / per_second
        self.monotonic = monotonic
        self.sleep = sleep
        self._next = 0.0

    def wait(self) -> None:
        now = self.monotonic()
        if now < self._next:
            self.sleep(self._next - now)
            now = self._next
        # Scheduling from the planned time, not the wake-up time, keeps the long-run
        # rate exact even when sleep overshoots a little.
        self._next = max(now, self._next) + self.interval


class SharedThrottle:
    """One rate for every process that shares the database, on the database's clock."""

    def __init__(
        self,
        runtime: Runtime,
        per_second: float,
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        clock: DatabaseClock = database_now,
    ) -> None:
        self.runtime = runtime
        self.interval = 1.0 / per_second
        # Reserve about half a second of sends at a time (at least one, at most
        # 100): few round trips, and little pace wasted when a pass ends early.
        self.batch = max(1, min(100, int(per_second / 2)))
        self.monotonic = monotonic
        self.sleep = sleep
        self.clock = clock
        # Local monotonic times of this process's reserved slots.
        self._slots: list[float] = []

    @property
    def horizon(self) -> float:
        """The furthest ahead of the database's clock the schedule may be found."""
        return MAX_QUEUED_RESERVATIONS * self.batch * self.interval

    def reserve(self, count: int) -> Reservation:
        """Reserve `count` consecutive slots: one UPDATE, on the database's clock.

        `next_at = max(min(next_at, now + horizon), now) + span`: idle time is not
        saved up for a burst, and a schedule found implausibly far ahead is pulled
        back to the horizon rather than slept through.
        """
        dialect = self.runtime.db.dialect
        greatest = func.greatest if dialect == "postgresql" else func.max
        least = func.least if dialect == "postgresql" else func.min
        span = count * self.interval
        with self.runtime.db.session() as session:
            row = session.execute(
                update(SendPace)
                .where(SendPace.name == ACCOUNT)
                .values(
                    next_at=greatest(
                        least(SendPace.next_at, self.clock(dialect) + self.horizon),
                        self.clock(dialect),
                    )
                    + span
                )
                .returning(SendPace.next_at, self.clock(dialect))
            ).first()
        if row is None:  # the first send ever: make the row, then reserve again
            self._create_row()
            return self.reserve(count)
        end, now = float(row[0]), float(row[1])
        return Reservation(start=end - span, now=now)

    def _create_row(self) -> None:
        dialect = self.runtime.db.dialect
        try:
            with self.runtime.db.session() as session:
                session.execute(insert(SendPace).values(name=ACCOUNT, next_at=self.clock(dialect)))
        except IntegrityError:
            pass  # another process made it first

    def wait(self) -> None:
        if not self._slots:
            reserved = self.reserve(self.batch)
            # The first slot is `delay` after the database's now, which was read
            # during the round trip just ended: measuring from here errs late by
            # at most that round trip, never early.
            first = self.monotonic() + reserved.delay
            self._slots = [first + i * self.interval for i in range(self.batch)]
        slot = self._slots.pop(0)
        delay = slot - self.monotonic()
        if delay > 0:
            self.sleep(delay)
