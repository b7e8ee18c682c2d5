"""Keywords as tired thumbs spell them (nudges/domain/spelling.py): the usual
misspellings read as the keyword, ordinary English and Spanish words never."""

from __future__ import annotations

import pytest

from nudges.domain.keywords import Kind, interpret
from nudges.domain.spelling import KEYWORDS, REAL_WORDS, Vocabulary, respell, respell_keywords


@pytest.mark.parametrize(
    ("written", "meant"),
    [
        # letters repeated
        ("helpp", "help"), ("stopp", "stop"), ("stooop", "stop"), ("ayudaa", "ayuda"),
        ("pausee", "pause"), ("yess", "yes"), ("sorrryy", "sorry"), ("siii", "si"),
        # letters spaced, dotted or dashed
        ("s t o p", "stop"), ("s.t.o.p", "stop"), ("s-t-o-p", "stop"), ("h e l p", "help"),
        ("y e s", "yes"),
        # digits for letters
        ("st0p", "stop"), ("h3lp", "help"), ("p4use", "pause"), ("st00p", "stop"),
        ("1nfo", "info"),
        # one swap of neighbouring letters, in a keyword of five letters or more
        ("pasue", "pause"), ("puase", "pause"), ("cancle", "cancel"), ("dialy", "daily"),
        ("pasua", "pausa"), ("nigth", "night"), ("trakc", "track"),
    ],
)  # fmt: skip
def test_a_usual_misspelling_is_the_keyword(written: str, meant: str) -> None:
    assert respell_keywords(written) == meant


@pytest.mark.parametrize(
    "word",
    [
        # ordinary words near a keyword: a swap of four letters, a letter changed,
        # a letter dropped or added are no usual misspelling
        "step", "shop", "hello", "stoop", "pasta", "pase", "spot", "post", "tops", "stpo",
        "hepl", "tiem", "of", "to", "sory", "helper", "paused", "stopped", "pauses",
        # Spanish words one way from a keyword
        "parra", "clama", "horra", "dalle", "holla",
        # digits that are a time or a number, not letters
        "730pm", "7pm", "10am", "3", "2nd", "2nite",
        # a yes takes only repeated or spaced letters: "y3s" is no yes
        "y3s", "0k", "yse", "calro",
    ],
)  # fmt: skip
def test_an_ordinary_word_is_left_as_it_is(word: str) -> None:
    assert respell_keywords(word) == word


@pytest.mark.parametrize(
    ("written", "meant"),
    [
        ("time 7:30pm please", "time 7:30pm please"),
        ("s t o p please", "stop please"),
        ("pausee 3 days", "pause 3 days"),
        ("i want to step back", "i want to step back"),
        ("a b c", "a b c"),  # three letters that spell nothing
        ("7 . 3 0", "7 . 3 0"),
    ],
)
def test_only_the_misspelt_words_of_a_message_change(written: str, meant: str) -> None:
    assert respell_keywords(written) == meant


def test_every_word_of_the_vocabulary_is_a_keyword() -> None:
    """A word the spelling reads toward must itself be a keyword, texted alone."""
    for word in KEYWORDS.words:
        intent = interpret(word)
        assert intent.kind is not Kind.OTHER or intent.consents, word


def test_the_real_words_stay_even_where_a_vocabulary_would_take_them() -> None:
    for word in REAL_WORDS:
        assert KEYWORDS.respell_word(word) == word


def test_fewer_letters_than_the_keyword_is_not_a_repeat() -> None:
    vocabulary = Vocabulary(["off", "sorry"])
    assert respell("of", vocabulary) == "of"
    assert respell("offf", vocabulary) == "off"
    assert respell("sory", vocabulary) == "sory"


def test_a_swap_is_read_only_in_a_long_keyword() -> None:
    vocabulary = Vocabulary(["stop", "pause"])
    assert respell("stpo", vocabulary) == "stpo"  # four letters: too near ordinary words
    assert respell("pasue", vocabulary) == "pause"


@pytest.mark.parametrize(
    ("body", "kind"),
    [
        ("helpp", Kind.HELP),
        ("H3LP", Kind.HELP),
        ("ayudaa", Kind.HELP_ES),
        ("S T O P", Kind.OPT_OUT),
        ("s.t.o.p", Kind.OPT_OUT),
        ("St0p", Kind.OPT_OUT),
        ("cancle", Kind.OPT_OUT),
        ("pausee", Kind.PAUSE),
        ("pasue", Kind.PAUSE),
        ("puase", Kind.PAUSE),
        ("Yess", Kind.CONFIRM),
        ("step", Kind.OTHER),
        ("shop", Kind.OTHER),
        ("hello", Kind.OTHER),
        ("stoop", Kind.OTHER),
        ("pasta", Kind.OTHER),
        ("pase", Kind.OTHER),
        ("s", Kind.OTHER),
    ],
)
def test_the_keyword_rules_read_the_respelt_message(body: str, kind: Kind) -> None:
    assert interpret(body).kind is kind


@pytest.mark.parametrize(
    "body",
    ["helpp I want to kill myself", "S T O P. I want to die", "pasue. I want to end my life"],
)
def test_the_crisis_screen_still_reads_a_misspelt_keyword_message(body: str) -> None:
    assert interpret(body).crisis is not None


def test_the_words_after_a_misspelt_stop_are_read_by_the_model() -> None:
    assert interpret("S T O P. Tonight is my last night").beyond == "Tonight is my last night"
    assert interpret("s.t.o.p").beyond == ""
    assert interpret("H.E.L.P").beyond == ""
