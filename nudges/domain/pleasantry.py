"""Texts that only greet, thank or acknowledge: `is_pleasantry(text) -> bool`. Pure.

The trained crisis model (tier 2) reads free text at a concern threshold set
for recall on texts that say something (risk 0.042). A one-word greeting says
nothing it was trained to judge, and its score there is noise: `hello` scored
0.081 (a concern reply, nudges held, a "possible" alert), `Hello` 0.002,
`saludos` 0.085, `Saludos` 0.74. So, as with a bare keyword, the model does not
read a text made only of these; the phrase rules still read every text.

Deliberately a closed list of whole phrases, not words: anything more ("hello,
I can't do this anymore", "thanks for everything"), a trailing-off "hey..."
and an emoji ("hi 🙏") are read as before. No
farewell is here ("bye", "adios", "good night", "goodnight"): a goodbye is a
warning sign, and the model keeps reading it. "buenas noches" is here because
in Spanish it is also the greeting after dark ("good evening").
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from nudges.domain.text import fold, visible

_GREETINGS = (
    "hi",
    "hello",
    "hey",
    "hiya",
    "howdy",
    "hi there",
    "hey there",
    "hello there",
    "good morning",
    "good afternoon",
    "good evening",
    "morning",
    "hola",
    "buenas",
    "buen dia",
    "buenos dias",
    "buenas tardes",
    "buenas noches",
    "saludos",
    "que tal",
)
_THANKS = (
    "thanks",
    "thank you",
    "thanks so much",
    "thank you so much",
    "thanks a lot",
    "many thanks",
    "thx",
    "ty",
    "gracias",
    "muchas gracias",
    "mil gracias",
)
_ACKNOWLEDGEMENTS = ("ok", "okay", "k", "kk", "got it", "vale", "sale", "va")
_PHRASES = _GREETINGS + _THANKS + _ACKNOWLEDGEMENTS
_REPEATS = re.compile(r"([a-z])\1+")
_NOT_LETTERS = re.compile(r"[^a-z]+")
# Only letters, spaces and plain punctuation. A trailing-off "hey..." or an
# emoji ("hi 🙏") may be the start of something: the model reads those ("hey..."
# 0.86), as it reads any text with more in it.
_PLAIN = re.compile(r"[a-z ,.!?¡¿']+")


def _squeeze(words: str) -> str:
    """Every run of one letter read once: "hellooo" and "hello" both "helo"."""
    return _REPEATS.sub(r"\1", words)


def _only(phrases: Iterable[str]) -> re.Pattern[str]:
    """One to three of the phrases ("hi", "ok thanks", "hola buenas tardes"), nothing else."""
    one = "|".join(sorted(map(re.escape, set(phrases)), key=len, reverse=True))
    return re.compile(rf"(?:{one})(?: (?:{one})){{0,2}}")


_ONLY = _only(_PHRASES)
# Letters a parent stretches ("heyyy", "hellooo", "graciaaas"), read once on both sides.
_ONLY_SQUEEZED = _only(map(_squeeze, _PHRASES))


def is_pleasantry(text: str) -> bool:
    """Only greetings, thanks or acknowledgements, in English or Spanish, in any
    case, with plain punctuation: "hello", "Hola, buenas!", "ok thanks", "heyyy"."""
    if len(text) > 60:
        return False  # a pleasantry is short; a long text is never one
    plain = fold(visible(text)).replace("\u2019", "'").strip()
    if not _PLAIN.fullmatch(plain) or ".." in plain:
        return False
    words = _NOT_LETTERS.sub(" ", plain).strip()
    return bool(_ONLY.fullmatch(words) or _ONLY_SQUEEZED.fullmatch(_squeeze(words)))
