"""`nudges messages check`: every rule a text must pass before a parent sees it.

Each problem names the file, the id and the rule, so a writer can fix it
without reading code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from messages import programme_rules, wording
from messages.gsm import gsm7_length, non_gsm7, segments
from messages.library import ROOT, Library, LibraryError
from messages.readability import grade

KINDS = {
    "normalising fact",
    "reframe",
    "micro-repair",
    "regulation",
    "values",
    "boundary",
    "self-compassion",
    "small action",
    "reflection",
    "small win",
    "seasons",
    "caring check-in",
}
NUDGE_GRADE_CEILING = 6.0
# System texts carry required legal wording ("Msg&data rates may apply") and
# addresses, which a syllable counter scores harshly: a looser, documented ceiling.
SYSTEM_GRADE_CEILING = 9.0

# Fields at their longest, so a system text that fits here fits for any deployment.
LONGEST_FIELDS = {
    "program": "P" * 20,
    "support": "s" * 40,
    "time": "12:30pm Mountain",
    "until": "Wed Sep 30",
    "window": "10:00am-10:00pm",
    "zone": "Mountain",
    "frequency": "3 times a week",
    "client": "client #123456",
    "focus": "juggling work and family",
}

REQUIRED_FACTS: dict[str, tuple[str, ...]] = {
    "consent_prompt": (
        "{program}",
        "3 msgs/wk",
        "Msg&data rates may apply",
        "YES",
        "HELP",
        "STOP",
        "read for safety",
    ),
    "invitation": (
        "{program}",
        "3 msgs/wk",
        "Msg&data rates may apply",
        "YES",
        "HELP",
        "STOP",
        "read for safety",
    ),
    "welcome": (
        "TIME",
        "PAUSE",
        "STOP",
        "HELP",
        "not medical advice",
        "988",
        "Msg&data rates may apply",
        "read for safety",
    ),
    "rejoined": ("STOP", "HELP", "988"),
    "help": (
        "{program}",
        "{support}",
        "3 msgs/wk",
        "Msg&data rates may apply",
        "Reply STOP to cancel",
        "988",
        "988lifeline.org",
    ),
    "stop_confirm": ("{program}", "no more messages", "START", "988"),
    "crisis": (
        "not watched around the clock",
        "988",
        "988lifeline.org",
        "HOME to 741741",
        "911",
        "paused",
    ),
    "unrecognised": ("automated", "not watched around the clock", "988"),
    "crisis_outside": ("not watched around the clock", "988", "local emergency"),
    "help_outside": ("{program}", "{support}", "STOP", "988", "local emergency"),
    "not_in_area": ("988", "local emergency"),
    "opt_out_question": ("STOP", "PAUSE", "988"),
    "time_set": ("{time}",),
    "time_moved": ("{time}", "{window}"),
    "zone_set": ("{time}", "{zone}"),
    "no_window": ("{window}", "{zone}", "ZONE"),
    "clinician_alert": ("{program}", "one of your clients", "log in"),
    "track_menu": ("1", "2", "3"),
}
REQUIRED_FACTS_ES: dict[str, tuple[str, ...]] = {
    "help": ("{program}", "{support}", "988", "988lifeline.org", "STOP", "911"),
    "crisis": ("988", "marca 2", "AYUDA", "988lifeline.org", "741741", "911"),
    "stop_confirm": ("{program}", "START", "988"),
}

BANNED: list[tuple[str, re.Pattern[str]]] = [
    (
        "shaming",
        re.compile(
            r"\b(bad|lazy|selfish|terrible|failed) (mom|mother|dad|father|parent)s?\b", re.I
        ),
    ),
    (
        "should at the reader",
        re.compile(r"\byou(?:'d| would)? (?:should|must|need to|have to|ought to)\b", re.I),
    ),
    ("should at the reader", re.compile(r"^(?:you )?(?:should|must)\b", re.I)),
    (
        "method words",
        re.compile(
            r"\b(pills?|overdose|hang(?:ing)?|noose|gun|shoot|jump(?:ing)? off|bridge|wrists?"
            r"|razor|poison|bleach)\b",
            re.I,
        ),
    ),
    (
        "outcome promise",
        re.compile(r"\b(will (?:fix|cure|guarantee|make sure)|guarantee[sd]?)\b", re.I),
    ),
    (
        "clinical advice",
        re.compile(r"\b(diagnos\w*|medication|dose|dosage|prescri\w*|antidepressant)\b", re.I),
    ),
    ("comparison", re.compile(r"\b(better|worse) (?:mom|mother|dad|father|parent) than\b", re.I)),
]


@dataclass(frozen=True)
class Problem:
    file: str
    id: str
    rule: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}: {self.id}: [{self.rule}] {self.message}"


def check_library(root: Path = ROOT) -> list[Problem]:
    try:
        library = Library.load(root)
    except LibraryError as exc:
        return [Problem(str(exc).split(":")[0], "-", "readable", str(exc))]
    problems: list[Problem] = []
    problems += _check_system(library)
    problems += _check_nudges(library)
    return problems


def _text_rules(
    file: str, key: str, text: str, max_segments: int, ceiling: float, lang: str = "en"
) -> list[Problem]:
    found = []
    bad = non_gsm7(text)
    if bad:
        names = ", ".join(f"U+{ord(ch):04X}" for ch in bad)
        found.append(Problem(file, key, "gsm7", f"characters outside GSM-7: {names}"))
    elif segments(text) > max_segments:
        found.append(
            Problem(
                file,
                key,
                "segments",
                f"{gsm7_length(text)} GSM-7 characters is {segments(text)} segments "
                f"(at most {max_segments})",
            )
        )
    for rule, pattern in BANNED:
        match = pattern.search(text)
        if match:
            found.append(Problem(file, key, rule, f"banned wording: {match.group(0)!r}"))
    level = grade(text)
    if level > ceiling:
        found.append(Problem(file, key, "readability", f"grade {level:.1f} is above {ceiling}"))
    if lang == "en":
        found += _english_wording(file, key, text)
    return found


def _english_wording(file: str, key: str, text: str) -> list[Problem]:
    """US spelling, plain words over idioms, no promise about the child (issue 16)."""
    found = [
        Problem(file, key, "us spelling", f"UK spelling {word!r}: write {us!r}")
        for word, us in wording.uk_spellings(text)
    ]
    found += [
        Problem(file, key, "idiom", f"idiom {idiom!r}: say the plain thing")
        for idiom in wording.idioms(text)
    ]
    found += [
        Problem(file, key, "child-outcome promise", f"promises an outcome: {phrase!r}")
        for phrase in wording.child_outcome_promises(text)
    ]
    return found


def _check_system(library: Library) -> list[Problem]:
    problems: list[Problem] = []
    if "en" not in library.system:
        return [Problem("system/en.toml", "-", "system texts", "no English system texts")]
    for lang, texts in library.system.items():
        file = "system/" + library.system_files[lang]
        required = REQUIRED_FACTS if lang == "en" else REQUIRED_FACTS_ES
        for key, facts in required.items():
            if key not in texts:
                problems.append(Problem(file, key, "system texts", "required text is missing"))
                continue
            for fact in facts:
                if fact not in texts[key]:
                    problems.append(Problem(file, key, "required facts", f"must mention {fact!r}"))
        for key, template in texts.items():
            try:
                text = template.format(**LONGEST_FIELDS)
            except (KeyError, IndexError, ValueError) as exc:
                problems.append(Problem(file, key, "fields", f"unknown or bad field: {exc}"))
                continue
            problems += _text_rules(file, key, text, 2, SYSTEM_GRADE_CEILING, lang)
    return problems


def _check_kinds(library: Library) -> list[Problem]:
    problems = []
    for kind, (_basis, keys) in library.kind_basis.items():
        for key in keys:
            if key not in library.sources:
                problems.append(Problem("kinds.toml", kind, "sources", f"no source {key!r}"))
    return problems


def _check_nudges(library: Library) -> list[Problem]:
    problems: list[Problem] = _check_kinds(library)
    seen: dict[str, str] = {}
    for nudge in library.nudges:
        if nudge.id in seen:
            problems.append(
                Problem(nudge.file, nudge.id, "unique ids", f"id also used in {seen[nudge.id]}")
            )
        seen[nudge.id] = nudge.file
        if nudge.kind not in KINDS:
            problems.append(Problem(nudge.file, nudge.id, "kind", f"unknown kind {nudge.kind!r}"))
        for key in nudge.sources:
            if key not in library.sources:
                problems.append(Problem(nudge.file, nudge.id, "sources", f"no source {key!r}"))
        _, evidence = library.evidence(nudge)
        if not evidence:
            problems.append(
                Problem(nudge.file, nudge.id, "sources", "no source, and its kind has no basis")
            )
        problems += _found(nudge.file, programme_rules.check_asks(nudge))
        problems += _text_rules(
            nudge.file, nudge.id, nudge.text, 1, NUDGE_GRADE_CEILING, nudge.lang
        )
    problems += _check_tracks(library)
    return problems


def _check_tracks(library: Library) -> list[Problem]:
    """Each track as the parent receives it: units, themes, the kind mix, varied
    openings, the care step; and no two texts of a language that read the same."""
    problems: list[Problem] = []
    pairs = sorted({(n.track, n.lang) for n in library.nudges if n.track != "checkin"})
    for track, lang in pairs:
        nudges = library.track(track, lang)
        file = nudges[0].file
        found = programme_rules.check_units(track, nudges)
        found += programme_rules.check_themes(nudges)
        found += programme_rules.check_kind_mix(nudges)
        found += programme_rules.check_openings(nudges)
        found += programme_rules.check_care_steps(track, lang, nudges)
        problems += _found(file, found)
    for lang in sorted({n.lang for n in library.nudges}):
        same_lang = [n for n in library.nudges if n.lang == lang]
        files = {n.id: n.file for n in same_lang}
        for nudge_id, rule, message in programme_rules.near_duplicates(same_lang):
            problems.append(Problem(files[nudge_id], nudge_id, rule, message))
    return problems


def _found(file: str, found: list[tuple[str, str, str]]) -> list[Problem]:
    return [Problem(file, key, rule, message) for key, rule, message in found]


def main() -> int:
    problems = check_library()
    for problem in problems:
        print(problem)
    print(f"{len(problems)} problem(s)" if problems else "library OK")
    return 1 if problems else 0
