"""`screen_with`: which texts the trained model (tier 2) reads, with stand-ins
for the model, so each case is exact and quick.

A keyword alone, or with its argument ("TIME 7:30pm", "PAUSE 3 days"), never
pays for the model. Words beyond the keyword ("STOP. Tonight is my last night")
are read; the opt-out wording itself is not (the model reads "leave me alone"
or "end the texts" as risk)."""

from __future__ import annotations

import pytest

from nudges.crisis_model import Assessment
from nudges.domain.keywords import Kind
from nudges.runtime import Runtime
from nudges.services.inbound import screen_with
from tests.conftest import ANNA_ATLANTA
from tests.services.conftest import subscriber, text


class Reading:
    """A model stand-in that reads every text it is given as a crisis, and
    remembers what it was given."""

    def __init__(self) -> None:
        self.read: list[str] = []

    def assess(self, text: str) -> Assessment:
        self.read.append(text)
        return Assessment(0.9, 0.9, "crisis")


# A tester's texts: a crisis after a leading STOP got only the unsubscribe reply.
STOP_THEN_CRISIS = [
    "STOP. i have pills saved up and i'm taking them all tonight",
    "STOP. I have a gun and I'm going to use it on myself",
    "STOP. Tonight is my last night",
    "STOP i have pills saved up and i'm taking them all tonight",  # no full stop
    "please stop texting me, tonight is my last night",
]


@pytest.mark.parametrize("body", STOP_THEN_CRISIS)
def test_the_model_reads_what_follows_a_stop(body: str) -> None:
    model = Reading()
    intent = screen_with(model, body)  # type: ignore[arg-type]
    assert intent.kind is Kind.OPT_OUT
    assert intent.crisis is not None and intent.crisis.level == "crisis"
    [read] = model.read
    assert "last night" in read or "pills" in read or "gun" in read


@pytest.mark.parametrize(
    "body",
    [
        "STOP",
        "STOP please",
        "stop pls 🙏",
        "TIME 7:30pm",
        "PAUSE 3 days",
        "pause for now",
        "ZONE Pacific",
        "ZONA Marte",  # an argument we cannot read is still the keyword's
        "TIME whenever",
        "HELP",
        "YES",
        "MENU",
        # Opt-out wording alone: the model misreads these as risk.
        "leave me alone",
        "end the texts",
        "please stop texting me",
        "Remove me from this list please",
        "Wrong number, please stop",
        "dejen de escribirme",
    ],
)
def test_a_keyword_alone_or_with_its_argument_never_reaches_the_model(body: str) -> None:
    model = Reading()
    intent = screen_with(model, body)  # type: ignore[arg-type]
    assert model.read == [] and intent.crisis is None


def test_a_stop_and_a_crisis_after_it_get_both_replies_and_the_stop_is_kept(
    runtime: Runtime,
) -> None:
    text(runtime, ANNA_ATLANTA, "JOIN")
    text(runtime, ANNA_ATLANTA, "YES")
    runtime.semantic = Reading()  # type: ignore[assignment]
    replies = text(runtime, ANNA_ATLANTA, "STOP. Tonight is my last night")
    # The crisis reply, without "our texts are paused": this text stops them.
    assert any("We are glad you reached out" in r and "988" in r for r in replies)
    assert not any("paused" in r for r in replies)
    assert any("you are unsubscribed" in r for r in replies)
    sub = subscriber(runtime, ANNA_ATLANTA)
    assert sub is not None and sub.state == "stopped"
