"""Is a message Spanish? Enough to answer a crisis in the parent's language.

Counts common function words of each language; ties go to English (the
service's default). Pure and instant."""

from __future__ import annotations

import re

from nudges.domain.text import fold

_SPANISH = frozenset(
    [
        "que",
        "quiero",
        "estoy",
        "mi",
        "mis",
        "me",
        "no",
        "ya",
        "mas",
        "yo",
        "tengo",
        "puedo",
        "para",
        "por",
        "con",
        "una",
        "uno",
        "los",
        "las",
        "el",
        "la",
        "de",
        "y",
        "es",
        "esta",
        "estoy",
        "hijo",
        "hija",
        "hijos",
        "bebe",
        "morir",
        "vivir",
        "nadie",
        "todos",
        "pero",
        "porque",
        "soy",
        "siento",
        "nada",
        "mejor",
        "sin",
        "vida",
        "miedo",
        "ayuda",
        "casa",
        "hacer",
        "hoy",
        "esposo",
        "pareja",
        "mucho",
        "muy",
        "tambien",
    ]
)
_ENGLISH = frozenset(
    [
        "i",
        "the",
        "to",
        "and",
        "my",
        "is",
        "it",
        "you",
        "want",
        "can",
        "not",
        "of",
        "a",
        "me",
        "im",
        "dont",
        "cant",
        "be",
        "so",
        "this",
        "that",
        "with",
        "just",
        "have",
        "am",
        "are",
        "was",
        "he",
        "she",
        "they",
        "kids",
        "baby",
        "feel",
        "like",
        "today",
    ]
)
# "no", "me" and "a" are in both; they count for neither.
_SHARED = frozenset({"no", "me", "a"})
_WORD = re.compile(r"[a-z]+")


def looks_spanish(text: str) -> bool:
    plain = fold(text[:2000])
    words = _WORD.findall(plain)
    spanish = sum(1 for w in words if w in _SPANISH and w not in _SHARED)
    english = sum(1 for w in words if w in _ENGLISH and w not in _SHARED)
    return spanish > english
