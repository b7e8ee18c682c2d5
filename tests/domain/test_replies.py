"""Replies that go somewhere (issue 16): an answer to a nudge's question is
acknowledged and linked to the nudge; HELP names the parent's frequency; the
concern reply names the line that fits; SORRY, CALM, BEDTIME and NIGHT answer
with a text from the moments bank that does not repeat soon. Pure rules, tables."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest

from nudges.domain.consent import Event, State
from nudges.domain.conversation import (
    ANSWER_OPEN,
    ANSWER_THANKS,
    CHOICE_OPEN,
    MOMENT_KEY,
    AskedNudge,
    Decision,
    Rules,
    Subscription,
    decide,
    help_reply,
    pick_moment,
    safety_reply,
)
from nudges.domain.crisis import CrisisSignal
from nudges.domain.invite_name import INVITE_NAME_MAX, InviteNameError, check_invite_name
from nudges.domain.keywords import interpret

NOW = datetime(2026, 11, 23, 20, 0, tzinfo=UTC)  # Monday 3pm in New York
ATLANTA = "+14045550123"
BANK = {
    "sorry:en": ("s1", "s2", "s3", "s4"),
    "sorry:es": ("p1", "p2", "p3", "p4"),
    "calm:en": ("c1", "c2", "c3", "c4"),
}
RULES = Rules(window=(time(9), time(20)), moments=BANK)
ASKED = AskedNudge(outbox_id=41, sent_at=NOW - timedelta(hours=3))


def sub(state: State, **fields: object) -> Subscription:
    given = {"timezone": "America/New_York", "send_minute": 12 * 60, "frequency": "3w"}
    return Subscription(state, **{**given, **fields})  # type: ignore[arg-type]


def run(
    state: State | None,
    body: str,
    asked: AskedNudge | None = ASKED,
    aoo: str | None = None,
    **fields: object,
) -> Decision:
    subscription = sub(state, **fields) if state else None
    return decide(subscription, ATLANTA, interpret(body), RULES, NOW, aoo, asked=asked)


def keys(decision: Decision) -> list[str]:
    return [say.key for say in decision.replies]


THANKS = ANSWER_THANKS[ASKED.outbox_id % len(ANSWER_THANKS)]


@pytest.mark.parametrize(
    ("state", "body", "replies", "answers", "event"),
    [
        # An ordinary reply, or a plain yes/no, after a question: thanked and linked.
        (State.ACTIVE, "I made it to the park with them", [THANKS], 41, None),
        (State.ACTIVE, "YES", [THANKS], 41, None),  # not "you are already signed up"
        (State.ACTIVE, "yeah", [THANKS], 41, None),
        (State.ACTIVE, "no", [THANKS], 41, None),
        (State.ACTIVE, "sort of", [THANKS], 41, None),
        (State.PAUSED, "yes", [THANKS], 41, None),  # an answer does not resume them
        (State.PAUSED, "It was a hard week", [THANKS], 41, None),
        # Keywords keep their meaning.
        (State.ACTIVE, "START", ["already_on"], None, None),
        (State.ACTIVE, "TIME 7pm", ["time_set"], None, None),
        (State.ACTIVE, "STOP", ["stop_confirm"], None, Event.OPT_OUT),
        (State.ACTIVE, "HELP", ["help"], None, None),
        (State.ACTIVE, "SORRY", [MOMENT_KEY], None, None),
        # Only subscribed parents who get nudges answer them.
        (State.PENDING, "no", ["stop_confirm"], None, Event.OPT_OUT),
        (State.STOPPED, "yes", ["rejoined"], None, Event.CONFIRM),
        (State.STOPPED, "it went ok", ["not_subscribed_stopped"], None, None),
    ],
)
def test_an_answer_to_a_question_is_thanked_and_linked_to_its_nudge(
    state: State, body: str, replies: list[str], answers: int | None, event: Event | None
) -> None:
    decision = run(state, body)
    assert keys(decision) == replies
    assert decision.answers == answers
    assert decision.event is event


def test_without_a_question_the_same_texts_mean_what_they_meant() -> None:
    assert keys(run(State.ACTIVE, "YES", asked=None)) == ["already_on"]
    assert keys(run(State.ACTIVE, "I made it to the park", asked=None)) == ["unrecognised"]
    assert keys(run(State.PAUSED, "yes", asked=None)) == ["resumed"]
    assert run(State.ACTIVE, "I made it to the park", asked=None).answers is None


def test_a_question_is_open_for_48_hours() -> None:
    just_in = AskedNudge(7, NOW - ANSWER_OPEN)
    too_late = AskedNudge(7, NOW - ANSWER_OPEN - timedelta(minutes=1))
    assert run(State.ACTIVE, "yes", asked=just_in).answers == 7
    assert keys(run(State.ACTIVE, "yes", asked=too_late)) == ["already_on"]
    assert run(State.ACTIVE, "yes", asked=too_late).answers is None


def test_a_nudge_stamped_after_the_reply_is_still_the_one_it_answers() -> None:
    # The last nudge that reached the phone, stamped ahead of this host's clock: a
    # scheduler whose clock runs fast, or `nudges tick --now next` in the README.
    for ahead in (timedelta(seconds=20), timedelta(days=5)):
        decision = run(State.ACTIVE, "my mom mostly", asked=AskedNudge(9, NOW + ahead))
        assert decision.answers == 9
        assert keys(decision) == [ANSWER_THANKS[9 % len(ANSWER_THANKS)]]


def test_a_focus_choice_offered_after_the_nudge_is_the_open_question() -> None:
    offered_after = NOW - timedelta(hours=1) + CHOICE_OPEN
    decision = run(State.ACTIVE, "not sure yet", track_choice_until=offered_after)
    assert decision.answers is None and keys(decision) == ["unrecognised"]
    # A choice offered before the nudge was sent is older than its question.
    offered_before = ASKED.sent_at - timedelta(hours=1) + CHOICE_OPEN
    decision = run(State.ACTIVE, "not sure yet", track_choice_until=offered_before)
    assert decision.answers == ASKED.outbox_id


def test_a_crisis_in_an_answer_gets_the_crisis_reply_and_is_still_linked() -> None:
    decision = run(State.ACTIVE, "No. I want to end my life")
    assert keys(decision) == ["crisis"] and decision.crisis
    assert decision.answers == ASKED.outbox_id


def test_under_advanced_opt_out_a_yes_answer_is_linked_and_not_answered_twice() -> None:
    decision = run(State.ACTIVE, "YES", aoo="START")
    assert decision.replies == () and decision.answers == ASKED.outbox_id
    assert decision.event is None  # still active, not a second confirmation


def test_the_acknowledgement_varies_with_the_nudge_and_speaks_its_language() -> None:
    seen = {keys(run(State.ACTIVE, "yes", asked=AskedNudge(i, NOW)))[0] for i in range(6)}
    assert seen == set(ANSWER_THANKS)
    spanish = run(State.ACTIVE, "si", asked=AskedNudge(5, NOW, lang="es"))
    assert spanish.replies[0].lang == "es"


# --- HELP names the parent's frequency --------------------------------------------


@pytest.mark.parametrize(
    ("frequency", "body", "note"),
    [
        ("3w", "HELP", "up to 3 msgs/wk"),
        ("daily", "HELP", "1 msg/day"),
        ("daily", "AYUDA", "1 al dia"),
        ("3w", "AYUDA", "hasta 3 por semana"),
    ],
)
def test_help_names_the_frequency_the_parent_gets(frequency: str, body: str, note: str) -> None:
    decision = run(State.ACTIVE, body, frequency=frequency)
    assert decision.replies[0].fields["msg_frequency"] == note


def test_help_to_an_unknown_number_names_the_default() -> None:
    assert run(None, "HELP").replies[0].fields["msg_frequency"] == "up to 3 msgs/wk"
    assert help_reply(interpret("HELP"), ATLANTA).fields["msg_frequency"] == "up to 3 msgs/wk"


# --- the concern reply names the line that fits --------------------------------------


@pytest.mark.parametrize(
    ("categories", "level", "lang", "key"),
    [
        (("harm_to_child",), "concern", "en", "concern_child"),
        (("violence",), "concern", "en", "concern_violence"),
        (("violence", "harm_to_child"), "concern", "es", "concern_child"),
        (("burden",), "concern", "en", "concern"),
        (("possible",), "concern", "es", "concern"),
        (("violence",), "crisis", "en", "crisis_violence"),  # crisis replies unchanged
        (("harm_to_child",), "crisis", "en", "crisis_child"),
        (("intent",), "crisis", "en", "crisis"),
    ],
)
def test_the_safety_reply_names_the_resource_that_fits(
    categories: tuple[str, ...], level: str, lang: str, key: str
) -> None:
    say = safety_reply(CrisisSignal(categories, level=level), lang)
    assert (say.key, say.lang) == (key, lang)


# --- texts for hard moments -------------------------------------------------------------


def test_pick_moment_sends_the_bank_in_order_then_the_one_sent_longest_ago() -> None:
    bank = ("a", "b", "c")
    assert pick_moment(bank, ()) == "a"
    assert pick_moment(bank, ("a",)) == "b"
    assert pick_moment(bank, ("b", "a", "x")) == "c"
    assert pick_moment(bank, ("c", "a", "b")) == "b"  # newest first: b is the oldest


def test_a_moment_keyword_sends_the_next_text_and_remembers_it() -> None:
    first = run(State.ACTIVE, "SORRY", asked=None)
    assert first.replies[0].fields == {"id": "s1"}
    assert first.change.recent_moments == ("s1",)
    later = run(State.ACTIVE, "sorry!", asked=None, recent_moments=("c1", "s1"))
    assert later.replies[0].fields == {"id": "s2"}
    assert later.change.recent_moments == ("s2", "c1", "s1")


def test_a_moment_text_does_not_repeat_until_its_bank_is_used_up() -> None:
    recent: tuple[str, ...] = ()
    sent = []
    for _ in range(5):
        decision = run(State.ACTIVE, "Sorry", asked=None, recent_moments=recent)
        sent.append(decision.replies[0].fields["id"])
        recent = decision.change.recent_moments  # type: ignore[assignment]
    assert sent == ["s1", "s2", "s3", "s4", "s1"]


def test_the_spanish_twin_answers_from_the_spanish_bank() -> None:
    decision = run(State.ACTIVE, "Perdón", asked=None)
    assert decision.replies[0].fields == {"id": "p1"}
    assert decision.replies[0].lang == "es"


@pytest.mark.parametrize(
    ("state", "replies"),
    [
        (State.ACTIVE, [MOMENT_KEY]),
        (State.PAUSED, [MOMENT_KEY]),
        (State.PENDING, [MOMENT_KEY]),
        (State.STOPPED, ["not_subscribed_stopped"]),
        (None, ["not_subscribed"]),
    ],
)
def test_moments_answer_subscribed_parents_only(state: State | None, replies: list[str]) -> None:
    assert keys(run(state, "CALM", asked=None)) == replies


def test_a_sentence_with_the_word_is_not_the_keyword() -> None:
    assert keys(run(State.ACTIVE, "I'm sorry I yelled", asked=None)) == ["unrecognised"]


def test_a_crisis_with_a_moment_word_gets_the_crisis_reply() -> None:
    decision = run(State.ACTIVE, "sorry. I want to end my life", asked=None)
    assert keys(decision) == ["crisis"] and decision.crisis


# --- the name an invitation gives ------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "shown"),
    [
        ("Dr. Rivera", "Dr. Rivera"),
        ("  Bayside   Family Therapy ", "Bayside Family Therapy"),
        ("Dr. Peña", "Dr. Peña"),  # n with a tilde is GSM-7
        ("", None),
        ("   ", None),
    ],
)
def test_an_invite_name_is_a_name_or_a_practice(typed: str, shown: str | None) -> None:
    assert check_invite_name(typed) == shown


@pytest.mark.parametrize(
    "typed",
    [
        "Postpartum Depression Clinic",
        "Anxiety Care Partners",
        "Dr. Díaz",  # i with an acute accent would make the text UCS-2
        "www.example.com",
        "Call 555-0100",
        "x" * (INVITE_NAME_MAX + 1),
    ],
)
def test_an_invite_name_never_names_a_condition_or_looks_like_phishing(typed: str) -> None:
    with pytest.raises(InviteNameError):
        check_invite_name(typed)
