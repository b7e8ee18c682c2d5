"""What the trained crisis screen reads: the parts of a message and their n-grams. Pure.

The training script (`tests/crisis/train.py`) and the running service both build
features here, so the model is scored on exactly what it was trained on.

- `units(text)`: the whole message, then each sentence. A parent in danger often
  opens with an ordinary sentence ("dinner was chaos as usual. anyway I looked up
  how many of my pills it would take"); scored as a whole, the ordinary part
  dilutes the risk, so the screen scores every part and keeps the highest.
- `ngrams(text)`: hashed character 3-5-grams inside words and word 1-2-grams, on
  folded text (lowercase, no accents, long letter runs squeezed). Characters
  carry misspellings and text-speak ("sewerslide", "kms", "pastillas" typed
  without accents); words carry the phrases.
"""

from __future__ import annotations

import re
import unicodedata
import zlib
from math import sqrt

BUCKETS = 1 << 18  # hashed feature space; collisions cost little at this size
MAX_UNITS = 48  # the whole message and up to 47 sentences (the first and last ones)
MAX_WHOLE = 1000  # characters of the whole message read as one unit
MAX_CHARS = 20_000  # a webhook body is at most a few kB

_SENTENCE_END = re.compile(
    r"(?<=[.!?;])\s+|\s+/\s+|\n+|\s+(?:anyway|anyways|but|also|btw|pero|igual)\s+"
)
_RUNS = re.compile(r"(\w)\1{2,}")
_NON_WORD = re.compile(r"[^\w]+")


def fold(text: str) -> str:
    """Lowercase, accents stripped, 3+ repeated letters squeezed to 2, words only."""
    lowered = unicodedata.normalize("NFKD", text.lower())
    plain = "".join(ch for ch in lowered if not unicodedata.combining(ch))
    plain = plain.replace("'", "").replace("\u2019", "")
    return _NON_WORD.sub(" ", _RUNS.sub(r"\1\1", plain)).strip()


def units(text: str) -> list[str]:
    """The whole message first, then each sentence of three or more words.

    A risk sentence buried after many ordinary ones is still read on its own:
    of a very long message, the first and the last sentences are kept."""
    text = text[:MAX_CHARS].strip()
    parts = [p.strip() for p in _SENTENCE_END.split(text) if p and p.strip()]
    sentences = list(dict.fromkeys(p for p in parts if len(p.split()) >= 3 and p != text))
    room = MAX_UNITS - 1
    if len(sentences) > room:
        sentences = sentences[: room // 2] + sentences[-(room - room // 2) :]
    return [text[:MAX_WHOLE], *sentences]


def _bucket(gram: str) -> int:
    return zlib.crc32(gram.encode()) % BUCKETS


def ngrams(text: str) -> dict[int, float]:
    """Binary hashed n-grams, scaled to unit length."""
    words = fold(text).split()
    grams: set[str] = set(words)
    grams.update(f"{a} {b}" for a, b in zip(words, words[1:], strict=False))
    for word in words:
        padded = f"<{word}>"
        for n in (3, 4, 5):
            grams.update("#" + padded[i : i + n] for i in range(len(padded) - n + 1))
    if not grams:
        return {}
    buckets: dict[int, float] = {}
    for gram in grams:
        index = _bucket(gram)
        buckets[index] = buckets.get(index, 0.0) + 1.0
    norm = sqrt(sum(v * v for v in buckets.values()))
    return {index: value / norm for index, value in buckets.items()}
