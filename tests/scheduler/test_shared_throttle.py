"""One send rate for the whole account: slots reserved by any number of senders
never overlap, idle time is not saved up for a burst, and the schedule is kept
on the database's clock, so no host's clock makes another sleep.

Most tests hand the throttles a database clock the test moves (a SQL literal,
evaluated by the real database) and fake host clocks (`monotonic` and `sleep`),
so nothing here waits; one test reads the database's own clock."""

from __future__ import annotations

import time
from collections.abc import Callable

from sqlalchemy import Float, literal, update
from sqlalchemy.sql.elements import ColumnElement

from nudges.config import Settings
from nudges.db.models import SendPace
from nudges.runtime import Runtime, build_runtime
from nudges.sms.transports import ConsoleTransport
from scheduler.throttle import ACCOUNT, MAX_QUEUED_RESERVATIONS, SharedThrottle

HOURS = 3600.0


class DatabaseTime:
    """The one clock every throttle reads, as the database would report it."""

    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self, dialect: str) -> ColumnElement[float]:
        return literal(self.now, Float)


class Host:
    """A scheduler host's own monotonic clock; sleeping moves it and the
    database's time alike (real time passes for everyone)."""

    def __init__(self, monotonic: float, database: DatabaseTime) -> None:
        self.clock = monotonic
        self.database = database
        self.slept: list[float] = []

    def monotonic(self) -> float:
        return self.clock

    def sleep(self, seconds: float) -> None:
        self.slept.append(round(seconds, 3))
        self.clock += seconds
        self.database.now += seconds


def _runtime(make_settings: Callable[..., Settings]) -> Runtime:
    return build_runtime(make_settings(), transport=ConsoleTransport(echo=False))


def _throttle(runtime: Runtime, rate: float, host: Host) -> SharedThrottle:
    return SharedThrottle(
        runtime, rate, monotonic=host.monotonic, sleep=host.sleep, clock=host.database
    )


def test_two_processes_reserve_consecutive_slots_at_one_rate(
    make_settings: Callable[..., Settings],
) -> None:
    first, second = _runtime(make_settings), _runtime(make_settings)
    database = DatabaseTime(1000.0)
    a = SharedThrottle(first, 10, sleep=lambda s: None, clock=database)
    b = SharedThrottle(second, 10, sleep=lambda s: None, clock=database)
    windows = [a.reserve(5).start, b.reserve(5).start, a.reserve(5).start]
    assert windows == [1000.0, 1000.5, 1001.0]  # 5 slots at 10/s are half a second
    database.now = 5000.0  # a long idle spell: no credit is saved up for a burst
    assert b.reserve(5) == (5000.0, 5000.0)
    first.db.dispose()
    second.db.dispose()


def test_waiting_spaces_sends_inside_the_reserved_slots(
    make_settings: Callable[..., Settings],
) -> None:
    runtime = _runtime(make_settings)
    host = Host(2000.0, DatabaseTime(1_800_000_000.0))
    throttle = _throttle(runtime, 4, host)
    for _ in range(4):
        throttle.wait()
    assert host.slept == [0.25, 0.25, 0.25]  # the first send goes at once, then 1/4 s apart
    runtime.db.dispose()


def test_hosts_whose_clocks_are_hours_apart_sleep_only_for_the_slots_ahead_of_them(
    make_settings: Callable[..., Settings],
) -> None:
    """The tick that hung: a scheduler hours behind the last writer slept the
    difference before every batch. Now both pace by the database's clock."""
    first, second = _runtime(make_settings), _runtime(make_settings)
    database = DatabaseTime(1_800_000_000.0)
    ahead = Host(9 * HOURS, database)  # this host's clock runs hours ahead...
    behind = Host(2 * HOURS, database)  # ...of this one's
    a, b = _throttle(first, 10, ahead), _throttle(second, 10, behind)
    for _ in range(3):
        a.wait()  # reserves 5 slots (half a second) and sends in the first
        b.wait()  # reserves the next 5, and waits only for a's half second
        for _ in range(4):
            a.wait()
            b.wait()
    # Each sleeps only for the slots reserved ahead of it, never hours: a spaces
    # its own sends, b first waits out a's half second.
    assert ahead.slept == [0.1] * 4 * 3
    assert behind.slept == ([0.5] + [0.1] * 4) * 3
    first.db.dispose()
    second.db.dispose()


def test_a_schedule_left_hours_ahead_costs_at_most_the_horizon(
    make_settings: Callable[..., Settings],
) -> None:
    """A row written by a host whose clock ran fast (before the shared schedule
    used the database's clock), or a database clock stepped back: the schedule
    is pulled back to the horizon instead of being slept through."""
    runtime = _runtime(make_settings)
    host = Host(50.0, DatabaseTime(1_800_000_000.0))
    throttle = _throttle(runtime, 10, host)
    throttle.reserve(1)
    with runtime.db.session() as session:
        session.execute(
            update(SendPace)
            .where(SendPace.name == ACCOUNT)
            .values(next_at=host.database.now + 5 * HOURS)
        )
    throttle.wait()
    assert throttle.horizon == MAX_QUEUED_RESERVATIONS * 5 * 0.1
    assert host.slept == [throttle.horizon]
    runtime.db.dispose()


def test_the_database_clock_is_read_in_epoch_seconds_and_an_idle_account_sends_at_once(
    make_settings: Callable[..., Settings],
) -> None:
    runtime = _runtime(make_settings)
    slept: list[float] = []
    throttle = SharedThrottle(runtime, 1, sleep=slept.append)  # the database's own clock
    reserved = throttle.reserve(1)
    # The database and this test share a host here, so their clocks agree.
    assert abs(reserved.now - time.time()) < 60
    assert reserved.delay == 0.0
    throttle.wait()  # one second after the slot just reserved
    assert len(slept) == 1 and 0.9 < slept[0] <= 1.0
    runtime.db.dispose()
