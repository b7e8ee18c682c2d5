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

`is_farewell(text)`: a text that only says goodbye ("Bye", "adios", "ok bye
thanks", "hasta luego"). The model still reads it, but its word alone never
gives it the full crisis response: one-word farewells answer a nudge every day,
and the model's score on one was noise ("Bye" 0.99, "bye" 0.001). A training
author labelled a lone "adios" a goodbye, so the model's concern stands (988
and 741741, no clinician woken); a farewell with more in it ("goodbye everyone,
I'm done", "adios para siempre") is read as any text, and the rules answer it.
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
# A casual yes ("sure why not" to the consent prompt): "claro, por qué no" read
# 0.25 to the model, a concern reply where the parent had said yes. The one list:
# keywords.casual_yes reads these as consent at the prompt.
CASUAL_YES = (
    "why not",
    "sounds good",
    "sounds great",
    "sounds good to me",
    "that sounds good",
    "por que no",
    "me parece bien",
    "suena bien",
)

_PHRASES = _GREETINGS + _THANKS + _ACKNOWLEDGEMENTS + ("sure", "claro") + CASUAL_YES
_FAREWELLS = (
    "bye",
    "bye bye",
    "bye now",
    "bye for now",
    "goodbye",
    "good bye",
    "see you",
    "see ya",
    "cya",
    "later",
    "talk later",
    "talk soon",
    "ttyl",
    "good night",
    "goodnight",
    "night night",
    "nite",
    "adios",
    "chao",
    "chau",
    "ciao",
    "hasta luego",
    "hasta manana",
    "hasta pronto",
    "nos vemos",
)
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
_PARTING = _only(_PHRASES + _FAREWELLS)
_PARTING_SQUEEZED = _only(map(_squeeze, _PHRASES + _FAREWELLS))


def is_pleasantry(text: str) -> bool:
    """Only greetings, thanks or acknowledgements, in English or Spanish, in any
    case, with plain punctuation: "hello", "Hola, buenas!", "ok thanks", "heyyy"."""
    words = _plain_words(text)
    return words is not None and _matches(words, _ONLY, _ONLY_SQUEEZED)


def is_farewell(text: str) -> bool:
    """Only a goodbye, with pleasantries or none, in any case, with plain
    punctuation: "Bye", "adiós", "ok bye thanks", "Good night!", "byeee"."""
    words = _plain_words(text)
    return (
        words is not None
        and _matches(words, _PARTING, _PARTING_SQUEEZED)
        and not _matches(words, _ONLY, _ONLY_SQUEEZED)
    )


def _plain_words(text: str) -> str | None:
    """The words of a short text in plain punctuation; None for anything else."""
    if len(text) > 60:
        return None  # a pleasantry is short; a long text is never one
    plain = fold(visible(text)).replace("\u2019", "'").strip()
    if not _PLAIN.fullmatch(plain) or ".." in plain:
        return None
    return _NOT_LETTERS.sub(" ", plain).strip()


def _matches(words: str, only: re.Pattern[str], squeezed: re.Pattern[str]) -> bool:
    return bool(only.fullmatch(words) or squeezed.fullmatch(_squeeze(words)))
