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
from dataclasses import dataclass, replace
from enum import StrEnum
from functools import lru_cache

from nudges.domain.checkin import stated_score
from nudges.domain.crisis import CrisisSignal, detect_crisis
from nudges.domain.language import ZONE_NAMES_ES, asks_to_join_in_spanish, looks_spanish
from nudges.domain.opt_out import (
    MAYBE_OPT_OUT,
    OTHER_STOP,
    POLITE,
    SPANISH_OPT_OUT_WORDS,
    beyond,
    beyond_opt_out,
    is_only,
    is_opt_out,
    words_of,
)
from nudges.domain.pleasantry import CASUAL_YES
from nudges.domain.preferences import TRACKS, parse_local_time, parse_zone
from nudges.domain.spelling import respell_keywords
from nudges.domain.text import fold, straight_apostrophes, visible


class Kind(StrEnum):
    HELP = "help"
    HELP_ES = "help_es"
    OPT_OUT = "opt_out"
    UNCLEAR_OPT_OUT = "unclear_opt_out"  # might mean stop, might mean a break: ask
    CONFIRM = "confirm"  # YES, START, UNSTOP
    DECLINE = "decline"  # "no thanks": ends a pending invitation, means nothing otherwise
    JOIN = "join"
    PAUSE = "pause"
    RESUME = "resume"
    TIME = "time"
    ZONE = "zone"
    DAILY = "daily"
    WEEKLY = "weekly"
    MENU = "menu"
    MOMENT = "moment"  # SORRY, CALM, BEDTIME, NIGHT (and Spanish twins): one text for a hard moment
    TRACK = "track"  # TRACK, or TRACK 2 / TRACK guilt: what the texts are about
    CHOICE = "choice"  # a bare 1 to 5: a focus or a check-in answer, by the last question
    CHECKINS_OFF = "checkins_off"  # CHECKIN OFF / SIN PREGUNTAS: no weekly question
    CHECKINS_ON = "checkins_on"  # CHECKIN ON / CON PREGUNTAS: the weekly question again
    SPANISH = "spanish"  # ESPAÑOL: texts in Spanish from now on (a join word for a newcomer)
    ENGLISH = "english"  # ENGLISH, INGLÉS: texts in English from now on
    OTHER = "other"


@dataclass(frozen=True)
class Intent:
    kind: Kind
    crisis: CrisisSignal | None = None
    # PAUSE n: the days as written, even outside 1..MAX_PAUSE_DAYS (0, -3, 200),
    # so the reply can say the range instead of quietly pausing some other span.
    days: int | None = None
    minute: int | None = None  # TIME: local minutes after midnight; None if unreadable
    zone: str | None = None  # ZONE: IANA name; None if unreadable
    zone_text: str = ""  # ZONE: what the parent typed, for the reply
    track: str | None = None  # TRACK x / CHOICE n: the track named or numbered
    lang: str = "en"  # "es" when the message reads as Spanish (for the crisis reply)
    moment: str | None = None  # MOMENT: "sorry", "calm", "bedtime" or "night"
    # The whole message is a plain yes or no ("yeah", "nope"): it may answer a
    # nudge's question (START and UNSTOP confirm too, but answer nothing).
    short_answer: bool = False
    # A score 1-5 the message is or starts with ("4", "2/5", "2, rough week"):
    # a check-in answer when a check-in is the open question.
    number: int | None = None
    # TRACK 5, TEMA cooking: a track was named that does not exist (the reply
    # names the ones that do, rather than asking again as if nothing was said).
    unknown_track: bool = False
    # "ok", "okay", a thumbs-up: an affirmative that is consent only as the answer
    # to the consent prompt (a sign-up waiting for YES). Anywhere else it is an
    # acknowledgement ("ok" to a stop confirmation rejoins nobody), so the kind
    # stays OTHER and the conversation reads it as a yes only at the prompt.
    consents: bool = False
    # The message is an opt-in keyword itself (START, UNSTOP, YES, SI: the words a
    # stop confirmation names), with anything after it: only these rejoin a
    # stopped number. "yeah" or "sure" to a stop confirmation is not a new opt-in.
    rejoins: bool = False
    # The words beyond the keyword, for the trained crisis model: "" for a keyword
    # alone or with its argument ("STOP please", "TIME 7:30pm"); "Tonight is my
    # last night" for "STOP. Tonight is my last night". Free text (OTHER) is read whole.
    beyond: str = ""

    @property
    def is_bare_keyword(self) -> bool:
        return self.kind not in (Kind.OTHER, Kind.UNCLEAR_OPT_OUT)


HELP_WORDS = {"help", "info", "help me", "helpline"}
HELP_ES_WORDS = {"ayuda", "ayudame"}
CONFIRM_WORDS = {
    "yes",
    "y",
    "yeah",
    "yea",
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
    "absolutely",
    "definitely",
    "of course",
    "count me in",
    "i'm in",
    "im in",
}
# A leading yes with words that only say yes more fully: "Yes please sign me up".
_YES_HEADS = {"yes", "y", "yeah", "yea", "yep", "yup", "sure", "si", "absolutely", "definitely"}
_YES_FILLER = {
    "please", "pls", "sign", "me", "up", "i", "i'm", "im", "want", "to", "join", "in", "do",
    "would", "like", "ok", "okay", "count", "absolutely", "definitely", "of", "course", "thanks",
    "thank", "you", "lets", "let's", "go", "sounds", "good", "great", "start", "it", "sure",
    "yes", "yeah", "yep",
}  # fmt: skip
DECLINE_WORDS = {"no", "nope", "nah", "no thanks", "no thank you", "not now", "no thx"}
JOIN_WORDS = {"join", "subscribe", "sign up", "signup", "sign me up"}
PAUSE_HEADS = ("pause", "snooze", "hold")
RESUME_WORDS = {"resume", "unpause", "restart", "continue", "start again", "back on"}
DAILY_WORDS = {"daily", "every day", "more"}
WEEKLY_WORDS = {"weekly", "less", "3 a week", "three a week", "fewer"}
MENU_WORDS = {"menu", "options", "commands", "keywords"}

MAX_PAUSE_DAYS = 90

_ZONE_COMMAND = re.compile(r"(?:zone|timezone|tz|time zone)\b[\s:]*(.*)")
_TIME_COMMAND = re.compile(r"(?:send time|time)\b[\s:]*(.*)")
_HELP_ANYWHERE = re.compile(r"\b(?:help|ayuda)\b")


def normalise(body: str) -> str:
    """Lowercase, NFKC, straight apostrophes, single spaces, no trailing punctuation."""
    text = straight_apostrophes(unicodedata.normalize("NFKC", body))
    text = "".join(ch if ch.isprintable() else " " for ch in text)
    text = re.sub(r"\s+", " ", text).strip().lower()
    return text.strip(" .!?,;:")


# Short texts repeat (STOP, HELP, YES, PAUSE...): their reading is remembered.
# Pure, so a remembered reading is the reading; long free text is read afresh.
_REMEMBERED_UP_TO = 40  # characters


def interpret(body: str) -> Intent:
    """What a text asks for, with the phrase rules' crisis verdict."""
    if len(body) <= _REMEMBERED_UP_TO:
        return _interpret_short(body)
    return _interpret(body)


@lru_cache(maxsize=2048)
def _interpret_short(body: str) -> Intent:
    return _interpret(body)


def _interpret(body: str) -> Intent:
    body = visible(body)  # "ST\u200bOP" is STOP, a coloured STOP too
    crisis = detect_crisis(body)  # on the words as written: nothing below weakens it
    text = normalise(body)
    # "helpp", "S T O P", "St0p", "pasue": keywords as tired thumbs spell them;
    # a thumbs-up is an "ok" (consent only at the prompt: `Intent.consents`).
    plain = respell_keywords(_THUMBS_UP.sub(" ok ", fold(text)))
    intent = _checkin_reading(_keyword(text, plain, body), text, plain)
    moment = moment_asked(plain)
    if moment is not None and intent.kind is Kind.OTHER:
        name, lang = moment
        return Intent(Kind.MOMENT, crisis=crisis, moment=name, lang=lang)
    return Intent(
        kind=intent.kind,
        crisis=crisis,
        days=intent.days,
        minute=intent.minute,
        zone=intent.zone,
        zone_text=intent.zone_text,
        track=intent.track,
        lang="es" if _reads_spanish(intent, body, plain) else "en",
        short_answer=is_only(words_of(plain), SHORT_ANSWER_WORDS),
        number=intent.number,
        unknown_track=intent.unknown_track,
        consents=intent.kind is Kind.OTHER
        and (_acknowledges(words_of(plain), body) or casual_yes(words_of(plain))),
        rejoins=intent.kind is Kind.CONFIRM and _first_word(plain) in REJOIN_WORDS,
        beyond=_beyond_keyword(intent, body),
    )


def _first_word(plain: str) -> str:
    words = words_of(plain)
    return words[0] if words else ""


# A thumbs-up in any skin tone, with or without the emoji presentation selector.
_THUMBS_UP = re.compile("\U0001f44d[\U0001f3fb-\U0001f3ff]?\ufe0f?")
# The opt-in keywords (CTIA, Twilio's defaults) and the Spanish yes, as the
# first word of a message.
REJOIN_WORDS = frozenset({"start", "unstop", "yes", "si"})
# Affirmatives that say yes to what was just asked, whatever it was.
OK_WORDS = {"ok", "okay", "okey", "okie"}


# What may stand beside an "ok" that says yes: thanks and please, nothing that
# hedges ("ok sorry", "ok just", "ok now").
_OK_COMPANIONS = {"thanks", "thank", "you", "thx", "ty", "please", "pls", "plz", "gracias"}
# An "ok" asked or trailing off is not a yes: "ok?", "ok...", "ok…".
_OK_DOUBT = re.compile(r"(?:\?|\.\.|…)\W*$")


def _acknowledges(words: list[str], body: str = "") -> bool:
    """`ok`, `Okay!`, `ok thanks`, a thumbs-up: an "ok" with nothing but thanks
    or please, not asked or trailing off ("ok?", "ok...")."""
    return (
        any(w in OK_WORDS for w in words)
        and all(w in OK_WORDS or w in _OK_COMPANIONS for w in words)
        and not _OK_DOUBT.search(body)
    )


# "sure why not", "sounds good", "claro, por qué no": a yes to the consent prompt,
# said casually. Like "ok", consent only there (`Intent.consents`): to a nudge's
# question it is an answer, to a stop confirmation it rejoins nobody.
_CASUAL_YES_HEADS = {
    "sure", "ok", "okay", "yes", "yeah", "yea", "yep", "claro", "si", "dale", "va", "bueno",
}  # fmt: skip


def casual_yes(words: list[str]) -> bool:
    """`sure why not`, `Why not!`, `ok sounds good`, `claro, por qué no`."""
    # With the politeness and without it: "por" is polite ("por favor"), and
    # part of "por que no".
    for said in (words, [w for w in words if w not in POLITE]):
        if said and said[0] in _CASUAL_YES_HEADS:
            said = said[1:]
        if " ".join(said) in CASUAL_YES:
            return True
    return False


def _beyond_keyword(intent: Intent, body: str) -> str:
    """The words of a keyword message beyond the keyword (see `Intent.beyond`).

    The model reads them: a crisis can follow a keyword ("STOP. I have a gun and
    I'm going to use it on myself"), and the rules alone missed it. Only those
    words: opt-out wording alone reads as risk to the model ("leave me alone").
    A keyword with its argument, read or not ("TIME 7:30pm", "ZONA Marte"), has
    none: the rules read it, the model (which takes "ZONA Marte" for a concern)
    does not."""
    kind = intent.kind
    if kind is Kind.OPT_OUT:
        return beyond_opt_out(body)
    whole = words_of(respell_keywords(fold(body)))
    if kind in (Kind.HELP, Kind.HELP_ES, Kind.JOIN) and is_only(whole, _BARE_WORDS):
        return ""  # the keyword alone, however spelt: "H.E.L.P" is not four sentences
    if kind in (Kind.HELP, Kind.HELP_ES):  # "HELP. I can't breathe"; "I need help" is help
        return beyond(
            body, lambda part: bool(_HELP_WORDS_IN.search(fold(part))) or not _words(part)
        )
    if kind is Kind.JOIN:  # "hola, quiero unirme"
        return beyond(body, _asks_to_join)
    if kind is Kind.PAUSE:  # "pause for a week, I'm drowning": read whole (pause_with_reason)
        return intent.beyond
    return ""


_BARE_WORDS = HELP_WORDS | HELP_ES_WORDS | JOIN_WORDS | {"hola", "unirme", "unirse"}
_HELP_WORDS_IN = re.compile(r"\b(?:help|helpline|info|ayuda|ayudame)\b")


def _words(part: str) -> list[str]:
    return [w for w in words_of(fold(part)) if w not in POLITE]


def _asks_to_join(part: str) -> bool:
    words = words_of(fold(part))
    return (
        not _words(part)
        or is_only(words, JOIN_WORDS | SPANISH_JOIN_WORDS)
        or asks_to_join_in_spanish(part)
        or asks_to_join_in_english(part)
    )


# A short English sentence asking to join: "I'd like to join please", "hey can
# I sign up?", "how do I subscribe". Not a refusal ("I don't want to join").
_JOIN_SENTENCE_EN = re.compile(
    r"\b(?:i'?d like to|i would like to|i want to|i wanna|can i|could i|may i|"
    r"how (?:do|can) i|let me|i'?d love to|i'?m here to)\s+"
    r"(?:join|sign up|signup|subscribe|enroll|enrol|register|get (?:the|your|these) texts)\b"
    r"|\b(?:sign|add) me up\b|\badd me\b"
)
_REFUSAL_EN = re.compile(r"\b(?:not|no|never|don'?t|dont|do not|won'?t|stop)\b")
_JOIN_SENTENCE_MAX_WORDS = 12


def asks_to_join_in_english(text: str) -> bool:
    """Is this a short English message asking to join? (Not a keyword: a sentence.)"""
    plain = straight_apostrophes(fold(text[:2000])).lower()
    if len(plain.split()) > _JOIN_SENTENCE_MAX_WORDS or _REFUSAL_EN.search(plain):
        return False
    return bool(_JOIN_SENTENCE_EN.search(plain))


# Yes in either language: "y" is the English abbreviation and the Spanish "and";
# "ya" the English "yeah" and the Spanish "already / enough".
_EITHER_LANGUAGE_YES = {"y", "ya"}


def _reads_spanish(intent: Intent, body: str, plain: str) -> bool:
    words = words_of(plain)
    if intent.kind is Kind.CONFIRM and _EITHER_LANGUAGE_YES.intersection(words):
        # A yes written "y" or "ya" is not Spanish for it: the language guess
        # counted it so and chose Spanish for a parent answering an English
        # prompt. The other words decide ("y gracias" and "si ya" are Spanish);
        # "ya" alone keeps the parent's language.
        rest = " ".join(w for w in words if w not in _EITHER_LANGUAGE_YES)
        return intent.lang == "es" or (bool(rest) and interpret(rest).lang == "es")
    return intent.lang == "es" or looks_spanish(body) or _spanish_keyword(plain)


# Texts for hard moments, on request: the whole message is the keyword (any case,
# punctuation ignored), so "I'm sorry I yelled" is a sentence, not SORRY.
MOMENT_WORDS: dict[str, tuple[str, str]] = {
    "sorry": ("sorry", "en"),
    "calm": ("calm", "en"),
    "bedtime": ("bedtime", "en"),
    "night": ("night", "en"),
    "perdon": ("sorry", "es"),
    "calma": ("calm", "es"),
    "dormir": ("bedtime", "es"),
    "noche": ("night", "es"),
}
MOMENTS = ("sorry", "calm", "bedtime", "night")


def moment_asked(plain: str) -> tuple[str, str] | None:
    """`SORRY`, `calm.`, `Perdón!` -> (moment, language of the keyword); else None."""
    words = words_of(plain)
    return MOMENT_WORDS.get(words[0]) if len(words) == 1 else None


# A plain yes or no, which after a nudge that asked a question is an answer.
SHORT_ANSWER_WORDS = {
    "yes", "y", "yeah", "yep", "yup", "ya", "yes i did", "i did", "si",
    "no", "nope", "nah", "not really", "not yet", "no i didn't", "sort of", "kind of",
}  # fmt: skip


def _spanish_keyword(plain: str) -> bool:
    """PARAR, ALTO, CANCELAR, BASTA, BAJA: a Spanish speaker's STOP, answered in Spanish."""
    words = words_of(plain)
    # At least one Spanish word: "thanks" alone is polite, not Spanish.
    return any(w in SPANISH_OPT_OUT_WORDS or w in _SPANISH_POLITE for w in words) and all(
        w in SPANISH_OPT_OUT_WORDS or w in POLITE for w in words
    )


_SPANISH_POLITE = {"por", "favor", "gracias", "ya"}


# Politeness a command may come wrapped in: "time 7:30PM please", "gracias, PAUSA
# 3", "ok, TRACK 2 thanks". Taken off the edges only: the command itself must
# still be the whole of what is left.
_POLITE_WORD = "|".join(sorted((re.escape(w) for w in POLITE), key=len, reverse=True))
_POLITE_EDGES = re.compile(
    rf"^(?:(?:{_POLITE_WORD})\b\W*)+|(?:(?<=\w)\W+(?:{_POLITE_WORD})\b)+\W*$|\W+$"
)


def command_part(plain: str) -> str:
    """`time 7:30pm please` -> `time 7:30pm`; `gracias, pausa 3` -> `pausa 3`."""
    return _POLITE_EDGES.sub("", plain).strip()


def _keyword(text: str, plain: str, raw: str) -> Intent:
    words = words_of(plain)
    joined = " ".join(words)
    command = command_part(plain)  # for the commands that take an argument
    if is_only(words, HELP_WORDS):
        return Intent(Kind.HELP)
    if is_only(words, HELP_ES_WORDS):
        return Intent(Kind.HELP_ES)
    if is_opt_out(plain, raw):
        return Intent(Kind.OPT_OUT)
    spanish = spanish_keyword(words, plain, raw, command)
    if spanish is not None:
        return spanish
    if is_only(words, CONFIRM_WORDS) or (
        words and words[0] in _YES_HEADS and all(w in _YES_FILLER for w in words[1:])
    ):
        return Intent(Kind.CONFIRM)
    if is_only(words, DECLINE_WORDS):
        return Intent(Kind.DECLINE)
    if is_only(words, JOIN_WORDS) or asks_to_join_in_english(plain):
        return Intent(Kind.JOIN)
    said = " ".join(words_of(command))
    head, _, rest = said.partition(" ")
    pause = pause_with_reason(raw) or _pause(head, rest, said)
    if pause is not None:
        return pause
    if is_only(words, RESUME_WORDS):
        return Intent(Kind.RESUME)
    zone = _ZONE_COMMAND.match(command)
    if zone and (parse_zone(zone.group(1)) or len(zone.group(1).split()) <= 3):
        typed = zone.group(1).strip()
        return Intent(Kind.ZONE, zone=parse_zone(typed), zone_text=typed[:40])
    time_command = _TIME_COMMAND.match(command)
    if time_command:
        minute = parse_local_time(time_command.group(1))
        # "Time is flying" is a sentence, not a command we failed to read.
        if minute is not None or len(time_command.group(1).split()) <= 3:
            return Intent(Kind.TIME, minute=minute)
    if _frequency_only(words, DAILY_WORDS):
        return Intent(Kind.DAILY)
    if _frequency_only(words, WEEKLY_WORDS):
        return Intent(Kind.WEEKLY)
    if is_only(words, MENU_WORDS):
        return Intent(Kind.MENU)
    track = _track(said)
    if track is not None:
        return track
    if MAYBE_OPT_OUT.search(joined) and len(words) <= 8 and not OTHER_STOP.search(plain):
        return Intent(Kind.UNCLEAR_OPT_OUT)
    # "I need help" is not the HELP keyword, but the help reply (with 988) is the kind answer.
    if asks_for_help(plain) and len(plain) <= 160:
        return Intent(Kind.HELP_ES if "ayuda" in plain else Kind.HELP)
    return Intent(Kind.OTHER)


# "help" said of the texts is thanks, not a request: "thanks these texts actually
# help", "They really do help", "thanks for the help", "gracias, esto me ayuda".
# Only these readings are taken out; any other "help" in the message still asks
# ("these help but I need help now", "what is this? help", "can you help me").
_HELP_AS_THANKS = re.compile(
    # Not asked ("can this help me?", "can they help me"), not a help line.
    r"(?<!\bcan\s)(?<!\bcould\s)(?<!\bwill\s)(?<!\bwould\s)(?<!\bdoes\s)(?<!\bdo\s)"
    r"\b(?:these|this|that|it|they|texts?|messages?|msgs|nudges?|reminders?|tips?|words"
    r"|esto|estos|estas|eso|esos|mensajes|textos)"
    r"(?:\s+(?:really|actually|truly|do|does|did|always|so|honestly|genuinely|definitely"
    r"|also|all|both|sometimes|often|kinda|me|nos|si|realmente|siempre|tambien))*"
    r"\s+(?:help|ayuda|ayudan)\b(?!\s+(?:line|number|desk|me\s+(?:sleep|now|please)))"
    r"|\b(?:thanks|thank\s+you|thx|ty|gracias)\s+(?:so\s+much\s+)?(?:for|por)\s+"
    r"(?:the|your|ur|all\s+(?:the|your)|la|tu|su|toda\s+la)\s+(?:help|ayuda)\b"
    r"|\bme\s+(?:ayuda|ayudan)\s+(?:mucho|muchisimo|bastante)\b"
)


def asks_for_help(plain: str) -> bool:
    """Does a sentence ask for help ("I need help", "help me", "ayuda por favor"),
    rather than only use the verb of the texts ("these texts actually help")?"""
    return bool(_HELP_ANYWHERE.search(_HELP_AS_THANKS.sub(" ", plain)))


# The three concerns the tracks grew from, in the order the choice offers them.
TRACK_CHOICES = TRACKS
_TRACK_NAMES = {
    "perfectionism": "perfectionism",
    "perfect": "perfectionism",
    "perfection": "perfectionism",
    "trying to be a perfect parent": "perfectionism",
    "guilt": "guilt",
    "mom guilt": "guilt",
    "parent guilt": "guilt",
    "juggling": "role_strain",
    "work": "role_strain",
    "work and family": "role_strain",
    "juggling work and family": "role_strain",
    "balance": "role_strain",
    "role strain": "role_strain",
}
_TRACK_COMMAND = re.compile(
    r"(?:track|focus|topic|change track|change focus|change topic)\b\s*(.*)"
)
_CHOICE = re.compile(r"(?:#|no\.?\s*|number\s+|option\s+)?([123])")


def track_named(text: str) -> str | None:
    """`2`, `guilt`, `work and family`, `role_strain` -> the track; None if unknown.
    Shared by the TRACK keyword and a clinician's CSV."""
    text = " ".join(text.lower().replace("_", " ").split())
    numbered = _CHOICE.fullmatch(text)
    if numbered:
        return TRACK_CHOICES[int(numbered.group(1)) - 1]
    return _TRACK_NAMES.get(text)


def _track(joined: str) -> Intent | None:
    """`TRACK`, `TRACK 2`, `focus guilt`; a bare `1`, `2` or `3` is a CHOICE."""
    bare = _CHOICE.fullmatch(joined)
    if bare:
        return Intent(Kind.CHOICE, track=TRACK_CHOICES[int(bare.group(1)) - 1])
    command = _TRACK_COMMAND.fullmatch(joined)
    if not command:
        return None
    rest = command.group(1).strip()
    if not rest:
        return Intent(Kind.TRACK)
    named = track_named(rest)
    if named is None and len(rest.split()) > 3:
        return None  # "focus is hard today" is a sentence, not a command
    return Intent(Kind.TRACK, track=named, unknown_track=named is None)


_NUMBER_WORDS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6}
_PAUSE_FILLER = {"please", "pls", "the", "my", "texts", "messages", "for", "now", "a", "while"}


_FREQUENCY_FILLER = {"texts", "messages", "msgs", "often", "frequently", "nudges", "of", "them"}


def _frequency_only(words: list[str], keywords: set[str]) -> bool:
    """`DAILY`, `less often`, `fewer texts please`, `more texts`."""
    core = [w for w in words if w not in _FREQUENCY_FILLER]
    return bool(core) and is_only(core, keywords)


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
    # "pause until monday": a pause we cannot time. Pausing until
    # RESUME is the safe reading (the reply says how to restart); a longer
    # sentence ("Pause button on the remote is broken again") is not a command.
    if head != "hold" and len(rest.split()) <= 3:  # "hold on a sec" is just talk
        return Intent(Kind.PAUSE)
    return None


# --- a pause with its reason ----------------------------------------------------
#
# "pause for a week, I'm drowning", "Pause. Too much going on", "pause 7 im
# drowning", "can you pause for a bit im overwhelmed", "pausa por una semana,
# estoy agotada": the command, then why. The command is read as it would be
# alone, for the span it names; the reason never cancels it. The model reads the
# whole message (`Intent.beyond`), as it did when these were free text.

# Asking for it: "can you pause", "could u pls pause", "puedes pausar".
_PAUSE_ASK = re.compile(
    r"(?:(?:can|could|would|will)\s+(?:you|u|ya|we)|i\s+(?:need|want|would\s+like)\s+to"
    r"|i'?d\s+like\s+to|we\s+need\s+to|puedes|pueden|puede|podrias|podrian|quiero|necesito)"
    r"(?:\s+(?:please|pls|plz|por\s+favor|porfa|just))?\s+"
)
_REASON_PAUSE_HEADS = {"pause", "snooze", "pausa", "pausar", "pausen"}
# Words a span may carry beyond a number and a unit: "for a bit", "for a little while".
_SPAN_FILLER = {"bit", "little", "it", "them", "these", "everything", "all", "you", "u"}
# How a reason begins when no punctuation sets it off: "pause 7 im drowning",
# "pause please I can't do this", "pausa una semana estoy agotada". Not "pause
# button on the remote" or "pausa de cafe": those are sentences, not commands.
REASON_LEADS = {
    "i'm", "im", "i've", "ive", "i'd", "id", "i'll", "we", "we're", "were", "we've",
    "weve", "we'll", "too", "so", "because", "bc", "cause", "cuz", "coz", "since", "as",
    "it's", "its", "things", "feeling", "overwhelmed", "exhausted", "tired", "busy", "sick",
    "stressed", "swamped", "drowning", "travelling", "traveling", "away",
    "estoy", "estamos", "ando", "andamos", "ya", "no", "porque", "pq", "tengo", "tenemos",
    "vamos", "voy", "hay", "es", "son", "demasiado", "muy", "me", "agotada", "agotado",
    "cansada", "cansado", "estresada", "estresado",
}  # fmt: skip


def pause_with_reason(raw: str) -> Intent | None:
    """A pause asked for with a reason or a feeling beside it, or asked for as a
    question ("can you pause for a bit"); None for anything else (a bare PAUSE is
    read by `_pause` and `_pausa`)."""
    if not _PAUSE_WORD.search(respell_keywords(fold(straight_apostrophes(raw[:200])))):
        return None  # most texts: no pause near the start, nothing to split
    if _PAUSE_ASKED.match(raw) or _PAUSE_LISTED.match(raw):
        # "Pause? I'm not sure what that means" asks about the word; "Pause,
        # breathe, I tried that today" lists it (an answer to a nudge).
        return None
    parts = [words_of(respell_keywords(fold(straight_apostrophes(part)))) for part in _pieces(raw)]
    parts = [words for words in parts if words and not all(w in POLITE for w in words)]
    if not parts:
        return None
    first, *more = parts
    read = _read_pause(first)
    if read is None and more:
        # The first sentence a pause we cannot time ("pause until monday. ugh"):
        # until RESUME, as alone.
        said = " ".join(first)
        head, _, rest = said.partition(" ")
        command = _pause(head, rest, said) or _pausa(said)
        read = None if command is None else (command, [], False)
    if read is None:
        return None
    intent, reason, asked = read
    if not (reason or more or asked):
        return None  # the command alone: `_pause` and `_pausa` read it as they always have
    return replace(intent, beyond=raw.strip())


_PIECE = re.compile(r"[.!?;\n]+|,\s*")
_PAUSE_ASKED = re.compile(r"\s*(?:pause|snooze|pausa|pausar)\s*\?", re.IGNORECASE)
_PAUSE_LISTED = re.compile(r"\s*(?:pause|pausa),\s*\w+(?:,|\s+(?:and|y)\b)", re.IGNORECASE)
_PAUSE_WORD = re.compile(r"\b(?:pause|snooze|pausa|pausar|pausen)\b")
# A span is a few words ("for the next 2 weeks please"); what follows is the reason.
_MAX_SPAN_WORDS = 8


def _pieces(raw: str) -> list[str]:
    return [part for part in _PIECE.split(raw.strip()) if part.strip()]


def _read_pause(words: list[str]) -> tuple[Intent, list[str], bool] | None:
    """(the pause, the words of its reason, whether it was asked as a question)
    for one sentence that starts with a pause command; None otherwise."""
    while words and words[0] in POLITE:
        words = words[1:]
    said = " ".join(words)
    ask = _PAUSE_ASK.match(said)
    if ask:
        words = said[ask.end() :].split()
    if not words or words[0] not in _REASON_PAUSE_HEADS:
        return None
    head, tokens = words[0], words[1:]
    spanish = head in _PAUSA_HEADS
    for k in range(min(len(tokens), _MAX_SPAN_WORDS), -1, -1):
        span, reason = tokens[:k], tokens[k:]
        if reason and not _leads_a_reason(reason):
            continue
        intent = _span(head, span, spanish)
        if intent is not None:
            return intent, reason, ask is not None
    return None


# "I" leads a reason only with what says one: "pause I can't do this", not
# "Pause I like that idea".
_I_REASONS = {
    "can't",
    "cant",
    "cannot",
    "need",
    "am",
    "feel",
    "just",
    "have",
    "got",
    "don't",
    "dont",
}


def _leads_a_reason(reason: list[str]) -> bool:
    if reason[0] == "i":
        return len(reason) > 1 and reason[1] in _I_REASONS
    return reason[0] in REASON_LEADS


def _span(head: str, span: list[str], spanish: bool) -> Intent | None:
    """The pause a span names exactly ("for 2 weeks please", "por una semana",
    "for a bit"), or None: a guess ("until monday") is left to the command alone."""
    if spanish:
        if all(w in _SPANISH_FILLER or w in _SPAN_FILLER_ES for w in span):
            return Intent(Kind.PAUSE, lang="es")
        intent = _pausa(" ".join([head, *span]))
        return intent if intent is not None and intent.days is not None else None
    if all(w in _PAUSE_FILLER or w in _SPAN_FILLER for w in span):
        return Intent(Kind.PAUSE)
    days = _pause_days(" ".join(w for w in span if w not in _SPAN_FILLER))
    return None if days is None else Intent(Kind.PAUSE, days=days)


_SPAN_FILLER_ES = {"un", "poco", "rato", "tiempo", "favor", "todo", "esto"}


def _pause_days(rest: str) -> int | None:
    """`7`, `7 days`, `for 2 weeks`, `a week`, `1 month` -> days, as written:
    `0`, `-3` and `200` too (the conversation answers those with the range)."""
    match = re.search(
        r"(-\s*\d{1,4}|\d{1,4}|a|an|one|two|three|four|five|six)\s*"
        r"(d|day|days|w|wk|wks|week|weeks|m|mo|month|months)?\b",
        rest,
    )
    if not match or (match.group(1) in _NUMBER_WORDS and not match.group(2)):
        return None
    leftover = (rest[: match.start()] + rest[match.end() :]).split()
    if any(word not in _PAUSE_FILLER for word in leftover):
        return None
    amount = _NUMBER_WORDS.get(match.group(1)) or int(match.group(1).replace(" ", ""))
    unit = match.group(2) or "d"
    if unit.startswith("w"):
        days = amount * 7
    elif unit.startswith("m"):
        days = amount * 30
    else:
        days = amount
    return days


# --- the weekly check-in: CHECKIN OFF/ON and scores -----------------------------

CHECKINS_OFF_WORDS = {
    "checkin off", "checkins off", "check in off", "check ins off", "check-in off",
    "check-ins off", "no checkins", "no check ins", "no check-ins", "no more checkins",
    "no more check ins", "no more check-ins",
}  # fmt: skip
CHECKINS_ON_WORDS = {
    "checkin on", "checkins on", "check in on", "check ins on", "check-in on",
    "check-ins on", "checkin", "checkins",
}  # fmt: skip
# Spanish twins: "without questions" / "with questions", the way a parent would
# say it; PREGUNTAS NO / PREGUNTAS SI read the same.
CHECKINS_OFF_ES = {"sin preguntas", "preguntas no", "no preguntas", "no mas preguntas"}
CHECKINS_ON_ES = {"con preguntas", "preguntas si"}
_SCORE = r"#?\s*([1-5])(?:\s*(?:/|out of|of|de)\s*5)?"
_BARE_SCORE = re.compile(_SCORE)


def _checkin_reading(intent: Intent, text: str, plain: str) -> Intent:
    """CHECKIN OFF/ON and the score a message carries.

    Only what no other keyword claimed is read here ("checkin off" is not an
    unclear opt-out). A bare score is a CHOICE (a focus or a check-in answer,
    by the last question); a score stated among words ("2, rough week", "prob a
    2") stays free text (the crisis screen reads it all) and carries the number."""
    if intent.kind not in (Kind.OTHER, Kind.UNCLEAR_OPT_OUT, Kind.CHOICE):
        return intent
    phrase = " ".join(w for w in words_of(plain) if w not in POLITE)  # "checkin off please"
    for words, kind, lang in (
        (CHECKINS_OFF_WORDS, Kind.CHECKINS_OFF, "en"),
        (CHECKINS_ON_WORDS, Kind.CHECKINS_ON, "en"),
        (CHECKINS_OFF_ES, Kind.CHECKINS_OFF, "es"),
        (CHECKINS_ON_ES, Kind.CHECKINS_ON, "es"),
    ):
        if phrase in words or plain in words:
            return Intent(kind, lang=lang)
    bare = _BARE_SCORE.fullmatch(text)
    if bare:
        number = int(bare.group(1))
        out_of_five = bare.group(0).lstrip("# ") != bare.group(1)  # "2/5" rates, never picks
        track = None if out_of_five or number > len(TRACK_CHOICES) else TRACK_CHOICES[number - 1]
        return Intent(Kind.CHOICE, track=intent.track or track, number=number)
    if intent.kind is Kind.CHOICE and intent.track in TRACK_CHOICES:  # "option 2", "#2"
        return replace(intent, number=TRACK_CHOICES.index(intent.track) + 1)
    if intent.kind is Kind.OTHER:
        # "2, rough week", "prob a 2", "Two", "como un 3": the score stated in the
        # words, which the conversation takes only while a check-in is open.
        return replace(intent, number=stated_score(fold(text)))
    return intent


# --- Spanish keywords ----------------------------------------------------------
#
# Beside the English ones, for parents who text in Spanish (DESIGN.md, Domain
# rules). Matched on the accent-free text, so SÍ and SI, MENÚ and MENU, ESPAÑOL
# and ESPANOL are one word. An intent read from a Spanish word carries lang "es":
# a newcomer or a parent saying yes in Spanish is answered, and kept, in Spanish.
SPANISH_JOIN_WORDS = {"hola", "unirme", "unirse", "me uno", "inscribirme", "suscribirme"}
SPANISH_SWITCH_WORDS = {"espanol", "en espanol", "spanish", "castellano"}
ENGLISH_SWITCH_WORDS = {"english", "ingles", "en ingles"}
SPANISH_CONFIRM_WORDS = {
    "si", "sip", "si quiero", "si acepto", "acepto", "claro", "claro que si", "de acuerdo",
    "si claro", "dale", "va", "empezar", "comenzar",
}  # fmt: skip
# A leading Spanish yes with words that only say it more fully: "si, claro que
# si", "si quiero unirme", "claro que si, gracias".
_SPANISH_YES_HEADS = {"si", "sip", "claro", "dale", "acepto", "va"}
_SPANISH_YES_FILLER = {
    "si", "sip", "claro", "que", "quiero", "unirme", "me", "uno", "acepto", "por", "favor",
    "gracias", "de", "acuerdo", "dale", "va", "supuesto", "porfa", "empezar", "comenzar", "bueno",
}  # fmt: skip
SPANISH_DECLINE_WORDS = {"no gracias", "no quiero", "ahora no", "no por ahora"}
SPANISH_RESUME_WORDS = {"reanudar", "reanuda", "reanudar mensajes", "continuar", "seguir"}
SPANISH_MENU_WORDS = {"opciones", "comandos"}
SPANISH_DAILY_WORDS = {"diario", "diariamente", "todos los dias", "cada dia", "mas mensajes"}
SPANISH_WEEKLY_WORDS = {"semanal", "menos", "menos mensajes", "3 por semana", "tres por semana"}
SPANISH_TRACK_NAMES = {
    "perfeccionismo": "perfectionism",
    "perfeccion": "perfectionism",
    "ser perfecto": "perfectionism",
    "ser perfecta": "perfectionism",
    "culpa": "guilt",
    "trabajo": "role_strain",
    "trabajo y familia": "role_strain",
    "familia y trabajo": "role_strain",
}
_SPANISH_FILLER = {"por", "favor", "gracias", "porfa", "los", "mis", "mensajes", "textos"}
_HORA_COMMAND = re.compile(r"(?:hora|cambiar hora|cambiar la hora)\b[\s:]*(.*)")
_ZONA_COMMAND = re.compile(r"(?:zona|zona horaria)\b[\s:]*(.*)")
_TEMA_COMMAND = re.compile(r"(?:tema|enfoque|cambiar tema|cambiar de tema)\b\s*(.*)")
_PAUSA_HEADS = ("pausa", "pausar", "pausen", "descanso")
_SPANISH_UNITS = {"d": 1, "dia": 1, "dias": 1, "semana": 7, "semanas": 7, "mes": 30, "meses": 30}
_SPANISH_NUMBERS = {"un": 1, "una": 1, "uno": 1, "dos": 2, "tres": 3, "cuatro": 4, "cinco": 5}
# "7 de la tarde", "10 de la mañana", "a las 7": said the Spanish way, read the English way.
_SPANISH_TIME_WORDS = (
    (re.compile(r"^(?:a las|a la|las|la)\s+"), ""),
    (re.compile(r"\s*(?:de la|en la|por la)\s+(?:tarde|noche)$"), "pm"),
    (re.compile(r"\s*(?:de la|en la|por la)\s+manana$"), "am"),
    (re.compile(r"^mediodia$"), "noon"),
    (re.compile(r"\s*(?:hrs|hr|h|horas)$"), ""),
)


def spanish_keyword(
    words: list[str], plain: str, raw: str, command: str | None = None
) -> Intent | None:
    """A Spanish keyword or a Spanish request to join, as an intent in Spanish.
    `command` is the message without the politeness around it (`command_part`)."""
    said = " ".join(words_of(plain if command is None else command))
    if is_only(words, SPANISH_SWITCH_WORDS):
        return Intent(Kind.SPANISH, lang="es")
    if is_only(words, ENGLISH_SWITCH_WORDS):
        return Intent(Kind.ENGLISH, lang="en")
    if is_only(words, SPANISH_CONFIRM_WORDS) or (
        words
        and words[0] in _SPANISH_YES_HEADS
        and all(w in _SPANISH_YES_FILLER for w in words[1:])
    ):
        return Intent(Kind.CONFIRM, lang="es")
    if is_only(words, SPANISH_DECLINE_WORDS):
        return Intent(Kind.DECLINE, lang="es")
    if is_only(words, SPANISH_JOIN_WORDS) or asks_to_join_in_spanish(raw):
        return Intent(Kind.JOIN, lang="es")
    for reading in (_pausa, _hora, _zona, _tema):
        intent = reading(said)
        if intent is not None:
            return replace(intent, lang="es")
    for table, kind in (
        (SPANISH_RESUME_WORDS, Kind.RESUME),
        (SPANISH_MENU_WORDS, Kind.MENU),
        (SPANISH_DAILY_WORDS, Kind.DAILY),
        (SPANISH_WEEKLY_WORDS, Kind.WEEKLY),
    ):
        core = [w for w in words if w not in _SPANISH_FILLER]
        if is_only(words, table) or (core and is_only(core, table)):
            return Intent(kind, lang="es")
    return None


def _pausa(joined: str) -> Intent | None:
    """`PAUSA`, `PAUSA 7`, `pausa 2 semanas`, `pausa por una semana`."""
    head, _, rest = joined.partition(" ")
    if head not in _PAUSA_HEADS:
        return None
    rest_words = [w for w in rest.split() if w not in _SPANISH_FILLER]
    if not rest_words:
        return Intent(Kind.PAUSE)
    amount = rest_words[0]
    written = amount.removeprefix("-")
    number = (
        int(amount) if written.isdigit() and len(written) <= 4 else _SPANISH_NUMBERS.get(amount)
    )
    unit = rest_words[1] if len(rest_words) > 1 else "d"
    if number is None or unit not in _SPANISH_UNITS or len(rest_words) > 2:
        # "pausa hasta el lunes": a pause we cannot time lasts until REANUDAR,
        # like its English twin; a longer sentence is not a command.
        return Intent(Kind.PAUSE) if len(rest_words) <= 3 else None
    if amount in _SPANISH_NUMBERS and len(rest_words) == 1:
        return Intent(Kind.PAUSE)  # "pausa una": no unit, no number we can trust
    return Intent(Kind.PAUSE, days=number * _SPANISH_UNITS[unit])  # as written, like PAUSE


def _hora(joined: str) -> Intent | None:
    """`HORA 7pm`, `HORA 19:00`, `hora 7 de la tarde`; "hora de dormir" is not one."""
    command = _HORA_COMMAND.fullmatch(joined)
    if command is None:
        return None
    said = command.group(1).strip()
    for pattern, english in _SPANISH_TIME_WORDS:
        said = pattern.sub(english, said).strip()
    minute = parse_local_time(said)
    if minute is None and said and not any(ch.isdigit() for ch in said):
        return None  # words after HORA with no time in them: talk, not a command
    return Intent(Kind.TIME, minute=minute)


def _zona(joined: str) -> Intent | None:
    """`ZONA Pacifico`, `zona del este`, `ZONA America/Chicago`."""
    command = _ZONA_COMMAND.fullmatch(joined)
    if command is None:
        return None
    typed = command.group(1).strip()
    if len(typed.split()) > 3:
        return None
    zone = ZONE_NAMES_ES.get(typed) or parse_zone(typed)
    return Intent(Kind.ZONE, zone=zone, zone_text=typed[:40])


def _tema(joined: str) -> Intent | None:
    """`TEMA`, `TEMA 2`, `tema culpa`."""
    command = _TEMA_COMMAND.fullmatch(joined)
    if command is None:
        return None
    rest = command.group(1).strip()
    if not rest:
        return Intent(Kind.TRACK)
    named = SPANISH_TRACK_NAMES.get(rest) or track_named(rest)
    if named is None and len(rest.split()) > 3:
        return None
    return Intent(Kind.TRACK, track=named, unknown_track=named is None)
