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
from messages.readability import fernandez_huerta, grade

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
    "end": "10:00pm",
    "zone": "Mountain",
    "frequency": "3 times a week",
    "client": "client #123456",
    "focus": "juggling work and family",
    "msg_frequency": "hasta 3 por semana",
    "inviter": "Bayside Family and Child Therapy",  # 32: nudges.domain.clinician.INVITE_NAME_MAX
    "score": "5",  # a check-in answer, 1 to 5
}
# The same fields as a Spanish reply gets them (nudges/domain/language.py, whose
# tests hold every Spanish label to these lengths): each carries its article.
LONGEST_FIELDS_ES = {
    **LONGEST_FIELDS,
    "time": "las 12:30pm (hora de la Montaña)",
    "until": "el miércoles 30 de septiembre",
    "zone": "la hora de la Montaña",
    "frequency": "3 veces por semana",
    "focus": "el trabajo y la familia a la vez",
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
        "{msg_frequency}",  # the frequency the clinician chose (carriers: state it)
        "Msg&data rates may apply",
        "YES",
        "HELP",
        "STOP",
        "read for safety",
    ),
    "invitation_from": (
        "{program}",
        "{inviter}",
        "{msg_frequency}",
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
        "{msg_frequency}",
        "Msg&data rates may apply",
        "Reply STOP to cancel",
        "CHECKIN OFF",
        "SORRY",
        "CALM",
        "BEDTIME",
        "NIGHT",
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
    "concern_child": (
        "not watched around the clock",
        "988",
        "HOME to 741741",
        "1-833-852-6262",
        "1-800-422-4453",
        "911",
    ),
    "concern_violence": (
        "not watched around the clock",
        "988",
        "HOME to 741741",
        "1-800-799-7233",
        "START to 88788",
        "911",
    ),
    "answer_thanks": ("988",),
    "answer_thanks_2": ("988",),
    "answer_thanks_3": ("988",),
    "checkin_changed": ("{score}",),
    "checkin_changed_low": ("{score}", "988"),
    "menu": ("SORRY", "CALM", "BEDTIME", "NIGHT"),
    "unrecognised": ("automated", "not watched around the clock", "988"),
    "crisis_outside": ("not watched around the clock", "988", "local emergency"),
    "help_outside": ("{program}", "{support}", "STOP", "988", "local emergency"),
    "not_in_area": ("988", "local emergency"),
    "opt_out_question": ("STOP", "PAUSE", "988"),
    "time_set": ("{time}",),
    "time_moved": ("{time}", "{window}"),
    "time_margin": ("{time}", "{end}", "30 minutes"),
    "zone_set": ("{time}", "{zone}"),
    "no_window": ("{window}", "{zone}", "ZONE"),
    "clinician_alert": ("{program}", "one of your clients", "log in"),
    "track_menu": ("1", "2", "3"),
}
REQUIRED_FACTS_ES: dict[str, tuple[str, ...]] = {
    "consent_prompt": ("{program}", "3 por semana", "tarifas de mensajes y datos", "SI", "STOP"),
    "invitation": ("{program}", "{msg_frequency}", "tarifas de mensajes y datos", "SI", "STOP"),
    "welcome": ("HORA", "PAUSA", "STOP", "AYUDA", "consejo médico", "988"),
    "rejoined": ("STOP", "AYUDA", "988"),
    "help": (
        "{program}",
        "{support}",
        "{msg_frequency}",
        "988",
        "988lifeline.org",
        "STOP",
        "911",
        "SIN PREGUNTAS",
        "PERDON",
        "CALMA",
        "DORMIR",
        "NOCHE",
        "tarifas",
    ),
    "concern_child": ("988", "marca 2", "AYUDA", "741741", "1-833-852-6262", "1-800-422-4453"),
    "concern_violence": ("988", "marca 2", "AYUDA", "741741", "1-800-799-7233", "911"),
    "answer_thanks": ("988",),
    "answer_thanks_2": ("988",),
    "answer_thanks_3": ("988",),
    "checkin_changed": ("{score}",),
    "checkin_changed_low": ("{score}", "988", "marca 2"),
    "stop_confirm": ("{program}", "START", "988"),
    "crisis": ("988", "marca 2", "AYUDA", "988lifeline.org", "741741", "911"),
    "crisis_outside": ("no se vigila todo el tiempo", "988", "emergencias local"),
    "unrecognised": ("automatico", "no se vigila", "988"),
    "help_outside": ("{program}", "{support}", "STOP", "988", "emergencias local"),
    "not_in_area": ("988", "emergencias local"),
    "opt_out_question": ("STOP", "PAUSA", "988"),
    "time_set": ("{time}",),
    "time_moved": ("{time}", "{window}"),
    "time_margin": ("{time}", "{end}", "30 minutos"),
    "zone_set": ("{time}", "{zone}"),
    "no_window": ("{window}", "{zone}", "ZONA"),
    "track_menu": ("1", "2", "3"),
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
    problems += check_spanish(library)
    problems += check_moments(library)
    problems += check_resources(library)
    return problems


def _text_rules(
    file: str, key: str, text: str, max_segments: int, ceiling: float, lang: str = "en"
) -> list[Problem]:
    found = []
    bad = non_gsm7(text)
    if bad:
        names = ", ".join(f"U+{ord(ch):04X}" for ch in bad)
        found.append(Problem(file, key, "gsm7", f"characters outside GSM-7: {names}"))
    found += _length_and_wording(file, key, text, max_segments, lang)
    level = grade(text)
    if level > ceiling:
        found.append(Problem(file, key, "readability", f"grade {level:.1f} is above {ceiling}"))
    if lang == "en":
        found += _english_wording(file, key, text)
    return found


def _length_and_wording(
    file: str, key: str, text: str, max_segments: int, lang: str
) -> list[Problem]:
    """The checks both languages share: segments (counted only for a text that is
    all GSM-7, since the encoding problem is reported on its own) and the banned
    wording of `lang` (BANNED, or BANNED_ES for Spanish)."""
    found: list[Problem] = []
    if not non_gsm7(text) and segments(text) > max_segments:
        found.append(
            Problem(
                file,
                key,
                "segments",
                f"{gsm7_length(text)} GSM-7 characters is {segments(text)} segments "
                f"(at most {max_segments})",
            )
        )
    for rule, pattern in BANNED_ES if lang == "es" else BANNED:
        match = pattern.search(text)
        if match:
            found.append(Problem(file, key, rule, f"banned wording: {match.group(0)!r}"))
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
            if lang != "es":  # Spanish system texts: check_spanish (its own scale and fields)
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
        if nudge.lang != "es":  # Spanish nudges: check_spanish (its own reading-ease scale)
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
        if lang != "es":  # Spanish: check_spanish counts them (ES_DOCTOR_STEP)
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


# --- Spanish texts --------------------------------------------------------------
#
# GSM-7 Spanish (messages/SPANISH.md): e with an acute accent, n with a tilde,
# u with a diaeresis and the opening marks are in GSM-7 and are kept; the acute
# accent on a, i, o and u is not, so those are written without it. One such
# letter would turn a whole text into UCS-2 (70 characters a segment).
SPANISH_PLAIN = {
    "\u00e1": "a",
    "\u00ed": "i",
    "\u00f3": "o",
    "\u00fa": "u",
    "\u00c1": "A",
    "\u00cd": "I",
    "\u00d3": "O",
    "\u00da": "U",
}
# Grave vowels are in GSM-7 (for French and Italian) but never in Spanish: a
# writer who typed one meant an acute accent, and readers would stumble on it.
GRAVE_VOWELS = set("\u00e0\u00e8\u00ec\u00f2\u00f9")

# Fernandez Huerta reading ease (messages/readability.py). Its scale: 60-70
# standard, 70-80 fairly easy, 80-90 easy (about US grade 6). The brief asks for
# grade 5 to 6 and NIH for below grade 8, so each track averages "easy" (80) and
# no single text falls below "standard" (60). Dropped accents make "dia" count a
# syllable short, so scores run a little high: the floors are not relaxed for it.
ES_EASE_MEAN_FLOOR = 80.0
ES_EASE_TEXT_FLOOR = 60.0
# The doctor step between encouragement and 988 (programme.md), at least twice a track.
ES_DOCTOR_STEP = re.compile(r"dos semanas.*\bmédico\b", re.I | re.S)
ES_DOCTOR_STEPS_PER_TRACK = 2

BANNED_ES: list[tuple[str, re.Pattern[str]]] = [
    ("shaming", re.compile(r"\b(?:mala|mal|peor|egoista) (?:madre|padre|mama|papa)s?\b", re.I)),
    # "No tienes que cargarlo sin ayuda" is a permission, not a demand.
    (
        "should at the reader",
        re.compile(r"(?<!\bno )\b(?:debes|deberias|tienes que|estas obligad[oa])\b", re.I),
    ),
    (
        "method words",
        re.compile(
            r"\b(?:pastillas?|sobredosis|ahorca\w*|soga|pistolas?|armas?|disparar\w*|puentes?"
            r"|navajas?|veneno|cloro)\b",
            re.I,
        ),
    ),
    (
        "outcome promise",
        re.compile(r"\b(?:garantiza\w*|siempre se puede reparar|va a arreglar|curara)\b", re.I),
    ),
    (
        "clinical advice",
        re.compile(r"\b(?:diagnos\w*|medicamentos?|dosis|antidepresivos?|recetar\w*)\b", re.I),
    ),
    # Words that read as another word once the accent or tilde is gone: "ano" for
    # año, "mama"/"papa" for mamá/papá (breast, potato), "ayudo"/"mejoro" for the
    # past tense (they read "I help", "I improve"; write "ha ayudado").
    (
        "reads as another word",
        re.compile(r"\b(?:anos?|mamas?|papas?|ayudo|mejoro)\b", re.I),
    ),
    # Spanish adjectives carry gender: a text aimed at any parent avoids them
    # ("sientes cansancio", not "estas cansado/a").
    (
        "parent-neutral",
        re.compile(
            r"\b(?:estas|eres|te sientes) (?:cansad|agotad|sol|list|segur|preocupad|orgullos"
            r"|tranquil|frustrad|enojad)[oa]s?\b",
            re.I,
        ),
    ),
]


class _LongestFields(dict[str, str]):
    """The longest value of each known field; a field added later gets 40 characters."""

    def __missing__(self, key: str) -> str:
        return "x" * 40


def _word_at(text: str, index: int) -> str:
    start, end = index, index + 1
    while start > 0 and text[start - 1].isalpha():
        start -= 1
    while end < len(text) and text[end].isalpha():
        end += 1
    return text[start:end]


def spanish_text_problems(
    file: str, key: str, text: str, max_segments: int
) -> tuple[list[Problem], float]:
    """Encoding, length, wording and reading ease of one Spanish text, and its score."""
    found: list[Problem] = []
    for index, ch in enumerate(text):
        if ch in SPANISH_PLAIN:
            word = _word_at(text, index)  # only for a problem: most characters are fine
            found.append(
                Problem(
                    file,
                    key,
                    "gsm7 es",
                    f"{ch!r} in {word!r} is outside GSM-7: write {SPANISH_PLAIN[ch]!r} "
                    "(GSM-7 Spanish drops the accent on a, i, o, u)",
                )
            )
        elif ch in GRAVE_VOWELS:
            word = _word_at(text, index)
            found.append(
                Problem(file, key, "gsm7 es", f"{ch!r} in {word!r} is a grave accent, not Spanish")
            )
    others = [ch for ch in non_gsm7(text) if ch not in SPANISH_PLAIN]
    if others:
        names = ", ".join(f"U+{ord(ch):04X} {ch!r}" for ch in others)
        found.append(Problem(file, key, "gsm7 es", f"characters outside GSM-7: {names}"))
    found += _length_and_wording(file, key, text, max_segments, "es")
    ease = fernandez_huerta(text)
    if ease < ES_EASE_TEXT_FLOOR:
        found.append(
            Problem(
                file,
                key,
                "readability es",
                f"Fernandez Huerta {ease:.1f} is below {ES_EASE_TEXT_FLOOR:.0f}",
            )
        )
    return found, ease


def check_spanish(library: Library) -> list[Problem]:
    """Every Spanish text, system texts and nudges, against the GSM-7 Spanish rules."""
    problems: list[Problem] = []
    if "es" in library.system:
        file = "system/" + library.system_files["es"]
        for key, template in library.system["es"].items():
            try:
                text = template.format_map(_LongestFields(LONGEST_FIELDS_ES))
            except (IndexError, ValueError):
                text = template  # a malformed field is reported by _check_system
            problems += spanish_text_problems(file, key, text, 2)[0]
    scores: dict[str, list[float]] = {}
    doctor_steps: dict[str, int] = {}
    for nudge in library.nudges:
        if nudge.lang != "es":
            continue
        found, ease = spanish_text_problems(nudge.file, nudge.id, nudge.text, 1)
        problems += found
        scores.setdefault(nudge.file, []).append(ease)
        if nudge.track != "checkin":
            steps = 1 if ES_DOCTOR_STEP.search(nudge.text) else 0
            doctor_steps[nudge.file] = doctor_steps.get(nudge.file, 0) + steps
    for file, values in scores.items():
        mean = sum(values) / len(values)
        if mean < ES_EASE_MEAN_FLOOR:
            problems.append(
                Problem(
                    file,
                    "-",
                    "readability es",
                    f"mean Fernandez Huerta {mean:.1f} is below {ES_EASE_MEAN_FLOOR:.0f}",
                )
            )
    for file, count in doctor_steps.items():
        if count < ES_DOCTOR_STEPS_PER_TRACK:
            problems.append(
                Problem(
                    file,
                    "-",
                    "doctor step",
                    f"{count} text(s) say to see a doctor if low mood lasts two weeks "
                    f"(at least {ES_DOCTOR_STEPS_PER_TRACK})",
                )
            )
    return problems


# --- texts for hard moments ------------------------------------------------------
#
# SORRY, CALM, BEDTIME and NIGHT (PERDON, CALMA, DORMIR, NOCHE) each answer with one
# text from a small bank (messages/moments.<lang>.toml). The same rules as a nudge
# (one GSM-7 segment, reading level, safe-messaging wording, a source or its
# kind's basis), and enough texts that one does not come back soon.
MOMENTS = ("sorry", "calm", "bedtime", "night")  # the keywords' moments (nudges.domain.keywords)
MOMENT_TEXTS = range(4, 7)  # texts per moment and language


def check_moments(library: Library) -> list[Problem]:
    problems: list[Problem] = []
    nudge_ids = {nudge.id for nudge in library.nudges}
    seen: set[str] = set()
    counts: dict[tuple[str, str], int] = {}
    files: dict[str, str] = {}
    for text in library.moments:
        files[text.lang] = text.file
        if text.id in seen or text.id in nudge_ids:
            problems.append(Problem(text.file, text.id, "unique ids", "id used twice"))
        seen.add(text.id)
        if text.moment not in MOMENTS:
            problems.append(
                Problem(text.file, text.id, "moment", f"unknown moment {text.moment!r}")
            )
        counts[(text.moment, text.lang)] = counts.get((text.moment, text.lang), 0) + 1
        if text.kind not in KINDS:
            problems.append(Problem(text.file, text.id, "kind", f"unknown kind {text.kind!r}"))
        for key in text.sources:
            if key not in library.sources:
                problems.append(Problem(text.file, text.id, "sources", f"no source {key!r}"))
        if not library.evidence(text)[1]:
            problems.append(
                Problem(text.file, text.id, "sources", "no source, and its kind has no basis")
            )
        if text.lang == "es":
            problems += spanish_text_problems(text.file, text.id, text.text, 1)[0]
        else:
            problems += _text_rules(text.file, text.id, text.text, 1, NUDGE_GRADE_CEILING)
    for lang, file in files.items():
        for moment in MOMENTS:
            count = counts.get((moment, lang), 0)
            if count not in MOMENT_TEXTS:
                problems.append(
                    Problem(
                        file,
                        moment,
                        "moment bank",
                        f"{count} text(s); each moment needs {MOMENT_TEXTS.start} to "
                        f"{MOMENT_TEXTS.stop - 1}, so one does not repeat soon",
                    )
                )
    return problems


# --- crisis and support lines ------------------------------------------------------
#
# Every phone number, short code and texting keyword a system text gives must be
# one a source in sources.toml names, as its service publishes it: a mistyped
# digit in a crisis line is a parent who reaches no one.
_LINE_NUMBER = re.compile(r"\b(?:1-\d{3}-\d{3}-\d{4}|\d{5,6}|988)\b")
_TEXT_KEYWORD = re.compile(r"\b([A-Z]{3,})\s+(?:to|al)\s+(\d{3,6})\b")


def check_resources(library: Library) -> list[Problem]:
    problems: list[Problem] = []
    citations = [source.citation for source in library.sources.values()]
    for lang, texts in library.system.items():
        file = "system/" + library.system_files[lang]
        for key, template in texts.items():
            for number in sorted(set(_LINE_NUMBER.findall(template))):
                if not any(number in citation for citation in citations):
                    problems.append(
                        Problem(file, key, "resources", f"no source in sources.toml names {number}")
                    )
            for keyword, number in _TEXT_KEYWORD.findall(template):
                if not any(re.search(rf"\b{keyword}\b", c) and number in c for c in citations):
                    problems.append(
                        Problem(
                            file,
                            key,
                            "resources",
                            f"no source in sources.toml names {keyword} for {number}",
                        )
                    )
    return problems
