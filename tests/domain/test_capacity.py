"""Table tests of send capacity: the busiest slot of the coming week, how long
the configured rate needs for it, and what the operator is told."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest

from nudges.domain.capacity import Capacity, SlotGroup, busiest_slot, duration
from nudges.domain.schedule import GRACE, SEND_DEADLINE

WINDOW = (time(9), time(20))
NY = "America/New_York"
CHICAGO = "America/Chicago"
# Monday 23 November 2026, 15:00 in New York (EST, UTC-5).
NOW = datetime(2026, 11, 23, 20, 0, tzinfo=UTC)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


WED_NOON_NY = utc(2026, 11, 25, 17)
TUE_NOON_NY = utc(2026, 11, 24, 17)


@pytest.mark.parametrize(
    ("case", "groups", "rate", "slot_at", "due", "fits", "dropped"),
    [
        ("nobody scheduled", [], 1.0, None, 0, True, 0),
        (
            "two hours of sends at 1/s fill the grace exactly",
            [SlotGroup(WED_NOON_NY, "3w", NY, 7200)],
            1.0,
            WED_NOON_NY,
            7200,
            True,
            0,
        ),
        (
            "one more spills into the hour kept for retries",
            [SlotGroup(WED_NOON_NY, "3w", NY, 7201)],
            1.0,
            WED_NOON_NY,
            7201,
            False,
            0,
        ),
        (
            "past three hours the rest are too late for their slot",
            [SlotGroup(WED_NOON_NY, "3w", NY, 12_000)],
            1.0,
            WED_NOON_NY,
            12_000,
            False,
            1200,
        ),
        (
            "toll-free at 3/s sends 20,000 inside the grace",
            [SlotGroup(WED_NOON_NY, "3w", NY, 20_000)],
            3.0,
            WED_NOON_NY,
            20_000,
            True,
            0,
        ),
        (
            "daily and three-a-week parents at noon meet on Wednesday (and next Monday)",
            [SlotGroup(TUE_NOON_NY, "daily", NY, 100), SlotGroup(WED_NOON_NY, "3w", NY, 300)],
            1.0,
            WED_NOON_NY,
            400,
            True,
            0,
        ),
        (
            "one instant in two zones adds up (13:00 New York is 12:00 Chicago)",
            [
                SlotGroup(utc(2026, 11, 25, 18), "3w", NY, 5000),
                SlotGroup(utc(2026, 11, 25, 18), "3w", CHICAGO, 5000),
                SlotGroup(WED_NOON_NY, "3w", NY, 8000),
            ],
            1.0,
            utc(2026, 11, 25, 18),
            10_000,
            False,
            0,
        ),
        (
            "a 19:30 slot has half an hour before the window closes",
            [SlotGroup(utc(2026, 11, 26, 0, 30), "3w", NY, 2000)],
            1.0,
            utc(2026, 11, 26, 0, 30),
            2000,
            False,
            200,
        ),
        (
            "a slot beyond the coming week is not counted",
            [SlotGroup(utc(2026, 12, 2, 17), "3w", NY, 9000), SlotGroup(WED_NOON_NY, "3w", NY, 5)],
            1.0,
            WED_NOON_NY,
            5,
            True,
            0,
        ),
        (
            "an unknown zone is left out (dispatch parks it)",
            [SlotGroup(WED_NOON_NY, "3w", "Mars/Olympus", 9000)],
            1.0,
            None,
            0,
            True,
            0,
        ),
    ],
)
def test_busiest_slot_of_the_coming_week(
    case: str,
    groups: list[SlotGroup],
    rate: float,
    slot_at: datetime | None,
    due: int,
    fits: bool,
    dropped: int,
) -> None:
    capacity = busiest_slot(groups, NOW, rate, WINDOW)
    assert (capacity.slot_at, capacity.due, capacity.fits, capacity.dropped) == (
        slot_at,
        due,
        fits,
        dropped,
    ), case


def test_a_slot_inside_the_window_has_the_grace_and_the_deadline() -> None:
    capacity = busiest_slot([SlotGroup(WED_NOON_NY, "3w", NY, 9000)], NOW, 1.0, WINDOW)
    assert (capacity.grace, capacity.deadline) == (GRACE, SEND_DEADLINE)
    assert capacity.needs == timedelta(hours=2, minutes=30)


def test_the_warning_names_the_slot_the_count_the_time_and_what_to_change() -> None:
    capacity = busiest_slot([SlotGroup(WED_NOON_NY, "3w", NY, 12_000)], NOW, 1.0, WINDOW)
    assert capacity.warning() == (
        "the busiest send slot of the coming week (Wed 2026-11-25 17:00 UTC) has 12,000 "
        "parents due; at 1 texts/s they take 3h20m, longer than the 2h they have, so about "
        "1,200 would not be sent: too late for its slot. Raise MAX_SENDS_PER_SECOND (as far "
        "as the sender allows) or spread send times"
    )


def test_a_slot_that_fits_warns_of_nothing() -> None:
    capacity = busiest_slot([SlotGroup(WED_NOON_NY, "3w", NY, 100)], NOW, 1.0, WINDOW)
    assert capacity.warning() is None
    assert busiest_slot([], NOW, 1.0, WINDOW).warning() is None


def test_the_window_closing_first_is_named_as_the_reason() -> None:
    late = SlotGroup(utc(2026, 11, 26, 0, 30), "3w", NY, 2000)
    warning = busiest_slot([late], NOW, 1.0, WINDOW).warning()
    assert warning is not None and "the send window closes first" in warning


@pytest.mark.parametrize(
    "capacity",
    [
        busiest_slot([SlotGroup(WED_NOON_NY, "3w", NY, 123_456)], NOW, 0.5, WINDOW),
        busiest_slot([], NOW, 1000.0, WINDOW),
    ],
)
def test_capacity_survives_the_heartbeat_in_under_200_characters(capacity: Capacity) -> None:
    text = capacity.to_json()
    assert len(text) < 200
    assert Capacity.from_json(text) == capacity


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(12, "12s"), (45 * 60, "45m"), (7200, "2h"), (9000, "2h30m"), (3 * 3600 + 20 * 60, "3h20m")],
)
def test_durations_are_short(seconds: int, text: str) -> None:
    assert duration(timedelta(seconds=seconds)) == text
