"""Keeping to MAX_SENDS_PER_SECOND: at most one send per 1/rate seconds."""

from __future__ import annotations

import time
from collections.abc import Callable


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
