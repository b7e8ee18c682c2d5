"""`model_readings`: what the trained crisis model is given to read."""

from __future__ import annotations

import pytest

from nudges.domain.model_reading import model_readings


@pytest.mark.parametrize(
    ("text", "read"),
    [
        # One word, or capitals: as written and in lower case (the screen keeps
        # the more severe: "Alone" was a concern, "alone" nothing; "I KEEP
        # THINKING ABOUT THE BRIDGE" ordinary, in lower case a crisis).
        ("Bye", ("Bye", "bye")),
        ("Alone", ("Alone", "alone")),
        ("Pills!", ("Pills!", "pills!")),
        ("I KEEP THINKING", ("I KEEP THINKING", "i keep thinking")),
        ("STOP. I WANT TO DIE", ("STOP. I WANT TO DIE", "stop. i want to die")),
        # A long run of one word: read once ("blah" x 2000 got a concern).
        (" ".join(["blah"] * 2000), ("blah",)),
        ("Blah blah BLAH blah blah", ("Blah", "blah")),
        ("no, no, no, no, no", ("no",)),
        # A venting idiom the model misreads: the plain words it means ("quiero
        # quitarme este peso de encima, mucho trabajo" got the full crisis response).
        (
            "quiero quitarme este peso de encima, mucho trabajo",
            ("quiero desahogarme, mucho trabajo",),
        ),
        ("Necesito sacarme este peso, que semana", ("Necesito desahogarme, que semana",)),
        ("por fin me quité un peso de encima", ("por fin me desahogué",)),
        ("I need to get this weight off my chest", ("I need to vent",)),
    ],
)  # fmt: skip
def test_shapes_the_model_misreads_are_read_both_ways_or_once(
    text: str, read: tuple[str, ...]
) -> None:
    assert model_readings(text) == read


@pytest.mark.parametrize(
    "text",
    [
        "I have the pills ready",  # mixed case, several words: as written
        "hey...",  # punctuation stays: a trailing-off says more
        "bye for now, thanks!",
        "cant cant cant breathe",  # a short run is how people write: kept
        "I'm sorry, sorry, sorry",
        "Done. Done. Done. Done. Done.",  # a run is within a sentence, never across one
        "blah blahs",
        "bye",  # already lower case: one reading
        "🙏🙏🙏",
        "4/5",
        # Relieving others of oneself is a burden, not venting: read as written.
        "ya les voy a quitar este peso de encima",
        "me quiero quitar la vida",
    ],
)
def test_anything_else_is_read_as_written(text: str) -> None:
    assert model_readings(text) == (text,)
