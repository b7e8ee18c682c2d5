"""Is this text an opt-out? Following what people write (the FCC's "any
reasonable means"), not only the carrier keywords.

A message that is only an opt-out word and politeness ("STOP please", "stop pls
🙏", misspelt: "Stahp", "Unsuscribe"), a first line or sentence that is one
("STOP. I want to die"), a last one that is a STOP ("Enough texts. Stop."), a
STOP leading how the parent feels ("stop i'm drowning"), or plain wording ("no
more texts", "leave me alone", "pls stop msging me", "I want out") opts out.
Sentences that merely contain the word ("I can't stop texting my ex") do not. Pure.

`beyond_opt_out` gives the words of an opt-out beyond the opt-out itself, for the
trained crisis model: "STOP. Tonight is my last night" -> "Tonight is my last
night"; "please stop texting me" -> "". The model reads those words only (it reads
"leave me alone" or "end the texts" alone as risk).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from nudges.domain.spelling import respell_keywords
from nudges.domain.text import fold, straight_apostrophes

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
    "remove",
    "no more",
    # Spanish and French carrier conventions: honour them too.
    "parar",
    "alto",
    "arret",
    "cancelar",
    "basta",
    "baja",
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
    "porfa",
    "porfavor",
    "porfis",
    "xfa",
    "ya",
}

_WORD = re.compile(r"[a-z0-9'&/:-]+")

# Plain wording a reasonable person reads as "stop texting me". Each needs an
# object about these texts, so "I can't stop crying" or "stop yelling" never match.
_TEXTS = r"(?:texts?|txts?|messages?|msgs?|sms|reminders?|nudges?|these|this|them|it all)"
# Sending us texts, as people spell it: "stop msging me", "stop txtin".
_SENDING = (
    r"(?:texting|txting|textin|txtin|texing|messaging|messagin|msging|msgin|msgng|sending"
    r"|contacting)"
)
_NATURAL_OPT_OUT = re.compile(
    r"(?:^|\b(?:please|pls|plz|can you|could you|just|now|ok|so)\s+)"
    r"(?:stop|quit|cease|end)\s+" + _SENDING + r"\b"
    r"(?!\s+(?:my|her|his|their|the kids|people|him|them|back))"
    r"|\b(?:stop|quit|cease|end)\s+" + _SENDING + r"\s+(?:me|us)\b"
    r"|\bstop\s+(?:text|txt|msg|message|sms)\s+(?:me|us)\b"
    # "u can stop now thx": said to us, with nothing after but politeness.
    r"|\b(?:you|u|ya)\s+(?:can|could|may)\s+stop"
    r"(?:\s+(?:now|it|already|please|pls|plz|thanks|thank\s+you|thx|ty|ok))*\s*$"
    r"|\b(?:stop|end|cancel|quit)\s+(?:the|these|this|your|all|all the|all these|my)\s+"
    + _TEXTS
    + r"\b"
    r"|\bunsubscribe\b|\bopt\s*-?\s*(?:me\s+)?out\b"
    r"|\bremove\s+me\b|\btake\s+me\s+off\b|\btake\s+my\s+number\s+off\b"
    r"|\bdelete\s+my\s+number\b"
    r"|\b(?:don'?t|do\s+not|never)\s+(?:text|message|contact|txt|sms)\s+me\b"
    r"|\bno\s+more\s+" + _TEXTS + r"\b"
    r"|\bleave\s+me\s+alone\b"
    r"|\b(?:don'?t|do\s+not|never)\s+send\s+(?:me\s+)?(?:any\s*more|anything|these|more)\b"
    r"|\b(?:don'?t|do\s+not)\s+want\s+(?:these|this|them|it)\s+(?:any\s*more|anymore)\b"
    r"|\bno\s+longer\s+want\s+(?:to\s+(?:receive|get)\s+)?(?:these|this|them|your|the|any)\b"
    r"|\b(?:i'?m|i\s+am)\s+done\s+with\s+(?:these|this|your|the|all\s+these|all\s+the)\s+"
    + _TEXTS
    + r"\b"
    r"|\b(?:i\s+)?(?:don'?t|do\s+not)\s+want\s+(?:these|your|any\s+more|anymore|the|any)\s+"
    + _TEXTS
    + r"\b"
    r"|\bnot\s+interested\b"
    r"|\bwrong\s+number\b"
    r"|\bcancel\s+(?:my\s+)?(?:subscription|sign\s*up|texts?|messages?)\b"
)
# The same in Spanish (accents stripped): "no mas mensajes", "ya no quiero
# recibir mensajes", "dejen de escribirme", "quitenme de la lista", "darme de baja".
_ES_TEXTS = r"(?:mensajes|textos|msjs|sms|esto|estos)"
_ES_LIST = (
    r"(?:(?:la|las|los|el|este|esta|estos|estas|sus|su|tu|tus)\s+)?"
    # Never "de aqui" or "de esto": "sáquenme de aquí" may be a plea for help.
    r"(?:lista|listas|mensajes|textos|msjs|programa|servicio|sistema)"
)
_NATURAL_OPT_OUT_ES = re.compile(
    r"\bno\s+(?:quiero\s+)?mas\s+" + _ES_TEXTS + r"\b"
    r"|\bya\s+no\s+quiero\s+(?:recibir\s+)?(?:mas\s+)?(?:" + _ES_TEXTS + r"|recibir)\b"
    r"|(?<!\bno\s)\b(?:dejen|deja|dejar|para|paren|pare|parar)\s+de\s+"
    r"(?:enviarme|mandarme|escribirme|enviar|mandar|escribir)\b"
    r"|\bno\s+me\s+(?:escriban|manden|envien|escribas|mandes|envies)\s+"
    r"(?:mas\b|" + _ES_TEXTS + r"\b)"
    # Off the list, never off oneself: "quitarme de la lista", "que me quiten de los
    # mensajes"; "quitarme la vida" is a crisis and "quitarme este peso" venting.
    r"|\b(?:quitenme|quitarme|quitame|quiteme|sacarme|sacame|saquenme|borrenme|borrarme"
    r"|borrame|que\s+me\s+(?:quiten|saquen|borren|eliminen))\s+de\s+" + _ES_LIST + r"\b"
    r"|^(?:quitenme|quitame|borrenme|borrame)"
    r"(?:\s+(?:por\s+favor|porfa|ya|gracias|ahora))*$"
    r"|\bborrar\s+mi\s+numero\b"
    r"|\bdar(?:me)?\s+de\s+baja\b"
)
SPANISH_OPT_OUT_WORDS = {"parar", "alto", "cancelar", "basta", "baja"}

# "I want to stop", "I'd like to unsubscribe", "I want to stop getting these".
_WANT_TO_STOP = re.compile(
    r"(?:i\s+)?(?:want|wanna|would\s+like|'d\s+like|d\s+like|need|wish)\s+to\s+"
    r"(?:stop|unsubscribe|opt\s*out|quit|cancel|end\s+this|leave)"
    r"(?:\s+(?:getting|receiving|these|the|this|your|all|texts?|messages?|program|service"
    r"|it|now|please|pls|thanks|now|subscription))*"
)
# "I want out": in a reply to these texts, out of them (never "out of this marriage").
_WANT_OUT = re.compile(
    r"(?:i\s+)?(?:just\s+)?(?:want|wanna|need)\s+out"
    r"(?:\s+of\s+(?:the|these|this|your)\s+(?:texts?|messages?|msgs?|program|list))?"
)
# A last sentence that is only one of these opts out: "Enough texts. Stop." The
# first sentence takes any opt-out word; the last only a STOP, not "Ugh. The end."
LAST_OPT_OUT_WORDS = {"stop", "stopall", "stop all", "unsubscribe", "unsub", "optout", "opt out"}
# ... unless it quotes what the parent said to someone: "I keep telling them, stop".
_TELLING = re.compile(
    r"\b(?:said|say|says|saying|told|tell|tells|telling|yelled|yell|yelling|screamed|scream"
    r"|screaming|shouted|shout|shouting|asked|begged|begging)"
    r"(?:\s+(?:him|her|them|my\s+\w+|the\s+\w+|\w+\s+to))?\s*$"
)
# A short message with an opt-out word we cannot read either way: ask, don't guess.
MAYBE_OPT_OUT = re.compile(
    r"^(?:(?:can|could|may|should)\s+i\s+|maybe\s+|pls\s+|please\s+|i\s+want\s+to\s+)?"
    r"(?:stop|unsubscribe|quit|cancel|opt out|end)\b"
)
# A stop word that is about something else: "can't stop", "stop yelling".
OTHER_STOP = re.compile(
    r"\b(?:can'?t|cannot|couldn'?t|won'?t|didn'?t|don'?t|doesn'?t|never|not|how\s+(?:do|to|can)\s+i)"
    r"\s+(?:\w+\s+)?(?:stop|quit|end)\b"
    r"|\b(?:stop|quit)\s+(?!" + _SENDING + r"\b)\w+ing\b"
    r"|\bend\s+of\b|\bat\s+the\s+end\b"
    # "unsubscribe from life" is despair (the crisis screen answers it), not an opt-out.
    r"|\b(?:unsubscribe|opt\s+out)\s+(?:from|of)\s+(?:life|living|this\s+world|existence)\b"
    # "quit my job", "cancel our plans": something of theirs, not these texts.
    r"|\b(?:quit|cancel|end)\s+(?:my|our|the|his|her|their)\s+"
    r"(?!texts?\b|messages?\b|msgs?\b|subscription\b|nudges?\b|reminders?\b|sms\b)\w+"
)


# Case-sensitive on purpose: the raw text, before folding.
_SHOUTED_STOP = re.compile(r"\s*(?:STOP|UNSUBSCRIBE|STOPALL)\b")

# An opt-out word leading the message, then how the parent feels: "stop i'm
# drowning", "Stop pls I'm done with everything", "parar ya no puedo mas",
# "basta por favor ya no aguanto". The STOP is said to us and honoured. The
# model still reads the whole message, as it did when these were free text
# (answered with the concern reply alone, the STOP lost), so honouring the STOP
# loses no safety reply. Only the first person follows the word: "stop for a
# week" still gets the question, "stop yelling" is about something else, and "I
# want it all to stop" (not leading) is despair about life, not an opt-out.
_LEADING_OPT_OUT_WORD = (
    r"(?:stop|stopall|unsubscribe|unsub|cancel|quit|optout|opt\s+out"
    r"|parar|alto|cancelar|basta|baja)"
)
_POLITE_WORD = "|".join(sorted((re.escape(w) for w in POLITE), key=len, reverse=True))
# Distress said in the first person, not any first person: "Stop I needed this
# today", "stop feeling guilty is so hard", "stop i'm crying" (about a nudge) and
# "cancel i'll be away next week" are not opt-outs.
_DISTRESS = (
    r"(?:so\s+|too\s+|really\s+|just\s+)?(?:done|tired|exhausted|drowning|overwhelmed|over\s+it"
    r"|sick\s+of|fed\s+up|drained|burnt?\s+out|struggling|not\s+ok(?:ay)?|falling\s+apart"
    r"|at\s+my\s+limit|losing\s+it|stressed|depressed|miserable|hopeless|broken|numb|empty)"
)
_FEELING_FOLLOWS = (
    rf"(?:(?:i'm|im|i\s+am|i've\s+been|ive\s+been|i\s+feel|feeling)\s+{_DISTRESS}"
    r"|i\s+(?:can't|cant|cannot)\s+(?:do\s+this|take|anymore|handle)|so\s+(?:tired|done|over\s+it)"
    r"|i\s+(?:just\s+)?want\s+to\s+(?:die|end\s+it|disappear|give\s+up|be\s+gone)"
    r"|i\s+(?:don't|dont|do\s+not)\s+want\s+to\s+(?:live|be\s+here|wake\s+up)"
    r"|quiero\s+(?:morir|morirme|desaparecer)|no\s+quiero\s+vivir"
    r"|too\s+much|ya\s+no|no\s+(?:puedo|aguanto|soporto|doy\s+mas)"
    r"|(?:estoy|me\s+siento|ando)\s+(?:muy\s+|tan\s+)?(?:harta|harto|cansada|cansado|agotada"
    r"|agotado|mal|fatal|triste|deprimida|deprimido|quemada|quemado|abrumada|abrumado))"
)
_STOP_THEN_FEELING = re.compile(
    rf"(?:(?:{_POLITE_WORD})\W+)*{_LEADING_OPT_OUT_WORD}(?:\W+(?:{_POLITE_WORD})\b)*\W+{_FEELING_FOLLOWS}\b"
)


def words_of(text: str) -> list[str]:
    """Words only: emoji, punctuation and symbols fall away."""
    return _WORD.findall(text)


def is_only(words: list[str], keywords: set[str]) -> bool:
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
    plain = respelled(plain)
    words = words_of(plain)
    if is_only(words, OPT_OUT_WORDS):
        return True
    pieces = _pieces(raw)
    # The first line or sentence alone: "STOP. I want to die", "Stop\n\nSent from my iPhone".
    if pieces and is_only(words_of(pieces[0]), OPT_OUT_WORDS):
        return True
    # The last one, a STOP: "Enough texts. Stop.", "I'm done with these, stop".
    last_is_stop = bool(pieces) and is_only(words_of(pieces[-1]), LAST_OPT_OUT_WORDS)
    if last_is_stop and (len(pieces) == 1 or not _TELLING.search(pieces[-2])):
        return True
    # A shouted STOP leading the message: "STOP sending these", "STOP i mean it".
    if _SHOUTED_STOP.match(raw):
        return True
    if _STOP_THEN_FEELING.match(plain):
        return True
    if _WANT_TO_STOP.fullmatch(" ".join(words)):
        return True
    if _WANT_OUT.fullmatch(" ".join(w for w in words if w not in POLITE)):
        return True
    if _NATURAL_OPT_OUT_ES.search(plain):
        return True
    return bool(_NATURAL_OPT_OUT.search(plain)) and not OTHER_STOP.search(plain)


# --- misspellings ---------------------------------------------------------------

# "Stahp", "STOPPP", "sotp"; never "stoop" (a porch).
_STOP_SPELLINGS = re.compile(r"s+t+o+p+|s+t+a+h+p+|stpo|sotp")
_NOT_STOP = frozenset({"stoop"})
_UNSUBSCRIBE = "unsubscribe"
# Real words near "unsubscribe" that are not a request.
_NOT_UNSUBSCRIBE = frozenset({"unsubscribed", "unsubscribes", "unsubscribing"})
_LETTERS = re.compile(r"[a-z]+")


def _within(word: str, target: str, edits: int) -> bool:
    """Levenshtein distance at most `edits`; stops as soon as a row exceeds it."""
    if abs(len(word) - len(target)) > edits:
        return False
    previous = list(range(len(target) + 1))
    for i, ch in enumerate(word, 1):
        current = [i] + [0] * len(target)
        for j, other in enumerate(target, 1):
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ch != other))
        if min(current) > edits:
            return False
        previous = current
    return previous[-1] <= edits


def _spelled(word: str) -> str:
    if word in _NOT_STOP:
        return word
    if _STOP_SPELLINGS.fullmatch(word):
        return "stop"
    if (
        word.startswith("un")
        and 8 <= len(word) <= 13
        and word != _UNSUBSCRIBE
        and word not in _NOT_UNSUBSCRIBE
        and _within(word, _UNSUBSCRIBE, 2)
    ):
        return _UNSUBSCRIBE  # "unsuscribe", "unsubscibe", "unsubcribe"
    return word


def respelled(plain: str) -> str:
    """Common misspellings of STOP and UNSUBSCRIBE as the word itself, and every
    keyword spelt the usual ways, digits for letters included ("St0p",
    "unsubscr1be"; nudges/domain/spelling.py): each line or sentence too
    ("S T O P. I want to die" opts out, and the model reads the rest)."""
    return _LETTERS.sub(lambda m: _spelled(m.group(0)), respell_keywords(plain))


# --- the words beyond an opt-out ---------------------------------------------

_SPLIT = re.compile(r"([.!?;\n]+|,\s*)")
# Words that say nothing beside opt-out wording: "Remove me from this list please".
_OPT_OUT_FILLER = POLITE | {
    "me", "us", "my", "our", "number", "from", "this", "these", "the", "your", "list", "any",
    "more", "anymore", "again", "of", "to", "for", "on", "them", "texts", "text", "messages",
    "message", "msgs", "msg", "txts", "sms", "service", "program", "subscription", "here",
    "de", "la", "lista", "los", "las", "mensajes", "mi", "numero", "esto", "estos", "textos",
    "que", "quiero", "no", "mas",
}  # fmt: skip


def _plain(piece: str) -> str:
    return respelled(fold(straight_apostrophes(piece)))


def _pieces(raw: str) -> list[str]:
    """The lines, sentences and comma-separated parts of a message that have words,
    folded and respelled."""
    pieces = (_plain(p) for p in _SPLIT.split(raw.strip())[::2])
    return [p for p in pieces if words_of(p)]


def beyond(raw: str, is_keyword: Callable[[str], bool]) -> str:
    """The message without its parts (lines, sentences, comma-separated parts) that
    `is_keyword` says are the keyword itself; "" when nothing else is left."""
    parts = _SPLIT.split(raw.strip())  # text, separator, text, separator, ... text
    kept = [
        parts[i] + (parts[i + 1] if i + 1 < len(parts) else "")
        for i in range(0, len(parts), 2)
        if not is_keyword(parts[i])
    ]
    return "".join(kept).strip()


def beyond_opt_out(raw: str) -> str:
    """The words of an opt-out beyond the opt-out itself (see the module's notes)."""
    if _is_opt_out_part(raw):
        return ""  # all opt-out, dots and all: "s.t.o.p" is not four sentences
    shouted = _SHOUTED_STOP.match(raw)
    return beyond(raw[shouted.end() :] if shouted else raw, _is_opt_out_part)


def _is_opt_out_part(part: str) -> bool:
    plain = _plain(part)
    words = words_of(plain)
    if all(w in POLITE for w in words):
        return True  # nothing to read: "thanks", "🙏"
    if is_only(words, OPT_OUT_WORDS) or _WANT_TO_STOP.fullmatch(" ".join(words)):
        return True
    # "I want out" opts out but stays for the model to read: it can also be despair.
    for pattern in (_NATURAL_OPT_OUT, _NATURAL_OPT_OUT_ES):
        for match in pattern.finditer(plain):
            rest = words_of(plain[: match.start()] + " " + plain[match.end() :])
            if all(w in _OPT_OUT_FILLER for w in rest):
                return True
    return False
