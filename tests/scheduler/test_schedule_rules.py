"""Table tests of the time arithmetic: DST, window clamps, every US zone."""

from __future__ import annotations

from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

import pytest

from nudges.domain.schedule import (
    Preferences,
    inside_window,
    is_late,
    next_slot,
    programme_position,
    shared_window,
    slot_to_send,
)

WINDOW = (time(9), time(20))
NY = "America/New_York"


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def local(dt: datetime, zone: str) -> datetime:
    return dt.astimezone(ZoneInfo(zone))


@pytest.mark.parametrize(
    ("zone", "after", "expected_local"),
    [
        # Monday 23 Nov 2026, after 10:00 everywhere: the next 3-a-week slot is Wednesday.
        ("America/New_York", utc(2026, 11, 23, 20), datetime(2026, 11, 25, 10, 0)),
        ("America/Chicago", utc(2026, 11, 23, 20), datetime(2026, 11, 25, 10, 0)),
        ("America/Denver", utc(2026, 11, 23, 20), datetime(2026, 11, 25, 10, 0)),
        ("America/Phoenix", utc(2026, 11, 23, 20), datetime(2026, 11, 25, 10, 0)),
        ("America/Los_Angeles", utc(2026, 11, 23, 20), datetime(2026, 11, 25, 10, 0)),
        ("America/Anchorage", utc(2026, 11, 23, 20), datetime(2026, 11, 25, 10, 0)),
        ("Pacific/Honolulu", utc(2026, 11, 23, 21), datetime(2026, 11, 25, 10, 0)),
        ("America/Puerto_Rico", utc(2026, 11, 23, 20), datetime(2026, 11, 25, 10, 0)),
        # Before Monday's slot, Monday itself.
        ("America/New_York", utc(2026, 11, 23, 12), datetime(2026, 11, 23, 10, 0)),
        # Friday after the slot: next Monday.
        ("America/New_York", utc(2026, 11, 27, 16), datetime(2026, 11, 30, 10, 0)),
    ],
)
def test_next_three_a_week_slot_is_at_the_local_time(
    zone: str, after: datetime, expected_local: datetime
) -> None:
    slot = next_slot(Preferences(10 * 60, "3w", zone), (zone,), WINDOW, after)
    assert local(slot, zone).replace(tzinfo=None) == expected_local


@pytest.mark.parametrize(
    ("zone", "after", "expected_utc"),
    [
        # Spring forward, Sunday 14 March 2027: 10:00 EDT is 14:00 UTC (it was 15:00 UTC).
        (NY, utc(2027, 3, 13, 20), utc(2027, 3, 14, 14)),
        (NY, utc(2027, 3, 12, 20), utc(2027, 3, 13, 15)),
        # Fall back, Sunday 7 November 2027: 10:00 EST is 15:00 UTC again.
        (NY, utc(2027, 11, 6, 20), utc(2027, 11, 7, 15)),
        # Arizona keeps one offset all year: 10:00 MST is 17:00 UTC in March.
        ("America/Phoenix", utc(2027, 3, 13, 20), utc(2027, 3, 14, 17)),
        # Hawaii too: 10:00 HST is 20:00 UTC.
        ("Pacific/Honolulu", utc(2027, 3, 14, 21), utc(2027, 3, 15, 20)),
    ],
)
def test_daily_slots_stay_at_the_local_time_across_dst(
    zone: str, after: datetime, expected_utc: datetime
) -> None:
    assert next_slot(Preferences(10 * 60, "daily", zone), (zone,), WINDOW, after) == expected_utc


def test_a_slot_is_moved_inside_the_window_of_every_candidate_zone() -> None:
    # Stored in Los Angeles, area code in New York: 7:30pm LA is 10:30pm NY, too late.
    zones = ("America/Los_Angeles", NY)
    slot = next_slot(Preferences(19 * 60 + 30, "daily", zones[0]), zones, WINDOW, utc(2026, 11, 23))
    assert inside_window(slot, zones, WINDOW)
    assert local(slot, NY).time() == time(19, 30)  # the latest slot, 30 minutes before the end


def test_an_early_slot_is_moved_to_the_start_of_the_shared_window() -> None:
    # Stored in New York, area code in Honolulu: 9am NY is 4am in Hawaii.
    zones = (NY, "Pacific/Honolulu")
    slot = next_slot(Preferences(9 * 60, "daily", NY), zones, WINDOW, utc(2026, 11, 23))
    assert local(slot, "Pacific/Honolulu").time() == time(9, 0)
    assert inside_window(slot, zones, WINDOW)


def test_zones_with_no_shared_window_have_no_slot() -> None:
    assert shared_window(datetime(2026, 11, 23).date(), (NY, "Asia/Manila"), WINDOW) is None


@pytest.mark.parametrize(
    ("at", "zones", "inside"),
    [
        (utc(2026, 11, 23, 14), (NY,), True),  # 9:00 NY
        (utc(2026, 11, 23, 13, 59), (NY,), False),  # 8:59 NY
        (utc(2026, 11, 24, 1), (NY,), False),  # 20:00 NY: the end is exclusive
        (utc(2026, 11, 24, 1, 30), ("America/Los_Angeles", "America/New_York"), False),
        (utc(2026, 11, 23, 18), ("America/Los_Angeles", "America/New_York"), True),
    ],
)
def test_inside_window(at: datetime, zones: tuple[str, ...], inside: bool) -> None:
    assert inside_window(at, zones, WINDOW) is inside


def test_late_slots_are_skipped_after_the_grace_period() -> None:
    slot = utc(2026, 11, 23, 15)
    assert not is_late(slot, utc(2026, 11, 23, 17))
    assert is_late(slot, utc(2026, 11, 23, 17, 1))


@pytest.mark.parametrize(
    ("index", "expected"),
    [(0, ("programme", 0)), (23, ("programme", 23)), (24, ("checkin", 0)), (37, ("checkin", 1))],
)
def test_programme_then_checkins(index: int, expected: tuple[str, int]) -> None:
    assert programme_position(index, 24, 12) == expected


@pytest.mark.parametrize(
    ("sent", "length", "gap_days"), [(5, 27, 0), (26, 27, 0), (27, 27, 27), (40, 27, 27)]
)
def test_check_ins_start_a_month_later(sent: int, length: int, gap_days: int) -> None:
    from nudges.domain.schedule import search_from

    slot = utc(2026, 11, 23, 15)
    assert (search_from(slot, slot, sent, length) - slot).days == gap_days


@pytest.mark.parametrize(
    ("state", "unusable", "now", "reason"),
    [
        ("active", False, utc(2026, 11, 23, 15), None),
        (None, False, utc(2026, 11, 23, 15), "no subscriber"),
        ("stopped", False, utc(2026, 11, 23, 15), "no longer active"),
        ("paused", False, utc(2026, 11, 23, 15), "no longer active"),
        ("active", True, utc(2026, 11, 23, 15), "number unusable"),
        ("active", False, utc(2026, 11, 24, 2), "outside the send window"),
        ("active", False, utc(2026, 11, 23, 18, 1), "too late for its slot"),
    ],
)
def test_refusal_at_send(
    state: str | None, unusable: bool, now: datetime, reason: str | None
) -> None:
    from nudges.domain.schedule import refusal_at_send

    slot = utc(2026, 11, 23, 15)
    assert refusal_at_send(state, unusable, (NY,), slot, now, WINDOW) == reason


@pytest.mark.parametrize(
    ("kind", "state", "now", "reason"),
    [
        ("invitation", "pending", utc(2026, 11, 23, 15), None),
        ("invitation", "active", utc(2026, 11, 23, 15), "invitation no longer pending"),
        ("invitation", "stopped", utc(2026, 11, 23, 15), "invitation no longer pending"),
        ("invitation", "pending", utc(2026, 11, 24, 2), "outside the send window"),
        ("invitation", "pending", utc(2026, 11, 25, 15), "invitation too old to send"),
        ("alert", None, utc(2026, 11, 24, 7), None),  # 2am: alerts go at any hour
        ("alert", "stopped", utc(2026, 11, 24, 7), None),
    ],
)
def test_refusal_at_send_by_kind(
    kind: str, state: str | None, now: datetime, reason: str | None
) -> None:
    from nudges.domain.schedule import refusal_at_send

    slot = utc(2026, 11, 23, 15)
    assert refusal_at_send(state, False, (NY,), slot, now, WINDOW, kind) == reason


@pytest.mark.parametrize(
    ("slot", "now", "expected"),
    [
        # On time, or late within the grace: the slot itself.
        (utc(2026, 11, 24, 15), utc(2026, 11, 24, 15, 1), utc(2026, 11, 24, 15)),
        (utc(2026, 11, 24, 15), utc(2026, 11, 24, 17), utc(2026, 11, 24, 15)),
        # A day late: today's slot, 30 s due, is the one to send.
        (utc(2026, 11, 24, 15), utc(2026, 11, 25, 15, 0, 30), utc(2026, 11, 25, 15)),
        # Today's slot is itself 2 h late at most: still today's.
        (utc(2026, 11, 24, 15), utc(2026, 11, 25, 17), utc(2026, 11, 25, 15)),
        # Today's slot is past its grace too: nothing newer, the late slot (skipped).
        (utc(2026, 11, 24, 15), utc(2026, 11, 25, 17, 1), utc(2026, 11, 24, 15)),
        # Today's slot has not come yet: nothing to send now.
        (utc(2026, 11, 23, 15), utc(2026, 11, 25, 14), utc(2026, 11, 23, 15)),
    ],
)
def test_the_slot_to_send_after_an_outage_is_the_latest_one_within_the_grace(
    slot: datetime, now: datetime, expected: datetime
) -> None:
    daily = Preferences(10 * 60, "daily", NY)
    assert slot_to_send(slot, now, daily, (NY,), WINDOW) == expected
