"""The weekly check-in as tables: when it is due, and what a digit means in the
context of the last question asked. No database."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest

from nudges.domain.checkin import (
    CHECKIN_QUESTION,
    CORRECT_WITHIN,
    TRACK_QUESTION,
    answered_question,
    checkin_due,
)
from nudges.domain.consent import State
from nudges.domain.conversation import Decision, Rules, Subscription, decide
from nudges.domain.keywords import interpret
from nudges.domain.subscriber import KEEP

RULES = Rules(window=(time(9), time(20)))
NOW = datetime(2026, 11, 23, 20, 0, tzinfo=UTC)  # Monday 3pm in New York
ATLANTA = "+14045550123"
ZONE = "America/New_York"
HOUR = timedelta(hours=1)
DAY = timedelta(days=1)


def parent(
    question: str | None = None,
    asked: timedelta | None = None,
    choosing: timedelta | None = None,
    state: State = State.ACTIVE,
    lang: str = "en",
) -> Subscription:
    """A parent whose last question was `question`, asked `asked` ago, with the
    focus choice open for `choosing` more."""
    return Subscription(
        state,
        ZONE,
        track_choice_until=NOW + choosing if choosing else None,
        question=question,
        question_at=NOW - asked if asked is not None else None,
        lang=lang,
    )


def reply(sub: Subscription, body: str) -> Decision:
    return decide(sub, ATLANTA, interpret(body), RULES, NOW)


def keys(decision: Decision) -> list[str]:
    return [say.key for say in decision.replies]


# (the parent's context, what they text) -> (the reply, the check-in answer, the focus set)
DIGIT_CASES = [
    # Right after a check-in: 1-5 answer it.
    (parent(CHECKIN_QUESTION, HOUR), "1", "checkin_low", 1, KEEP),
    (parent(CHECKIN_QUESTION, HOUR), "2", "checkin_low", 2, KEEP),
    (parent(CHECKIN_QUESTION, HOUR), "3", "checkin_thanks", 3, KEEP),
    (parent(CHECKIN_QUESTION, HOUR), "4", "checkin_thanks_glad", 4, KEEP),
    (parent(CHECKIN_QUESTION, HOUR), "5.", "checkin_thanks_glad", 5, KEEP),
    (parent(CHECKIN_QUESTION, HOUR), "2/5", "checkin_low", 2, KEEP),
    (parent(CHECKIN_QUESTION, HOUR), "4 out of 5", "checkin_thanks_glad", 4, KEEP),
    (parent(CHECKIN_QUESTION, HOUR), "3, long week", "checkin_thanks", 3, KEEP),
    (parent(CHECKIN_QUESTION, 2 * DAY), "4", "checkin_thanks_glad", 4, KEEP),
    (parent(CHECKIN_QUESTION, HOUR, state=State.PAUSED), "2", "checkin_low", 2, KEEP),
    # Stamped ahead of this host's clock (the scheduler's runs ahead, or `tick --now`):
    # still the last question asked.
    (parent(CHECKIN_QUESTION, -HOUR), "2, rough week", "checkin_low", 2, KEEP),
    (parent(CHECKIN_QUESTION, -3 * DAY), "4", "checkin_thanks_glad", 4, KEEP),
    # A check-in more than 3 days ago is no longer the question.
    (parent(CHECKIN_QUESTION, 4 * DAY), "4", "number_unclear", None, KEEP),
    (parent(CHECKIN_QUESTION, 4 * DAY), "2", "number_unclear", None, KEEP),
    # A check-in, then the focus choice offered: the choice is the last question.
    (parent(TRACK_QUESTION, HOUR, choosing=DAY), "2", "track_set", None, "guilt"),
    (parent(TRACK_QUESTION, HOUR, choosing=DAY), "5", "number_unclear", None, KEEP),
    # The focus choice open with no check-in since (today's rule).
    (parent(None, None, choosing=DAY), "3", "track_set", None, "role_strain"),
    (parent(None, None, choosing=DAY), "2/5", "number_unclear", None, KEEP),
    # No question open: a digit is not guessed at.
    (parent(), "1", "number_unclear", None, KEEP),
    (parent(), "4", "number_unclear", None, KEEP),
    (parent(), "3, long week", "unrecognised", None, KEEP),
    (parent(CHECKIN_QUESTION, HOUR), "6", "unrecognised", None, KEEP),
    (parent(CHECKIN_QUESTION, HOUR), "2 kids home sick", "unrecognised", None, KEEP),
]


@pytest.mark.parametrize(
    ("sub", "body", "key", "answer", "track"),
    DIGIT_CASES,
    ids=[f"{c[0].question}-{c[1]!r}" for c in DIGIT_CASES],
)
def test_a_digit_is_read_in_the_context_of_the_last_question(
    sub: Subscription, body: str, key: str, answer: int | None, track: object
) -> None:
    decision = reply(sub, body)
    assert keys(decision) == [key]
    assert decision.checkin == answer
    assert decision.change.track == track


def test_an_answer_closes_the_question_and_a_low_one_is_audited() -> None:
    decision = reply(parent(CHECKIN_QUESTION, HOUR), "1")
    # Closed: what stays open is changing that answer, for CORRECT_WITHIN.
    assert decision.change.question == answered_question(1) != CHECKIN_QUESTION
    assert decision.change.question_at == NOW
    assert decision.audit == (("checkin_low", "1/5"),)
    assert reply(parent(CHECKIN_QUESTION, HOUR), "4").audit == ()


MINUTES_AGO = timedelta(minutes=10)

# (the answer given, how long ago, what they text) -> (the reply, the answer recorded)
CORRECTION_CASES = [
    # Soon after answering, a new digit replaces the answer, and the reply says so.
    (2, MINUTES_AGO, "4", "checkin_changed", 4),
    (2, MINUTES_AGO, "4 out of 5", "checkin_changed", 4),
    (4, MINUTES_AGO, "1", "checkin_changed_low", 1),  # now a hard week: 988
    (4, CORRECT_WITHIN, "2, rough week really", "checkin_changed_low", 2),
    # The same digit again: the same answer, thanked as before.
    (3, MINUTES_AGO, "3", "checkin_thanks", 3),
    # Later than that, a digit is not guessed at (as with no question open).
    (2, CORRECT_WITHIN + timedelta(minutes=1), "4", "number_unclear", None),
    (2, DAY, "4", "number_unclear", None),
    # Not an answer at all.
    (2, MINUTES_AGO, "6", "unrecognised", None),
]


@pytest.mark.parametrize(("given", "ago", "body", "key", "answer"), CORRECTION_CASES)
def test_a_second_digit_soon_after_an_answer_replaces_it(
    given: int, ago: timedelta, body: str, key: str, answer: int | None
) -> None:
    decision = reply(parent(answered_question(given), ago), body)
    assert keys(decision) == [key]
    assert decision.checkin == answer
    assert decision.replaces_checkin is (answer is not None)
    if key.startswith("checkin_changed"):
        assert decision.replies[0].fields == {"score": str(answer)}
        assert ("checkin_changed", f"{given}/5 to {answer}/5") in decision.audit
        assert decision.change.question == answered_question(answer)  # change it again


def test_a_changed_answer_reads_as_one_in_both_languages() -> None:
    from messages import system_text

    for lang, words in (("en", "changed your answer to 4"), ("es", "cambiamos tu respuesta a 4")):
        assert words in system_text("checkin_changed", lang=lang, score="4")
        low = system_text("checkin_changed_low", lang=lang, score="1")
        assert "988" in low and "741741" not in low


def test_the_first_answer_is_not_a_correction() -> None:
    assert reply(parent(CHECKIN_QUESTION, HOUR), "2").replaces_checkin is False


def test_a_low_answer_names_988_and_a_good_one_is_glad() -> None:
    from messages import system_text

    low = system_text("checkin_low")
    assert "988" in low and "741741" not in low
    assert "glad" in system_text("checkin_thanks_glad")


def test_an_answer_in_a_crisis_message_is_recorded_beside_the_crisis_reply() -> None:
    decision = reply(parent(CHECKIN_QUESTION, HOUR), "1. I want to die")
    assert keys(decision) == ["crisis"] and decision.crisis
    assert decision.checkin == 1


def test_the_focus_menu_becomes_the_open_question() -> None:
    decision = reply(parent(CHECKIN_QUESTION, HOUR), "TRACK")
    assert keys(decision) == ["track_menu"]
    assert decision.change.question == TRACK_QUESTION
    assert decision.change.question_at == NOW


@pytest.mark.parametrize(
    ("body", "enabled", "key", "lang"),
    [
        ("CHECKIN OFF", False, "checkins_off", "en"),
        ("check-in off please", False, "checkins_off", "en"),
        ("CHECKIN ON", True, "checkins_on", "en"),
        ("SIN PREGUNTAS", False, "checkins_off", "es"),
        ("con preguntas", True, "checkins_on", "es"),
    ],
)
def test_checkin_off_and_on(body: str, enabled: bool, key: str, lang: str) -> None:
    decision = reply(parent(lang=lang), body)
    assert [(say.key, say.lang) for say in decision.replies] == [(key, lang)]
    assert decision.change.checkins_enabled is enabled


def test_checkin_off_also_closes_an_open_check_in() -> None:
    decision = reply(parent(CHECKIN_QUESTION, HOUR), "checkin off")
    assert decision.change.question is None


def test_a_spanish_parent_is_thanked_in_spanish() -> None:
    decision = reply(parent(CHECKIN_QUESTION, HOUR, lang="es"), "4")
    assert [(say.key, say.lang) for say in decision.replies] == [("checkin_thanks_glad", "es")]
    changed = reply(parent(answered_question(4), MINUTES_AGO, lang="es"), "1")
    assert [(say.key, say.lang) for say in changed.replies] == [("checkin_changed_low", "es")]


START = datetime(2026, 11, 23, 17, 0, tzinfo=UTC)  # Monday noon in New York


@pytest.mark.parametrize(
    ("enabled", "in_programme", "started", "last", "slot", "due"),
    [
        (True, True, START, None, START + 5 * DAY, False),  # Saturday: too soon
        (True, True, START, None, START + 6 * DAY, True),  # the first slot 6 days on
        (True, True, START, None, START + 7 * DAY, True),
        (True, True, START, START + 7 * DAY, START + 13 * DAY, False),
        (True, True, START, START + 7 * DAY, START + 14 * DAY, True),
        # An hour earlier on the clock (a later send time the week before) is still a week on.
        (True, True, START, START + 7 * DAY + 2 * HOUR, START + 14 * DAY, True),
        (False, True, START, None, START + 7 * DAY, False),  # CHECKIN OFF
        (True, False, START, None, START + 7 * DAY, False),  # the track is used up
        (True, True, None, None, START + 7 * DAY, False),  # never started
    ],
)
def test_checkin_due(
    enabled: bool,
    in_programme: bool,
    started: datetime | None,
    last: datetime | None,
    slot: datetime,
    due: bool,
) -> None:
    assert (
        checkin_due(
            enabled=enabled,
            in_programme=in_programme,
            nudges_sent=2,
            started_at=started,
            last_at=last,
            slot=slot,
            zone=ZONE,
        )
        is due
    )


@pytest.mark.parametrize(("lang", "off"), [("en", "CHECKIN OFF"), ("es", "SIN PREGUNTAS")])
def test_the_question_names_1_and_5_988_and_how_to_stop_it(lang: str, off: str) -> None:
    from messages import is_gsm7, segments, system_text

    question = system_text("checkin_question", lang=lang, program="P" * 20)
    assert all(fact in question for fact in ("1 (", "5 (", "988", off))
    assert is_gsm7(question) and segments(question) <= 2
    for key in ("checkin_low", "checkin_thanks", "checkin_thanks_glad", "checkins_off"):
        assert is_gsm7(system_text(key, lang=lang)), key
    assert "988" in system_text("checkin_low", lang=lang)
    assert off in system_text("checkins_on", lang=lang)


def test_menu_and_help_name_checkin_off() -> None:
    from messages import system_text

    fields = {"program": "GoodEnough", "support": "help@example.org", "msg_frequency": "3 msgs/wk"}
    assert "CHECKIN OFF" in system_text("menu", **fields)
    assert "CHECKIN OFF" in system_text("help", **fields)


def test_no_checkin_before_the_first_nudge() -> None:
    """A parent who paused before any nudge came is asked nothing about them."""
    due = {"enabled": True, "in_programme": True, "started_at": START, "last_at": None}
    slot = START + 9 * DAY
    assert checkin_due(**due, nudges_sent=1, slot=slot, zone=ZONE)
    assert not checkin_due(**due, nudges_sent=0, slot=slot, zone=ZONE)


# What parents wrote to the check-in (a black-box tester's eight, and Spanish):
# the score stated in the words is the answer, and the reply fits it.
STATED_CASES = [
    ("ugh 2 out of 5 honestly, rough week", 2, "checkin_low"),
    ("2/5 rough week", 2, "checkin_low"),
    ("prob a 2", 2, "checkin_low"),
    ("Two", 2, "checkin_low"),
    ("honestly like a 1, my husband moved out", 1, "checkin_low"),
    ("3 i guess", 3, "checkin_thanks"),
    ("it was a 4 😊", 4, "checkin_thanks_glad"),
    ("actually 3", 3, "checkin_thanks"),
    ("FIVE!", 5, "checkin_thanks_glad"),
    ("i'd give it a 3", 3, "checkin_thanks"),
    ("2, I have 3 kids and they all got sick", 2, "checkin_low"),
    ("dos", 2, "checkin_low"),
    ("un 2", 2, "checkin_low"),
    ("como un 3", 3, "checkin_thanks"),
    ("tres", 3, "checkin_thanks"),
    ("diría que un 4", 4, "checkin_thanks_glad"),
    ("la verdad un 2, estoy agotada", 2, "checkin_low"),
    # Two different scores: the lower, the harder week (the words keep the range).
    ("between 2 and 3", 2, "checkin_low"),
    ("2 or 3", 2, "checkin_low"),
    ("2-3", 2, "checkin_low"),
    ("a 4, maybe a 3", 3, "checkin_thanks"),
    ("entre 2 y 3", 2, "checkin_low"),
    ("2.5", 2, "checkin_low"),
    # ...unless the second corrects the first.
    ("3, actually 2", 2, "checkin_low"),
    ("2, no wait 4", 4, "checkin_thanks_glad"),
    ("2, no, 3", 3, "checkin_thanks"),
    # The scale echoed back is not a score (a review found "1-5? 3" read as 1).
    ("1-5? 3", 3, "checkin_thanks"),
    ("1 to 5? 4", 4, "checkin_thanks_glad"),
    ("del 1 al 5 un 2", 2, "checkin_low"),
]


@pytest.mark.parametrize(("body", "score", "key"), STATED_CASES)
def test_a_score_stated_in_words_answers_the_open_check_in(body: str, score: int, key: str) -> None:
    decision = reply(parent(CHECKIN_QUESTION, HOUR), body)
    assert keys(decision) == [key]
    assert decision.checkin == score


@pytest.mark.parametrize(
    "body",
    [
        "I have 2 kids",
        "at 3pm",
        "5 minutes",
        "1 more thing",
        "one of those weeks",
        "we had 2 good days",
        "it's 3:30 and the baby is still up",
        "7",
        "a 6",
        "10/10",
        "6 out of 5 lol",
        "5-10 minutes late again",
        "it was fine",
        "no one",
        "I'm the only one",
    ],
)
def test_a_number_about_something_else_is_no_answer(body: str) -> None:
    decision = reply(parent(CHECKIN_QUESTION, HOUR), body)
    assert keys(decision) == ["unrecognised"]
    assert decision.checkin is None


def test_a_score_in_words_with_no_check_in_open_is_not_guessed_at() -> None:
    for body in ("prob a 2", "Two", "como un 3"):
        decision = reply(parent(), body)
        assert keys(decision) == ["unrecognised"] and decision.checkin is None


def test_a_score_in_words_soon_after_an_answer_changes_it() -> None:
    decision = reply(parent(answered_question(2), MINUTES_AGO), "actually more like a 4")
    assert keys(decision) == ["checkin_changed"] and decision.checkin == 4


def test_a_score_in_a_concern_message_is_recorded_beside_the_concern_reply() -> None:
    decision = reply(parent(CHECKIN_QUESTION, HOUR), "1. worst week ever, i cant do this anymore")
    assert keys(decision) == ["concern"]
    assert decision.checkin == 1
