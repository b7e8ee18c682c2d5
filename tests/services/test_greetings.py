"""A first text that only says hello, or thanks, gets the ordinary reply.

A black-box tester's `hello` (lower case) got the concern reply ("That sounds
like a lot to carry"), the parent's nudges held 24 hours and a "possible" alert
for a clinician, while `Hello` and `hi` got the ordinary reply. The phrase
rules never matched it: the trained model scored the one word 0.081 against a
concern threshold of 0.042 (set for recall on texts that say something).
Greetings, thanks and acknowledgements carry nothing for it to read, so it no
longer reads them (nudges.domain.pleasantry); the rules still read every text."""

from __future__ import annotations

import secrets

import pytest

from nudges.crisis_model import Assessment
from nudges.db.models import CrisisAlert
from nudges.domain.model_reading import model_readings
from nudges.runtime import Runtime
from nudges.services.inbound import InboundSms, Reply, respond, screen_with
from tests.conftest import ANNA_ATLANTA
from tests.services.conftest import count, subscriber, text

# Each got the concern reply from the real model before the fix.
FLAGGED_GREETINGS = ["hello", "hello ", "saludos", "hola buenas", "buenas noches"]
NOT_SIGNED_UP = ("you are not signed up", "por ahora no recibes nuestros mensajes")


def texts(runtime: Runtime, body: str) -> Reply:
    """Through the whole conversation, as the webhook calls it (the real model)."""
    return respond(runtime, InboundSms(ANNA_ATLANTA, body, "SM" + secrets.token_hex(16)))


@pytest.mark.parametrize("body", FLAGGED_GREETINGS)
def test_a_first_text_that_only_greets_gets_the_ordinary_reply(runtime: Runtime, body: str) -> None:
    reply = texts(runtime, body)
    assert reply.level is None and reply.crisis_tier == 0
    [message] = reply.messages
    assert any(ordinary in message for ordinary in NOT_SIGNED_UP), message
    assert count(runtime, CrisisAlert) == 0


def test_an_active_parent_who_says_hello_gets_the_ordinary_reply_and_is_not_held(
    runtime: Runtime,
) -> None:
    text(runtime, ANNA_ATLANTA, "JOIN")
    text(runtime, ANNA_ATLANTA, "YES")
    before = subscriber(runtime, ANNA_ATLANTA)
    assert before is not None and before.state == "active"
    reply = texts(runtime, "hello")
    assert reply.level is None
    [message] = reply.messages
    assert "this number is automated" in message and "a lot to carry" not in message
    after = subscriber(runtime, ANNA_ATLANTA)
    assert after is not None and after.next_send_at == before.next_send_at
    assert count(runtime, CrisisAlert) == 0


@pytest.mark.parametrize(
    "body", ["adios", "thanks for everything", "hello, I can't do this anymore"]
)
def test_a_farewell_or_a_greeting_with_more_still_gets_the_screen(
    runtime: Runtime, body: str
) -> None:
    reply = texts(runtime, body)
    assert reply.level in {"concern", "crisis"}
    assert any("988" in m and "741741" in m for m in reply.messages)


class Reading:
    """A model stand-in that reads every text as a crisis and remembers it."""

    def __init__(self) -> None:
        self.read: list[str] = []

    def assess(self, text: str) -> Assessment:
        self.read.append(text)
        return Assessment(0.9, 0.9, "crisis")


@pytest.mark.parametrize(
    "body",
    ["hello", "Hello!", "hi there", "ok, thanks", "¡Hola, buenas!", "heyyy", "Gracias."],
)
def test_a_pleasantry_never_reaches_the_model(body: str) -> None:
    model = Reading()
    intent = screen_with(model, body)  # type: ignore[arg-type]
    assert model.read == [] and intent.crisis is None


@pytest.mark.parametrize(
    "body",
    [
        *("bye", "Bye", "good night", "goodnight", "adios", "hasta luego", "hello, goodbye"),
        *("hey...", "buenas\u2026", "hi 🙏", "thanks :("),  # trailing off, an emoji: more said
    ],
)
def test_a_goodbye_or_anything_more_still_reaches_the_model(body: str) -> None:
    model = Reading()
    intent = screen_with(model, body)  # type: ignore[arg-type]
    assert model.read == list(model_readings(body))  # "Bye" read as written and as "bye"
    assert intent.crisis is not None and intent.crisis.tier == 2
