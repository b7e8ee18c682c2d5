"""Word lists for plain, inclusive, honest English texts (issue 16).

Each list is a rule of `nudges messages check`, with the reason beside it, so a
writer can see why a word is refused and what to write instead.
"""

from __future__ import annotations

import re

# US spelling: the service texts US parents, and "mom" beside "colour" reads as
# two voices. Stems catch the inflected forms (realised, realising, colours).
UK_SPELLINGS: dict[str, str] = {
    r"colour\w*": "color",
    r"behaviour\w*": "behavior",
    r"neighbour\w*": "neighbor",
    r"favour\w*": "favor",
    r"honour\w*": "honor",
    r"humour\w*": "humor",
    r"labour\w*": "labor",
    r"centre[sd]?": "center",
    r"programmes?": "program",
    r"mum(?:s|my|mies)?": "mom",
    r"realis\w*": "realize",
    r"recognis\w*": "recognize",
    r"organis\w*": "organize",
    r"apologis\w*": "apologize",
    r"prioritis\w*": "prioritize",
    r"practis(?:e[sd]?|ing)": "practice",
    r"judgement\w*": "judgment",
    r"travell\w*": "traveled, traveling",
    r"cosy": "cozy",
    r"whilst": "while",
    r"amongst": "among",
    r"learnt": "learned",
    r"nappy|nappies": "diaper",
    r"pram": "stroller",
}

# Idioms that English learners trip on: say the plain thing instead.
IDIOMS: tuple[str, ...] = (
    "off the hook",
    "plates spinning",
    "first things first",
    "in good company",
    "piece of cake",
    "hit the ground running",
    "at the end of the day",
    "under the weather",
    "bite the bullet",
    "call it a day",
    "go easy on",
    "in the same boat",
    "burn the candle",
    "running on empty",
    "empty cup",
    "fill your cup",
    "beat yourself up",
    "cut yourself some slack",
    "on the same page",
    "up by your ears",
    "pinch point",
    "fresh eyes",
    "a call away",
    "a text away",
    "through storms",
    "big picture",
)

# Promises about the child's future or about repair, which the evidence does not
# support (content brief: never promise child outcomes; Leerkes & Zhou 2018).
CHILD_OUTCOME_PROMISES: tuple[str, ...] = (
    r"always possible",
    r"never too late",
    r"will make (?:your|the) (?:child|kids?|baby|teen)",
    r"(?:your child|your kids?|your baby|your teen|kids|children) will (?:be|feel|grow|learn|"
    r"remember|thrive|turn out|know)",
    r"will (?:build|create|ensure|give (?:them|your child)) (?:a )?secure",
    r"makes? or breaks?",
    r"what your child will remember",
)


def _word_pattern(stem: str) -> re.Pattern[str]:
    return re.compile(rf"\b(?:{stem})\b", re.I)


_UK = [(_word_pattern(stem), us) for stem, us in UK_SPELLINGS.items()]
_IDIOMS = [(re.compile(rf"\b{re.escape(idiom)}\b", re.I), idiom) for idiom in IDIOMS]
_PROMISES = [re.compile(rf"\b{pattern}\b", re.I) for pattern in CHILD_OUTCOME_PROMISES]


def uk_spellings(text: str) -> list[tuple[str, str]]:
    """(the UK word found, the US spelling to use) for each UK spelling in `text`."""
    found = []
    for pattern, us in _UK:
        for match in pattern.finditer(text):
            found.append((match.group(0), us))
    return found


def idioms(text: str) -> list[str]:
    return [idiom for pattern, idiom in _IDIOMS if pattern.search(text)]


def child_outcome_promises(text: str) -> list[str]:
    return [match.group(0) for pattern in _PROMISES if (match := pattern.search(text))]
