"""Is this text an opt-out? Following what people write (the FCC's "any
reasonable means"), not only the carrier keywords.

A message that is only an opt-out word and politeness ("STOP please", "stop pls
🙏"), a first line or sentence that is one ("STOP. I want to die"), or plain
wording ("no more texts", "leave me alone") opts out. Sentences that merely
contain the word ("I can't stop texting my ex") do not. Pure.
"""

from __future__ import annotations

import re

from nudges.domain.text import fold

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
    "ya",
}

_SENTENCE = re.compile(r"[.!?;\n]+|,\s*")
_WORD = re.compile(r"[a-z0-9'&/:-]+")

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
_NATURAL_OPT_OUT_ES = re.compile(
    r"\bno\s+(?:quiero\s+)?mas\s+" + _ES_TEXTS + r"\b"
    r"|\bya\s+no\s+quiero\s+(?:recibir\s+)?(?:mas\s+)?(?:" + _ES_TEXTS + r"|recibir)\b"
    r"|\b(?:dejen|deja|dejar)\s+de\s+(?:enviarme|mandarme|escribirme|enviar|mandar|escribir)\b"
    r"|\bno\s+me\s+(?:escriban|manden|envien|escribas|mandes|envies)\s+mas\b"
    r"|\b(?:quitenme|quitarme|sacarme|sacame|quitame|borrenme|borrar\s+mi\s+numero)\b"
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
# A short message with an opt-out word we cannot read either way: ask, don't guess.
MAYBE_OPT_OUT = re.compile(
    r"^(?:(?:can|could|may|should)\s+i\s+|maybe\s+|pls\s+|please\s+|i\s+want\s+to\s+)?"
    r"(?:stop|unsubscribe|quit|cancel|opt out|end)\b"
)
# A stop word that is about something else: "can't stop", "stop yelling".
OTHER_STOP = re.compile(
    r"\b(?:can'?t|cannot|couldn'?t|won'?t|didn'?t|don'?t|doesn'?t|never|not|how\s+(?:do|to|can)\s+i)"
    r"\s+(?:\w+\s+)?(?:stop|quit|end)\b"
    r"|\b(?:stop|quit)\s+(?:\w+ing)\b(?<!texting)(?<!messaging)(?<!sending)"
    r"|\bend\s+of\b|\bat\s+the\s+end\b"
    # "unsubscribe from life" is despair (the crisis screen answers it), not an opt-out.
    r"|\b(?:unsubscribe|opt\s+out)\s+(?:from|of)\s+(?:life|living|this\s+world|existence)\b"
    # "quit my job", "cancel our plans": something of theirs, not these texts.
    r"|\b(?:quit|cancel|end)\s+(?:my|our|the|his|her|their)\s+"
    r"(?!texts?\b|messages?\b|msgs?\b|subscription\b|nudges?\b|reminders?\b|sms\b)\w+"
)


# Case-sensitive on purpose: the raw text, before folding.
_SHOUTED_STOP = re.compile(r"\s*(?:STOP|UNSUBSCRIBE|STOPALL)\b")


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
    words = words_of(plain)
    if is_only(words, OPT_OUT_WORDS):
        return True
    # The first line or sentence alone: "STOP. I want to die", "Stop\n\nSent from my iPhone".
    first = _SENTENCE.split(fold(raw.strip()), maxsplit=1)[0]
    if is_only(words_of(first), OPT_OUT_WORDS):
        return True
    # A shouted STOP leading the message: "STOP sending these", "STOP i mean it".
    if _SHOUTED_STOP.match(raw):
        return True
    if _WANT_TO_STOP.fullmatch(" ".join(words)):
        return True
    if _NATURAL_OPT_OUT_ES.search(plain):
        return True
    return bool(_NATURAL_OPT_OUT.search(plain)) and not OTHER_STOP.search(plain)
