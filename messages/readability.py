"""A rough Flesch-Kincaid grade, good enough to flag a text that reads too hard.

Syllables are counted by vowel groups with the usual silent-e fix; it is an
estimate, so the ceilings in the validator leave a little room.
"""

from __future__ import annotations

import re
from functools import lru_cache

_WORD = re.compile(r"[A-Za-z]+(?:'[A-Za-z]+)?")
_SENTENCE_END = re.compile(r"[.!?]+(?:\s|$)")


# Words repeat across texts (and the validator reads a library many times in its
# tests): each distinct word is counted once.
@lru_cache(maxsize=16384)
def syllables(word: str) -> int:
    word = word.lower().replace("'", "")
    groups = re.findall(r"[aeiouy]+", word)
    count = len(groups)
    if word.endswith("e") and not word.endswith(("le", "ee", "ye")) and count > 1:
        count -= 1
    return max(count, 1)


def grade(text: str) -> float:
    words = _WORD.findall(text)
    if not words:
        return 0.0
    sentences = max(len(_SENTENCE_END.findall(text)), 1)
    syllable_count = sum(syllables(w) for w in words)
    return 0.39 * len(words) / sentences + 11.8 * syllable_count / len(words) - 15.59


# --- Spanish: Fernandez Huerta reading ease ------------------------------------
#
# Fernandez Huerta (1959) adapted Flesch's reading ease to Spanish. We use the
# formula as corrected by Law (2011), with words per sentence (the printed
# version had sentences per 100 words, which made longer sentences read easier):
#     206.84 - 60 * (syllables / words) - 1.02 * (words / sentences)
# Scale: 90-100 very easy, 80-90 easy, 70-80 fairly easy, 60-70 standard.
#
# Spanish syllables follow written vowels closely, so they are counted by rule
# rather than estimated: each vowel group is one syllable unless two strong
# vowels (a, e, o) or an accented weak vowel (i, u with an acute accent) meet,
# which is a hiatus and starts a new syllable. The "u" of que/qui/gue/gui is
# silent, and "y" is a vowel only where no vowel follows it (y, hoy, muy).
# Texts in GSM-7 Spanish drop the accent on i and u, so a hiatus such as "dia"
# counts one syllable short: the score errs a little on the easy side, which the
# per-text floor in the validator allows for.

_ES_WORD = re.compile(
    r"[A-Za-z\u00c1\u00c9\u00cd\u00d3\u00da\u00dc\u00d1\u00e1\u00e9\u00ed\u00f3\u00fa\u00fc\u00f1]+"
)
_ES_STRONG = set("aeo\u00e1\u00e9\u00f3")
_ES_ACCENTED_WEAK = set("\u00ed\u00fa")
_ES_VOWELS = _ES_STRONG | _ES_ACCENTED_WEAK | set("iu\u00fc")


def _es_vowel_positions(word: str) -> list[bool]:
    """For each letter, whether it is a vowel sounded in its own right."""
    flags = []
    for i, ch in enumerate(word):
        following = word[i + 1] if i + 1 < len(word) else ""
        if (
            ch == "u"
            and i > 0
            and word[i - 1] in "qg"
            and following in ("e", "i", "\u00e9", "\u00ed")
        ):
            flags.append(False)  # silent u: que, quien, guerra, guitarra
        elif ch == "y":
            flags.append(following not in _ES_VOWELS)  # y, hoy, muy (not yo, ayuda)
        else:
            flags.append(ch in _ES_VOWELS)
    return flags


def _es_is_hiatus(first: str, second: str) -> bool:
    if first in _ES_ACCENTED_WEAK or second in _ES_ACCENTED_WEAK:
        return True
    if first in _ES_STRONG and second in _ES_STRONG:
        return True
    return first == second  # ii, uu: rare, but two sounds (chiita)


@lru_cache(maxsize=16384)
def syllables_es(word: str) -> int:
    """Syllables in one Spanish word, by the written rules of diphthong and hiatus."""
    word = word.lower()
    flags = _es_vowel_positions(word)
    count = 0
    previous: str | None = None  # the vowel just before, inside the current vowel run
    for ch, is_vowel in zip(word, flags, strict=True):
        if not is_vowel:
            previous = None
            continue
        sound = "i" if ch == "y" else ch
        if previous is None or _es_is_hiatus(previous, sound):
            count += 1
        previous = sound
    return max(count, 1)


def fernandez_huerta(text: str) -> float:
    """Fernandez Huerta reading ease of a Spanish text (higher is easier)."""
    words = _ES_WORD.findall(text)
    if not words:
        return 0.0
    sentences = max(len(_SENTENCE_END.findall(text)), 1)
    syllable_count = sum(syllables_es(w) for w in words)
    return 206.84 - 60.0 * syllable_count / len(words) - 1.02 * len(words) / sentences
