"""Parsing what parents type for TIME and ZONE, and the time zone a number implies.

Pure: plain values in, plain values out.
"""

from __future__ import annotations

import re
import zoneinfo
from datetime import time
from functools import lru_cache

import phonenumbers
from phonenumbers import timezone as phone_timezones

# Names a US parent is likely to type, mapped to IANA zones.
ZONE_NAMES: dict[str, str] = {
    "eastern": "America/New_York",
    "east": "America/New_York",
    "et": "America/New_York",
    "est": "America/New_York",
    "edt": "America/New_York",
    "new york": "America/New_York",
    "central": "America/Chicago",
    "ct": "America/Chicago",
    "cst": "America/Chicago",
    "cdt": "America/Chicago",
    "chicago": "America/Chicago",
    "mountain": "America/Denver",
    "mt": "America/Denver",
    "mst": "America/Denver",
    "mdt": "America/Denver",
    "denver": "America/Denver",
    "arizona": "America/Phoenix",
    "az": "America/Phoenix",
    "phoenix": "America/Phoenix",
    "pacific": "America/Los_Angeles",
    "pt": "America/Los_Angeles",
    "pst": "America/Los_Angeles",
    "pdt": "America/Los_Angeles",
    "west": "America/Los_Angeles",
    "los angeles": "America/Los_Angeles",
    "alaska": "America/Anchorage",
    "akst": "America/Anchorage",
    "hawaii": "Pacific/Honolulu",
    "hst": "Pacific/Honolulu",
    "atlantic": "America/Puerto_Rico",
    "puerto rico": "America/Puerto_Rico",
    "guam": "Pacific/Guam",
    "samoa": "Pacific/Pago_Pago",
}

# Friendly labels for replies.
ZONE_LABELS: dict[str, str] = {
    "America/New_York": "Eastern",
    "America/Chicago": "Central",
    "America/Denver": "Mountain",
    "America/Phoenix": "Arizona",
    "America/Los_Angeles": "Pacific",
    "America/Anchorage": "Alaska",
    "Pacific/Honolulu": "Hawaii",
    "America/Puerto_Rico": "Atlantic",
    "Pacific/Guam": "Guam",
    "Pacific/Pago_Pago": "Samoa",
}

_VALID_ZONES = {z.lower(): z for z in zoneinfo.available_timezones()}


def parse_zone(raw: str) -> str | None:
    """`Pacific`, `PT`, `America/Chicago` (any case) -> IANA name; None if unknown."""
    text = re.sub(r"\s+", " ", raw).strip().lower().strip(".!?")
    text = re.sub(r"\s+(?:time|timezone|time zone)$", "", text)
    if text in ZONE_NAMES:
        return ZONE_NAMES[text]
    return _VALID_ZONES.get(text.replace(" ", "_"))


def zone_label(zone: str) -> str:
    return ZONE_LABELS.get(zone, zone)


_TIME = re.compile(
    r"(?:at\s+|around\s+)?"
    r"(?P<hour>\d{1,2})(?:(?:[:.h]|\s)(?P<minute>\d{2}))?"
    r"\s*(?P<ampm>a\.?m?\.?|p\.?m?\.?)?(?:\s+(?:in\s+the\s+|at\s+)?(?P<part>morning|afternoon|evening|night))?"
)
_COMPACT = re.compile(r"(?P<hour>\d{1,2})(?P<minute>\d{2})\s*(?P<ampm>a\.?m?\.?|p\.?m?\.?)?")


def parse_local_time(raw: str, window: tuple[time, time] = (time(9), time(20))) -> int | None:
    """`7:30pm`, `7.30 PM`, `730pm`, `19:30`, `7pm`, `noon`, `10` -> minutes after midnight.

    A bare hour with no am/pm is read the way that falls inside the send window
    (`5` -> 5pm, `10` -> 10am). Returns None when it cannot be read.
    """
    text = re.sub(r"\s+", " ", raw).strip().lower().strip(".!?")
    if text in ("noon", "midday", "lunch", "lunchtime"):
        return 12 * 60
    if text in ("morning",):
        return 9 * 60
    if text in ("evening", "after bedtime"):
        return 19 * 60
    match = _COMPACT.fullmatch(text) if re.fullmatch(r"\d{3,4}.*", text) else None
    match = match or _TIME.fullmatch(text)
    if not match:
        return None
    hour = int(match.group("hour"))
    minute = int(match.group("minute") or 0)
    ampm = (match.group("ampm") or "")[:1]
    part = match.groupdict().get("part") or ""
    if minute > 59 or hour > 23:
        return None
    if ampm or part:
        if hour == 0 or hour > 12:
            return None
        is_pm = ampm == "p" or (not ampm and part in ("afternoon", "evening", "night"))
        hour = hour % 12 + (12 if is_pm else 0)
    elif 1 <= hour <= 12:
        am, pm = hour % 12, hour % 12 + 12
        start = window[0].hour * 60 + window[0].minute
        end = window[1].hour * 60 + window[1].minute
        hour = am if start <= am * 60 + minute < end or not start <= pm * 60 + minute < end else pm
    return hour * 60 + minute


def format_minute(minute: int) -> str:
    """510 -> '8:30am', 1170 -> '7:30pm', 720 -> '12:00pm'."""
    hour, mins = divmod(minute, 60)
    suffix = "am" if hour < 12 else "pm"
    return f"{(hour % 12) or 12}:{mins:02d}{suffix}"


def clamp_to_window(minute: int, window: tuple[time, time], margin: int = 30) -> int:
    """Keep a chosen send time inside the window, `margin` minutes before its end,
    so a tick that runs a little late still lands before quiet hours."""
    start = window[0].hour * 60 + window[0].minute
    end = window[1].hour * 60 + window[1].minute - margin
    return min(max(minute, start), max(start, end))


def zones_for_number(phone: str) -> tuple[str, ...]:
    """IANA zones the number's area code suggests (may be several, or none).

    In the North American plan the zone follows the area code, so lookups are
    cached per "+1NPA": dispatch asks this for every due subscriber.
    """
    if len(phone) == 12 and phone.startswith("+1"):
        return _zones_for_area_code(phone[:5])
    return _zones_uncached(phone)


@lru_cache(maxsize=2048)
def _zones_for_area_code(prefix: str) -> tuple[str, ...]:
    return _zones_uncached(prefix + "5550100")


def _zones_uncached(phone: str) -> tuple[str, ...]:
    try:
        parsed = phonenumbers.parse(phone, None)
    except phonenumbers.NumberParseException:
        return ()
    zones = phone_timezones.time_zones_for_number(parsed)
    return tuple(z for z in zones if z in _VALID_ZONES.values())


def zone_on_join(phone: str, default_zone: str) -> str:
    """The area code's zone when it names exactly one, else the default."""
    zones = zones_for_number(phone)
    return zones[0] if len(zones) == 1 else default_zone


def candidate_zones(phone: str, stored_zone: str) -> tuple[str, ...]:
    """Every zone the parent may be in: the stored one plus the area code's.
    Sending waits until it is inside the window in all of them."""
    zones = [stored_zone]
    zones += [z for z in zones_for_number(phone) if z != stored_zone]
    return tuple(zones)
