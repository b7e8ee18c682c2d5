"""`lifeline_reaches` answers most +1 numbers without a full parse: the same
answer as the parse, for every area code of the plan."""

from __future__ import annotations

import pytest

from nudges.domain.phone import lifeline_reaches, reaches_by_full_parse

by_full_parse = reaches_by_full_parse


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
