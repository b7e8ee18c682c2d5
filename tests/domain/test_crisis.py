"""The crisis detector against a labelled set written for this project.

Recall must be 1.0: every crisis message in the set is caught, each its own
case so a failure names the message. Precision is held above a floor of 0.90:
a false alarm costs one kind text with 988 in it and a clinician's glance, so
we trade precision for recall, but the floor stops the detector sliding into
"everything is a crisis", which would bury real alerts on the dashboard.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from nudges.domain.crisis import detect_crisis, is_crisis, normalise
from tests.crisis.corpus import read_rows

# category, lang, text: `team_bank` rows are crises, `ordinary` rows hard negatives.
ROWS = read_rows(Path(__file__).parent / "crisis_corpus.tsv")
CORPUS = {
    "crisis": [text for category, _, text in ROWS if category != "ordinary"],
    "safe": [text for category, _, text in ROWS if category == "ordinary"],
}
PRECISION_FLOOR = 0.90


def test_the_labelled_set_is_big_and_balanced() -> None:
    assert len(CORPUS["crisis"]) >= 100
    assert len(CORPUS["safe"]) >= 100
    assert len(CORPUS["crisis"]) + len(CORPUS["safe"]) >= 200


@pytest.mark.parametrize("message", CORPUS["crisis"])
def test_every_crisis_message_is_caught(message: str) -> None:
    assert is_crisis(message)


def test_precision_stays_above_the_floor() -> None:
    false_alarms = [m for m in CORPUS["safe"] if is_crisis(m)]
    caught = len(CORPUS["crisis"])
    precision = caught / (caught + len(false_alarms))
    assert precision >= PRECISION_FLOOR, false_alarms


@pytest.mark.parametrize(
    "message",
    [
        "this is killing me",
        "I'd never hurt my kids",
        "I could die of embarrassment",
        "dying to see the show",
        "my kid's phone died",
        "STOP",
        "HELP",
        "YES",
    ],
)
def test_named_hard_negatives_are_not_crises(message: str) -> None:
    assert not is_crisis(message)


@pytest.mark.parametrize(
    ("message", "category"),
    [
        ("I want to kill myself", "suicidal"),
        ("i keep cutting myself", "self_harm"),
        ("I'm scared I'll shake him", "harm_to_child"),
        ("I can't go on", "hopeless"),
        ("my husband hits me", "violence"),
        ("me quiero morir", "suicidal"),
    ],
)
def test_it_reports_the_category_but_never_the_text(message: str, category: str) -> None:
    signal = detect_crisis(message)
    assert signal is not None
    assert category in signal.categories
    assert all(word not in " ".join(signal.categories) for word in message.split() if len(word) > 4)


@pytest.mark.parametrize(
    ("raw", "plain"),
    [
        ("I Can\u2019t GO ON!!!", " i can not go on "),  # contractions expanded
        ("Quiero MORIR\u00e1", " quiero morira "),
        ("diiiiie", " die "),
        ("a\x00c\td", " a c d "),
    ],
)
def test_normalise(raw: str, plain: str) -> None:
    assert normalise(raw) == plain


@pytest.mark.parametrize(
    "message",
    ["", " ", "\x00\x01\x02", "\U0001f62d" * 3000, "a" * 10_000, "kill " * 2000, "(" * 5000],
)
def test_odd_or_huge_input_never_raises_and_is_quick(message: str) -> None:
    # Generous bound: a guard against catastrophic backtracking, not a timing test.
    start = time.perf_counter()
    detect_crisis(message)
    assert time.perf_counter() - start < 2.0


def test_a_crisis_at_the_end_of_a_long_message_is_still_found() -> None:
    assert is_crisis("so much going on today. " * 300 + "i want to die")


def test_the_end_of_a_very_long_message_is_read() -> None:
    """Past MAX_SCAN characters the beginning and the end are read: a parent's
    last sentence is where a crisis is often said."""
    filler = "We had a long day at the park and then dinner was late again. " * 500
    assert len(filler) > 25_000
    assert detect_crisis(filler + "I am going to end my life tonight.") is not None
    assert detect_crisis("I am going to end my life tonight. " + filler) is not None
    assert detect_crisis(filler) is None
