"""What a default parent receives week by week, as the catalogue and the README
show it (messages/export.py), held to what the scheduler really sends: parents who
say YES on each day of a week, before and after their send time, ticked at each
moment a text is due."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from messages import load_library
from messages.export import FIRST_WEEK_NUDGES, NUDGES_PER_WEEK, weeks_received
from nudges.clock import FrozenClock
from nudges.config import Settings
from nudges.db.models import Outbox
from nudges.runtime import Runtime, build_runtime
from nudges.sms.transports import ConsoleTransport
from tests.scheduler.conftest import run_due, sent, text

# Slow tier: the module's parents are walked through weeks of slots by the real
# dispatch and sender (2-4 s), like test_programme_walk.py.
pytestmark = pytest.mark.slow

ATLANTA = ZoneInfo("America/New_York")
SUNDAY = datetime(2026, 11, 29, tzinfo=ATLANTA)
SEND_TIME = "TIME 10am"
# When each parent says YES (local): every day of a week, and on the days with a
# slot (Monday, Wednesday, Friday) both before and after the 10am send time.
STARTS = [
    SUNDAY + timedelta(days=day, hours=hour)
    for day, hours in enumerate([(12,), (8, 12), (12,), (8, 12), (12,), (8, 12), (12,)])
    for hour in hours
]
PHONES = [f"+1404555{130 + i:04d}" for i in range(len(STARTS))]


@pytest.fixture
def console(make_settings: Callable[..., Settings], clock: FrozenClock) -> Iterator[Runtime]:
    # Ten parents share a slot: no real-time throttle between their texts.
    settings = make_settings(MAX_SENDS_PER_SECOND="1000")
    built = build_runtime(settings, clock=clock, transport=ConsoleTransport(echo=False))
    yield built
    built.db.dispose()


def _run_until(runtime: Runtime, clock: FrozenClock, end: datetime) -> None:
    run_due(runtime, clock, (end - clock.now()) / timedelta(days=1))


@pytest.fixture
def received(console: Runtime, clock: FrozenClock) -> dict[datetime, list[Outbox]]:
    """Three weeks and more of texts for each parent, by when they said YES."""
    for start, phone in zip(STARTS, PHONES, strict=True):
        _run_until(console, clock, start)
        text(console, phone, "JOIN", "YES", SEND_TIME)
    _run_until(console, clock, SUNDAY + timedelta(days=23))
    return {start: sent(console, phone) for start, phone in zip(STARTS, PHONES, strict=True)}


def test_the_weeks_a_sunday_parent_receives_are_the_catalogues(
    received: dict[datetime, list[Outbox]],
) -> None:
    rows = received[STARTS[0]]
    monday = (SUNDAY + timedelta(days=1)).date()
    weeks: dict[int, list[str]] = {}
    for row in rows:
        day = row.slot_at.astimezone(ATLANTA).date()
        weeks.setdefault((day - monday).days // 7, []).append(row.nudge_id or "")
    shown = [
        (["checkin"] if week.checkin else []) + [n.id for n in week.nudges]
        for week in weeks_received(load_library().track("perfectionism", "en"))[:3]
    ]
    assert [weeks[0], weeks[1], weeks[2]] == shown
    assert len(shown[0]) == FIRST_WEEK_NUDGES and len(shown[1]) == 1 + NUDGES_PER_WEEK


def test_the_first_check_in_is_the_third_or_fourth_text_as_the_note_says(
    received: dict[datetime, list[Outbox]],
) -> None:
    # RECEIVED_NOTE: the 4th text for a YES on a Sunday, or on a Monday, Wednesday
    # or Friday before the send time; the 3rd otherwise. Then every 3rd text.
    for start, rows in received.items():
        local = start.astimezone(ATLANTA)
        slot_day_before_time = local.weekday() in (0, 2, 4) and local.hour < 10
        first = 4 if local.weekday() == 6 or slot_day_before_time else 3
        kinds = [row.kind for row in rows]
        expected = ["nudge"] * (first - 1) + ["checkin", "nudge", "nudge", "checkin"]
        assert kinds[: first + 3] == expected, local.strftime("%A %H:%M")
        checkin_day = rows[first - 1].slot_at.astimezone(ATLANTA).date()
        assert (checkin_day - local.date()).days >= 6, local.strftime("%A %H:%M")
