"""The weekly check-in: once a week, in place of one nudge, the parent is asked
how the week has been, 1 (very hard) to 5 (very good). Pure rules.

- When: the first slot at least 7 local days after the last check-in, or 6
  days after the programme started, and never before the first nudge (it asks
  how the texts went: a parent who paused before any came gets a nudge first
  when they resume); only while the track lasts (afterwards the
  caring check-ins come once a month, and a monthly note should stay a note)
  and only while check-ins are on (CHECKIN OFF turns them off).
- Reading a digit: in the context of the last question asked. Right after the
  focus choice, 1-3 choose a focus; within ANSWER_OPEN of a check-in, 1-5
  answer it; with no question open a digit is not guessed at.
- Replying: a low week (1-2) gets a warm reply that names 988 and is flagged
  for the clinician; 3 a plain thanks; 4-5 a glad one.
- Changing it: an answer closes the question, but for CORRECT_WITHIN after it
  a new digit replaces it (a slip of the thumb, or a second thought), and the
  reply says the answer was changed. Later a digit is not guessed at.

Measurement-based care asks the same short question at a steady rhythm; one
question a week, in place of a nudge, keeps the load at 3 texts a week.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

FIRST_AFTER = timedelta(days=6)  # after the programme starts
EVERY = timedelta(days=7)
ANSWER_OPEN = timedelta(days=3)  # a digit this long after the question answers it
LOWEST, HIGHEST = 1, 5
LOW = 2  # an answer at or below this is a hard week: 988 in the reply, flagged
CHECKIN_ID = "checkin"  # the outbox's nudge id (and kind) for the question

# The last question asked (Subscriber.question), which a bare digit answers.
TRACK_QUESTION = "track"
CHECKIN_QUESTION = "checkin"
# After an answer, Subscriber.question is "answered:<score>" and question_at the
# answer's time: a digit within CORRECT_WITHIN replaces that score.
ANSWERED = "answered:"
CORRECT_WITHIN = timedelta(hours=1)


def checkin_due(
    *,
    enabled: bool,
    in_programme: bool,
    nudges_sent: int,
    started_at: datetime | None,
    last_at: datetime | None,
    slot: datetime,
    zone: str,
) -> bool:
    """Is the check-in question due in this slot (in place of its nudge)?

    Counted in local days, so a clock change or a new send time does not slide
    the check-in to another day of the week."""
    if not enabled or not in_programme or started_at is None or nudges_sent < 1:
        return False
    day = _local_day(slot, zone)
    if last_at is None:
        return day >= _local_day(started_at, zone) + FIRST_AFTER
    return day >= _local_day(last_at, zone) + EVERY


def checkin_open(question: str | None, question_at: datetime | None, now: datetime) -> bool:
    """Was the last question asked a check-in, recently enough to be answered?

    A question stamped after `now` is still the last one asked (the scheduler's
    clock ahead of this host's, or `nudges tick --now`): it is open."""
    if question != CHECKIN_QUESTION or question_at is None:
        return False
    return now <= question_at + ANSWER_OPEN


def answered_question(score: int) -> str:
    """Subscriber.question once the check-in is answered with `score`."""
    return f"{ANSWERED}{score}"


def correctable(question: str | None, question_at: datetime | None, now: datetime) -> int | None:
    """The answer a new digit would replace (answered within CORRECT_WITHIN), or None."""
    if question is None or question_at is None or not question.startswith(ANSWERED):
        return None
    if now > question_at + CORRECT_WITHIN:
        return None
    score = question.removeprefix(ANSWERED)
    number = _number(score)
    return number if is_answer(number) else None


def is_answer(number: int | None) -> bool:
    return number is not None and LOWEST <= number <= HIGHEST


def answer_reply(score: int) -> str:
    """The system text key that acknowledges an answer."""
    if score <= LOW:
        return "checkin_low"
    if score >= 4:
        return "checkin_thanks_glad"
    return "checkin_thanks"


# What a text whose answer a later digit replaced is recorded as: "checkin_changed:2".
CHANGED = "checkin_changed:"


def changed_checkin(score: int) -> str:
    return f"{CHANGED}{score}"


def changed_reply(score: int) -> str:
    """The system text key that says the answer is now `score`."""
    return "checkin_changed_low" if score <= LOW else "checkin_changed"


def is_low(score: int | None) -> bool:
    return score is not None and score <= LOW


def _local_day(at: datetime, zone: str) -> date:
    return at.astimezone(ZoneInfo(zone)).date()


# --- reading a score out of the words around it -----------------------------------
#
# Parents answer "how has the week been, 1 to 5" the way they talk: "prob a 2",
# "honestly like a 1, my husband moved out", "Two", "3 i guess", "como un 3". A
# number is the answer when the words beside it in its clause only hedge or
# frame it; a number that counts or times something ("I have 2 kids", "at 3pm",
# "5 minutes", "1 more thing") is not. Read only while a check-in is the open
# question (or its answer may still be changed): elsewhere a number is not guessed at.

_SCORE_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5,
    "uno": 1, "dos": 2, "tres": 3, "cuatro": 4, "cinco": 5,
}  # fmt: skip
# A later score after one of these replaces the earlier: "3, actually 2".
_CORRECTING = frozenset({"actually", "no", "wait", "mean", "rather", "digo", "mejor", "bueno"})
# Words that hedge or frame a score and say nothing else, English and Spanish
# (accents folded): "prob a 2", "it was a 4", "like a 1", "diria que un 3".
_FRAMING = _CORRECTING | {
    "a", "an", "i", "i'd", "id", "i'm", "im", "i'll", "ill", "it", "it's", "its", "was", "been",
    "be", "is", "has", "had", "would", "say", "guess", "think", "prob", "probably", "prolly",
    "maybe", "honestly", "honest", "tbh", "like", "about", "around", "roughly", "actually",
    "really", "just", "only", "so", "well", "oh", "ugh", "um", "umm", "hmm", "hm", "uh", "eh",
    "meh", "lol", "haha", "ha", "yeah", "yes", "ok", "okay", "no", "sorry", "solid", "strong",
    "low", "high", "weak", "overall", "today", "week", "this", "that", "the", "my", "for", "me",
    "rate", "rating", "score", "give", "gave", "call", "more", "less", "or", "and", "to",
    "between", "kinda", "sort", "of", "definitely", "def", "pretty", "much",
    "como", "un", "una", "creo", "que", "fue", "sido", "es", "esta", "este", "la", "el",
    "semana", "pues", "diria", "digo", "yo", "mas", "menos", "o", "y", "entre", "tal", "vez",
    "quizas", "quiza", "honestamente", "sinceramente", "verdad", "bueno", "mmm", "ay", "uf",
    "pero", "le", "doy", "pongo", "seria", "mi", "de",
}  # fmt: skip
# "2/5", "2 out of 5", "2 de 5": a rating whatever surrounds it.
# The scale itself, echoed back: "1-5? 3", "1 to 5, a 3", "del 1 al 5 un 2".
_SCALE = re.compile(r"\b(?:del\s+)?1\s*(?:-+|to|a|al|through)\s*5\b")
# "one" as a word, not a number: "no one", "the only one", "someone".
_NOT_A_COUNT = re.compile(r"\b(?:no|only|the|this|that|every|any|some|each|which)\s+one\b")
_RATED = re.compile(r"\b(\d+)\s*(?:/|out of|outta|of|de|sobre)\s*(?:5|five|cinco)\b")
_OUT_OF_5 = "outof5"  # the mark a rated score carries through the clause split
_DECIMAL = re.compile(r"\b(\d+)[.,]\d+\b")  # "2.5", "2,5": the lower whole score
_RANGE = re.compile(r"\b(\d+)\s*-+\s*(\d+)\b")  # "2-3": one clause, two scores
# Clauses end at punctuation and at emoji or other symbols ("it was a 4 😊");
# a clock time ("3:30") or a fraction ("1/2") stays one token, and no score.
_CLAUSE_END = re.compile(r"(?<!\d)[:/]|[:/](?!\d)|[^\w\s':/]+|\s-+\s|_")
_TOKEN = re.compile(r"[\w':/]+")


_SMALL_NUMBER = re.compile(r"[0-9]{1,2}")


def stated_score(text: str) -> int | None:
    """The check-in score 1-5 a message states as its answer, or None.

    A clause answers when a 1-5 (a digit or a number word, English or Spanish)
    stands in it with only framing words ("prob a 2", "un 2", "it was a 4"),
    or is rated out of 5 ("ugh 2 out of 5 honestly"); other clauses ("rough
    week", "my husband moved out") are the parent's words, kept as written.
    Two different scores ("between 2 and 3", "2 or 3", "a 2, maybe a 3") read
    as the lower: the harder week is the one a clinician must not miss, the
    low reply names 988, and the parent's words show the range. A later score
    that corrects ("3, actually 2") replaces the earlier one. A number outside
    1-5 in a clause makes it no answer ("6", "10 minutes")."""
    text = text.lower().replace("\ufe0f", "").replace("\u20e3", "")  # "2️⃣"
    text = _SCALE.sub(" ", text)  # "1-5? 3": the scale asked about, echoed
    text = _NOT_A_COUNT.sub(" ", text)  # "no one", "the only one": words, not 1
    text = _RATED.sub(rf" \1{_OUT_OF_5} ", text)
    text = _DECIMAL.sub(r"\1", text)
    text = _RANGE.sub(r"\1 to \2", text)
    found: list[int] = []
    correcting = False  # the clause before was only "no", "wait": "2, no, 3"
    for clause in _CLAUSE_END.split(text):
        words = _TOKEN.findall(clause)
        scores = _clause_scores(words)
        if not scores:
            correcting = (
                bool(words) and all(w in _CORRECTING for w in words) or (correcting and not words)
            )
            continue
        if found and (correcting or words[0] in _CORRECTING):
            found = []  # "3, actually 2": the second thought is the answer
        correcting = False
        found += scores
    return min(found) if found else None


def _number(word: str) -> int | None:
    """An ASCII number of at most two digits, else None: str.isdigit() is also
    true of "❶" and "²", which int() refuses, and of digit runs too long for
    int() (a text must never make the reading fail: it runs on crisis texts)."""
    return int(word) if _SMALL_NUMBER.fullmatch(word) else None


def _clause_scores(words: list[str]) -> list[int]:
    """The scores a clause states, or [] when its words are about something else."""
    rated = [_number(w.removesuffix(_OUT_OF_5)) for w in words if w.endswith(_OUT_OF_5)]
    if rated:  # "2/5 rough week": rated, whatever the words around it
        valid = [n for n in rated if n is not None and LOWEST <= n <= HIGHEST]
        return valid if len(valid) == len(rated) else []
    scores: list[int] = []
    for word in words:
        number = _number(word) if word.isdigit() else _SCORE_WORDS.get(word)
        if number is not None:
            if not LOWEST <= number <= HIGHEST:
                return []  # "6", "10 minutes": no score
            scores.append(number)
        elif word not in _FRAMING:
            return []  # "I have 2 kids", "at 3pm", "1 more thing"
    return scores
