"""The parent's language in the pure conversation rules: which text chooses it,
which language each reply goes in, and the fields a Spanish reply says in Spanish."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest

from nudges.domain.consent import State
from nudges.domain.conversation import Rules, Subscription, decide
from nudges.domain.keywords import Kind, interpret
from nudges.domain.language import (
    ZONE_LABELS_ES,
    asks_to_join_in_spanish,
    date_es,
    time_es,
    zone_label_es,
)
from nudges.domain.preferences import ZONE_LABELS
from nudges.domain.subscriber import KEEP

NOW = datetime(2026, 11, 23, 20, 0, tzinfo=UTC)  # Monday 3pm in Atlanta
RULES = Rules(window=(time(9), time(20)))
ANNA = "+14045550123"


def parent(state: State, lang: str = "en", **extra: object) -> Subscription:
    return Subscription(state, "America/New_York", lang=lang, **extra)  # type: ignore[arg-type]


NEWCOMER = None
# Invited, focus not chosen: the choice is offered with the welcome.
PENDING_EN = parent(State.PENDING, track_choice_until=NOW + timedelta(days=8))
ACTIVE_EN = parent(State.ACTIVE)
ACTIVE_ES = parent(State.ACTIVE, "es")
PAUSED_ES = parent(State.PAUSED, "es")
STOPPED_EN = parent(State.STOPPED)


@pytest.mark.parametrize(
    ("who", "text", "keys", "reply_lang", "stored_lang"),
    [
        # Chosen by the first message: a Spanish join word or sentence.
        (NEWCOMER, "HOLA", ["consent_prompt"], "es", "es"),
        (NEWCOMER, "hola, quiero unirme", ["consent_prompt"], "es", "es"),
        (NEWCOMER, "quiero recibir los mensajes", ["consent_prompt"], "es", "es"),
        (NEWCOMER, "UNIRME", ["consent_prompt"], "es", "es"),
        (NEWCOMER, "ESPAÑOL", ["consent_prompt"], "es", "es"),
        (NEWCOMER, "JOIN", ["consent_prompt"], "en", "en"),
        # A newcomer writing Spanish is told in Spanish how to start.
        (NEWCOMER, "¿qué es esto?", ["not_subscribed"], "es", KEEP),
        (NEWCOMER, "what is this", ["not_subscribed"], "en", KEEP),
        # SI or SÍ to an English invitation: the welcome and the focus come in Spanish.
        (PENDING_EN, "SI", ["welcome", "track_menu"], "es", "es"),
        (PENDING_EN, "Sí", ["welcome", "track_menu"], "es", "es"),
        (PENDING_EN, "YES", ["welcome", "track_menu"], "en", KEEP),
        # A switch, both ways, any time, answered in the new language.
        (ACTIVE_EN, "ESPAÑOL", ["language_set"], "es", "es"),
        (ACTIVE_EN, "espanol", ["language_set"], "es", "es"),
        (ACTIVE_ES, "ENGLISH", ["language_set"], "en", "en"),
        (ACTIVE_ES, "INGLÉS", ["language_set"], "en", "en"),
        (PAUSED_ES, "ingles", ["language_set"], "en", "en"),
        (PENDING_EN, "ESPAÑOL", ["consent_prompt"], "es", "es"),
        (STOPPED_EN, "HOLA", ["consent_prompt"], "es", "es"),
        # A Spanish parent's replies are Spanish, whatever the keyword's language.
        (ACTIVE_ES, "HORA 7pm", ["time_set"], "es", KEEP),
        (ACTIVE_ES, "TIME 7pm", ["time_set"], "es", KEEP),
        (ACTIVE_ES, "PAUSA", ["paused_indefinitely"], "es", KEEP),
        (ACTIVE_ES, "PAUSA 7", ["paused"], "es", KEEP),
        (PAUSED_ES, "REANUDAR", ["resumed"], "es", KEEP),
        (ACTIVE_ES, "TEMA", ["track_menu"], "es", KEEP),
        (ACTIVE_ES, "TEMA 2", ["track_set"], "es", KEEP),
        (ACTIVE_ES, "MENU", ["menu"], "es", KEEP),
        (ACTIVE_ES, "DIARIO", ["frequency_set"], "es", KEEP),
        (ACTIVE_ES, "ZONA Pacifico", ["zone_set"], "es", KEEP),
        (ACTIVE_ES, "HOLA", ["already_active"], "es", KEEP),
        (ACTIVE_ES, "no sé", ["unrecognised"], "es", KEEP),
        (ACTIVE_ES, "STOP", ["stop_confirm"], "es", KEEP),
        (ACTIVE_ES, "PARAR", ["stop_confirm"], "es", KEEP),
        # An English parent's settings stay English; a Spanish stop or help is Spanish.
        (ACTIVE_EN, "PAUSA", ["paused_indefinitely"], "en", KEEP),
        (ACTIVE_EN, "SI", ["already_on"], "en", KEEP),
        (ACTIVE_EN, "PARAR", ["stop_confirm"], "es", KEEP),
        (ACTIVE_EN, "AYUDA", ["help_es"], "es", KEEP),
        # Crisis: Spanish when the parent or the message is.
        (ACTIVE_EN, "ya no quiero vivir", ["crisis"], "es", KEEP),
        (ACTIVE_ES, "I want to die", ["crisis"], "es", KEEP),
        (ACTIVE_EN, "I want to die", ["crisis"], "en", KEEP),
    ],
)
def test_the_language_of_each_reply_and_of_the_parent(
    who: Subscription | None, text: str, keys: list[str], reply_lang: str, stored_lang: object
) -> None:
    decision = decide(who, ANNA, interpret(text), RULES, NOW)
    assert [say.key for say in decision.replies] == keys
    langs = {"es" if say.key == "help_es" else say.lang for say in decision.replies}
    assert langs == {reply_lang}
    assert decision.change.lang == stored_lang


def test_a_switch_is_audited_and_changes_nothing_else() -> None:
    decision = decide(ACTIVE_EN, ANNA, interpret("ESPAÑOL"), RULES, NOW)
    assert decision.audit == (("language_changed", "es"),)
    assert decision.change.event is None and decision.change.track is KEEP


def test_only_a_parent_who_has_had_nudges_is_told_they_keep_their_place() -> None:
    """The first focus choice has no place to keep; a switch partway does."""
    for lang in ("en", "es"):
        first = decide(parent(State.ACTIVE, lang), ANNA, interpret("TRACK 2"), RULES, NOW)
        partway = parent(State.ACTIVE, lang, nudges_sent=4)
        switched = decide(partway, ANNA, interpret("TRACK 2"), RULES, NOW)
        assert [(say.key, say.lang) for say in first.replies] == [("track_set", lang)]
        assert [(say.key, say.lang) for say in switched.replies] == [("track_switched", lang)]
        assert first.change.track == switched.change.track == "guilt"


def test_a_spanish_reply_says_its_fields_in_spanish() -> None:
    [say] = decide(ACTIVE_ES, ANNA, interpret("HORA 7:30pm"), RULES, NOW).replies
    assert say.fields["time"] == "las 7:30pm (hora del Este)"
    [say] = decide(ACTIVE_ES, ANNA, interpret("PAUSA 7"), RULES, NOW).replies
    assert say.fields["until"] == "el lunes 30 de noviembre"
    [say] = decide(ACTIVE_ES, ANNA, interpret("TEMA 3"), RULES, NOW).replies
    assert say.fields["focus"] == "el trabajo y la familia a la vez"
    [say] = decide(ACTIVE_ES, ANNA, interpret("SEMANAL"), RULES, NOW).replies
    assert say.fields["frequency"] == "3 veces por semana"
    [say] = decide(ACTIVE_ES, ANNA, interpret("ZONA Centro"), RULES, NOW).replies
    assert say.fields["zone"] == "la hora del Centro"
    [say] = decide(ACTIVE_EN, ANNA, interpret("TIME 7:30pm"), RULES, NOW).replies
    assert say.fields["time"] == "7:30pm Eastern"


def test_zones_with_no_shared_hour_are_told_so_in_spanish() -> None:
    narrow = Rules(window=(time(9), time(12)))
    [say] = decide(ACTIVE_ES, ANNA, interpret("ZONA Hawai"), narrow, NOW).replies
    assert (say.key, say.lang, say.fields["zone"]) == ("no_window", "es", "la hora de Hawai")


@pytest.mark.parametrize(
    ("english", "spanish"),
    [
        ("7:30pm Eastern", "las 7:30pm (hora del Este)"),
        ("1:00pm Pacific", "la 1:00pm (hora del Pacifico)"),
        ("12:00pm", "las 12:00pm"),
        ("10:00am America/Regina", "las 10:00am (zona America/Regina)"),
        ("soon", "soon"),
    ],
)
def test_times_in_spanish(english: str, spanish: str) -> None:
    assert time_es(english) == spanish


def test_dates_in_spanish() -> None:
    assert date_es("Wed Sep 30") == "el miércoles 30 de septiembre"
    assert date_es("Sat Jan 2") == "el sabado 2 de enero"
    assert date_es("someday") == "someday"


def test_every_zone_we_name_has_a_spanish_name_that_fits_the_checked_length() -> None:
    from messages.validate import LONGEST_FIELDS_ES

    assert set(ZONE_LABELS.values()) <= set(ZONE_LABELS_ES)
    for label in ZONE_LABELS.values():
        spanish = zone_label_es(label)
        assert len(f"la {spanish}") <= len(LONGEST_FIELDS_ES["zone"]), spanish
        assert len(time_es(f"12:30pm {label}")) <= len(LONGEST_FIELDS_ES["time"]), spanish


@pytest.mark.parametrize(
    ("text", "asks"),
    [
        ("hola, quiero unirme", True),
        ("Hola! Quisiera participar en el programa", True),
        ("¿Cómo me uno?", True),
        ("me quiero inscribir por favor", True),
        ("Me gustaría recibir los mensajes", True),
        ("no quiero recibir mensajes", False),
        ("quiero empezar de nuevo con mi vida", False),
        ("quiero participar más con mis hijos", False),
        ("hola, estoy muy cansada", False),
    ],
)
def test_a_spanish_sentence_asking_to_join(text: str, asks: bool) -> None:
    assert asks_to_join_in_spanish(text) is asks
    assert (interpret(text).kind is Kind.JOIN) is asks


@pytest.mark.parametrize(
    ("text", "kind", "days", "minute"),
    [
        ("PAUSA", Kind.PAUSE, None, None),
        ("pausa 7", Kind.PAUSE, 7, None),
        ("Pausa 7 días", Kind.PAUSE, 7, None),
        ("pausa por 2 semanas", Kind.PAUSE, 14, None),
        ("pausa un mes", Kind.PAUSE, 30, None),
        ("pausa 500", Kind.PAUSE, 500, None),  # the conversation says the range
        ("HORA 7pm", Kind.TIME, None, 19 * 60),
        ("HORA 19:00", Kind.TIME, None, 19 * 60),
        ("hora 7:30 de la tarde", Kind.TIME, None, 19 * 60 + 30),
        ("hora 10 de la mañana", Kind.TIME, None, 10 * 60),
        ("hora a las 8pm", Kind.TIME, None, 20 * 60),
        ("HORA 99", Kind.TIME, None, None),
        ("hora de dormir", Kind.OTHER, None, None),
    ],
)
def test_spanish_pause_and_time(
    text: str, kind: Kind, days: int | None, minute: int | None
) -> None:
    intent = interpret(text)
    assert (intent.kind, intent.days, intent.minute) == (kind, days, minute)
