"""The one way text is folded before it is read: `fold(text)`.

Crisis phrases, keywords, opt-out wording and language detection all compare
what a parent typed against lists written in plain lower-case letters, so
"ESTÁ", "está" and "esta" must read alike. NFKD splits an accented letter into
the letter and its accent (and turns compatibility forms such as full-width
letters and ligatures into plain ones); the accents are then dropped.
"""

from __future__ import annotations

import re
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


# Terminal colour codes (CSI sequences) and other escapes a pasted or scripted
# text may carry: "\x1b[31mSTOP\x1b[0m" is a STOP.
_ESCAPES = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b.?")


def visible(text: str) -> str:
    """The text a parent sees: terminal escapes and invisible format characters
    (zero-width space and joiners, the byte-order mark, the soft hyphen) removed,
    so "ST\\u200bOP" is STOP and "ki\\u200bll" is kill. Removed, not spaced: they
    sit inside words."""
    if text.isascii() and "\x1b" not in text:
        return text  # most texts: nothing to remove
    text = _ESCAPES.sub("", text)
    return "".join(ch for ch in text if unicodedata.category(ch) != "Cf")
