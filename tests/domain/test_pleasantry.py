"""`is_pleasantry`: texts the trained crisis model has nothing to read in."""

from __future__ import annotations

import pytest

from nudges.domain.pleasantry import is_farewell, is_pleasantry
from tests.crisis.corpus import HELDOUT, load_author, training_rows


@pytest.mark.parametrize(
    "body",
    [
        *("hello", "hello ", "Hello", "HELLO", "hello!", "hi", "hey", "hello there", "hey there"),
        *("Good morning!", "good evening", "thanks", "Thank you so much!", "ok", "OK thanks"),
        *("k", "kk thx", "heyyy", "hellooo", "Hi, thanks."),
        *("hola", "¡Hola!", "buenas", "Hola, buenas", "buenas noches", "Buenos días"),
        *("saludos", "gracias", "Muchas gracias", "ok gracias", "vale", "¿Qué tal?"),
    ],
)
def test_greetings_thanks_and_acknowledgements_are_pleasantries(body: str) -> None:
    assert is_pleasantry(body)


@pytest.mark.parametrize(
    "body",
    [
        "",
        "?!",
        # Goodbyes are a warning sign: never a pleasantry.
        *("bye", "Bye!", "goodbye", "good night", "goodnight", "night", "adios", "adiós"),
        *("hasta luego", "chao", "thanks for everything", "thank you for everything"),
        *("gracias por todo", "hello, goodbye", "ok bye"),
        # More said than a pleasantry: trailing off, an emoji, any other word.
        *("hey...", "hello\u2026", "hi 🙏", "thanks :(", "ok.. ", "hello I need to talk"),
        *("hi hi hi hi", "hola, ya no puedo", "ok I'm done", "good"),
        "hello " * 30,
    ],
)
def test_anything_else_is_not(body: str) -> None:
    assert not is_pleasantry(body)


def test_no_risk_text_in_any_labelled_corpus_is_a_pleasantry() -> None:
    """What the model no longer reads: not one of the ~1,000 risk texts (training
    and held-out authors alike) would have escaped it."""
    rows = training_rows()
    for path in sorted(HELDOUT.glob("*.tsv")):
        rows += load_author(path)
    risky = [r.text for r in rows if r.crisis]
    assert len(risky) > 1000
    # A count, never the texts: a failure must not print held-out text into a log.
    assert sum(is_pleasantry(t) for t in risky) == 0


@pytest.mark.parametrize(
    "body",
    [
        *("Bye", "bye!", "BYE", "byeee", "bye bye", "ok bye thanks", "bye for now, thanks!"),
        *("goodbye", "Good night!", "see ya", "ttyl", "later"),
        *("adios", "Adiós", "chao", "Ciao", "hasta luego", "nos vemos", "gracias, adios"),
    ],
)
def test_a_goodbye_alone_is_a_farewell(body: str) -> None:
    assert is_farewell(body) and not is_pleasantry(body)


@pytest.mark.parametrize(
    "body",
    [
        *("goodbye everyone, I'm done", "goodbye forever", "adios para siempre"),
        *("bye...", "bye 💔", "see you tomorrow", "thanks for everything, bye"),
        *("hello", "thanks", "", "bye " * 20),
    ],
)
def test_a_goodbye_with_more_is_not(body: str) -> None:
    assert not is_farewell(body)
