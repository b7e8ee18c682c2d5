"""`lifeline_reaches` answers most +1 numbers without a full parse: the same
answer as the parse, for every area code of the plan."""

from __future__ import annotations

import phonenumbers
import pytest

from nudges.domain.phone import LIFELINE_REGIONS, lifeline_reaches


def by_full_parse(e164: str) -> bool:
    try:
        parsed = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return False
    if parsed.country_code != 1:
        return False
    region = phonenumbers.region_code_for_number(parsed)
    return region in LIFELINE_REGIONS or region is None


@pytest.mark.parametrize("local", ["5550123", "2345678", "9001234", "0001234", "4567890"])
def test_every_area_code_gets_the_full_parses_answer(local: str) -> None:
    for area in range(200, 1000):
        number = f"+1{area}{local}"
        assert lifeline_reaches.__wrapped__(number) == by_full_parse(number), number


@pytest.mark.parametrize(
    ("number", "reaches"),
    [
        ("+14045550123", True),  # Atlanta
        ("+16135550123", True),  # Ottawa
        ("+17875550123", True),  # Puerto Rico
        ("+18765550123", False),  # Jamaica
        ("+18095550123", False),  # Dominican Republic
        ("+2348031234567", False),  # Nigeria
    ],
)
def test_known_places(number: str, reaches: bool) -> None:
    assert lifeline_reaches(number) is reaches
