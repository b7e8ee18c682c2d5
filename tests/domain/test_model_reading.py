"""`model_reading`: what the trained crisis model is given to read."""

from __future__ import annotations

import pytest

from nudges.domain.model_reading import model_reading


@pytest.mark.parametrize(
    ("text", "read"),
    [
        # One word, or capitals: lower case (a tester's "Bye" got the full crisis
        # response, "bye" nothing; "Saludos" 0.74, "saludos" 0.085).
        ("Bye", "bye"),
        ("Saludos", "saludos"),
        ("Pills!", "pills!"),
        ("I KEEP THINKING ABOUT THE BRIDGE", "i keep thinking about the bridge"),
        ("STOP. I WANT TO DIE", "stop. i want to die"),
        # A word repeated: read once ("blah" x 2000 got a concern).
        (" ".join(["blah"] * 2000), "blah"),
        ("Blah blah BLAH", "blah"),
        ("no, no, no", "no"),
        ("I'm so so so tired", "I'm so tired"),
        ("ok ok ok ok", "ok"),
        ("he had had enough", "he had enough"),
        # A venting idiom the model misreads: the plain words it means ("quiero
        # quitarme este peso de encima, mucho trabajo" got the full crisis response).
        (
            "quiero quitarme este peso de encima, mucho trabajo",
            "quiero desahogarme, mucho trabajo",
        ),
        ("Necesito sacarme este peso, que semana", "Necesito desahogarme, que semana"),
        ("por fin me quité un peso de encima", "por fin me desahogué"),
        ("I need to get this weight off my chest", "I need to vent"),
    ],
)
def test_shapes_the_model_misreads_are_read_plainly(text: str, read: str) -> None:
    assert model_reading(text) == read


@pytest.mark.parametrize(
    "text",
    [
        "I have the pills ready",  # mixed case, several words: as written
        "hey...",  # punctuation stays: a trailing-off says more
        "bye for now, thanks!",
        "Done. Done.",  # a run is within a sentence, never across one
        "blah blahs",
        "🙏🙏🙏",
        "4/5",
        # Relieving others of oneself is a burden, not venting: read as written.
        "ya les voy a quitar este peso de encima",
        "me quiero quitar la vida",
    ],
)
def test_anything_else_is_read_as_written(text: str) -> None:
    assert model_reading(text) == text
