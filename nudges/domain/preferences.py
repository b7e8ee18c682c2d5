"""Parsing what parents type for TIME and ZONE, and the time zone a number implies.

Pure: plain values in, plain values out.
"""

from __future__ import annotations

import re
import zoneinfo
from datetime import datetime, time

import phonenumbers
from phonenumbers import timezone as phone_timezones
from phonenumbers.tzdata import TIMEZONE_LONGEST_PREFIX

# Names a US parent is likely to type, mapped to IANA zones.
# The tracks, in the order the choice offers them (1, 2, 3); the first is the
# default. One table: the keywords, the CLI, the clinician form and the import
# all read it. The library holds a file of nudges for each (messages/tracks/).
TRACKS = ("perfectionism", "guilt", "role_strain")

# A new subscriber's preferences until they (or their clinician) choose.
DEFAULT_SEND_MINUTE = 12 * 60  # noon, local
DEFAULT_FREQUENCY = "3w"  # three a week; or "daily"
DEFAULT_TRACK = TRACKS[0]
DEFAULT_LANG = "en"

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
    "newfoundland": "America/St_Johns",
    "nst": "America/St_Johns",
    "ndt": "America/St_Johns",
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
    "America/St_Johns": "Newfoundland",
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


# A chosen time is kept this many minutes before the window's end (the replies
# that say so name it: messages/system/*.toml time_margin).
END_MARGIN = 30


def clamp_to_window(minute: int, window: tuple[time, time], margin: int = END_MARGIN) -> int:
    """Keep a chosen send time inside the window, `margin` minutes before its end,
    so a tick that runs a little late still lands before quiet hours."""
    start = window[0].hour * 60 + window[0].minute
    end = window[1].hour * 60 + window[1].minute - margin
    return min(max(minute, start), max(start, end))


def within_hours(minute: int, window: tuple[time, time]) -> bool:
    """Is a local time inside the window itself (its last `END_MARGIN` too)?"""
    return window[0].hour * 60 + window[0].minute <= minute < window[1].hour * 60 + window[1].minute


def zones_for_number(phone: str) -> tuple[str, ...]:
    """IANA zones the number suggests (may be several, or none).

    Area codes split across zones (208, 541, 850, 907, 928...) are resolved by
    phonenumbers' exchange-level data, which is keyed by at most
    TIMEZONE_LONGEST_PREFIX digits: numbers that share that prefix share their
    zones, so the lookup is cached on it (dispatch asks for every due subscriber).
    """
    digits = phone.lstrip("+")
    if not digits.isdigit():
        return ()
    prefix = digits[:TIMEZONE_LONGEST_PREFIX]
    zones = _ZONES_BY_PREFIX.get(prefix)
    if zones is None:
        zones = _zones_uncached(phone)
        if len(_ZONES_BY_PREFIX) < 200_000:  # bounded: about 20 MB at worst
            _ZONES_BY_PREFIX[prefix] = zones
    return zones


_ZONES_BY_PREFIX: dict[str, tuple[str, ...]] = {}


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


# Zones where 988 answers (the US with its territories, and Canada). A ZONE
# outside these gets a clear reply instead of nudges timed for somewhere else.
_LIFELINE_ZONE_PREFIXES = ("America/", "US/", "Canada/")
_LIFELINE_PACIFIC = {"Pacific/Honolulu", "Pacific/Guam", "Pacific/Pago_Pago", "Pacific/Saipan"}
_NORTH_AMERICA_OTHER = {
    # America/* zones outside the US and Canada, most likely typed by mistake.
    "America/Mexico_City",
    "America/Cancun",
    "America/Tijuana",
    "America/Havana",
    "America/Jamaica",
    "America/Bogota",
    "America/Lima",
    "America/Sao_Paulo",
    "America/Argentina/Buenos_Aires",
    "America/Santiago",
    "America/Caracas",
    "America/Guatemala",
    "America/Panama",
    "America/Costa_Rica",
    "America/El_Salvador",
    "America/Managua",
    "America/Tegucigalpa",
    "America/Santo_Domingo",
    "America/Nassau",
    "America/Port-au-Prince",
    "America/Montevideo",
    "America/La_Paz",
    "America/Guayaquil",
    "America/Asuncion",
    "America/Belize",
    "America/Monterrey",
    "America/Merida",
    "America/Chihuahua",
    "America/Hermosillo",
    "America/Mazatlan",
    "America/Barbados",
    "America/Godthab",
    "America/Nuuk",
    "America/Cayenne",
    "America/Paramaribo",
    "America/Guyana",
    "America/Martinique",
    "America/Guadeloupe",
    "America/Curacao",
    "America/Aruba",
    "America/Port_of_Spain",
    "America/Bahia",
    "America/Manaus",
}


def lifeline_zone(zone: str) -> bool:
    """True for a zone in the US or Canada (where 988 answers)."""
    if zone in _LIFELINE_PACIFIC:
        return True
    return zone.startswith(_LIFELINE_ZONE_PREFIXES) and zone not in _NORTH_AMERICA_OTHER


def local_time_label(at: datetime, zone: str) -> str:
    """`Mon Nov 30, 9:00am Eastern`: a moment in someone's own day."""
    local = at.astimezone(zoneinfo.ZoneInfo(zone))
    return f"{local:%a %b} {local.day}, {format_minute(local.hour * 60 + local.minute)} " + (
        zone_label(zone)
    )
