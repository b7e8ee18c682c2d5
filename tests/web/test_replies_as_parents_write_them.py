"""Replies a worn-out parent writes in their own spelling, through the signed
webhook, as black-box testers sent them.

- Consent at the "Reply YES" prompt: "Yess", "yea sure", "ok", a thumbs-up
  (any skin tone) confirm; "ya" after an English JOIN is the English "yeah".
  Consent stays explicit: a bare "s", an emoji that is not a yes, or an "ok" /
  thumbs-up to anything but the prompt (a stop confirmation) confirms nothing.
- Keywords misspelt the usual ways (repeated, spaced or dotted letters, digits
  for letters, one swap in a long keyword), never an ordinary word.
- Politeness around a command: "time 7:30PM please", "gracias, PAUSA 3".
- TRACK 5 says which tracks there are; a stopped number is told the keyword
  that rejoins it (the one the stop confirmation named); RESUME or START from
  a parent already getting texts says so and changes nothing.
"""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from nudges.db.models import AuditEvent, ConsentEvent
from nudges.web import get_runtime
from tests.conftest import ANNA_ATLANTA, SignedClient
from tests.web.test_inbound_conversation import replies, subscriber
from tests.web.test_spanish_conversation import say

EN, ES = "en", "es"
WELCOME = [(EN, "welcome"), (EN, "track_menu")]
WELCOME_ES = [(ES, "welcome"), (ES, "track_menu")]


def consent_texts(app: Any) -> list[str | None]:
    with get_runtime(app).db.session() as session:
        rows = session.scalars(
            select(ConsentEvent.consent_text)
            .where(ConsentEvent.to_state == "active")
            .order_by(ConsentEvent.id)
        )
        return list(rows)


def active(twilio: SignedClient, phone: str = ANNA_ATLANTA) -> None:
    assert say(twilio, phone, "JOIN") == [(EN, "consent_prompt")]
    assert say(twilio, phone, "YES") == WELCOME


def state(app: Any, phone: str = ANNA_ATLANTA) -> str | None:
    sub = subscriber(app, phone)
    return None if sub is None else sub.state


# --- 1. consent at the prompt ------------------------------------------------------


@pytest.mark.parametrize(
    "yes",
    ["Yess", "yes!!", "yes please", "yeah", "yea sure", "yep", "yup", "sure", "ok", "okay",
     "ok!", "OK", "Okay!!", "ok thanks", "👍", "👍🏽", "👍🏿", "👍 👍", "Yesss!", "YEAHHH",
     "yes, of course yes"],
)  # fmt: skip
def test_an_affirmative_at_the_english_prompt_confirms_and_is_the_consent_record(
    twilio: SignedClient, app: Any, yes: str
) -> None:
    assert say(twilio, ANNA_ATLANTA, "JOIN") == [(EN, "consent_prompt")]
    assert say(twilio, ANNA_ATLANTA, yes) == WELCOME
    sub = subscriber(app, ANNA_ATLANTA)
    assert sub is not None and sub.state == "active" and sub.lang == EN
    assert consent_texts(app) == [yes]  # what the parent wrote, as written


@pytest.mark.parametrize(
    "yes",
    ["si", "sí", "Sí!", "claro", "dale", "va", "ya", "siii", "👍", "sí, claro que sí",
     "sí quiero unirme", "Si, me uno", "claro que sí, gracias"],
)  # fmt: skip
def test_an_affirmative_at_the_spanish_prompt_confirms_in_spanish(
    twilio: SignedClient, app: Any, yes: str
) -> None:
    assert say(twilio, ANNA_ATLANTA, "HOLA") == [(ES, "consent_prompt")]
    assert say(twilio, ANNA_ATLANTA, yes) == WELCOME_ES
    sub = subscriber(app, ANNA_ATLANTA)
    assert sub is not None and sub.state == "active" and sub.lang == ES


@pytest.mark.parametrize("yes", ["ya", "Ya!", "YA"])
def test_ya_after_an_english_join_is_the_english_yeah(
    twilio: SignedClient, app: Any, yes: str
) -> None:
    assert say(twilio, ANNA_ATLANTA, "JOIN") == [(EN, "consent_prompt")]
    assert say(twilio, ANNA_ATLANTA, yes) == WELCOME
    sub = subscriber(app, ANNA_ATLANTA)
    assert sub is not None and sub.lang == EN
    assert say(twilio, ANNA_ATLANTA, "MENU") == [(EN, "menu")]


def test_a_spanish_sentence_of_yes_after_an_english_join_confirms_in_spanish(
    twilio: SignedClient, app: Any
) -> None:
    assert say(twilio, ANNA_ATLANTA, "JOIN") == [(EN, "consent_prompt")]
    assert say(twilio, ANNA_ATLANTA, "sí, claro que sí") == WELCOME_ES


@pytest.mark.parametrize(
    "unclear",
    [
        "s",
        "S",
        "k",
        "maybe",
        "what is this",
        "🙂",
        "👎",
        "👌",
        "ok what is this",
        "yes no",
        "yes but not now",
        "si pero no se",
        "claro que no",
        "ok?",
        "ok...",
        "ok…",
        "ok sorry",
        "ok just",
    ],
)
def test_what_is_not_an_affirmative_does_not_confirm(
    twilio: SignedClient, app: Any, unclear: str
) -> None:
    assert say(twilio, ANNA_ATLANTA, "JOIN") == [(EN, "consent_prompt")]
    say(twilio, ANNA_ATLANTA, unclear)
    assert state(app) == "pending"
    assert consent_texts(app) == []


@pytest.mark.parametrize("ack", ["ok", "👍", "👍🏽", "okay thanks", "yeah", "sure", "yep", "claro"])
def test_an_ok_after_a_stop_acknowledges_it_and_does_not_rejoin(
    twilio: SignedClient, app: Any, ack: str
) -> None:
    active(twilio)
    assert say(twilio, ANNA_ATLANTA, "STOP") == [(EN, "stop_confirm")]
    say(twilio, ANNA_ATLANTA, ack)
    assert state(app) == "stopped"


@pytest.mark.parametrize("opt_in", ["START", "yes", "Unstop", "Yes please", "Sí"])
def test_the_opt_in_words_the_stop_confirmation_names_rejoin(
    twilio: SignedClient, app: Any, opt_in: str
) -> None:
    active(twilio)
    assert say(twilio, ANNA_ATLANTA, "STOP") == [(EN, "stop_confirm")]
    say(twilio, ANNA_ATLANTA, opt_in)
    assert state(app) == "active"


@pytest.mark.parametrize("ack", ["ok", "👍"])
def test_an_ok_from_a_number_we_never_asked_creates_no_sign_up(
    twilio: SignedClient, app: Any, ack: str
) -> None:
    assert say(twilio, ANNA_ATLANTA, ack) == [(EN, "not_subscribed")]
    assert subscriber(app, ANNA_ATLANTA) is None


# --- 2. keywords misspelt the usual ways ---------------------------------------------


@pytest.mark.parametrize(
    "stop", ["stopp", "STOPPP", "S T O P", "s.t.o.p", "S.T.O.P.", "S-T-O-P", "St0p", "ST0P",
             "cancle", "Cancle please"],
)  # fmt: skip
def test_a_misspelt_stop_stops(twilio: SignedClient, app: Any, stop: str) -> None:
    active(twilio)
    assert say(twilio, ANNA_ATLANTA, stop) == [(EN, "stop_confirm")]
    assert state(app) == "stopped"


@pytest.mark.parametrize(
    ("body", "key"),
    [
        ("helpp", (EN, "help")),
        ("H3LP", (EN, "help")),
        ("H E L P", (EN, "help")),
        ("ayudaa", (ES, "help")),
        ("pausee", (EN, "paused_indefinitely")),
        ("pasue", (EN, "paused_indefinitely")),
        ("puase", (EN, "paused_indefinitely")),
        ("P4USE", (EN, "paused_indefinitely")),
        ("pausaa", (EN, "paused_indefinitely")),
        ("menuu", (EN, "menu")),
        ("dialy", (EN, "frequency_set")),
    ],
)
def test_a_misspelt_keyword_does_what_the_keyword_does(
    twilio: SignedClient, app: Any, body: str, key: tuple[str, str]
) -> None:
    active(twilio)
    assert say(twilio, ANNA_ATLANTA, body) == [key]


@pytest.mark.parametrize(
    "word", ["step", "shop", "hello", "stoop", "pasta", "pase", "Step", "spot", "post", "tops",
             "pause.", "helper", "paused", "stopped", "clama", "parra"],
)  # fmt: skip
def test_an_ordinary_word_stays_an_ordinary_word(twilio: SignedClient, app: Any, word: str) -> None:
    active(twilio)
    got = say(twilio, ANNA_ATLANTA, word)
    if word == "pause.":  # the keyword itself, for contrast
        assert got == [(EN, "paused_indefinitely")]
        return
    assert got == [(EN, "unrecognised")], word
    assert state(app) == "active"


@pytest.mark.parametrize("stop", ["S T O P", "St0p", "stopp"])
def test_a_misspelt_stop_with_a_crisis_is_answered_as_the_keyword_would_be(
    twilio: SignedClient, app: Any, stop: str
) -> None:
    """The crisis screen reads what follows a misspelt STOP as it reads what
    follows STOP: the same replies, and the number stopped."""
    active(twilio)
    expected = say(twilio, ANNA_ATLANTA, "STOP. I want to die")
    assert expected[0][1] == "crisis_no_texts" and state(app) == "stopped"
    twilio.text(ANNA_ATLANTA, "START")
    assert say(twilio, ANNA_ATLANTA, f"{stop}. I want to die") == expected
    assert state(app) == "stopped"


@pytest.mark.parametrize("body", ["s.t.o.p", "S T O P please", "H.E.L.P", "pasue"])
def test_a_misspelt_keyword_alone_is_not_read_as_risk(
    twilio: SignedClient, app: Any, body: str
) -> None:
    active(twilio)
    got = say(twilio, ANNA_ATLANTA, body)
    assert not any(key.startswith(("crisis", "concern")) for _, key in got), got


# --- 3. politeness around a command ---------------------------------------------------


@pytest.mark.parametrize(
    ("body", "key", "words"),
    [
        ("time 7:30PM please", (EN, "time_set"), "7:30pm"),
        ("TIME 7:30 pm pls", (EN, "time_set"), "7:30pm"),
        ("please TIME 7pm", (EN, "time_set"), "7:00pm"),
        ("ok, time 10am thanks", (EN, "time_set"), "10:00am"),
        ("Track 2 please", (EN, "track_set"), "parent guilt"),
        ("track 3 thank you", (EN, "track_set"), "juggling work and family"),
        ("pause 3 days please", (EN, "paused"), "paused until"),
        ("hora 7pm por favor", (ES, "time_set"), "las 7:00pm"),
        ("HORA 7:30 pm porfa", (ES, "time_set"), "las 7:30pm"),
        ("tema 2 por favor", (ES, "track_set"), "la culpa"),
        ("gracias, PAUSA 3", (ES, "paused"), "en pausa hasta"),
        ("pausa 3 dias por favor", (ES, "paused"), "en pausa hasta"),
    ],
)
def test_a_polite_command_works_like_the_bare_command(
    twilio: SignedClient, app: Any, body: str, key: tuple[str, str], words: str
) -> None:
    active(twilio)
    if key[0] == ES:
        assert say(twilio, ANNA_ATLANTA, "ESPAÑOL") == [(ES, "language_set")]
    [reply] = replies(twilio.text(ANNA_ATLANTA, body))
    assert say_key(reply) == key
    assert words in reply


def test_a_polite_pause_pauses_for_the_days_asked(twilio: SignedClient, app: Any) -> None:
    active(twilio)
    # An English parent's replies stay English, whatever words the command came in.
    assert say(twilio, ANNA_ATLANTA, "gracias, PAUSA 3") == [(EN, "paused")]
    sub = subscriber(app, ANNA_ATLANTA)
    assert sub is not None and sub.state == "paused" and sub.paused_until is not None


# --- 4. a track that does not exist --------------------------------------------------


@pytest.mark.parametrize("body", ["track 5", "TRACK 0", "track 4 please", "focus cooking"])
def test_a_track_that_does_not_exist_names_the_tracks_there_are(
    twilio: SignedClient, app: Any, body: str
) -> None:
    active(twilio)
    say(twilio, ANNA_ATLANTA, "1")
    sub = subscriber(app, ANNA_ATLANTA)
    assert sub is not None and sub.track == "perfectionism"
    [reply] = replies(twilio.text(ANNA_ATLANTA, body))
    assert say_key(reply) == (EN, "track_unknown")
    for name in ("1 for trying to be a perfect parent", "2 for parent guilt", "3 for juggling"):
        assert name in reply
    sub = subscriber(app, ANNA_ATLANTA)
    assert sub is not None and sub.track == "perfectionism"  # unchanged
    # The choice is open: a bare number now picks.
    assert say(twilio, ANNA_ATLANTA, "2") == [(EN, "track_set")]


def test_tema_5_names_the_spanish_tracks(twilio: SignedClient, app: Any) -> None:
    assert say(twilio, ANNA_ATLANTA, "HOLA") == [(ES, "consent_prompt")]
    assert say(twilio, ANNA_ATLANTA, "SI") == WELCOME_ES
    assert say(twilio, ANNA_ATLANTA, "tema 5") == [(ES, "track_unknown")]
    assert say(twilio, ANNA_ATLANTA, "3") == [(ES, "track_set")]


def say_key(reply: str) -> tuple[str, str]:
    from tests.web.test_spanish_conversation import which

    return which(reply)


# --- 5. a stopped number is told what rejoins it --------------------------------------


@pytest.mark.parametrize("body", ["TIME 7pm", "PAUSE", "TRACK", "RESUME", "what now?", "MENU"])
def test_a_stopped_number_is_told_the_keyword_that_rejoins_it(
    twilio: SignedClient, app: Any, body: str
) -> None:
    active(twilio)
    [confirmation] = replies(twilio.text(ANNA_ATLANTA, "STOP"))
    assert "Reply START to rejoin" in confirmation
    [reply] = replies(twilio.text(ANNA_ATLANTA, body))
    assert say_key(reply) == (EN, "not_subscribed_stopped")
    assert "Reply START to rejoin" in reply and "JOIN" not in reply
    assert state(app) == "stopped"
    # And START does what both said, at once.
    assert say(twilio, ANNA_ATLANTA, "START") == [(EN, "rejoined")]
    assert state(app) == "active"


def test_a_stopped_spanish_number_is_told_start_in_spanish(twilio: SignedClient, app: Any) -> None:
    assert say(twilio, ANNA_ATLANTA, "HOLA") == [(ES, "consent_prompt")]
    assert say(twilio, ANNA_ATLANTA, "SI") == WELCOME_ES
    [confirmation] = replies(twilio.text(ANNA_ATLANTA, "PARAR"))
    assert "Responde START para volver" in confirmation
    [reply] = replies(twilio.text(ANNA_ATLANTA, "HORA 7pm"))
    assert say_key(reply) == (ES, "not_subscribed_stopped")
    assert "Responde START para volver" in reply
    assert say(twilio, ANNA_ATLANTA, "START") == [(ES, "rejoined")]


def test_a_number_we_never_texted_is_still_told_join(twilio: SignedClient, app: Any) -> None:
    [reply] = replies(twilio.text(ANNA_ATLANTA, "TIME 7pm"))
    assert say_key(reply) == (EN, "not_subscribed") and "Text JOIN" in reply


# --- 6. RESUME or START from a parent already getting texts ---------------------------


def _trail(app: Any) -> tuple[int, int]:
    with get_runtime(app).db.session() as session:
        consents = session.scalar(select(func.count()).select_from(ConsentEvent)) or 0
        audits = session.scalar(select(func.count()).select_from(AuditEvent)) or 0
    return int(consents), int(audits)


@pytest.mark.parametrize("body", ["RESUME", "resume please", "START", "restart", "start again"])
def test_resume_from_an_active_parent_says_texts_are_already_coming(
    twilio: SignedClient, app: Any, body: str
) -> None:
    active(twilio)
    before = subscriber(app, ANNA_ATLANTA)
    assert before is not None
    trail = _trail(app)
    [reply] = replies(twilio.text(ANNA_ATLANTA, body))
    assert say_key(reply) == (EN, "already_on")
    assert "welcome back" not in reply.lower()
    assert "already" in reply and "12:00pm Eastern" in reply
    after = subscriber(app, ANNA_ATLANTA)
    assert after is not None and after.state == "active"
    assert after.next_send_at == before.next_send_at
    assert _trail(app) == trail  # no consent event, no audit event


def test_reanudar_from_an_active_spanish_parent_says_so_in_spanish(
    twilio: SignedClient, app: Any
) -> None:
    assert say(twilio, ANNA_ATLANTA, "HOLA") == [(ES, "consent_prompt")]
    assert say(twilio, ANNA_ATLANTA, "SI") == WELCOME_ES
    [reply] = replies(twilio.text(ANNA_ATLANTA, "REANUDAR"))
    assert say_key(reply) == (ES, "already_on")
    assert "las 12:00pm (hora del Este)" in reply


def test_resume_after_a_pause_still_welcomes_back(twilio: SignedClient, app: Any) -> None:
    active(twilio)
    assert say(twilio, ANNA_ATLANTA, "PAUSE") == [(EN, "paused_indefinitely")]
    assert say(twilio, ANNA_ATLANTA, "RESUME") == [(EN, "resumed")]
    assert state(app) == "active"


@pytest.mark.parametrize(
    "body", ["I want to die. \u2776", "\u2776", "\u2777 rough week", "2\u00b2", "1" * 1500]
)
def test_odd_digits_never_stop_the_reply(twilio: SignedClient, body: str) -> None:
    # Circled or superscript digits pass str.isdigit() but not int(): a review
    # found "I want to die. ❶" answered with a 500 and no crisis reply.
    response = twilio.text(ANNA_ATLANTA, body)
    assert response.status_code == 200
    if "die" in body:
        [reply] = replies(response)
        assert "988" in reply and "741741" in reply
