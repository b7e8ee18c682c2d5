"""GSM-7 rules: which characters keep a text in the cheap 7-bit alphabet, and
how many segments it costs.

One character outside GSM-7 (a curly quote, an em dash, an emoji, a
non-breaking space) turns the whole message into UCS-2, which cuts a segment
from 160 to 70 characters and can double or triple what a text costs.
"""

from __future__ import annotations

# The GSM 03.38 basic character set.
BASIC = set(
    "@\u00a3$\u00a5\u00e8\u00e9\u00f9\u00ec\u00f2\u00c7\n\u00d8\u00f8\r\u00c5\u00e5"
    "\u0394_\u03a6\u0393\u039b\u03a9\u03a0\u03a8\u03a3\u0398\u039e\u00c6\u00e6\u00df\u00c9"
    " !\"#\u00a4%&'()*+,-./0123456789:;<=>?"
    "\u00a1ABCDEFGHIJKLMNOPQRSTUVWXYZ\u00c4\u00d6\u00d1\u00dc\u00a7"
    "\u00bfabcdefghijklmnopqrstuvwxyz\u00e4\u00f6\u00f1\u00fc\u00e0"
)
# The extension table: each costs two septets (an escape, then the character).
EXTENDED = set("^{}\\[~]|\u20ac\f")

GSM_SINGLE, GSM_MULTI = 160, 153
UCS2_SINGLE, UCS2_MULTI = 70, 67


def is_gsm7(text: str) -> bool:
    return all(ch in BASIC or ch in EXTENDED for ch in text)


def non_gsm7(text: str) -> list[str]:
    """The characters that would push `text` into UCS-2, in order, without repeats."""
    seen: list[str] = []
    for ch in text:
        if ch not in BASIC and ch not in EXTENDED and ch not in seen:
            seen.append(ch)
    return seen


def gsm7_length(text: str) -> int:
    """Length in septets: extension characters count twice."""
    return sum(2 if ch in EXTENDED else 1 for ch in text)


def segments(text: str) -> int:
    """How many SMS segments `text` takes (0 for an empty text)."""
    if not text:
        return 0
    if is_gsm7(text):
        length, single, multi = gsm7_length(text), GSM_SINGLE, GSM_MULTI
    else:
        # UCS-2 counts UTF-16 code units: an emoji outside the BMP takes two.
        length, single, multi = len(text.encode("utf-16-le")) // 2, UCS2_SINGLE, UCS2_MULTI
    if length <= single:
        return 1
    return -(-length // multi)
