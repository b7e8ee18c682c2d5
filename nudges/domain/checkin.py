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
    return int(score) if score.isdigit() and is_answer(int(score)) else None


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
