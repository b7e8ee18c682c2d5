from datetime import time

import pytest

from nudges.domain.preferences import (
    candidate_zones,
    clamp_to_window,
    format_minute,
    zone_on_join,
    zones_for_number,
)

WINDOW = (time(9), time(20))


@pytest.mark.parametrize(
    ("phone", "zone"),
    [
        ("+14045550123", "America/New_York"),  # Atlanta
        ("+13125550188", "America/Chicago"),  # Chicago
        ("+15035550142", "America/Los_Angeles"),  # Portland
        ("+16025550100", "America/Phoenix"),  # Phoenix
        ("+18085550199", "Pacific/Honolulu"),  # Honolulu
        ("+19075550100", "America/Denver"),  # Alaska has two zones: falls back to the default
        ("+447700900123", "America/Denver"),  # not a US number: default
    ],
)
def test_zone_on_join_uses_the_area_code_when_it_names_one_zone(phone: str, zone: str) -> None:
    assert zone_on_join(phone, "America/Denver") == zone


def test_candidate_zones_put_the_stored_zone_first_and_add_the_area_code() -> None:
    assert candidate_zones("+13055550100", "America/Los_Angeles") == (
        "America/Los_Angeles",
        "America/New_York",
    )
    assert candidate_zones("+13055550100", "America/New_York") == ("America/New_York",)


def test_zones_for_a_malformed_number_are_empty() -> None:
    assert zones_for_number("not a number") == ()


@pytest.mark.parametrize(
    ("minute", "expected"),
    [(6 * 60, 9 * 60), (9 * 60, 9 * 60), (12 * 60, 12 * 60), (19 * 60 + 45, 19 * 60 + 30)],
)
def test_clamp_keeps_the_time_inside_the_window(minute: int, expected: int) -> None:
    assert clamp_to_window(minute, WINDOW) == expected


@pytest.mark.parametrize(
    ("minute", "text"), [(0, "12:00am"), (510, "8:30am"), (720, "12:00pm"), (1170, "7:30pm")]
)
def test_format_minute(minute: int, text: str) -> None:
    assert format_minute(minute) == text
