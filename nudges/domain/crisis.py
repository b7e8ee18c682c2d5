"""Crisis language in an inbound text, tier 1: `detect_crisis(text) -> CrisisSignal | None`.

Phrase rules by warning-sign category (after AFSP's warning signs and the C-SSRS
items): suicidal statements, preparation and access to means, acts in progress
or done, goodbyes, burden, hopelessness and feeling trapped, not being safe,
self-harm, harm to a child (acts and intrusive images), and domestic violence;
English and Spanish. Predictable, instant, explainable in review, and pure.

It favours recall. A false alarm costs one kind text with 988 in it and a
clinician glancing at a dashboard; a miss can cost a life. So idioms are removed
only where unmistakable ("this is killing me", "dying to"), and negation is
honoured only where the parent tells us the opposite of a risk in so many words
("not suicidal", "I'd never hurt my baby"), never for despair ("I don't want to
live" is a crisis: the negation is part of the phrase).

Text is normalised first: invisible characters (zero-width spaces, terminal
colour codes) removed, lowercase, accents stripped, apostrophes dropped,
runs of 3+ repeated letters squeezed ("diiiie" -> "die"), everything else a
space; then text-speak is expanded ("2" -> to, "b" -> be, "w" -> with,
"kms" -> kill myself, "dye" -> die when it is not about hair). Patterns are
plain alternations with no nested repetition, so a 10 kB message is linear.

The phrase tables live in `crisis_phrases.toml` beside this module (data, not
code: a reviewer reads and edits them as lists), loaded once at import.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from importlib import resources
from typing import Any

from nudges.domain.text import fold, visible

# The level of response each kind of risk gets. *Crisis* (intent, plans, means,
# acts, goodbyes, not being safe, self-harm, harm to a child, violence): the
# crisis reply, nudges paused, the clinician texted. *Concern* (feeling a burden,
# hopelessness): a caring reply, nudges held, a "possible" alert on the dashboard.
CONCERN_ONLY = frozenset({"burden", "hopeless"})


@dataclass(frozen=True)
class CrisisSignal:
    """Which kinds of risk matched, and the level of response. Names only: the
    text is never kept."""

    categories: tuple[str, ...]
    tier: int = 1  # 1: these phrase rules; 2: the trained screen alone
    level: str = "crisis"  # "crisis" or "concern"

    @property
    def is_concern(self) -> bool:
        return self.level == "concern"


def level_of(categories: tuple[str, ...]) -> str:
    """Crisis unless every category matched is one that calls for concern."""
    return "concern" if categories and set(categories) <= CONCERN_ONLY else "crisis"


# Characters read of a longer message: its beginning and its end, where a
# parent's last sentence is (a webhook body may be up to 64 kB).
MAX_SCAN = 20_000
REASSURABLE = {"suicidal", "self_harm", "harm_to_child"}
_PIECE = re.compile(r"\{([A-Z_]+)\}")  # {NAME}; regex quantifiers are digits, never names


def _load_tables() -> dict[str, Any]:
    # Read through importlib.resources so an installed package finds it too.
    text = resources.files("nudges.domain").joinpath("crisis_phrases.toml").read_text("utf-8")
    return tomllib.loads(text)


def _expand(pattern: str, pieces: dict[str, str]) -> str:
    return _PIECE.sub(lambda m: pieces[m.group(1)], pattern)


_TABLES = _load_tables()
_SPEAK: dict[str, str] = _TABLES["speak"]
_PIECES: dict[str, str] = {}
for _name, _piece in _TABLES["pieces"].items():  # in file order: a piece may use earlier ones
    _PIECES[_name] = _expand(_piece, _PIECES)
PATTERNS: dict[str, list[str]] = {
    name: [_expand(p, _PIECES) for p in parts] for name, parts in _TABLES["patterns"].items()
}
_SPEAK_RE = re.compile(
    r"(?<![a-z0-9])(?:"
    + "|".join(sorted(map(re.escape, _SPEAK), key=len, reverse=True))
    + r")(?![a-z0-9])"
)
# Whole regexes are written as lists of parts, joined with nothing in between.
_DYE, _REASSURANCE, _NEGATED_HARM, _IDIOMS = (
    re.compile("".join(_TABLES["regex"][key]))
    for key in ("dye", "reassurance", "negated_harm", "idioms")
)
_COMPILED = {name: re.compile("|".join(parts)) for name, parts in PATTERNS.items()}
# Venting idioms the trained model misreads, and the plain words it reads instead
# (applied by nudges.domain.model_reading; the rules above read the text as written).
MODEL_PARAPHRASES = tuple(
    (re.compile(pattern, re.IGNORECASE), plain)
    for pattern, plain in _TABLES["model_paraphrase"].items()
)


def normalise(text: str) -> str:
    if len(text) > MAX_SCAN:
        text = text[: MAX_SCAN // 2] + "\n" + text[-MAX_SCAN // 2 :]
    text = visible(text)
    text = fold(text)
    text = re.sub(r"['\u2018\u2019`\u00b4]", "", text)
    text = re.sub(r"([a-z])\1{2,}", r"\1", text)
    text = re.sub(r"[^a-z0-9]+", " ", text).strip()
    text = _SPEAK_RE.sub(lambda m: _SPEAK[m.group(0)], text)
    text = _DYE.sub("die", text)
    return f" {text} "


def detect_crisis(text: str) -> CrisisSignal | None:
    """The risk categories the message matches, or None. Never raises."""
    if not text:
        return None
    plain = _IDIOMS.sub(" ", normalise(text))
    reassured = bool(_REASSURANCE.search(plain))
    found: list[str] = []
    for name, pattern in _COMPILED.items():
        for match in pattern.finditer(plain):
            if name == "harm_to_child" and _NEGATED_HARM.search(plain[: match.start()]):
                continue
            if reassured and name in REASSURABLE and _near_reassurance(plain, match.start()):
                continue
            found.append(name)
            break
    return CrisisSignal(tuple(found), level=level_of(tuple(found))) if found else None


def _near_reassurance(plain: str, start: int) -> bool:
    """A reassurance within a few words before the matched phrase, or the match is
    itself inside one ("not suicidal")."""
    window = plain[max(0, start - 40) : start + 40]
    return bool(_REASSURANCE.search(window))


def reassures(text: str) -> bool:
    """The parent tells us, in so many words, that they are not at risk ("not
    suicidal, just tired", "I'm safe, just venting")."""
    return bool(_REASSURANCE.search(_IDIOMS.sub(" ", normalise(text))))


def is_crisis(text: str) -> bool:
    return detect_crisis(text) is not None
