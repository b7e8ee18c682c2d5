"""Keywords as tired thumbs spell them: `respell(plain, vocabulary) -> plain`.

A parent who texts "helpp", "S T O P", "s.t.o.p", "St0p" or "pasue" means the
keyword. Each word of a message that is a usual misspelling of a keyword in
`vocabulary` is written as the keyword; every other word is left as it is, so
the keyword rules (which match whole messages) decide as before. The usual
ways, and only these:

- letters repeated: "helpp", "stooop", "ayudaa", "Yesss" (never fewer letters:
  "of" is not "off");
- letters spaced or dotted, three or more: "S T O P", "s.t.o.p", "H-E-L-P";
- digits for letters: "St0p", "H3LP", "p4use" (a word with a letter in it:
  "730pm" and "3" stay);
- one swap of two neighbouring letters in a keyword of five letters or more:
  "pasue", "puase", "cancle" (a four-letter swap, "stpo" for "stop", is too
  close to ordinary words to guess at).

Ordinary words are never respelled: a word that is itself in `REAL_WORDS`
(English and Spanish words one of these ways from a keyword: "stoop" is a
porch, "parra" a vine, "clama" a cry) stays, and nothing else comes near a
keyword ("step", "shop", "hello", "pasta", "pase" are no way above from one).
Consent words take only the first two ways (`plain_only`): a yes must be
written as a yes. Pure.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from itertools import groupby

# Words one of the ways above from a keyword: every English and Spanish word of
# Debian's word lists (wamerican, wspanish) was run through `respell_word`, and
# these turned into a keyword; the lists hold no conjugations or slang, so
# those were checked by hand ("clama", "holla").
REAL_WORDS = frozenset(
    {
        "stoop",  # stop
        "parra",  # parar: a vine
        "parrar",  # parar
        "horra",  # hora
        "dalle",  # dale
        "clama",  # calma: cries out
        "holla",  # hola
        "pedron",  # perdon: a surname
    }
)
_DIGITS = {"0": "o", "1": "il", "3": "e", "4": "a", "5": "s", "7": "t", "8": "b"}
_LONGEST_DIGITED = 16  # characters: no keyword with digits in it is longer
_MIN_SWAPPED = 5  # letters in a keyword before one swap is read as that keyword
# Three or more single letters or digits, spaced, dotted or dashed: "s t o p".
_SPACED = re.compile(r"(?<![a-z0-9])[a-z0-9](?:[ .\-_*]+[a-z0-9]){2,}(?![a-z0-9])")
_TOKEN = re.compile(r"[a-z0-9]+")


class Vocabulary:
    """The keywords a word may be respelled as. `fuzzy` words take every way;
    `plain_only` words (consent) only repeated and spaced letters."""

    def __init__(self, fuzzy: Iterable[str], plain_only: Iterable[str] = ()) -> None:
        self.fuzzy = frozenset(fuzzy)
        self.plain_only = frozenset(plain_only) - self.fuzzy
        self.words = self.fuzzy | self.plain_only
        self._squeezed: dict[str, list[str]] = {}
        for word in sorted(self.words):
            self._squeezed.setdefault(squeeze(word), []).append(word)
        self._by_runs: dict[int, list[str]] = {}  # keywords by their number of runs
        for word in sorted(self.fuzzy):
            self._by_runs.setdefault(len(squeeze(word)), []).append(word)
        self._swapped = {
            swapped: word
            for word in sorted(self.fuzzy)
            if len(word) >= _MIN_SWAPPED
            for swapped in _swaps(word)
            if swapped not in self.words
        }

    def respell_word(self, word: str) -> str:
        """The keyword this one word is a usual misspelling of, else the word."""
        if word in self.words or word in REAL_WORDS:
            return word
        found = self._repeated(word)
        if found is not None:
            return found
        if any(ch.isdigit() for ch in word) and any(ch.isalpha() for ch in word):
            if len(word) <= _LONGEST_DIGITED:
                for keyword in self._by_runs.get(len(squeeze(word)), ()):
                    if _digits_read_as(word, keyword):
                        return keyword
            return word
        return self._swapped.get(word, word)

    def _repeated(self, word: str) -> str | None:
        """Helpp, sorrryy -> the keyword with fewer repeats; None if none."""
        for keyword in self._squeezed.get(squeeze(word), ()):
            if len(word) > len(keyword) and _repeats_of(word, keyword):
                return keyword
        return None


def respell(plain: str, vocabulary: Vocabulary) -> str:
    """The message (folded, lower-case) with each misspelt keyword written right."""
    if plain.isalpha() and plain in vocabulary.words:
        return plain  # the keyword itself: most texts
    plain = _SPACED.sub(lambda m: _joined(m.group(0), vocabulary), plain)
    return _TOKEN.sub(lambda m: vocabulary.respell_word(m.group(0)), plain)


def _joined(spaced: str, vocabulary: Vocabulary) -> str:
    """`s t o p` -> `stop` when the letters spell a keyword; else as written."""
    letters = "".join(ch for ch in spaced if ch.isalnum())
    if not any(ch.isalpha() for ch in letters):
        return spaced  # "7 . 3 0": a time, not a word
    word = vocabulary.respell_word(letters)
    return word if word in vocabulary.words else spaced


def squeeze(word: str) -> str:
    """Each run of one letter as one: "stooop" -> "stop", "sorry" -> "sory"."""
    return "".join(ch for ch, _ in groupby(word))


def _repeats_of(word: str, keyword: str) -> bool:
    """Every run of `word` at least as long as the same run of `keyword`."""
    runs = [len(list(g)) for _, g in groupby(word)]
    wanted = [len(list(g)) for _, g in groupby(keyword)]
    return len(runs) == len(wanted) and all(a >= b for a, b in zip(runs, wanted, strict=True))


def _swaps(word: str) -> Iterator[str]:
    for i in range(len(word) - 1):
        if word[i] != word[i + 1]:
            yield word[:i] + word[i + 1] + word[i] + word[i + 2 :]


def _digits_read_as(word: str, keyword: str) -> bool:
    """ "St0p", "H3LP", "st00p": the word is the keyword with digits for some of its
    letters (0 for o, 3 for e, 1 for i or l...), letters repeated or not."""
    runs = [(ch, len(list(g))) for ch, g in groupby(word)]
    wanted = [(ch, len(list(g))) for ch, g in groupby(keyword)]
    return len(runs) == len(wanted) and all(
        (ch == letter or letter in _DIGITS.get(ch, "")) and count >= needed
        for (ch, count), (letter, needed) in zip(runs, wanted, strict=True)
    )


# The keywords a misspelling may stand for (each a keyword of
# nudges/domain/keywords.py or opt_out.py, as tests/domain/test_spelling.py
# checks). Consent words take only repeated and spaced letters.
KEYWORDS = Vocabulary(
    fuzzy=(
        # STOP and its twins: a generous STOP is right (carriers expect it).
        "stop", "stopall", "unsubscribe", "cancel", "quit", "end", "optout", "revoke",
        "parar", "alto", "cancelar", "basta", "baja",
        "help", "info", "ayuda", "ayudame",
        "pause", "snooze", "unpause", "resume", "restart", "pausa", "pausar", "reanudar",
        "menu", "join", "subscribe", "hola", "unirme",
        "time", "zone", "track", "hora", "zona", "tema",
        "daily", "weekly", "diario", "semanal",
        "sorry", "calm", "bedtime", "night", "perdon", "calma", "dormir", "noche",
        "english", "espanol", "ingles",
    ),
    plain_only=(
        "yes", "yeah", "yea", "yep", "yup", "sure", "ok", "okay", "si", "claro", "dale",
        "start", "unstop",
    ),
)  # fmt: skip


def respell_keywords(plain: str) -> str:
    """`respell` with the service's keywords: "s t o p" -> "stop", "pasue" -> "pause"."""
    return respell(plain, KEYWORDS)
