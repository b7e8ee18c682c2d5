"""Phone numbers as people write them, and where 988 answers.

Pure: `parse_phone("(404) 555-0123") -> "+14045550123"`. The 988 Suicide &
Crisis Lifeline answers in the US (with its territories) and Canada, so only
numbers there are enrolled; others still get the crisis and HELP replies.
"""

from __future__ import annotations

import re
from functools import lru_cache

import phonenumbers

# E.164 as stored and as Twilio sends it: +, a country code, at most 15 digits.
E164 = re.compile(r"\+[1-9]\d{6,14}")

# Regions of the North American plan where dialling or texting 988 reaches a crisis line.
LIFELINE_REGIONS = frozenset({"US", "CA", "PR", "VI", "GU", "AS", "MP"})


# Numbers that are services, not a person's phone: a 900 number may cost the
# parent money per text, and a toll-free line is a business's.
NOT_A_PHONE = frozenset(
    {
        phonenumbers.PhoneNumberType.PREMIUM_RATE,
        phonenumbers.PhoneNumberType.TOLL_FREE,
        phonenumbers.PhoneNumberType.SHARED_COST,
    }
)


class InvalidPhone(ValueError):
    """Not a phone number we can use; the message is plain enough to show a person."""


def parse_phone(raw: str, default_region: str = "US") -> str:
    """`(404) 555-0123`, `404-555-0123`, `+1 404 555 0123` -> `+14045550123`."""
    text = (raw or "").strip()
    if not text or len(text) > 40:
        raise InvalidPhone("That doesn't look like a phone number. Try (404) 555-0123.")
    try:
        parsed = phonenumbers.parse(text, default_region)
    except phonenumbers.NumberParseException:
        raise InvalidPhone(
            "That doesn't look like a US phone number. Try (404) 555-0123."
        ) from None
    if not phonenumbers.is_valid_number(parsed):
        raise InvalidPhone("That doesn't look like a US phone number. Try (404) 555-0123.")
    if phonenumbers.number_type(parsed) in NOT_A_PHONE:
        raise InvalidPhone(
            "That is a premium-rate, toll-free or shared-cost number, not someone's phone."
            " Try their mobile number."
        )
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


@lru_cache(maxsize=8192)  # every inbound text asks; parsing costs more than the rest of HELP
def lifeline_reaches(e164: str) -> bool:
    """True when the number is in the US or Canada (where 988 answers)."""
    try:
        parsed = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return False
    if parsed.country_code != 1:
        return False
    region = phonenumbers.region_code_for_number(parsed)
    # Fictional 555-01xx numbers have no region; their area code still places them.
    return region in LIFELINE_REGIONS or region is None


def last_four(e164: str) -> str:
    return e164[-4:]
