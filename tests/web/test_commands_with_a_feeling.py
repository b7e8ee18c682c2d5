"""Commands that come with a feeling or a reason, through the signed webhook, as
a black-box tester sent them to an active parent.

- A STOP leading the message, then how the parent feels ("stop i'm drowning",
  "parar ya no puedo mas"): stopped, with the concern reply beside the stop
  confirmation. Look-alikes stay what they were: "I can't stop crying" is a
  sentence, "stop for a week" gets the question, "I want it all to stop" is a
  concern about life, not an opt-out.
- A pause with its reason ("pause for a week, I'm drowning", "pause 7 im
  drowning"): paused for the span asked (a bit: until RESUME), with the concern
  reply as well when the screen reads one; the hold no longer ends after 24 hours.
- "thanks these texts actually help" is thanks (kept as the answer to the
  nudge's question), not a request for HELP; "I need help" still is one.
- "sure why not", "sounds good" at the consent prompt are a yes; elsewhere
  they confirm nothing.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select, update

from messages import load_library
from nudges.clock import FrozenClock
from nudges.db.models import InboundMessage, Outbox
from nudges.services.subscriptions import next_due
from nudges.web import get_runtime
from scheduler.runner import tick
from tests.conftest import ANNA_ATLANTA, SignedClient
from tests.web.test_inbound_conversation import subscriber
from tests.web.test_replies_as_parents_write_them import (
    WELCOME,
    WELCOME_ES,
    active,
    consent_texts,
    state,
)
from tests.web.test_spanish_conversation import say

EN, ES = "en", "es"


def active_in(twilio: SignedClient, lang: str) -> None:
    if lang == EN:
        active(twilio)
        return
    assert say(twilio, ANNA_ATLANTA, "HOLA") == [(ES, "consent_prompt")]
    assert say(twilio, ANNA_ATLANTA, "SI") == WELCOME_ES


def paused_for(app: Any, clock: FrozenClock) -> timedelta | None:
    """How long from now the parent's texts are paused; None: until RESUME."""
    sub = subscriber(app, ANNA_ATLANTA)
    assert sub is not None and sub.state == "paused"
    return None if sub.paused_until is None else sub.paused_until - clock.now()


# --- 1. a STOP leading the message, then a feeling ---------------------------------


@pytest.mark.parametrize(
    ("body", "lang"),
    [
        ("Stop pls I'm done with everything", EN),
        ("stop i'm drowning", EN),
        ("stop im so tired of everything", EN),
        ("parar ya no puedo mas", ES),
        ("basta por favor ya no aguanto", ES),
        ("Parar, ya no puedo más", ES),
    ],
)
def test_a_stop_followed_by_a_feeling_stops_and_keeps_the_concern_reply(
    twilio: SignedClient, app: Any, body: str, lang: str
) -> None:
    active_in(twilio, lang)
    assert say(twilio, ANNA_ATLANTA, body) == [(lang, "concern"), (lang, "stop_confirm")]
    assert state(app) == "stopped"
    # Stopped means stopped: no hold that ends, no second confirmation.
    sub = subscriber(app, ANNA_ATLANTA)
    assert sub is not None and sub.paused_until is None and sub.next_send_at is None
    assert say(twilio, ANNA_ATLANTA, "STOP") == []


@pytest.mark.parametrize("body", ["parar ya no puedo mas", "basta por favor ya no aguanto"])
def test_a_spanish_stop_with_a_feeling_from_an_english_parent_is_answered_in_spanish(
    twilio: SignedClient, app: Any, body: str
) -> None:
    active(twilio)
    assert say(twilio, ANNA_ATLANTA, body) == [(ES, "concern"), (ES, "stop_confirm")]
    assert state(app) == "stopped"


def test_a_stop_with_a_crisis_after_it_is_stopped_and_gets_the_crisis_reply(
    twilio: SignedClient, app: Any
) -> None:
    active(twilio)
    got = say(twilio, ANNA_ATLANTA, "stop i want to die")
    assert got == [(EN, "crisis_no_texts"), (EN, "stop_confirm")]
    assert state(app) == "stopped"


@pytest.mark.parametrize(
    ("body", "keys", "after"),
    [
        ("I can't stop crying", [(EN, "unrecognised")], "active"),
        ("stop for a week", [(EN, "opt_out_question")], "active"),
        ("I want it all to stop", [(EN, "concern")], "paused"),
        ("stop yelling at the kids is my goal", [(EN, "unrecognised")], "active"),
    ],
)
def test_what_only_looks_like_a_stop_with_a_feeling_does_not_stop(
    twilio: SignedClient, app: Any, body: str, keys: list[tuple[str, str]], after: str
) -> None:
    active(twilio)
    assert say(twilio, ANNA_ATLANTA, body) == keys
    assert state(app) == after


# --- 2. a pause with its reason ------------------------------------------------------

WEEK, TWO_WEEKS = timedelta(days=7), timedelta(days=14)


@pytest.mark.parametrize(
    ("body", "lang", "span", "reply"),
    [
        ("pause for a week, I'm drowning", EN, WEEK, "paused"),
        ("can you pause for a bit im overwhelmed", EN, None, "paused_indefinitely"),
        ("pause for 2 weeks please we're travelling", EN, TWO_WEEKS, "paused"),
        ("Pause. Too much going on", EN, None, "paused_indefinitely"),
        ("pause 7 im drowning", EN, WEEK, "paused"),
        ("could you pause the texts for a week? the baby is sick", EN, WEEK, "paused"),
        ("pausa por una semana, estoy agotada", ES, WEEK, "paused"),
        ("pausa una semana estoy agotada", ES, WEEK, "paused"),
        ("pausa 2 semanas porque vamos de viaje", ES, TWO_WEEKS, "paused"),
        ("Pausa. Son muchas cosas", ES, None, "paused_indefinitely"),
    ],
)
def test_a_pause_with_a_reason_pauses_for_the_span_asked(
    twilio: SignedClient,
    app: Any,
    clock: FrozenClock,
    body: str,
    lang: str,
    span: timedelta | None,
    reply: str,
) -> None:
    active_in(twilio, lang)
    got = say(twilio, ANNA_ATLANTA, body)
    assert got[-1] == (lang, reply), got
    # The screen still reads the reason: any safety reply comes first, never instead.
    assert all(key in ("concern", reply) for _, key in got), got
    assert paused_for(app, clock) == span


@pytest.mark.parametrize(
    ("body", "lang", "span", "reply"),
    [
        ("Pause please I can't do this right now", EN, None, "paused_indefinitely"),
        ("pause for a week, I can't do this anymore", EN, WEEK, "paused"),
        ("pausa una semana, ya no puedo mas", ES, WEEK, "paused"),
    ],
)
def test_a_pause_with_a_concern_gets_both_replies_and_the_pause_asked(
    twilio: SignedClient,
    app: Any,
    clock: FrozenClock,
    body: str,
    lang: str,
    span: timedelta | None,
    reply: str,
) -> None:
    active_in(twilio, lang)
    assert say(twilio, ANNA_ATLANTA, body) == [(lang, "concern"), (lang, reply)]
    # Not the concern's 24-hour hold: the pause they asked for.
    assert paused_for(app, clock) == span
    clock.advance(hours=25)
    assert state(app) == "paused"


def test_a_pause_with_a_crisis_stays_the_crisis_pause(twilio: SignedClient, app: Any) -> None:
    """A crisis pauses until RESUME (or the clinician): a week asked for beside it
    does not end that sooner, and the crisis reply says texts are paused."""
    active(twilio)
    assert say(twilio, ANNA_ATLANTA, "pause for a week, i want to kill myself") == [(EN, "crisis")]
    sub = subscriber(app, ANNA_ATLANTA)
    assert sub is not None and sub.state == "paused" and sub.paused_until is None


@pytest.mark.parametrize(
    "body",
    [
        "Pause button on the remote is broken again",
        "Pause is my favourite button, I love it",
        "pausa de cafe con amigas",
    ],
)
def test_a_sentence_that_starts_with_pause_is_not_a_pause(
    twilio: SignedClient, app: Any, body: str
) -> None:
    active(twilio)
    say(twilio, ANNA_ATLANTA, body)
    assert state(app) == "active"


# --- 3. thanks that uses the verb "help" ---------------------------------------------

ASKING = {
    lang: next(n for n in load_library().nudges if n.asks and n.lang == lang) for lang in (EN, ES)
}


def asked_a_question(app: Any, clock: FrozenClock, lang: str) -> int:
    """Send the parent's next nudge, made one that asks a question; its outbox id."""
    runtime = get_runtime(app)
    due = next_due(runtime)
    assert due is not None
    clock.set(due)
    tick(runtime)
    nudge = ASKING[lang]
    with runtime.db.session() as session:
        session.execute(
            update(Outbox)
            .where(Outbox.kind == "nudge")
            .values(nudge_id=nudge.id, body=nudge.text, state="delivered")
        )
        outbox_id = session.scalar(select(Outbox.id).where(Outbox.kind == "nudge"))
    assert outbox_id is not None
    clock.advance(hours=2)
    return outbox_id


def answered_outbox(app: Any) -> int | None:
    with get_runtime(app).db.session() as session:
        return session.scalar(
            select(InboundMessage.answers_outbox_id).order_by(InboundMessage.id.desc()).limit(1)
        )


@pytest.mark.parametrize(
    ("body", "lang"),
    [
        ("thanks these texts actually help", EN),
        ("thank you these help", EN),
        ("They really do help, thank you", EN),
        ("thanks for the help", EN),
        ("gracias, esto ayuda mucho", ES),
        ("gracias esto me ayuda", ES),
    ],
)
def test_thanks_that_says_help_is_an_answer_to_the_nudge_not_a_help_request(
    twilio: SignedClient, app: Any, clock: FrozenClock, body: str, lang: str
) -> None:
    active_in(twilio, lang)
    outbox_id = asked_a_question(app, clock, lang)
    [(reply_lang, key)] = say(twilio, ANNA_ATLANTA, body)
    assert reply_lang == lang and key.startswith("answer_thanks"), key
    assert answered_outbox(app) == outbox_id


@pytest.mark.parametrize(
    ("body", "key"),
    [
        ("help", (EN, "help")),
        ("help me", (EN, "help")),
        ("I need help", (EN, "help")),
        ("what is this? help", (EN, "help")),
        ("these help but I need help now", (EN, "help")),
        ("can you help me", (EN, "help")),
        ("necesito ayuda", (ES, "help")),
        ("ayuda por favor", (ES, "help")),
    ],
)
def test_help_asked_for_still_gets_the_help_reply_even_after_a_question(
    twilio: SignedClient, app: Any, clock: FrozenClock, body: str, key: tuple[str, str]
) -> None:
    active(twilio)
    asked_a_question(app, clock, EN)
    assert say(twilio, ANNA_ATLANTA, body) == [key]


# --- 4. a casual yes at the consent prompt -------------------------------------------


@pytest.mark.parametrize(
    "yes",
    ["sure why not", "why not", "sure, why not", "Why not!", "ok sure", "sounds good",
     "ok sounds good", "Sounds great"],
)  # fmt: skip
def test_a_casual_yes_at_the_prompt_confirms(twilio: SignedClient, app: Any, yes: str) -> None:
    assert say(twilio, ANNA_ATLANTA, "JOIN") == [(EN, "consent_prompt")]
    assert say(twilio, ANNA_ATLANTA, yes) == WELCOME
    assert state(app) == "active"
    assert consent_texts(app) == [yes]


@pytest.mark.parametrize("yes", ["por qué no", "claro, por qué no", "me parece bien"])
def test_a_casual_spanish_yes_at_the_prompt_confirms_in_spanish(
    twilio: SignedClient, app: Any, yes: str
) -> None:
    assert say(twilio, ANNA_ATLANTA, "HOLA") == [(ES, "consent_prompt")]
    assert say(twilio, ANNA_ATLANTA, yes) == WELCOME_ES
    assert state(app) == "active"


@pytest.mark.parametrize("casual", ["sure why not", "why not", "sounds good", "por qué no"])
def test_a_casual_yes_anywhere_but_the_prompt_confirms_nothing(
    twilio: SignedClient, app: Any, casual: str
) -> None:
    active(twilio)
    assert say(twilio, ANNA_ATLANTA, "STOP") == [(EN, "stop_confirm")]
    say(twilio, ANNA_ATLANTA, casual)
    assert state(app) == "stopped"
    [(_, key)] = say(twilio, ANNA_ATLANTA, casual)
    assert key == "not_subscribed_stopped"


@pytest.mark.parametrize("casual", ["why not", "sounds good"])
def test_a_casual_yes_from_a_number_we_never_asked_creates_no_sign_up(
    twilio: SignedClient, app: Any, casual: str
) -> None:
    assert say(twilio, ANNA_ATLANTA, casual) == [(EN, "not_subscribed")]
    assert subscriber(app, ANNA_ATLANTA) is None
