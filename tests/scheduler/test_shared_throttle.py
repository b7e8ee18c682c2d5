"""One send rate for the whole account: slots reserved by any number of senders
never overlap, and idle time is not saved up for a burst."""

from __future__ import annotations

from collections.abc import Callable

from nudges.config import Settings
from nudges.runtime import build_runtime
from nudges.sms.transports import ConsoleTransport
from scheduler.throttle import SharedThrottle


def test_two_processes_reserve_consecutive_slots_at_one_rate(
    make_settings: Callable[..., Settings],
) -> None:
    settings = make_settings()
    first = build_runtime(settings, transport=ConsoleTransport(echo=False))
    second = build_runtime(settings, transport=ConsoleTransport(echo=False))
    wall = [1000.0]
    a = SharedThrottle(first, 10, wall=lambda: wall[0], sleep=lambda s: None)
    b = SharedThrottle(second, 10, wall=lambda: wall[0], sleep=lambda s: None)
    windows = [a.reserve(5), b.reserve(5), a.reserve(5)]
    assert windows == [1000.0, 1000.5, 1001.0]  # 5 slots at 10/s are half a second
    wall[0] = 5000.0  # a long idle spell: no credit is saved up for a burst
    assert b.reserve(5) == 5000.0
    first.db.dispose()
    second.db.dispose()


def test_waiting_spaces_sends_inside_the_reserved_slots(
    make_settings: Callable[..., Settings],
) -> None:
    runtime = build_runtime(make_settings(), transport=ConsoleTransport(echo=False))
    wall = [2000.0]
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(round(seconds, 3))
        wall[0] += seconds

    throttle = SharedThrottle(runtime, 4, wall=lambda: wall[0], sleep=sleep)
    for _ in range(4):
        throttle.wait()
    assert slept == [0.25, 0.25, 0.25]  # the first send goes at once, then 1/4 s apart
    runtime.db.dispose()
