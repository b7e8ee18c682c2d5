"""A Spanish-speaking parent through the signed webhook, the simulator, `nudges
sms`, and a clinician's Spanish invitation (form, `enroll --language es`, CSV):
every reply is matched against the system texts to prove which key and which
language it is."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from messages import load_library
from nudges.cli import main
from nudges.db.models import Outbox, Subscriber
from nudges.runtime import Runtime
from nudges.services.clinicians import create_clinician
from nudges.web import get_runtime
from tests.conftest import ANNA_ATLANTA, CARLOS_CHICAGO, PAT_PORTLAND, SignedClient
from tests.web.test_clinician_pages import LEE, Clinic
from tests.web.test_inbound_conversation import replies, subscriber

PROGRAM, SUPPORT = "GoodEnough", "help@goodenough.example"


@cache
def _patterns() -> list[tuple[str, str, re.Pattern[str]]]:
    """Every system text as a pattern: its fields may hold anything."""
    found = []
    for lang, texts in load_library().system.items():
        for key, template in texts.items():
            filled = template.replace("{program}", PROGRAM).replace("{support}", SUPPORT)
            pattern = re.sub(r"\\\{[a-z_]+\\\}", ".+?", re.escape(filled))
            found.append((lang, key, re.compile(pattern, re.S)))
    return found


def which(text: str) -> tuple[str, str]:
    """(lang, key) of a reply; it must match exactly one language."""
    matches = {(lang, key) for lang, key, pattern in _patterns() if pattern.fullmatch(text)}
    assert matches, f"not a system text: {text!r}"
    langs = {lang for lang, _ in matches}
    assert len(langs) == 1, (text, matches)
    return min(matches)


def say(twilio: SignedClient, phone: str, body: str) -> list[tuple[str, str]]:
    return [which(text) for text in replies(twilio.text(phone, body))]


ES = "es"
# (what the parent texts, the keys of the replies); every reply must be Spanish.
CONVERSATIONS: dict[str, list[tuple[str, list[str]]]] = {
    "join by HOLA": [
        ("HOLA", ["consent_prompt"]),
        ("SI", ["welcome", "track_menu"]),
        ("2", ["track_set"]),
    ],
    "join by a sentence, SI with the accent": [
        ("Hola, quiero unirme", ["consent_prompt"]),
        ("Sí", ["welcome", "track_menu"]),
    ],
    "join by a sentence, si in lower case": [
        ("quiero recibir los mensajes", ["consent_prompt"]),
        ("si", ["welcome", "track_menu"]),
    ],
    "every Spanish keyword": [
        ("UNIRME", ["consent_prompt"]),
        ("SÍ", ["welcome", "track_menu"]),
        ("HORA 7pm", ["time_set"]),
        ("HORA 19:00", ["time_set"]),
        ("PAUSA 3", ["paused"]),
        ("HORA 6pm", ["time_set", "still_paused"]),
        ("REANUDAR", ["resumed"]),
        ("PAUSA", ["paused_indefinitely"]),
        ("REANUDAR", ["resumed"]),
        ("TEMA", ["track_menu"]),
        ("TEMA 1", ["track_set"]),
        ("MENÚ", ["menu"]),
        ("DIARIO", ["frequency_set"]),
        ("SEMANAL", ["frequency_set"]),
        ("ZONA Centro", ["zone_set"]),
        ("AYUDA", ["help"]),
        ("HELP", ["help"]),
        ("PARAR", ["stop_confirm"]),
    ],
    "crisis, in Spanish and in English": [
        ("HOLA", ["consent_prompt"]),
        ("SI", ["welcome", "track_menu"]),
        ("ya no quiero vivir, tengo un plan", ["crisis"]),
        ("REANUDAR", ["resumed"]),
        ("I want to kill myself tonight", ["crisis"]),
    ],
}


@pytest.mark.parametrize("name", list(CONVERSATIONS))
def test_a_spanish_conversation_is_answered_in_spanish(
    name: str, twilio: SignedClient, app: Any
) -> None:
    for body, keys in CONVERSATIONS[name]:
        got = say(twilio, ANNA_ATLANTA, body)
        assert got == [(ES, key) for key in keys], (name, body)
    sub = subscriber(app, ANNA_ATLANTA)
    assert sub is not None and sub.lang == "es"


def test_switching_both_ways_replies_in_the_new_language(twilio: SignedClient, app: Any) -> None:
    assert say(twilio, ANNA_ATLANTA, "JOIN") == [("en", "consent_prompt")]
    assert say(twilio, ANNA_ATLANTA, "YES") == [("en", "welcome"), ("en", "track_menu")]
    assert say(twilio, ANNA_ATLANTA, "ESPAÑOL") == [("es", "language_set")]
    assert subscriber(app, ANNA_ATLANTA).lang == "es"  # type: ignore[union-attr]
    assert say(twilio, ANNA_ATLANTA, "TIME 10am") == [("es", "time_set")]
    assert say(twilio, ANNA_ATLANTA, "INGLÉS") == [("en", "language_set")]
    assert subscriber(app, ANNA_ATLANTA).lang == "en"  # type: ignore[union-attr]
    assert say(twilio, ANNA_ATLANTA, "HORA 11am") == [("en", "time_set")]
    assert say(twilio, ANNA_ATLANTA, "espanol") == [("es", "language_set")]
    assert say(twilio, ANNA_ATLANTA, "ENGLISH") == [("en", "language_set")]


def test_a_spanish_message_from_an_english_parent_gets_crisis_and_help_in_spanish(
    twilio: SignedClient, app: Any
) -> None:
    say(twilio, ANNA_ATLANTA, "JOIN")
    say(twilio, ANNA_ATLANTA, "YES")
    assert say(twilio, ANNA_ATLANTA, "AYUDA") == [("es", "help")]
    assert say(twilio, ANNA_ATLANTA, "me quiero matar") == [("es", "crisis")]
    assert say(twilio, ANNA_ATLANTA, "HELP") == [("en", "help")]
    assert subscriber(app, ANNA_ATLANTA).lang == "en"  # type: ignore[union-attr]


# Texts that walk the conversation's replies for a Spanish parent (with the key
# each must get), so every reply the service sends them is seen to be Spanish.
WALK = [
    ("HOLA", ["consent_prompt"]),
    ("HORA 7pm", ["time_set", "starts_after_yes"]),
    ("PAUSA", ["consent_prompt"]),
    ("SI", ["welcome", "track_menu"]),
    ("3", ["track_set"]),
    ("2", ["number_unclear"]),
    ("HOLA", ["already_active"]),
    ("SI", ["already_on"]),
    ("REANUDAR", ["already_on"]),
    ("HORA 11pm", ["time_moved"]),
    ("HORA 7:45pm", ["time_margin"]),
    ("HORA 99", ["time_unknown"]),
    ("ZONA Pacifico", ["zone_set"]),
    ("ZONA Marte", ["zone_unknown"]),
    ("ZONA Europe/Madrid", ["zone_outside"]),
    ("ZONA Este", ["zone_set"]),
    ("DIARIO", ["frequency_set"]),
    ("MENU", ["menu"]),
    ("PAUSA 0", ["pause_range"]),
    ("TEMA", ["track_menu"]),
    ("TEMA 5", ["track_unknown"]),
    ("TEMA culpa", ["track_set"]),
    ("qué bonito día", ["unrecognised"]),
    ("stop for a week", ["opt_out_question"]),
    ("PAUSA 7", ["paused"]),
    ("REANUDAR", ["resumed"]),
    ("estoy cansada de todo, soy una carga para todos", ["concern"]),
    ("le voy a pegar a mi hijo, no me controlo", ["crisis_child"]),
    ("mi esposo me golpea y me amenaza con matarme", ["crisis_violence"]),
    ("REANUDAR", ["resumed"]),
    ("AYUDA", ["help"]),
    ("ENGLISH", ["language_set"]),
    ("ESPAÑOL", ["language_set"]),
    ("STOP", ["stop_confirm"]),
    ("HORA 7pm", ["not_subscribed_stopped"]),
    ("START", ["rejoined"]),
]


def test_every_reply_to_a_spanish_parent_is_spanish(twilio: SignedClient, app: Any) -> None:
    seen: set[str] = set()
    for body, keys in WALK:
        got = say(twilio, PAT_PORTLAND, body)
        if body == "ENGLISH":
            assert got == [("en", "language_set")]
            continue
        assert [key for _, key in got] == keys, body
        assert {lang for lang, _ in got} == {ES}, (body, got)
        seen.update(keys)
    # Every Spanish system text is walked here or sent in another test of this file;
    # a key added later must join one of them (or this list says why not).
    elsewhere = {
        "crisis", "paused_indefinitely", "still_paused", "not_subscribed", "not_in_area",
        "invitation",
        "clinician_alert",  # to the clinician, in English
        # Numbers outside the US and Canada (the next test sends each):
        "crisis_outside", "help_outside", "stop_confirm_outside",
        "expired",  # kept for a pending sign-up that expired; not sent today
        "no_window",  # needs a narrow SEND_WINDOW: tests/domain/test_spanish_conversation.py
        # A crisis from a number that gets no texts: tests/domain/test_conversation.py
        "crisis_no_texts", "crisis_violence_no_texts", "crisis_child_no_texts",
        # Answers to a nudge's question, concern lines that fit, a named inviter:
        # tests/services/test_replies.py and tests/web/test_replies_pages.py.
        "answer_thanks", "answer_thanks_2", "answer_thanks_3",
        "concern_child", "concern_violence", "invitation_from",
        # The weekly check-in: tests/domain/test_checkin.py, tests/scheduler/test_weekly_checkin.py.
        "checkin_question", "checkin_thanks", "checkin_thanks_glad", "checkin_low",
        "checkins_off", "checkins_on",
        "checkin_changed", "checkin_changed_low",  # a second digit soon after the answer
        # A clinician's change, texted through the outbox: tests/web/test_clinician_states.py
        "clinician_changed_time", "clinician_changed_focus", "clinician_changed_both",
        "clinician_changed_language",  # tests/web/test_client_language.py
        # A switch of focus after nudges have come (the walk sends none):
        # tests/domain/test_spanish_conversation.py, tests/web/test_inbound_conversation.py.
        "track_switched",
    }  # fmt: skip
    assert set(load_library().system["es"]) - seen == elsewhere


def test_a_newcomer_writing_spanish_is_told_how_to_start_in_spanish(twilio: SignedClient) -> None:
    assert say(twilio, CARLOS_CHICAGO, "¿qué es esto? no entiendo") == [(ES, "not_subscribed")]
    assert say(twilio, CARLOS_CHICAGO, "AYUDA") == [(ES, "help")]
    assert say(twilio, "+442071838750", "HOLA") == [(ES, "not_in_area")]
    assert say(twilio, "+442071838750", "AYUDA") == [(ES, "help_outside")]
    assert say(twilio, "+442071838750", "quiero morir") == [(ES, "crisis_outside")]
    assert say(twilio, "+442071838750", "PARAR") == [(ES, "stop_confirm_outside")]


def test_help_from_a_spanish_parent_is_spanish_even_in_english(
    twilio: SignedClient, app: Any
) -> None:
    say(twilio, ANNA_ATLANTA, "HOLA")
    assert say(twilio, ANNA_ATLANTA, "HELP") == [(ES, "help")]
    assert say(twilio, ANNA_ATLANTA, "info") == [(ES, "help")]


def test_the_simulator_speaks_spanish(app: Any) -> None:
    client = app.test_client()
    client.post("/dev/phone", data={"phone": "(404) 555-0123", "body": "HOLA"})
    client.post("/dev/phone", data={"phone": "(404) 555-0123", "body": "SÍ"})
    page = client.get("/dev/phone").data.decode()
    assert "Responde SI para empezar" in page
    assert "Te damos la bienvenida" in page


def test_nudges_sms_speaks_spanish(database_url: str) -> None:
    env = {"DATABASE_URL": database_url, "SMS_TRANSPORT": "console", "SECRET_KEY": "k"}
    runner = CliRunner()
    joined = runner.invoke(main, ["sms", "(602) 555-0111", "hola, quiero unirme"], env=env)
    assert joined.exit_code == 0 and "Responde SI para empezar" in joined.output
    welcome = runner.invoke(main, ["sms", "602-555-0111", "SI"], env=env)
    assert "hacia las 12:00pm (hora de Arizona)" in welcome.output
    timed = runner.invoke(main, ["sms", "602-555-0111", "HORA 19:00"], env=env)
    assert "las 7:00pm (hora de Arizona)" in timed.output


# --- A clinician's Spanish invitation ------------------------------------------------


def _invitation(runtime: Runtime, phone: str) -> tuple[str, Subscriber]:
    with runtime.db.session() as session:
        sub = session.scalar(select(Subscriber).where(Subscriber.phone == phone))
        assert sub is not None
        body = session.scalar(
            select(Outbox.body).where(Outbox.subscriber_id == sub.id, Outbox.kind == "invitation")
        )
        assert body is not None
        session.expunge(sub)
        return body, sub


@pytest.mark.slow  # a clinician account (scrypt)
def test_a_clinician_invites_in_spanish_through_the_form(twilio: SignedClient, app: Any) -> None:
    runtime = get_runtime(app)
    create_clinician(runtime, *LEE, name="Dr Lee")
    clinic = Clinic(app)
    clinic.login(*LEE)
    form = clinic.client.get("/clinician/clients/new").data.decode()
    assert 'name="language"' in form and "Spanish" in form
    response = clinic.invite("(404) 555-0123", language="es")
    assert response.status_code == 302, response.data
    body, sub = _invitation(runtime, ANNA_ATLANTA)
    assert which(body) == (ES, "invitation") and sub.lang == "es"
    # The parent answers in English all the same: their texts stay Spanish.
    assert say(twilio, ANNA_ATLANTA, "YES") == [(ES, "welcome"), (ES, "track_menu")]
    english = clinic.invite("(312) 555-0188")
    assert english.status_code == 302
    body, sub = _invitation(runtime, CARLOS_CHICAGO)
    assert which(body) == ("en", "invitation") and sub.lang == "en"
    refused = clinic.invite("(503) 555-0142", language="fr")
    assert refused.status_code == 400


@pytest.mark.slow  # a clinician account (scrypt)
def test_a_clinician_invites_in_spanish_from_the_command_line_and_a_csv(
    app: Any, database_url: str, tmp_path: Path
) -> None:
    runtime = get_runtime(app)
    create_clinician(runtime, *LEE)
    env = {"DATABASE_URL": database_url, "SMS_TRANSPORT": "console", "SECRET_KEY": "k"}
    runner = CliRunner()
    one = runner.invoke(
        main, ["enroll", "404-555-0123", "--clinician", LEE[0], "--language", "es"], env=env
    )
    assert one.exit_code == 0, one.output
    body, sub = _invitation(runtime, ANNA_ATLANTA)
    assert which(body) == (ES, "invitation") and sub.lang == "es"
    bad = runner.invoke(
        main, ["enroll", "404-555-0124", "--clinician", LEE[0], "--language", "fr"], env=env
    )
    assert bad.exit_code == 2

    clients = tmp_path / "clients.csv"
    clients.write_text(
        "phone,alias,language\n(312) 555-0188,C,español\n(503) 555-0142,P,\n(602) 555-0111,A,es\n"
    )
    listed = runner.invoke(main, ["enroll", "--csv", str(clients), "--clinician", LEE[0]], env=env)
    assert listed.exit_code == 0 and "invited 3" in listed.output, listed.output
    for phone, lang in ((CARLOS_CHICAGO, "es"), (PAT_PORTLAND, "en"), ("+16025550111", "es")):
        body, sub = _invitation(runtime, phone)
        assert which(body) == (lang, "invitation") and sub.lang == lang, phone

    unknown = tmp_path / "unknown.csv"
    unknown.write_text("phone,language\n(404) 555-0199,klingon\n")
    refused = runner.invoke(main, ["enroll", "--csv", str(unknown), "--clinician", LEE[0]], env=env)
    assert refused.exit_code == 1 and "row 2" in refused.output and "language" in refused.output


def test_spanish_help_names_sin_preguntas_as_english_help_names_checkin_off(
    twilio: SignedClient, app: Any
) -> None:
    """A tester's Spanish HELP left out how to turn off the weekly question."""
    say(twilio, ANNA_ATLANTA, "HOLA")
    say(twilio, ANNA_ATLANTA, "SI")
    [ayuda] = replies(twilio.text(ANNA_ATLANTA, "AYUDA"))
    [help_] = replies(twilio.text(ANNA_ATLANTA, "HELP"))  # from a Spanish-speaking parent
    for reply in (ayuda, help_):
        assert which(reply) == (ES, "help")
        assert "SIN PREGUNTAS" in reply and "Llama al 988 y marca 2" in reply
    say(twilio, CARLOS_CHICAGO, "JOIN")
    say(twilio, CARLOS_CHICAGO, "YES")
    [english] = replies(twilio.text(CARLOS_CHICAGO, "HELP"))
    assert "CHECKIN OFF" in english
    # and the keyword it names does what HELP says
    assert say(twilio, ANNA_ATLANTA, "SIN PREGUNTAS") == [(ES, "checkins_off")]
