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


@lru_cache(maxsize=8192)  # every inbound text asks
def lifeline_reaches(e164: str) -> bool:
    """True when the number is in the US or Canada (where 988 answers)."""
    if _NANP_TEN.fullmatch(e164) and not _NOT_LIFELINE.match(e164, 2):
        # No area code of a plan member outside the lifeline: what the full
        # parse below would say, for a tenth of its cost (HELP's first read).
        return True
    return reaches_by_full_parse(e164)


def reaches_by_full_parse(e164: str) -> bool:
    """`lifeline_reaches` by phonenumbers' full parse, for any number."""
    try:
        parsed = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return False
    if parsed.country_code != 1:
        return False
    region = phonenumbers.region_code_for_number(parsed)
    # Fictional 555-01xx numbers have no region; their area code still places them.
    return region in LIFELINE_REGIONS or region is None


def _outside_lifeline() -> re.Pattern[str]:
    """The leading digits of the North American plan's members outside the
    lifeline (Jamaica's 876...), from phonenumbers' own data. Each has them:
    a +1 number is placed there only by them, so a number that starts with
    none of them is in the lifeline's regions or in none."""
    patterns = []
    for region in phonenumbers.COUNTRY_CODE_TO_REGION_CODE[1]:
        if region in LIFELINE_REGIONS:
            continue
        metadata = phonenumbers.PhoneMetadata.metadata_for_region(region, None)
        assert metadata is not None and metadata.leading_digits, region
        patterns.append(f"(?:{metadata.leading_digits})")
    return re.compile("|".join(patterns))


_NANP_TEN = re.compile(r"\+1\d{10}")
_NOT_LIFELINE = _outside_lifeline()


def last_four(e164: str) -> str:
    return e164[-4:]
