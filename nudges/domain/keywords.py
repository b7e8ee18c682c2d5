"""What an inbound text asks for: `interpret(body) -> Intent`.

Keywords match the whole message, case-insensitively, ignoring surrounding
spaces, punctuation, emoji and a few polite words ("STOP please", "stop pls 🙏",
"Stop, thanks"). Precedence: crisis > help > opt-out > the rest. Crisis is
reported alongside the keyword (a crisis message that also says STOP is answered
as a crisis *and* honoured as a stop).

Opt-out follows what people write (the FCC's "any reasonable means"): a message
that is only an opt-out word and politeness, a first sentence that is one
("STOP. I want to die"), or plain wording ("no more texts", "leave me alone").
Ordinary sentences that merely contain the word ("I can't stop texting my ex")
change nothing. A short message that mentions stopping but could mean a break
("stop for a week") gets a question instead of a guess.
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
    UNCLEAR_OPT_OUT = "unclear_opt_out"  # might mean stop, might mean a break: ask
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
    zone_text: str = ""  # ZONE: what the parent typed, for the reply

    @property
    def is_bare_keyword(self) -> bool:
        return self.kind not in (Kind.OTHER, Kind.UNCLEAR_OPT_OUT)


HELP_WORDS = {"help", "info", "help me", "helpline"}
HELP_ES_WORDS = {"ayuda", "ayudame"}
OPT_OUT_WORDS = {
    "stop",
    "stopall",
    "unsubscribe",
    "unsub",
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
    "cancelar",
    "basta",
}
# Words that may surround a keyword without changing what it means.
POLITE = {
    "please",
    "pls",
    "plz",
    "plse",
    "now",
    "thanks",
    "thank",
    "you",
    "thx",
    "ty",
    "it",
    "asap",
    "already",
    "ok",
    "okay",
    "just",
    "all",
    "right",
    "away",
    "immediately",
    "sorry",
    "again",
    "hi",
    "hello",
    "hey",
    "por",
    "favor",
    "gracias",
    "ya",
}
CONFIRM_WORDS = {
    "yes",
    "y",
    "yeah",
    "yep",
    "yup",
    "ya",
    "yes please",
    "sure",
    "i agree",
    "agree",
    "start",
    "unstop",
    "si",
}
JOIN_WORDS = {"join", "subscribe", "sign up", "signup", "sign me up"}
PAUSE_HEADS = ("pause", "snooze", "hold")
RESUME_WORDS = {"resume", "unpause", "restart", "continue", "start again", "back on"}
DAILY_WORDS = {"daily", "every day", "more"}
WEEKLY_WORDS = {"weekly", "less", "3 a week", "three a week", "fewer"}
MENU_WORDS = {"menu", "options", "commands", "keywords"}

MAX_PAUSE_DAYS = 90

# Plain wording a reasonable person reads as "stop texting me". Each needs an
# object about these texts, so "I can't stop crying" or "stop yelling" never match.
_TEXTS = r"(?:texts?|txts?|messages?|msgs?|sms|reminders?|nudges?|these|this|them|it all)"
_NATURAL_OPT_OUT = re.compile(
    r"(?:^|\b(?:please|pls|plz|can you|could you|just|now|ok|so)\s+)"
    r"(?:stop|quit|cease|end)\s+(?:texting|messaging|sending|contacting|txting)\b"
    r"(?!\s+(?:my|her|his|their|the kids|people|him|them|back))"
    r"|\b(?:stop|quit|cease|end)\s+(?:texting|messaging|sending|contacting|txting)\s+(?:me|us)\b"
    r"|\b(?:stop|end|cancel|quit)\s+(?:the|these|this|your|all|all the|all these|my)\s+"
    + _TEXTS
    + r"\b"
    r"|\bunsubscribe\b|\bopt\s*-?\s*(?:me\s+)?out\b"
    r"|\bremove\s+me\b|\btake\s+me\s+off\b|\btake\s+my\s+number\s+off\b"
    r"|\bdelete\s+my\s+number\b"
    r"|\b(?:don'?t|do\s+not|never)\s+(?:text|message|contact|txt|sms)\s+me\b"
    r"|\bno\s+more\s+" + _TEXTS + r"\b"
    r"|\bleave\s+me\s+alone\b"
    r"|\b(?:i\s+)?(?:don'?t|do\s+not)\s+want\s+(?:these|your|any\s+more|anymore|the|any)\s+"
    + _TEXTS
    + r"\b"
    r"|\bnot\s+interested\b"
    r"|\bwrong\s+number\b"
    r"|\bcancel\s+(?:my\s+)?(?:subscription|sign\s*up|texts?|messages?)\b"
)
# "I want to stop", "I'd like to unsubscribe", "I want to stop getting these".
_WANT_TO_STOP = re.compile(
    r"(?:i\s+)?(?:want|wanna|would\s+like|'d\s+like|d\s+like|need|wish)\s+to\s+"
    r"(?:stop|unsubscribe|opt\s*out|quit|cancel|end\s+this|leave)"
    r"(?:\s+(?:getting|receiving|these|the|this|your|all|texts?|messages?|program|service"
    r"|it|now|please|pls|thanks|now|subscription))*"
)
# A short message with an opt-out word we cannot read either way: ask, don't guess.
_MAYBE_OPT_OUT = re.compile(
    r"^(?:(?:can|could|may|should)\s+i\s+|maybe\s+|pls\s+|please\s+|i\s+want\s+to\s+)?"
    r"(?:stop|unsubscribe|quit|cancel|opt out|end)\b"
)
# A stop word that is about something else: "can't stop", "stop yelling".
_OTHER_STOP = re.compile(
    r"\b(?:can'?t|cannot|couldn'?t|won'?t|didn'?t|don'?t|doesn'?t|never|not|how\s+(?:do|to|can)\s+i)"
    r"\s+(?:\w+\s+)?(?:stop|quit|end)\b"
    r"|\b(?:stop|quit)\s+(?:\w+ing)\b(?<!texting)(?<!messaging)(?<!sending)"
    r"|\bend\s+of\b|\bat\s+the\s+end\b"
)
_ZONE_COMMAND = re.compile(r"(?:zone|timezone|tz|time zone)\b[\s:]*(.*)")
_TIME_COMMAND = re.compile(r"(?:send time|time)\b[\s:]*(.*)")
_HELP_ANYWHERE = re.compile(r"\b(?:help|ayuda)\b")
_SENTENCE = re.compile(r"[.!?;\n]+|,\s*")
_WORD = re.compile(r"[a-z0-9'&/:-]+")


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


def _words(text: str) -> list[str]:
    """Words only: emoji, punctuation and symbols fall away."""
    return _WORD.findall(text)


def interpret(body: str) -> Intent:
    crisis = detect_crisis(body)
    text = normalise(body)
    plain = _strip_accents(text)
    intent = _keyword(text, plain, body)
    return Intent(
        kind=intent.kind,
        crisis=crisis,
        days=intent.days,
        minute=intent.minute,
        zone=intent.zone,
        zone_text=intent.zone_text,
    )


def _is_only(words: list[str], keywords: set[str]) -> bool:
    """True when the words are one keyword (possibly repeated) plus polite filler."""
    joined = " ".join(words)
    if joined in keywords:
        return True
    core = [w for w in words if w not in POLITE]
    if not core:
        return False
    phrase = " ".join(core)
    if phrase in keywords:
        return True
    return all(w in keywords for w in core)


def is_opt_out(plain: str, raw: str = "") -> bool:
    words = _words(plain)
    if _is_only(words, OPT_OUT_WORDS):
        return True
    # The first line or sentence alone: "STOP. I want to die", "Stop\n\nSent from my iPhone".
    first = _SENTENCE.split(_strip_accents(raw.strip().lower()), maxsplit=1)[0]
    if _is_only(_words(first), OPT_OUT_WORDS):
        return True
    # A shouted STOP leading the message: "STOP sending these", "STOP i mean it".
    if re.match(r"\s*(?:STOP|UNSUBSCRIBE|STOPALL)\b", raw or ""):
        return True
    if _WANT_TO_STOP.fullmatch(" ".join(words)):
        return True
    return bool(_NATURAL_OPT_OUT.search(plain)) and not _OTHER_STOP.search(plain)


def _keyword(text: str, plain: str, raw: str) -> Intent:
    words = _words(plain)
    joined = " ".join(words)
    if _is_only(words, HELP_WORDS):
        return Intent(Kind.HELP)
    if _is_only(words, HELP_ES_WORDS):
        return Intent(Kind.HELP_ES)
    if is_opt_out(plain, raw):
        return Intent(Kind.OPT_OUT)
    if _is_only(words, CONFIRM_WORDS):
        return Intent(Kind.CONFIRM)
    if _is_only(words, JOIN_WORDS):
        return Intent(Kind.JOIN)
    head, _, rest = joined.partition(" ")
    pause = _pause(head, rest, joined)
    if pause is not None:
        return pause
    if _is_only(words, RESUME_WORDS):
        return Intent(Kind.RESUME)
    zone = _ZONE_COMMAND.match(plain)
    if zone and (parse_zone(zone.group(1)) or len(zone.group(1).split()) <= 3):
        typed = zone.group(1).strip()
        return Intent(Kind.ZONE, zone=parse_zone(typed), zone_text=typed[:40])
    time_command = _TIME_COMMAND.match(plain)
    if time_command:
        minute = parse_local_time(time_command.group(1))
        # "Time is flying" is a sentence, not a command we failed to read.
        if minute is not None or len(time_command.group(1).split()) <= 3:
            return Intent(Kind.TIME, minute=minute)
    if _is_only(words, DAILY_WORDS):
        return Intent(Kind.DAILY)
    if _is_only(words, WEEKLY_WORDS):
        return Intent(Kind.WEEKLY)
    if _is_only(words, MENU_WORDS):
        return Intent(Kind.MENU)
    if _MAYBE_OPT_OUT.search(joined) and len(words) <= 8 and not _OTHER_STOP.search(plain):
        return Intent(Kind.UNCLEAR_OPT_OUT)
    # "I need help" is not the HELP keyword, but the help reply (with 988) is the kind answer.
    if _HELP_ANYWHERE.search(plain) and len(plain) <= 160:
        return Intent(Kind.HELP_ES if "ayuda" in plain else Kind.HELP)
    return Intent(Kind.OTHER)


_NUMBER_WORDS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6}
_PAUSE_FILLER = {"please", "pls", "the", "my", "texts", "messages", "for", "now", "a", "while"}


def _pause(head: str, rest: str, joined: str) -> Intent | None:
    """`PAUSE`, `PAUSE 7`, `pause for 2 weeks`, `take a break`, `break for a week`.

    Only a message that is about pausing: "Break time is the hardest part of my
    day" is not a pause."""
    if joined in ("break", "take a break", "a break", "need a break from the texts"):
        return Intent(Kind.PAUSE)
    if head == "break" and rest.startswith("for "):
        head = "pause"
    if head not in PAUSE_HEADS:
        return None
    days = _pause_days(rest)
    if days is not None:
        return Intent(Kind.PAUSE, days=days)
    if all(word in _PAUSE_FILLER for word in rest.split()):
        return Intent(Kind.PAUSE)
    return None


def _pause_days(rest: str) -> int | None:
    """`7`, `7 days`, `for 2 weeks`, `a week`, `1 month` -> days (1 to 90)."""
    match = re.search(
        r"(\d{1,3}|a|an|one|two|three|four|five|six)\s*"
        r"(d|day|days|w|wk|wks|week|weeks|m|mo|month|months)?\b",
        rest,
    )
    if not match or (match.group(1) in _NUMBER_WORDS and not match.group(2)):
        return None
    leftover = (rest[: match.start()] + rest[match.end() :]).split()
    if any(word not in _PAUSE_FILLER for word in leftover):
        return None
    amount = _NUMBER_WORDS.get(match.group(1)) or int(match.group(1))
    unit = match.group(2) or "d"
    if unit.startswith("w"):
        days = amount * 7
    elif unit.startswith("m"):
        days = amount * 30
    else:
        days = amount
    return max(1, min(days, MAX_PAUSE_DAYS))
