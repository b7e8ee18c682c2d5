"""The conversation rules as a table: (state, message) -> decision. No database."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest

from nudges.domain.consent import Event, State
from nudges.domain.conversation import Decision, Rules, Subscription, decide
from nudges.domain.keywords import interpret
from nudges.domain.subscriber import KEEP

RULES = Rules(window=(time(9), time(20)))
NOW = datetime(2026, 11, 23, 20, 0, tzinfo=UTC)  # Monday 3pm in New York
ATLANTA = "+14045550123"  # 404: Eastern
LONDON = "+442079460958"


def sub(state: State, zone: str = "America/New_York", minute: int = 12 * 60) -> Subscription:
    return Subscription(state, zone, minute, "3w")


def run(state: State | None, body: str, phone: str = ATLANTA, **kw: object) -> Decision:
    return decide(sub(state) if state else None, phone, interpret(body), RULES, NOW, **kw)  # type: ignore[arg-type]


def keys(decision: Decision) -> list[str]:
    return [say.key for say in decision.replies]


@pytest.mark.parametrize(
    ("state", "body", "replies", "event"),
    [
        (None, "JOIN", ["consent_prompt"], Event.JOIN),
        (None, "YES", ["consent_prompt"], Event.CONFIRM),
        (None, "STOP", ["stop_confirm"], Event.OPT_OUT),
        (None, "hello?", ["not_subscribed"], None),
        (None, "MENU", ["menu"], None),
        (State.PENDING, "YES", ["welcome"], Event.CONFIRM),
        (State.PENDING, "yes please!", ["welcome"], Event.CONFIRM),
        (State.PENDING, "what is this", ["consent_prompt"], None),
        (State.PENDING, "PAUSE", ["consent_prompt"], None),
        (State.PENDING, "RESUME", ["consent_prompt"], None),
        (State.PENDING, "TIME 7:30pm", ["time_set", "starts_after_yes"], None),
        (State.PAUSED, "TIME 7:30pm", ["time_set", "still_paused"], None),
        (State.PAUSED, "DAILY", ["frequency_set", "still_paused"], None),
        (State.PAUSED, "TIME whenever", ["time_unknown"], None),
        (State.PENDING, "STOP please", ["stop_confirm"], Event.OPT_OUT),
        (State.PENDING, "No thanks", ["stop_confirm"], Event.OPT_OUT),
        (State.PENDING, "Yes please sign me up", ["welcome"], Event.CONFIRM),
        (State.ACTIVE, "no", ["unrecognised"], None),
        (State.STOPPED, "nope", ["not_subscribed_stopped"], None),
        (None, "no thanks", ["not_subscribed"], None),
        (State.ACTIVE, "YES", ["already_on"], None),
        (State.ACTIVE, "JOIN", ["already_active"], None),
        (State.ACTIVE, "PAUSE", ["paused_indefinitely"], Event.PAUSE),
        (State.ACTIVE, "pause 7", ["paused"], Event.PAUSE),
        (State.ACTIVE, "Break time is the hardest part of my day", ["unrecognised"], None),
        (State.ACTIVE, "I can't stop texting my ex", ["unrecognised"], None),
        (State.ACTIVE, "stop for a week", ["opt_out_question"], None),
        (State.ACTIVE, "STOP", ["stop_confirm"], Event.OPT_OUT),
        (State.ACTIVE, "STOP. I want to die", ["crisis_no_texts", "stop_confirm"], Event.OPT_OUT),
        (State.ACTIVE, "I want to die", ["crisis"], None),
        (State.STOPPED, "I want to die", ["crisis_no_texts"], None),
        (State.PAUSED, "I want to die", ["crisis"], None),
        (State.ACTIVE, "HELP", ["help"], None),
        (State.ACTIVE, "AYUDA", ["help_es"], None),
        (State.ACTIVE, "DAILY", ["frequency_set"], None),
        (State.ACTIVE, "TIME 10am", ["time_set"], None),
        (State.ACTIVE, "TIME 7:30pm", ["time_set"], None),
        (State.ACTIVE, "TIME 11pm", ["time_moved"], None),
        (State.ACTIVE, "TIME whenever", ["time_unknown"], None),
        (State.ACTIVE, "ZONE Narnia", ["zone_unknown"], None),
        (State.ACTIVE, "ZONE Europe/London", ["zone_outside"], None),
        (State.PAUSED, "RESUME", ["resumed"], Event.RESUME),
        (State.PAUSED, "YES", ["resumed"], Event.CONFIRM),
        (State.STOPPED, "STOP", [], None),
        (State.STOPPED, "START", ["rejoined"], Event.CONFIRM),
        (State.STOPPED, "TIME 10am", ["not_subscribed_stopped"], None),
        (State.EXPIRED, "YES", ["consent_prompt"], Event.CONFIRM),
        # "ok" and a thumbs-up say yes to the consent prompt, and to nothing else.
        (State.PENDING, "ok", ["welcome"], Event.CONFIRM),
        (State.PENDING, "Okay!", ["welcome"], Event.CONFIRM),
        (State.PENDING, "👍🏽", ["welcome"], Event.CONFIRM),
        (State.PENDING, "s", ["consent_prompt"], None),
        (State.STOPPED, "ok", ["not_subscribed_stopped"], None),
        (State.STOPPED, "👍", ["not_subscribed_stopped"], None),
        (State.EXPIRED, "ok", ["not_subscribed"], None),
        (None, "👍", ["not_subscribed"], None),
        (State.ACTIVE, "ok", ["unrecognised"], None),
        # A parent already getting texts: nothing to resume, nothing changes.
        (State.ACTIVE, "RESUME", ["already_on"], None),
        (State.ACTIVE, "START", ["already_on"], None),
        (State.PAUSED, "START", ["resumed"], Event.CONFIRM),
        # No such track: name the ones there are.
        (State.ACTIVE, "TRACK 5", ["track_unknown"], None),
        (State.ACTIVE, "TRACK", ["track_menu"], None),
        (State.STOPPED, "RESUME", ["not_subscribed_stopped"], None),
        (State.STOPPED, "MENU", ["not_subscribed_stopped"], None),  # its commands do nothing there
    ],
)
def test_the_conversation_table(
    state: State | None, body: str, replies: list[str], event: Event | None
) -> None:
    decision = run(state, body)
    assert keys(decision) == replies
    assert decision.event is event


def test_a_crisis_pauses_and_alerts_a_known_subscriber() -> None:
    decision = run(State.ACTIVE, "I want to end my life")
    assert decision.crisis and keys(decision) == ["crisis"]


def test_a_crisis_from_an_unknown_number_is_answered_and_audited() -> None:
    decision = run(None, "I want to end my life")
    # Nothing of ours is sent to it, so the reply does not say texts are paused.
    assert not decision.crisis and keys(decision) == ["crisis_no_texts"]
    assert decision.audit == (("crisis_reply_unknown_number", None),)


def test_advanced_opt_out_records_the_stop_and_says_nothing() -> None:
    decision = run(State.ACTIVE, "STOP", advanced_opt_out="STOP")
    assert decision.event is Event.OPT_OUT and decision.replies == ()


def test_a_number_outside_the_us_and_canada_is_not_enrolled_but_gets_help() -> None:
    assert keys(run(None, "JOIN", LONDON)) == ["not_in_area"]
    assert run(None, "JOIN", LONDON).event is None
    assert keys(run(None, "HELP", LONDON)) == ["help_outside"]
    assert keys(run(None, "I want to kill myself", LONDON)) == ["crisis_outside"]


def test_the_welcome_names_the_time_the_texts_will_really_come() -> None:
    decision = run(State.PENDING, "YES")
    assert decision.replies[0].fields["time"] == "12:00pm Eastern"


def test_a_time_moved_by_the_area_codes_window_says_the_real_time() -> None:
    """A 404 (Eastern) number in Pacific asking for 7:30pm: 10:30pm in Atlanta is
    quiet hours, so the texts come at 4:30pm Pacific, and the reply says so."""
    pacific = Subscription(State.ACTIVE, "America/Los_Angeles", 12 * 60, "3w")
    decision = decide(pacific, ATLANTA, interpret("TIME 7:30pm"), RULES, NOW)
    assert keys(decision) == ["time_moved"]
    assert decision.replies[0].fields["time"] == "4:30pm Pacific"
    assert decision.change.send_minute == 19 * 60 + 30


def test_zone_pacific_on_an_eastern_number_says_the_real_time() -> None:
    decision = run(State.ACTIVE, "ZONE Pacific")
    assert keys(decision) == ["zone_set"]
    assert decision.replies[0].fields["time"] == "12:00pm Pacific"


def test_zones_that_share_no_window_are_parked_with_a_reply() -> None:
    narrow = Rules(window=(time(9), time(10)))
    decision = decide(sub(State.ACTIVE), ATLANTA, interpret("ZONE Hawaii"), narrow, NOW)
    assert keys(decision) == ["no_window"]
    assert ("parked_no_window", None) in decision.audit


def test_a_parent_who_joined_is_offered_a_focus_with_the_welcome() -> None:
    pending = Subscription(
        State.PENDING, "America/New_York", track_choice_until=NOW + timedelta(days=7)
    )
    decision = decide(pending, ATLANTA, interpret("YES"), RULES, NOW)
    assert keys(decision) == ["welcome", "track_menu"]
    assert decision.change.track_choice_until == NOW + timedelta(days=1)


def test_an_invited_parent_whose_clinician_chose_a_track_is_not_asked() -> None:
    decision = decide(sub(State.PENDING), ATLANTA, interpret("YES"), RULES, NOW)
    assert keys(decision) == ["welcome"]


def test_a_bare_number_picks_a_track_only_while_the_choice_is_open() -> None:
    open_choice = Subscription(
        State.ACTIVE, "America/New_York", track_choice_until=NOW + timedelta(hours=2)
    )
    chosen = decide(open_choice, ATLANTA, interpret("2"), RULES, NOW)
    assert keys(chosen) == ["track_set"] and chosen.change.track == "guilt"
    assert chosen.change.track_choice_until is None
    closed = decide(sub(State.ACTIVE), ATLANTA, interpret("2"), RULES, NOW)
    assert keys(closed) == ["number_unclear"] and closed.change.track is KEEP


@pytest.mark.parametrize(("body", "track"), [("TRACK 3", "role_strain"), ("focus guilt", "guilt")])
def test_track_with_a_choice_sets_it_at_any_time(body: str, track: str) -> None:
    decision = run(State.PAUSED, body)
    assert decision.change.track == track
    assert ("track_changed", track) in decision.audit


def test_track_alone_offers_the_choice() -> None:
    decision = run(State.ACTIVE, "TRACK")
    assert keys(decision) == ["track_menu"]
    assert decision.change.track_choice_until == NOW + timedelta(days=1)


def test_join_opens_the_choice_for_after_yes() -> None:
    assert run(None, "JOIN").change.track_choice_until is not KEEP


def test_already_on_changes_nothing_and_names_when_texts_come() -> None:
    for body in ("RESUME", "START", "YES"):
        decision = run(State.ACTIVE, body)
        assert decision.change.is_empty(), body
        assert not decision.audit and not decision.keep_consent_text
        [say] = decision.replies
        assert say.fields == {"frequency": "3 times a week", "time": "12:00pm Eastern"}


def test_already_on_says_why_nothing_comes_when_the_zones_share_no_hours() -> None:
    honolulu = "+18085550199"  # 808: Hawaii, with a stored zone of New York
    narrow = Rules(window=(time(18), time(20)))
    decision = decide(sub(State.ACTIVE), honolulu, interpret("RESUME"), narrow, NOW)
    assert keys(decision) == ["no_window"]
    assert decision.change.is_empty()


def test_a_track_that_does_not_exist_opens_the_choice() -> None:
    decision = run(State.ACTIVE, "TRACK 5")
    assert decision.change.track_choice_until == NOW + timedelta(days=1)
    assert decision.change.track is KEEP
