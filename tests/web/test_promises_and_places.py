"""The time we promise is the time we send, and where 988 answers decides who is
enrolled. Through signed webhooks."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from nudges.app import create_app
from nudges.clock import FrozenClock
from nudges.domain.preferences import candidate_zones, zone_on_join
from nudges.web import get_runtime
from tests.conftest import (
    ANNA_ATLANTA,
    SECRET_KEY,
    DatabaseOutage,
    SignedClient,
    journal_path,
)
from tests.web.test_inbound_conversation import replies, subscriber

LONDON = "+442079460958"
TORONTO = "+14165550123"


def test_a_404_number_in_pacific_time_is_told_the_time_it_will_really_get(
    twilio: SignedClient, app: Any
) -> None:
    replies(twilio.text(ANNA_ATLANTA, "JOIN"))
    replies(twilio.text(ANNA_ATLANTA, "YES"))
    [zone_reply] = replies(twilio.text(ANNA_ATLANTA, "ZONE Pacific"))
    assert "Pacific" in zone_reply
    [reply] = replies(twilio.text(ANNA_ATLANTA, "TIME 7:30pm"))
    # 7:30pm Pacific is 10:30pm in Atlanta: quiet hours where the number is from.
    assert "4:30pm Pacific" in reply and "7:30pm" not in reply
    sub = subscriber(app, ANNA_ATLANTA)
    assert sub is not None and sub.next_send_at is not None
    arrives = sub.next_send_at.astimezone(ZoneInfo("America/Los_Angeles"))
    assert (arrives.hour, arrives.minute) == (16, 30)


def test_the_welcome_promises_the_real_time(twilio: SignedClient) -> None:
    replies(twilio.text(ANNA_ATLANTA, "JOIN"))
    [welcome, _focus] = replies(twilio.text(ANNA_ATLANTA, "YES"))
    assert "12:00pm Eastern" in welcome


@pytest.mark.parametrize(
    ("phone", "zones"),
    [
        ("+12083844000", ("America/Denver",)),  # Boise: Mountain
        ("+12082150000", ("America/Los_Angeles",)),  # North Idaho: Pacific
        ("+15413721234", ("America/Denver",)),  # Ontario, Oregon: Mountain
        ("+15413821234", ("America/Los_Angeles",)),  # Bend: Pacific
    ],
)
def test_area_codes_split_across_zones_use_the_exchange(phone: str, zones: tuple[str, ...]) -> None:
    assert zone_on_join(phone, "America/New_York") == zones[0]
    assert candidate_zones(phone, zones[0]) == zones


def test_a_zone_outside_the_us_and_canada_gets_a_clear_reply(
    twilio: SignedClient, app: Any
) -> None:
    replies(twilio.text(ANNA_ATLANTA, "JOIN"))
    replies(twilio.text(ANNA_ATLANTA, "YES"))
    [reply] = replies(twilio.text(ANNA_ATLANTA, "ZONE Europe/London"))
    assert "US and Canada" in reply and "988" in reply
    sub = subscriber(app, ANNA_ATLANTA)
    assert sub is not None and sub.timezone == "America/New_York"


def test_a_number_outside_the_us_and_canada_is_not_enrolled(twilio: SignedClient, app: Any) -> None:
    [reply] = replies(twilio.text(LONDON, "JOIN"))
    assert "US and Canada" in reply and "local emergency" in reply
    assert subscriber(app, LONDON) is None
    [help_reply] = replies(twilio.text(LONDON, "HELP"))
    assert "local emergency" in help_reply and "988" in help_reply
    [crisis] = replies(twilio.text(LONDON, "I want to kill myself"))
    assert "local emergency" in crisis and "not watched around the clock" in crisis
    # STOP is still honoured, whatever the number; its confirmation names the
    # local emergency number, not 988, which does not answer there.
    [confirm] = replies(twilio.text(LONDON, "STOP"))
    assert "unsubscribed" in confirm and "local emergency" in confirm and "988" not in confirm
    sub = subscriber(app, LONDON)
    assert sub is not None and sub.state == "stopped"


def test_a_stop_from_outside_the_us_and_canada_during_an_outage_names_no_988(
    outage: DatabaseOutage, clock: FrozenClock
) -> None:
    app = create_app({"TESTING": True}, settings=outage.settings, clock=clock)
    outage.watch(get_runtime(app))
    phone = SignedClient(app.test_client(), SECRET_KEY)
    try:
        with outage:
            [confirm] = replies(phone.text(LONDON, "STOP"))
            [english] = replies(phone.text(ANNA_ATLANTA, "STOP"))
            assert journal_path().exists()  # answered without the database
    finally:
        get_runtime(app).db.dispose()
    assert "unsubscribed" in confirm and "local emergency" in confirm and "988" not in confirm
    assert "988" in english


def test_a_canadian_number_is_welcome(twilio: SignedClient, app: Any) -> None:
    [reply] = replies(twilio.text(TORONTO, "JOIN"))
    assert "Reply YES" in reply
    [welcome, _focus] = replies(twilio.text(TORONTO, "YES"))
    assert "988" in welcome
    sub = subscriber(app, TORONTO)
    assert sub is not None and sub.state == "active"
    assert sub.next_send_at is not None and sub.next_send_at - sub.created_at < timedelta(days=8)
