"""handle_inbound, the use case behind the SMS webhook, called directly: what
the parent is told at once, and what is stored, at a frozen moment."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from nudges.clock import FrozenClock
from nudges.db.models import AuditEvent, ConsentEvent, CrisisAlert, InboundMessage, Outbox
from nudges.runtime import Runtime
from nudges.services.clinicians import create_clinician
from nudges.services.enrolment import Invitation, invite
from tests.conftest import ANNA_ATLANTA, PAT_PORTLAND
from tests.services.conftest import as_utc, count, subscriber, text

NEW_YORK = ZoneInfo("America/New_York")
YES_SID = "SM" + "a" * 32


def joined(runtime: Runtime, phone: str = ANNA_ATLANTA) -> None:
    text(runtime, phone, "JOIN")
    text(runtime, phone, "YES")


def test_join_asks_for_consent_and_stores_a_pending_number(
    runtime: Runtime, clock: FrozenClock
) -> None:
    [prompt] = text(runtime, ANNA_ATLANTA, "JOIN")
    assert "YES" in prompt and "STOP" in prompt
    sub = subscriber(runtime, ANNA_ATLANTA)
    assert sub is not None and sub.state == "pending"
    assert sub.state_changed_at is not None
    assert as_utc(sub.state_changed_at) == clock.now()
    assert sub.next_send_at is None  # nothing is sent before YES


def test_yes_activates_keeps_the_consent_and_schedules_the_first_nudge_in_the_future(
    runtime: Runtime, clock: FrozenClock
) -> None:
    text(runtime, ANNA_ATLANTA, "JOIN")
    welcome, _focus = text(runtime, ANNA_ATLANTA, "YES", sid=YES_SID)
    assert "988" in welcome
    sub = subscriber(runtime, ANNA_ATLANTA)
    assert sub is not None and sub.state == "active"
    assert sub.next_send_at is not None
    due = as_utc(sub.next_send_at)
    # The default send time is noon where the parent lives; the frozen moment
    # (15:00 in New York) is past it, so the first nudge is on a later day.
    assert due > clock.now()
    assert due.astimezone(NEW_YORK).hour == 12 and due.astimezone(NEW_YORK).minute == 0
    assert due - clock.now() < timedelta(days=3)
    assert count(runtime, ConsentEvent, ConsentEvent.message_sid == YES_SID) == 1


def test_a_retried_message_sid_gets_the_same_replies_and_is_stored_once(
    runtime: Runtime,
) -> None:
    text(runtime, ANNA_ATLANTA, "JOIN")
    first = text(runtime, ANNA_ATLANTA, "YES", sid=YES_SID)
    again = text(runtime, ANNA_ATLANTA, "YES", sid=YES_SID)
    assert again == first
    assert count(runtime, InboundMessage, InboundMessage.message_sid == YES_SID) == 1
    assert count(runtime, ConsentEvent, ConsentEvent.message_sid == YES_SID) == 1


def test_stop_stops_once_and_a_second_stop_gets_no_reply(runtime: Runtime) -> None:
    joined(runtime)
    [confirmation] = text(runtime, ANNA_ATLANTA, "STOP")
    assert "988" in confirmation
    sub = subscriber(runtime, ANNA_ATLANTA)
    assert sub is not None and sub.state == "stopped" and sub.next_send_at is None
    assert text(runtime, ANNA_ATLANTA, "STOP") == []
    assert count(runtime, ConsentEvent, ConsentEvent.to_state == "stopped") == 1


def test_help_is_answered_with_988_and_stores_nothing(runtime: Runtime) -> None:
    [reply] = text(runtime, PAT_PORTLAND, "HELP")
    assert "988" in reply
    assert subscriber(runtime, PAT_PORTLAND) is None


def test_a_new_time_moves_the_next_nudge_to_that_time(runtime: Runtime, clock: FrozenClock) -> None:
    joined(runtime)
    text(runtime, ANNA_ATLANTA, "TIME 7:30pm")
    sub = subscriber(runtime, ANNA_ATLANTA)
    assert sub is not None and sub.send_minute == 19 * 60 + 30
    assert sub.next_send_at is not None
    due = as_utc(sub.next_send_at).astimezone(NEW_YORK)
    assert (due.hour, due.minute) == (19, 30)
    assert due > clock.now()


def test_a_crisis_is_answered_at_once_pauses_nudges_and_alerts_the_clinician_once(
    runtime: Runtime,
) -> None:
    lee = create_clinician(
        runtime, "lee@clinic.example", "a long enough passphrase", phone="+14045550177"
    )
    invite(runtime, lee.id, Invitation(ANNA_ATLANTA, alias="A."))
    text(runtime, ANNA_ATLANTA, "YES")
    replies = text(runtime, ANNA_ATLANTA, "I want to end my life")
    assert any("988" in r for r in replies) and any("741741" in r for r in replies)
    sub = subscriber(runtime, ANNA_ATLANTA)
    assert sub is not None and sub.state == "paused" and sub.next_send_at is None
    assert count(runtime, CrisisAlert, CrisisAlert.clinician_id == lee.id) == 1
    assert count(runtime, Outbox, Outbox.kind == "alert", Outbox.to_phone == "+14045550177") == 1
    assert count(runtime, AuditEvent, AuditEvent.action == "crisis_detected") == 1
