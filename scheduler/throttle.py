"""Keeping to MAX_SENDS_PER_SECOND: at most one send per 1/rate seconds.

`Throttle` paces one process. `SharedThrottle` paces the whole account across
every scheduler process: it reserves a few send slots at a time from the
`send_pace` row with one atomic UPDATE (the row lock orders the processes), then
spaces its own sends inside its slots. A process that dies wastes at most its
unused slots (about two seconds of sending), never doubles the rate.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from sqlalchemy import func, insert, update
from sqlalchemy.exc import IntegrityError

from nudges.db.models import SendPace
from nudges.runtime import Runtime

ACCOUNT = "account"


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
    """One rate for every process that shares the database."""

    def __init__(
        self,
        runtime: Runtime,
        per_second: float,
        wall: Callable[[], float] = time.time,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.runtime = runtime
        self.interval = 1.0 / per_second
        # Reserve about half a second of sends at a time (at least one, at most
        # 100): few round trips, and little pace wasted when a pass ends early.
        self.batch = max(1, min(100, int(per_second / 2)))
        self.wall = wall
        self.sleep = sleep
        self._slots: list[float] = []

    def reserve(self, count: int) -> float:
        """Reserve `count` consecutive slots; returns when the first one starts."""
        now = self.wall()
        span = count * self.interval
        greatest = func.greatest if self.runtime.db.dialect == "postgresql" else func.max
        with self.runtime.db.session() as session:
            end = session.scalar(
                update(SendPace)
                .where(SendPace.name == ACCOUNT)
                .values(next_at=greatest(SendPace.next_at, now) + span)
                .returning(SendPace.next_at)
            )
        if end is None:  # the first send ever: make the row, then reserve again
            self._create_row(now)
            return self.reserve(count)
        return float(end) - span

    def _create_row(self, now: float) -> None:
        try:
            with self.runtime.db.session() as session:
                session.execute(insert(SendPace).values(name=ACCOUNT, next_at=now))
        except IntegrityError:
            pass  # another process made it first

    def wait(self) -> None:
        if not self._slots:
            start = self.reserve(self.batch)
            self._slots = [start + i * self.interval for i in range(self.batch)]
        slot = self._slots.pop(0)
        delay = slot - self.wall()
        if delay > 0:
            self.sleep(delay)
