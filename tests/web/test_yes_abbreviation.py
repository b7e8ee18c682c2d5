"""`y` answering the consent prompt is the English "yes" abbreviation.

A black-box tester's `y` (or `Y`) after JOIN got the Spanish welcome, and every
reply after it was Spanish: "y" is also Spanish for "and", and the language
guess counted it as a Spanish word. A bare `y` now confirms in the parent's
language: English after an English JOIN, Spanish after HOLA or for a parent
who chose Spanish. SI and a Spanish sentence still choose Spanish."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import ANNA_ATLANTA, SignedClient
from tests.web.test_inbound_conversation import subscriber
from tests.web.test_spanish_conversation import say


@pytest.mark.parametrize("yes", ["y", "Y", "y.", "Y!", "y please", "Y sign me up"])
def test_y_after_an_english_join_confirms_in_english(
    twilio: SignedClient, app: Any, yes: str
) -> None:
    assert say(twilio, ANNA_ATLANTA, "JOIN") == [("en", "consent_prompt")]
    assert say(twilio, ANNA_ATLANTA, yes) == [("en", "welcome"), ("en", "track_menu")]
    sub = subscriber(app, ANNA_ATLANTA)
    assert sub is not None and sub.state == "active" and sub.lang == "en"
    # And later replies stay English.
    assert say(twilio, ANNA_ATLANTA, "MENU") == [("en", "menu")]


@pytest.mark.parametrize("yes", ["y", "Y", "si", "SI", "sí", "Sí"])
def test_a_spanish_parent_confirms_in_spanish(twilio: SignedClient, app: Any, yes: str) -> None:
    assert say(twilio, ANNA_ATLANTA, "HOLA") == [("es", "consent_prompt")]
    assert say(twilio, ANNA_ATLANTA, yes) == [("es", "welcome"), ("es", "track_menu")]
    sub = subscriber(app, ANNA_ATLANTA)
    assert sub is not None and sub.state == "active" and sub.lang == "es"


@pytest.mark.parametrize(
    "yes", ["si", "sí", "Sí, claro", "sí quiero", "Si acepto", "y gracias", "sí, y gracias"]
)
def test_yes_in_spanish_after_an_english_join_still_chooses_spanish(
    twilio: SignedClient, app: Any, yes: str
) -> None:
    assert say(twilio, ANNA_ATLANTA, "JOIN") == [("en", "consent_prompt")]
    assert say(twilio, ANNA_ATLANTA, yes) == [("es", "welcome"), ("es", "track_menu")]
    sub = subscriber(app, ANNA_ATLANTA)
    assert sub is not None and sub.lang == "es"


def test_a_spanish_sentence_with_y_in_it_still_chooses_spanish(
    twilio: SignedClient, app: Any
) -> None:
    assert say(twilio, ANNA_ATLANTA, "quiero unirme y recibir los mensajes") == [
        ("es", "consent_prompt")
    ]
    sub = subscriber(app, ANNA_ATLANTA)
    assert sub is not None and sub.lang == "es"
