"""The typed subscriber change and the clinician's decisions: pure, no database."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest

from nudges.domain.clinician import clinician_action, clinician_change, invitation
from nudges.domain.consent import Event, State
from nudges.domain.conversation import CONCERN_HOLD, crisis_hold, decide
from nudges.domain.conversation import Rules as ConversationRules
from nudges.domain.keywords import interpret
from nudges.domain.subscriber import (
    KEEP,
    SubscriberChange,
    Subscription,
    next_send,
    promised_time,
    scheduled,
)

WINDOW = (time(9), time(20))
NOW = datetime(2026, 11, 23, 20, 0, tzinfo=UTC)  # Monday 3pm in New York
ATLANTA = "+14045550123"  # 404: Eastern
EASTERN = "America/New_York"


def active(**kw: object) -> Subscription:
    return Subscription(State.ACTIVE, EASTERN, **kw)  # type: ignore[arg-type]


# -- SubscriberChange ------------------------------------------------------------


def test_plus_lets_the_later_change_win_and_keeps_the_rest() -> None:
    first = SubscriberChange(event=Event.PAUSE, send_minute=600, paused_until=NOW)
    later = SubscriberChange(send_minute=660, paused_until=None)
    merged = first.plus(later)
    assert merged.event is Event.PAUSE  # the later change has none: the first one stays
    assert merged.send_minute == 660 and merged.paused_until is None
    assert merged.track is KEEP and merged.next_send_at is KEEP


def test_an_empty_change_is_empty_and_none_is_not_keep() -> None:
    assert SubscriberChange().is_empty()
    assert not SubscriberChange(paused_until=None).is_empty()


def test_a_track_change_does_not_move_the_schedule() -> None:
    change = scheduled(SubscriberChange(track="guilt"), active(), ATLANTA, WINDOW, NOW)
    assert change.next_send_at is KEEP and not change.parked


def test_a_new_time_for_an_active_subscriber_carries_the_next_slot() -> None:
    change = scheduled(SubscriberChange(send_minute=17 * 60), active(), ATLANTA, WINDOW, NOW)
    # Monday 5pm New York is 22:00 UTC, still ahead of NOW (3pm).
    assert change.next_send_at == datetime(2026, 11, 23, 22, 0, tzinfo=UTC)


@pytest.mark.parametrize("event", [Event.PAUSE, Event.OPT_OUT])
def test_a_change_that_leaves_the_subscriber_inactive_clears_the_next_slot(event: Event) -> None:
    change = scheduled(SubscriberChange(event=event), active(), ATLANTA, WINDOW, NOW)
    assert change.next_send_at is None and not change.parked


def test_an_unreachable_number_gets_no_slot_and_is_not_parked() -> None:
    change = scheduled(
        SubscriberChange(send_minute=600), active(unusable=True), ATLANTA, WINDOW, NOW
    )
    assert change.next_send_at is None and not change.parked


def test_zones_sharing_no_window_park_an_active_subscriber() -> None:
    hawaii = Subscription(State.ACTIVE, "Pacific/Honolulu")
    change = scheduled(
        SubscriberChange(event=Event.RESUME), hawaii, ATLANTA, (time(9), time(10)), NOW
    )
    assert change.next_send_at is None and change.parked


def test_the_next_send_time_is_the_slot_the_reply_promised() -> None:
    rules = ConversationRules(window=WINDOW)
    pacific = Subscription(State.ACTIVE, "America/Los_Angeles")
    decision = decide(pacific, ATLANTA, interpret("TIME 7:30pm"), rules, NOW)
    changed = Subscription(State.ACTIVE, "America/Los_Angeles", 19 * 60 + 30)
    promise = promised_time(changed, ATLANTA, rules.window, NOW)
    assert promise is not None and decision.change.next_send_at == promise.slot
    assert promise.slot == next_send(changed, ATLANTA, WINDOW, NOW)


def test_yes_after_an_invitation_starts_the_programme_once() -> None:
    rules = ConversationRules(window=WINDOW)
    pending = Subscription(State.PENDING, EASTERN)
    assert decide(pending, ATLANTA, interpret("YES"), rules, NOW).change.programme_started_at == NOW
    started = Subscription(State.STOPPED, EASTERN, programme_started_at=NOW - timedelta(days=9))
    again = decide(started, ATLANTA, interpret("START"), rules, NOW).change
    assert again.programme_started_at is KEEP and again.next_send_at is not None


def test_a_paused_parents_new_time_is_kept_without_a_slot() -> None:
    rules = ConversationRules(window=WINDOW)
    paused = Subscription(State.PAUSED, EASTERN)
    change = decide(paused, ATLANTA, interpret("TIME 5pm"), rules, NOW).change
    assert change.send_minute == 17 * 60 and change.next_send_at is None


# -- crisis ----------------------------------------------------------------------


def test_a_crisis_pauses_with_no_end_and_clears_the_slot() -> None:
    change = crisis_hold(active(), concern=False, now=NOW)
    assert change.event is Event.CRISIS
    assert change.paused_until is None and change.next_send_at is None


def test_a_concern_holds_for_a_day_or_keeps_a_longer_pause() -> None:
    assert crisis_hold(active(), concern=True, now=NOW).paused_until == NOW + CONCERN_HOLD
    later = NOW + timedelta(days=5)
    paused = Subscription(State.PAUSED, EASTERN, paused_until=later)
    assert crisis_hold(paused, concern=True, now=NOW).paused_until == later
    indefinitely = Subscription(State.PAUSED, EASTERN)
    assert crisis_hold(indefinitely, concern=True, now=NOW).paused_until is None


def test_a_crisis_from_someone_not_subscribed_changes_nothing() -> None:
    assert crisis_hold(Subscription(State.STOPPED, EASTERN), False, NOW).is_empty()


# -- the clinician's decisions ---------------------------------------------------


def test_a_clinicians_time_outside_the_window_is_clamped_and_scheduled() -> None:
    edit = clinician_change(active(), ATLANTA, WINDOW, NOW, send_minute=22 * 60)
    assert edit.change.send_minute == 19 * 60 + 30  # 30 minutes before the window closes
    # Monday 7:30pm in New York is still ahead: 00:30 UTC on Tuesday.
    assert edit.change.next_send_at == datetime(2026, 11, 24, 0, 30, tzinfo=UTC)
    assert edit.audit == (("time_changed", "7:30pm"),)


def test_a_clinicians_time_for_a_paused_client_sets_no_slot() -> None:
    paused = Subscription(State.PAUSED, EASTERN)
    edit = clinician_change(paused, ATLANTA, WINDOW, NOW, send_minute=10 * 60)
    assert edit.change.send_minute == 600 and edit.change.next_send_at is None


def test_a_clinicians_track_change_keeps_the_schedule_and_closes_the_choice() -> None:
    open_choice = active(track_choice_until=NOW + timedelta(hours=3))
    edit = clinician_change(open_choice, ATLANTA, WINDOW, NOW, track="guilt")
    assert edit.change.track == "guilt" and edit.change.track_choice_until is None
    assert edit.change.next_send_at is KEEP
    assert edit.audit == (("track_changed", "guilt"),)


@pytest.mark.parametrize("track", ["perfectionism", "astrology", "", None])
def test_an_unchanged_or_unknown_track_changes_nothing(track: str | None) -> None:
    edit = clinician_change(active(), ATLANTA, WINDOW, NOW, track=track)
    assert edit.change.is_empty() and edit.audit == ()


def test_a_clinicians_pause_has_no_end_date() -> None:
    paused_for_a_week = Subscription(State.PAUSED, EASTERN, paused_until=NOW + timedelta(days=7))
    edit = clinician_action(paused_for_a_week, ATLANTA, "pause", WINDOW, NOW)
    assert edit is not None
    assert edit.change.event is Event.PAUSE and edit.change.paused_until is None
    assert edit.change.next_send_at is None and edit.audit == (("paused", None),)


def test_a_clinicians_resume_schedules_the_next_slot() -> None:
    edit = clinician_action(Subscription(State.PAUSED, EASTERN), ATLANTA, "resume", WINDOW, NOW)
    assert edit is not None and edit.change.event is Event.RESUME
    assert edit.change.next_send_at == next_send(active(), ATLANTA, WINDOW, NOW)
    assert edit.audit == (("resumed", None),)


def test_ending_a_clients_texts_is_an_opt_out() -> None:
    edit = clinician_action(active(), ATLANTA, "end", WINDOW, NOW)
    assert edit is not None and edit.change.event is Event.OPT_OUT
    assert edit.change.next_send_at is None and edit.audit == (("ended", None),)


def test_an_unknown_action_is_refused() -> None:
    assert clinician_action(active(), ATLANTA, "delete", WINDOW, NOW) is None


def test_an_invitation_without_a_track_lets_the_parent_choose() -> None:
    change = invitation(
        WINDOW, NOW, clinician_id=7, alias="AB", frequency="daily",
        timezone=None, send_minute=6 * 60, track=None,
    )  # fmt: skip
    assert change.event is Event.INVITE and change.clinician_id == 7 and change.alias == "AB"
    assert change.timezone is KEEP and change.track is KEEP
    assert change.send_minute == 9 * 60  # clamped to the window's opening
    assert change.track_choice_until is not None and change.track_choice_until > NOW


def test_an_invitation_with_a_track_closes_the_choice() -> None:
    change = invitation(
        WINDOW, NOW, clinician_id=7, alias="AB", frequency="3w",
        timezone="America/Chicago", send_minute=None, track="guilt",
    )  # fmt: skip
    assert change.track == "guilt" and change.track_choice_until is None
    assert change.timezone == "America/Chicago" and change.send_minute is KEEP
