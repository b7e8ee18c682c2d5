"""Rules for a track as the parent receives it: one ordered sequence (programme design,
issue 16). Each function takes a track's nudges in order and returns
(id, rule, message) for each problem; the validator adds the file.
"""

from __future__ import annotations

import re
from collections import Counter
from difflib import SequenceMatcher
from functools import lru_cache

from messages.library import Nudge

UNITS = 8
PER_UNIT = 7
WINDOW = 6  # any 6 consecutive nudges: about a week at daily, three weeks at 3 a week
MIN_KINDS_IN_WINDOW = 4
# A calming skill or a reframe in every window, whatever the cadence.
CALMING_KINDS = frozenset({"reframe", "regulation", "self-compassion"})
MAX_SAME_OPENING = 3  # "Did you" opened 10 texts of one track, "You are allowed" 6
NEAR_DUPLICATE = 0.85  # difflib ratio; checkin-02 and perf-w8-thu were 0.98

# The step between encouragement and 988: low mood that lasts two weeks or more
# goes to a doctor or another health worker. At least twice per track.
CARE_STEP: dict[str, re.Pattern[str]] = {
    "en": re.compile(r"\b(?:two|2) weeks\b.*\b(?:doctor|health worker)\b", re.I | re.S),
    "es": re.compile(r"\b(?:dos|2) semanas\b.*\b(?:medic[oa]|doctor[a]?|salud)\b", re.I | re.S),
}
MIN_CARE_STEPS = 2

Found = tuple[str, str, str]  # (id, rule, message)


def check_units(track: str, nudges: list[Nudge]) -> list[Found]:
    """8 units (`week` 1..8) of at least 7 nudges, in file order."""
    problems: list[Found] = []
    weeks = [n.week for n in nudges]
    if weeks != sorted(weeks):
        first = next(n for n, later in zip(nudges, nudges[1:], strict=False) if later.week < n.week)
        problems.append((first.id, "units", "units must come in order: week goes back after it"))
    counts = Counter(weeks)
    short = [f"unit {w} has {counts[w]}" for w in range(1, UNITS + 1) if counts[w] < PER_UNIT]
    if short:
        problems.append(
            (track, "units", f"at least {PER_UNIT} nudges per unit: " + ", ".join(short))
        )
    extra = sorted(set(weeks) - set(range(1, UNITS + 1)))
    if extra:
        problems.append((track, "units", f"unknown unit(s) {extra}: weeks are 1 to {UNITS}"))
    return problems


def check_themes(nudges: list[Nudge]) -> list[Found]:
    """The first nudge of a unit carries its theme and names it in the text; no other
    nudge carries one."""
    problems: list[Found] = []
    previous_week = None
    for nudge in nudges:
        first = nudge.week != previous_week
        previous_week = nudge.week
        if first and not nudge.theme:
            problems.append((nudge.id, "theme", "the first nudge of a unit needs a theme"))
        elif first and nudge.theme.casefold() not in nudge.text.casefold():
            problems.append((nudge.id, "theme", f"the text must name the theme {nudge.theme!r}"))
        elif not first and nudge.theme:
            problems.append((nudge.id, "theme", "only the first nudge of a unit has a theme"))
    return problems


def check_kind_mix(nudges: list[Nudge]) -> list[Found]:
    """No two consecutive nudges of one kind; any 6 consecutive hold at least 4 kinds
    and at least one reframe, regulation or self-compassion."""
    problems: list[Found] = []
    for before, after in zip(nudges, nudges[1:], strict=False):
        if before.kind == after.kind:
            problems.append((after.id, "kind mix", f"same kind as the nudge before: {after.kind}"))
    for start in range(len(nudges) - WINDOW + 1):
        window = nudges[start : start + WINDOW]
        kinds = {n.kind for n in window}
        where = f"{window[0].id}..{window[-1].id}"
        if len(kinds) < MIN_KINDS_IN_WINDOW:
            problems.append(
                (window[0].id, "kind mix", f"{where} holds {len(kinds)} kinds (at least 4)")
            )
        if not kinds & CALMING_KINDS:
            problems.append(
                (window[0].id, "kind mix", f"{where} has no reframe, regulation or self-compassion")
            )
    return problems


def check_openings(nudges: list[Nudge]) -> list[Found]:
    """No opening (first two words) used by more than 3 nudges of a track. A unit's
    first nudge, which names the theme the same way each time, is not counted."""
    starts: dict[str, list[str]] = {}
    for nudge in nudges:
        if nudge.theme:
            continue
        words = re.findall(r"[\w']+", nudge.text.casefold())[:2]
        starts.setdefault(" ".join(words), []).append(nudge.id)
    return [
        (ids[0], "openings", f"{len(ids)} texts open with {opening!r}: {', '.join(ids)}")
        for opening, ids in starts.items()
        if len(ids) > MAX_SAME_OPENING
    ]


def check_care_steps(track: str, lang: str, nudges: list[Nudge]) -> list[Found]:
    pattern = CARE_STEP.get(lang)
    if pattern is None:
        return [(track, "care step", f"no care-step wording known for language {lang!r}")]
    steps = [n for n in nudges if pattern.search(n.text)]
    if len(steps) < MIN_CARE_STEPS:
        return [
            (
                track,
                "care step",
                f"{len(steps)} text(s) say to see a doctor if low mood lasts two weeks "
                f"(at least {MIN_CARE_STEPS})",
            )
        ]
    return []


def check_asks(nudge: Nudge) -> list[Found]:
    """A text that asks a question is marked `asks = true` (the service acknowledges
    the answer), and only such a text."""
    question = "?" in nudge.text
    if question and not nudge.asks:
        return [(nudge.id, "asks", "the text asks a question: mark it asks = true")]
    if nudge.asks and not question:
        return [(nudge.id, "asks", "asks = true but the text asks no question")]
    return []


def near_duplicates(nudges: list[Nudge]) -> list[Found]:
    """Pairs of texts that read the same (across tracks and the check-ins)."""
    problems: list[Found] = []
    texts = [(n, n.text.casefold()) for n in nudges]
    for i, (first, a) in enumerate(texts):
        for second, b in texts[i + 1 :]:
            ratio = _near_ratio(a, b)
            if ratio is not None:
                problems.append(
                    (second.id, "near duplicate", f"reads like {first.id} ({ratio:.2f})")
                )
    return problems


# Kept per pair of texts: a library checked again after a small edit (the
# validator's tests do it dozens of times, each on a fresh copy) recomputes only
# the pairs that changed. Room for several libraries of today's ~35,000 pairs.
@lru_cache(maxsize=1 << 17)
def _near_ratio(a: str, b: str) -> float | None:
    """difflib's ratio of `a` to `b` when it reaches NEAR_DUPLICATE, else None.

    The cheap upper bounds first, as real_quick_ratio and quick_ratio, with the
    character counts made once per text rather than once per pair."""
    length = len(a) + len(b)
    if _ratio(min(len(a), len(b)), length) < NEAR_DUPLICATE:
        return None
    if _ratio((_char_counts(a) & _char_counts(b)).total(), length) < NEAR_DUPLICATE:
        return None
    ratio = SequenceMatcher(None, a, b, autojunk=False).ratio()
    return ratio if ratio >= NEAR_DUPLICATE else None


@lru_cache(maxsize=4096)
def _char_counts(text: str) -> Counter[str]:
    return Counter(text)


def _ratio(matches: int, length: int) -> float:
    """difflib's ratio of a match count to the two texts' total length."""
    return 2.0 * matches / length if length else 1.0
