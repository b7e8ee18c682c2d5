"""Black-box testers' readings of the crisis screen, through the screen as the
service runs it (the phrase rules, then the real trained model).

- The means ready is preparation: "tengo las pastillas listas" got only a concern.
- "St0p" got a concern and no stop: a digit for a letter is still STOP.
- "blah" 2,000 times got a concern: a word repeated is read once.
- A lone "Bye" or "adios" got the full crisis response, "bye" nothing: a
  one-word text is read in lower case, and a farewell alone is at most a concern.
"""

from __future__ import annotations

import pytest

from nudges.crisis_model import Assessment
from nudges.runtime import Runtime
from nudges.services.inbound import screen_with


def level(runtime: Runtime, body: str) -> str | None:
    signal = screen_with(runtime.semantic, body).crisis
    return signal.level if signal else None


@pytest.mark.parametrize(
    "body",
    [
        "tengo las pastillas listas",
        "tengo las pastillas listas para esta noche",
        "I have the pills ready",
        "got the pills lined up",
        "the rope is in the garage",
        "goodbye everyone, I'm done",
    ],
)
def test_preparation_and_a_final_goodbye_get_the_full_crisis_response(
    runtime: Runtime, body: str
) -> None:
    assert level(runtime, body) == "crisis"


@pytest.mark.parametrize(
    "body", ["I have the pills ready for the kids' flu", "bye for now, thanks!"]
)
def test_look_alikes_stay_ordinary(runtime: Runtime, body: str) -> None:
    assert level(runtime, body) is None


@pytest.mark.parametrize(
    "body", ["tengo las pastillas listas para mi mamá", "adios", "Adiós", "Bye", "BYE", "bye"]
)
def test_never_the_full_crisis_response(runtime: Runtime, body: str) -> None:
    # The rules pass these; the model's concern stands (a training author wrote a
    # lone "adios" as a goodbye), but it wakes no clinician.
    assert level(runtime, body) != "crisis"


def test_a_word_repeated_is_ordinary_as_the_word_is(runtime: Runtime) -> None:
    assert level(runtime, " ".join(["blah"] * 2000)) is None
    assert level(runtime, "blah") is None


SEVERITY = {None: 0, "concern": 1, "crisis": 2}


@pytest.mark.parametrize(
    "form",
    ["Bye", "BYE", "Bye.", "Pills", "PILLS", "Alone", "Soga", "I KEEP THINKING ABOUT THE BRIDGE"],
)
def test_case_never_hides_what_lower_case_shows(runtime: Runtime, form: str) -> None:
    # A one-word or shouted text is at least as severe as its lower case, and
    # as the text as written: lowering never hides what the written form showed.
    lowered = level(runtime, form.lower())
    as_written = level(runtime, form)
    assert SEVERITY[as_written] >= SEVERITY[lowered]


def test_a_shouted_risk_is_found(runtime: Runtime) -> None:
    assert level(runtime, "I KEEP THINKING ABOUT THE BRIDGE") == "crisis"


class Reading:
    """A model stand-in that reads every text as a crisis and remembers it."""

    def __init__(self) -> None:
        self.read: list[str] = []

    def assess(self, text: str) -> Assessment:
        self.read.append(text)
        return Assessment(0.99, 0.99, "crisis")


@pytest.mark.parametrize("body", ["St0p", "ST0P", "st0p pls", "5T0P"])
def test_stop_with_a_digit_for_a_letter_stops_and_is_not_read_by_the_model(body: str) -> None:
    model = Reading()
    intent = screen_with(model, body)  # type: ignore[arg-type]
    assert intent.kind.value == "opt_out" and intent.crisis is None and model.read == []


@pytest.mark.parametrize("body", ["Bye", "adios", "ok bye thanks", "Good night!"])
def test_the_model_alone_never_gives_a_farewell_the_full_crisis_response(body: str) -> None:
    model = Reading()
    signal = screen_with(model, body).crisis  # type: ignore[arg-type]
    assert model.read and signal is not None and signal.level == "concern"


def test_a_farewell_with_a_warning_sign_is_still_a_crisis() -> None:
    signal = screen_with(Reading(), "bye. i took all my pills").crisis  # type: ignore[arg-type]
    assert signal is not None and signal.level == "crisis"
