"""Which actions a clinician's page offers for a client in each state, and what
each really does: a table of cases."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest

from nudges.domain.clinician import actions_for, clinician_action
from nudges.domain.consent import Event, State
from nudges.domain.subscriber import Subscription

NOW = datetime(2026, 11, 23, 20, 0, tzinfo=UTC)
WINDOW = (time(9), time(20))
EASTERN = "America/New_York"
ATLANTA = "+14045550123"


@pytest.mark.parametrize(
    ("state", "extra", "offered"),
    [
        (State.PENDING, {}, ("end",)),
        (State.ACTIVE, {}, ("pause", "end")),
        (State.PAUSED, {}, ("resume", "end")),
        (State.PAUSED, {"paused_until": NOW + timedelta(days=7)}, ("pause", "resume", "end")),
        (State.ACTIVE, {"unusable": True}, ("end",)),
        (State.STOPPED, {}, ()),
        (State.EXPIRED, {}, ()),
        (State.NONE, {}, ()),
    ],
)
def test_only_the_actions_that_do_something_are_offered(
    state: State, extra: dict[str, object], offered: tuple[str, ...]
) -> None:
    assert actions_for(Subscription(state, EASTERN, **extra)) == offered  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("state", "action"),
    [
        (State.STOPPED, "resume"),
        (State.STOPPED, "pause"),
        (State.STOPPED, "end"),
        (State.PENDING, "pause"),
        (State.PENDING, "resume"),
        (State.ACTIVE, "resume"),
        (State.EXPIRED, "end"),
    ],
)
def test_an_action_that_does_not_apply_decides_nothing(state: State, action: str) -> None:
    assert clinician_action(Subscription(state, EASTERN), ATLANTA, action, WINDOW, NOW) is None


def test_ending_an_unanswered_invitation_cancels_it_and_is_no_opt_out() -> None:
    edit = clinician_action(Subscription(State.PENDING, EASTERN), ATLANTA, "end", WINDOW, NOW)
    assert edit is not None and edit.change.event is Event.EXPIRE
    assert edit.audit == (("invitation_cancelled", None),)
