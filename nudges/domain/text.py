"""The one way text is folded before it is read: `fold(text)`.

Crisis phrases, keywords, opt-out wording and language detection all compare
what a parent typed against lists written in plain lower-case letters, so
"ESTÁ", "está" and "esta" must read alike. NFKD splits an accented letter into
the letter and its accent (and turns compatibility forms such as full-width
letters and ligatures into plain ones); the accents are then dropped.
"""

from __future__ import annotations

import unicodedata

# Curly quotes phones substitute for the apostrophe a parent typed ("don’t").
_APOSTROPHES = str.maketrans({"\u2018": "'", "\u2019": "'"})


def fold(text: str) -> str:
    """Lower-case, accents dropped: 'Ya NO quiero más' -> 'ya no quiero mas'."""
    if text.isascii():
        return text.lower()  # NFKD leaves ASCII as it is; most texts are ASCII
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()


def straight_apostrophes(text: str) -> str:
    """Curly single quotes as the straight apostrophe: 'don’t' -> "don't"."""
    return text.translate(_APOSTROPHES)
