"""What an inbound text asks for: `interpret(body) -> Intent`.

Keywords match the whole message, case-insensitively, ignoring surrounding
spaces and trailing punctuation. Precedence: crisis > help > opt-out > the rest.
Crisis is reported alongside the keyword (a crisis message that also says STOP
is answered as a crisis *and* honoured as a stop).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum

from nudges.domain.crisis import CrisisSignal, detect_crisis
from nudges.domain.preferences import parse_local_time, parse_zone


class Kind(StrEnum):
    HELP = "help"
    HELP_ES = "help_es"
    OPT_OUT = "opt_out"
    CONFIRM = "confirm"  # YES, START, UNSTOP
    JOIN = "join"
    PAUSE = "pause"
    RESUME = "resume"
    TIME = "time"
    ZONE = "zone"
    DAILY = "daily"
    WEEKLY = "weekly"
    MENU = "menu"
    OTHER = "other"


@dataclass(frozen=True)
class Intent:
    kind: Kind
    crisis: CrisisSignal | None = None
    days: int | None = None  # PAUSE n
    minute: int | None = None  # TIME: local minutes after midnight; None if unreadable
    zone: str | None = None  # ZONE: IANA name; None if unreadable


HELP_WORDS = {"help", "info"}
HELP_ES_WORDS = {"ayuda"}
OPT_OUT_WORDS = {
    "stop",
    "stopall",
    "unsubscribe",
    "cancel",
    "end",
    "quit",
    "revoke",
    "optout",
    "opt out",
    "opt-out",
    "stop all",
    # Spanish and French carrier conventions: honour them too.
    "parar",
    "alto",
    "arret",
}
CONFIRM_WORDS = {"yes", "y", "yes please", "yeah", "yep", "start", "unstop", "si"}
JOIN_WORDS = {"join", "subscribe", "sign up", "signup"}
PAUSE_WORDS = {"pause", "snooze", "break"}
RESUME_WORDS = {"resume", "unpause", "restart", "continue"}
DAILY_WORDS = {"daily", "every day", "more"}
WEEKLY_WORDS = {"weekly", "less", "3 a week", "three a week"}
MENU_WORDS = {"menu", "options", "commands", "keywords"}

MAX_PAUSE_DAYS = 90

# Free wording that a reasonable person reads as "stop texting me" (FCC 2024
# revocation rule). Kept narrow so "I can't stop crying" is not an opt-out.
_NATURAL_OPT_OUT = re.compile(
    r"\b(?:"
    r"(?:stop|quit|end|cease)\s+(?:texting|messaging|sending|contacting|the\s+texts?|these\s+texts?"
    r"|the\s+messages?|these\s+messages?|all\s+texts?)"
    r"|unsubscribe|opt\s*-?\s*(?:me\s+)?out"
    r"|remove\s+me|take\s+me\s+off"
    r"|(?:don'?t|do\s+not|never)\s+(?:text|message|contact)\s+me"
    r"|no\s+more\s+(?:texts?|messages?)"
    r"|cancel\s+(?:my\s+)?(?:subscription|texts?|messages?)"
    r")\b"
)
_HELP_ANYWHERE = re.compile(r"\b(?:help|ayuda)\b")


def normalise(body: str) -> str:
    """Lowercase, NFKC, straight apostrophes, single spaces, no trailing punctuation."""
    text = unicodedata.normalize("NFKC", body).replace("\u2019", "'").replace("\u2018", "'")
    text = "".join(ch if ch.isprintable() else " " for ch in text)
    text = re.sub(r"\s+", " ", text).strip().lower()
    return text.strip(" .!?,;:")


def _strip_accents(text: str) -> str:
    return "".join(
        ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch)
    )


def interpret(body: str) -> Intent:
    crisis = detect_crisis(body)
    text = normalise(body)
    plain = _strip_accents(text)
    kind, days, minute, zone = _keyword(text, plain)
    return Intent(kind=kind, crisis=crisis, days=days, minute=minute, zone=zone)


def _keyword(text: str, plain: str) -> tuple[Kind, int | None, int | None, str | None]:
    if plain in HELP_WORDS:
        return Kind.HELP, None, None, None
    if plain in HELP_ES_WORDS:
        return Kind.HELP_ES, None, None, None
    if plain in OPT_OUT_WORDS or _NATURAL_OPT_OUT.search(plain):
        return Kind.OPT_OUT, None, None, None
    if plain in CONFIRM_WORDS:
        return Kind.CONFIRM, None, None, None
    if plain in JOIN_WORDS:
        return Kind.JOIN, None, None, None
    head, _, rest = plain.partition(" ")
    if head in PAUSE_WORDS:
        return Kind.PAUSE, _pause_days(rest), None, None
    if plain in RESUME_WORDS:
        return Kind.RESUME, None, None, None
    if head == "time":
        return Kind.TIME, None, parse_local_time(rest), None
    if head in ("zone", "timezone", "tz"):
        return Kind.ZONE, None, None, parse_zone(text.partition(" ")[2])
    if plain in DAILY_WORDS:
        return Kind.DAILY, None, None, None
    if plain in WEEKLY_WORDS:
        return Kind.WEEKLY, None, None, None
    if plain in MENU_WORDS:
        return Kind.MENU, None, None, None
    # "I need help" is not the HELP keyword, but the help reply (with 988) is the kind answer.
    if _HELP_ANYWHERE.search(plain) and len(plain) <= 160:
        return (Kind.HELP_ES if "ayuda" in plain else Kind.HELP), None, None, None
    return Kind.OTHER, None, None, None


def _pause_days(rest: str) -> int | None:
    """`PAUSE` -> None (until RESUME); `PAUSE 7`, `PAUSE 7 days`, `PAUSE 2 weeks` -> days."""
    match = re.fullmatch(r"(?:for\s+)?(\d{1,3})\s*(d|day|days|w|wk|wks|week|weeks)?", rest.strip())
    if not match:
        return None
    amount = int(match.group(1))
    unit = match.group(2) or "d"
    days = amount * 7 if unit.startswith("w") else amount
    return max(1, min(days, MAX_PAUSE_DAYS))
