"""parse_phone: numbers as people write them, and numbers that are not a person's phone."""

from __future__ import annotations

import pytest

from nudges.domain.phone import InvalidPhone, parse_phone


@pytest.mark.parametrize(
    ("raw", "e164"),
    [
        ("(404) 555-0123", "+14045550123"),
        ("+1 404 555 0177", "+14045550177"),
        ("514 555 0123", "+15145550123"),
    ],
)
def test_a_persons_number_as_written_is_stored_in_e164(raw: str, e164: str) -> None:
    assert parse_phone(raw) == e164


@pytest.mark.parametrize("raw", ["+1 900 555 0157", "1-800-555-0199", "(888) 555-0100"])
def test_a_premium_rate_or_toll_free_number_is_refused_saying_why(raw: str) -> None:
    with pytest.raises(InvalidPhone, match="premium-rate, toll-free"):
        parse_phone(raw)


def test_something_that_is_not_a_number_is_refused() -> None:
    with pytest.raises(InvalidPhone, match="look like"):
        parse_phone("555-01")
