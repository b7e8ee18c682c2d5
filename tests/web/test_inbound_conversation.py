"""The inbound conversation through signed webhook requests, as Twilio sends them."""

from __future__ import annotations

from typing import Any
from xml.etree import ElementTree

import pytest
from sqlalchemy import func, select

from nudges.db.models import AuditEvent, ConsentEvent, CrisisAlert, InboundMessage, Subscriber
from nudges.web import get_runtime
from tests.conftest import ANNA_ATLANTA, CARLOS_CHICAGO, HANA_HONOLULU, SignedClient


def replies(response: Any) -> list[str]:
    assert response.status_code == 200, response.data
    assert response.mimetype == "text/xml"
    root = ElementTree.fromstring(response.data)
    assert root.tag == "Response"
    return [m.text or "" for m in root.findall("Message")]


def subscriber(app: Any, phone: str) -> Subscriber | None:
    with get_runtime(app).db.session() as session:
        return session.scalar(select(Subscriber).where(Subscriber.phone == phone))


def count(app: Any, model: Any) -> int:
    with get_runtime(app).db.session() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def join_and_confirm(twilio: SignedClient, phone: str = ANNA_ATLANTA) -> None:
    replies(twilio.text(phone, "JOIN"))
    replies(twilio.text(phone, "YES"))


def test_join_asks_for_consent_with_the_required_facts(twilio: SignedClient, app: Any) -> None:
    [prompt] = replies(twilio.text(ANNA_ATLANTA, "join"))
    for fact in ("GoodEnough", "3", "Msg&data rates may apply", "YES", "HELP", "STOP"):
        assert fact in prompt
    sub = subscriber(app, ANNA_ATLANTA)
    assert sub is not None and sub.state == "pending"
    assert sub.timezone == "America/New_York"


def test_yes_activates_and_welcomes_with_988_and_keeps_the_consent_record(
    twilio: SignedClient, app: Any
) -> None:
    replies(twilio.text(ANNA_ATLANTA, "JOIN"))
    [welcome, focus] = replies(twilio.text(ANNA_ATLANTA, "Yes", sid="SM" + "a" * 32))
    assert "988" in welcome
    assert "Reply 1" in focus and "3 for juggling work and family" in focus
    for word in ("TIME", "PAUSE", "STOP", "HELP"):
        assert word in welcome
    sub = subscriber(app, ANNA_ATLANTA)
    assert sub is not None and sub.state == "active"
    assert sub.next_send_at is not None
    with get_runtime(app).db.session() as session:
        record = session.scalar(select(ConsentEvent).where(ConsentEvent.to_state == "active"))
    assert record is not None
    assert record.message_sid == "SM" + "a" * 32
    assert record.consent_text == "Yes"


def test_stop_stops_with_one_confirmation_that_mentions_988(twilio: SignedClient, app: Any) -> None:
    join_and_confirm(twilio)
    [confirmation] = replies(twilio.text(ANNA_ATLANTA, "STOP"))
    assert "988" in confirmation
    sub = subscriber(app, ANNA_ATLANTA)
    assert sub is not None and sub.state == "stopped" and sub.next_send_at is None
    assert replies(twilio.text(ANNA_ATLANTA, "stop")) == []


def test_natural_wording_opts_out_too(twilio: SignedClient, app: Any) -> None:
    join_and_confirm(twilio)
    replies(twilio.text(ANNA_ATLANTA, "Please stop texting me"))
    sub = subscriber(app, ANNA_ATLANTA)
    assert sub is not None and sub.state == "stopped"


def test_start_after_stop_rejoins(twilio: SignedClient, app: Any) -> None:
    join_and_confirm(twilio)
    replies(twilio.text(ANNA_ATLANTA, "STOP"))
    [welcome_back] = replies(twilio.text(ANNA_ATLANTA, "START"))
    assert "988" in welcome_back
    sub = subscriber(app, ANNA_ATLANTA)
    assert sub is not None and sub.state == "active"


def test_stop_from_an_unknown_number_is_remembered(twilio: SignedClient, app: Any) -> None:
    replies(twilio.text(CARLOS_CHICAGO, "STOP"))
    sub = subscriber(app, CARLOS_CHICAGO)
    assert sub is not None and sub.state == "stopped"


def test_help_answers_with_988_in_every_state(twilio: SignedClient) -> None:
    states = [
        [],  # unknown number
        ["JOIN"],  # pending
        ["JOIN", "YES"],  # active
        ["JOIN", "YES", "PAUSE"],  # paused
        ["JOIN", "YES", "STOP"],  # stopped
    ]
    for index, steps in enumerate(states):
        phone = f"+1404555{index:04d}"
        for step in steps:
            replies(twilio.text(phone, step))
        for keyword in ("HELP", "info"):
            [help_reply] = replies(twilio.text(phone, keyword))
            for fact in ("988", "988lifeline.org", "STOP", "help@goodenough.example"):
                assert fact in help_reply, (steps, fact)


def test_ayuda_answers_in_spanish_with_988(twilio: SignedClient) -> None:
    [reply] = replies(twilio.text(ANNA_ATLANTA, "AYUDA"))
    assert "988" in reply
    assert reply != replies(twilio.text(ANNA_ATLANTA, "HELP"))[0]


def test_a_repeated_message_sid_gets_the_same_reply_and_changes_nothing(
    twilio: SignedClient, app: Any
) -> None:
    first = replies(twilio.text(ANNA_ATLANTA, "JOIN", sid="SM" + "b" * 32))
    second = replies(twilio.text(ANNA_ATLANTA, "JOIN", sid="SM" + "b" * 32))
    assert first == second
    assert count(app, InboundMessage) == 1
    assert count(app, ConsentEvent) == 1


def test_a_yes_retried_by_twilio_after_a_stop_does_not_rejoin(
    twilio: SignedClient, app: Any
) -> None:
    # Twilio re-delivers a webhook it thinks failed; the parent has since said STOP.
    twilio.text(ANNA_ATLANTA, "JOIN")
    welcome = replies(twilio.text(ANNA_ATLANTA, "YES", sid="SM" + "c" * 32))
    twilio.text(ANNA_ATLANTA, "STOP")
    assert replies(twilio.text(ANNA_ATLANTA, "YES", sid="SM" + "c" * 32)) == welcome
    sub = subscriber(app, ANNA_ATLANTA)
    assert sub is not None and sub.state == "stopped"
    assert count(app, ConsentEvent) == 3  # join, confirm, stop: nothing from the retry


def test_a_crisis_text_retried_raises_one_alert(twilio: SignedClient, app: Any) -> None:
    join_and_confirm(twilio)
    first = replies(twilio.text(ANNA_ATLANTA, "I want to die", sid="SM" + "d" * 32))
    assert replies(twilio.text(ANNA_ATLANTA, "I want to die", sid="SM" + "d" * 32)) == first
    assert count(app, CrisisAlert) == 1


def test_pause_with_days_and_resume(twilio: SignedClient, app: Any, clock: Any) -> None:
    join_and_confirm(twilio)
    [paused] = replies(twilio.text(ANNA_ATLANTA, "PAUSE 7"))
    assert "Nov 30" in paused
    sub = subscriber(app, ANNA_ATLANTA)
    assert sub is not None and sub.state == "paused" and sub.next_send_at is None
    assert sub.paused_until is not None
    assert (sub.paused_until - clock.now()).days == 7
    replies(twilio.text(ANNA_ATLANTA, "RESUME"))
    sub = subscriber(app, ANNA_ATLANTA)
    assert sub is not None and sub.state == "active" and sub.next_send_at is not None


def test_time_sets_the_local_send_time(twilio: SignedClient, app: Any) -> None:
    join_and_confirm(twilio)
    [reply] = replies(twilio.text(ANNA_ATLANTA, "TIME 7:30pm"))
    assert "7:30pm" in reply
    sub = subscriber(app, ANNA_ATLANTA)
    assert sub is not None and sub.send_minute == 19 * 60 + 30


def test_time_outside_the_window_is_clamped_and_says_so(twilio: SignedClient, app: Any) -> None:
    join_and_confirm(twilio)
    [reply] = replies(twilio.text(ANNA_ATLANTA, "TIME 6am"))
    assert "9:00am" in reply
    sub = subscriber(app, ANNA_ATLANTA)
    assert sub is not None and sub.send_minute == 9 * 60


def test_an_unreadable_time_asks_again_and_changes_nothing(twilio: SignedClient, app: Any) -> None:
    join_and_confirm(twilio)
    [reply] = replies(twilio.text(ANNA_ATLANTA, "TIME whenever"))
    assert "TIME" in reply
    sub = subscriber(app, ANNA_ATLANTA)
    assert sub is not None and sub.send_minute == 12 * 60


def test_zone_changes_the_time_zone(twilio: SignedClient, app: Any) -> None:
    join_and_confirm(twilio)
    [reply] = replies(twilio.text(ANNA_ATLANTA, "ZONE Pacific"))
    assert "Pacific" in reply
    sub = subscriber(app, ANNA_ATLANTA)
    assert sub is not None and sub.timezone == "America/Los_Angeles"


def test_daily_and_weekly_change_the_frequency(twilio: SignedClient, app: Any) -> None:
    join_and_confirm(twilio)
    replies(twilio.text(ANNA_ATLANTA, "DAILY"))
    sub = subscriber(app, ANNA_ATLANTA)
    assert sub is not None and sub.frequency == "daily"
    replies(twilio.text(ANNA_ATLANTA, "WEEKLY"))
    sub = subscriber(app, ANNA_ATLANTA)
    assert sub is not None and sub.frequency == "3w"


def test_menu_lists_the_keywords(twilio: SignedClient) -> None:
    join_and_confirm(twilio)
    [menu] = replies(twilio.text(ANNA_ATLANTA, "MENU"))
    for word in ("TIME", "PAUSE", "RESUME", "STOP", "HELP"):
        assert word in menu


def test_anything_else_says_the_number_is_not_monitored_and_gives_988(
    twilio: SignedClient,
) -> None:
    join_and_confirm(twilio)
    [reply] = replies(twilio.text(ANNA_ATLANTA, "thanks, that one landed"))
    assert "988" in reply


def test_a_hawaii_number_joins_in_hawaii_time(twilio: SignedClient, app: Any) -> None:
    replies(twilio.text(HANA_HONOLULU, "JOIN"))
    sub = subscriber(app, HANA_HONOLULU)
    assert sub is not None and sub.timezone == "Pacific/Honolulu"


def test_crisis_gets_the_crisis_reply_pauses_and_records_an_alert_without_the_text(
    twilio: SignedClient, app: Any
) -> None:
    join_and_confirm(twilio)
    [reply] = replies(twilio.text(ANNA_ATLANTA, "i just want to die"))
    for fact in ("988", "988lifeline.org", "741741", "911"):
        assert fact in reply
    sub = subscriber(app, ANNA_ATLANTA)
    assert sub is not None and sub.state == "paused" and sub.next_send_at is None
    with get_runtime(app).db.session() as session:
        alert = session.scalar(select(CrisisAlert))
        audit = session.scalars(select(AuditEvent)).all()
    assert alert is not None and alert.subscriber_id == sub.id
    assert "die" not in alert.categories
    assert all("die" not in (a.detail or "") for a in audit)


def test_crisis_from_an_unknown_number_still_gets_the_crisis_reply(twilio: SignedClient) -> None:
    [reply] = replies(twilio.text(CARLOS_CHICAGO, "I can't go on anymore"))
    assert "988" in reply and "911" in reply


def test_crisis_with_stop_gets_the_crisis_reply_and_is_stopped(
    twilio: SignedClient, app: Any
) -> None:
    join_and_confirm(twilio)
    messages = replies(twilio.text(ANNA_ATLANTA, "stop texting me i want to kill myself"))
    assert "741741" in messages[0]
    sub = subscriber(app, ANNA_ATLANTA)
    assert sub is not None and sub.state == "stopped"


def test_advanced_opt_out_stop_is_recorded_without_a_second_reply(
    twilio: SignedClient, app: Any
) -> None:
    join_and_confirm(twilio)
    assert replies(twilio.text(ANNA_ATLANTA, "STOP", OptOutType="STOP")) == []
    sub = subscriber(app, ANNA_ATLANTA)
    assert sub is not None and sub.state == "stopped"
    assert replies(twilio.text(ANNA_ATLANTA, "START", OptOutType="START")) == []
    sub = subscriber(app, ANNA_ATLANTA)
    assert sub is not None and sub.state == "active"
    assert replies(twilio.text(ANNA_ATLANTA, "HELP", OptOutType="HELP")) == []


def test_yes_from_a_number_never_asked_gets_the_consent_prompt_first(
    twilio: SignedClient, app: Any
) -> None:
    [prompt] = replies(twilio.text(CARLOS_CHICAGO, "YES"))
    assert "Msg&data rates may apply" in prompt
    sub = subscriber(app, CARLOS_CHICAGO)
    assert sub is not None and sub.state == "pending"


def test_a_parent_picks_a_focus_after_yes_and_keeps_their_place(
    twilio: SignedClient, app: Any
) -> None:
    join_and_confirm(twilio)
    [reply] = replies(twilio.text(ANNA_ATLANTA, "2"))
    assert "parent guilt" in reply
    sub = subscriber(app, ANNA_ATLANTA)
    assert sub is not None and sub.track == "guilt"
    # The choice is closed now: a later bare number is not misread.
    [later] = replies(twilio.text(ANNA_ATLANTA, "3"))
    assert "TRACK" in later
    sub = subscriber(app, ANNA_ATLANTA)
    assert sub is not None and sub.track == "guilt"
    [switched] = replies(twilio.text(ANNA_ATLANTA, "TRACK 3"))
    assert "juggling work and family" in switched


@pytest.mark.parametrize("body", ["PARAR", "ya no quiero mensajes", "Dejen de escribirme"])
def test_a_spanish_stop_stops_and_is_confirmed_in_spanish(twilio: SignedClient, body: str) -> None:
    twilio.text(ANNA_ATLANTA, "JOIN")
    twilio.text(ANNA_ATLANTA, "YES")
    [reply] = replies(twilio.text(ANNA_ATLANTA, body))
    assert "ya no te enviaremos mensajes" in reply and "988" in reply and "START" in reply
    assert replies(twilio.text(ANNA_ATLANTA, "PARAR")) == []  # stopped: no second confirmation


def test_a_new_parents_first_focus_choice_does_not_say_they_keep_their_place(
    twilio: SignedClient, app: Any, clock: Any
) -> None:
    """A tester's first "2" was answered "picking up at the same week" before any
    nudge had come: only a parent partway through hears that."""
    from nudges.services.subscriptions import next_due
    from scheduler.runner import tick

    join_and_confirm(twilio)
    [chosen] = replies(twilio.text(ANNA_ATLANTA, "2"))
    [named] = replies(twilio.text(ANNA_ATLANTA, "TRACK 3"))
    for reply in (chosen, named):
        assert "Your texts will focus on" in reply and "same week" not in reply
    replies(twilio.text(CARLOS_CHICAGO, "HOLA"))
    replies(twilio.text(CARLOS_CHICAGO, "SI"))
    [elegido] = replies(twilio.text(CARLOS_CHICAGO, "2"))
    assert "la culpa" in elegido and "misma semana" not in elegido
    # Once a nudge has come, switching does keep their place, and says so.
    runtime = get_runtime(app)
    due = next_due(runtime)
    assert due is not None
    clock.set(due)
    tick(runtime)
    [switched] = replies(twilio.text(ANNA_ATLANTA, "TRACK 1"))
    assert "trying to be a perfect parent, picking up at the same week" in switched


@pytest.mark.parametrize("body", ["PAUSE 0", "PAUSE -3", "PAUSE 200", "pause 1000 days"])
def test_a_pause_outside_1_to_90_days_says_the_range_and_changes_nothing(
    twilio: SignedClient, app: Any, body: str
) -> None:
    """A tester's PAUSE 0 paused a day, PAUSE -3 until RESUME and PAUSE 200 for
    90 days, each without a word about it."""
    join_and_confirm(twilio)
    before = subscriber(app, ANNA_ATLANTA)
    [said] = replies(twilio.text(ANNA_ATLANTA, body))
    assert "PAUSE takes 1 to 90 days, so nothing changed" in said and "PAUSE 7" in said
    after = subscriber(app, ANNA_ATLANTA)
    assert before is not None and after is not None and after.state == "active"
    assert (after.next_send_at, after.paused_until) == (before.next_send_at, None)
    # Already paused for a week: still paused until the same day.
    replies(twilio.text(ANNA_ATLANTA, "PAUSE 7"))
    week = subscriber(app, ANNA_ATLANTA)
    [again] = replies(twilio.text(ANNA_ATLANTA, body))
    assert "1 to 90 days" in again
    later = subscriber(app, ANNA_ATLANTA)
    assert week is not None and later is not None and later.state == "paused"
    assert later.paused_until == week.paused_until


def test_pausa_outside_the_range_is_answered_in_spanish(twilio: SignedClient, app: Any) -> None:
    replies(twilio.text(CARLOS_CHICAGO, "HOLA"))
    replies(twilio.text(CARLOS_CHICAGO, "SI"))
    [said] = replies(twilio.text(CARLOS_CHICAGO, "PAUSA 200"))
    assert "PAUSA va de 1 a 90 dias, asi que no cambiamos nada" in said
    assert subscriber(app, CARLOS_CHICAGO).state == "active"  # type: ignore[union-attr]


def test_a_time_in_the_windows_last_half_hour_says_the_time_chosen_and_why(
    twilio: SignedClient, app: Any
) -> None:
    """A tester's TIME 7:45pm came back as 7:30pm with "we only send 9:00am-8:00pm",
    which 7:45pm is inside: the reason is the half hour kept before the end."""
    join_and_confirm(twilio)
    [said] = replies(twilio.text(ANNA_ATLANTA, "TIME 7:45pm"))
    assert "7:30pm Eastern" in said
    assert "at least 30 minutes before our sending hours end at 8:00pm" in said
    assert "We only send" not in said
    sub = subscriber(app, ANNA_ATLANTA)
    assert sub is not None and sub.send_minute == 19 * 60 + 30
    # Outside the hours altogether, the hours are the reason, as before.
    [late] = replies(twilio.text(ANNA_ATLANTA, "TIME 9pm"))
    assert "We only send 9:00am-8:00pm" in late and "7:30pm Eastern" in late
    replies(twilio.text(CARLOS_CHICAGO, "HOLA"))
    replies(twilio.text(CARLOS_CHICAGO, "SI"))
    [hora] = replies(twilio.text(CARLOS_CHICAGO, "HORA 7:45pm"))
    assert "30 minutos antes" in hora and "las 7:30pm (hora del Centro)" in hora
