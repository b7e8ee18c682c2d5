import pytest

from nudges.domain.consent import (
    Event,
    State,
    may_receive_nudges,
    next_state,
    sends_invitation,
)

S, E = State, Event


@pytest.mark.parametrize(
    ("state", "event", "expected"),
    [
        (S.NONE, E.JOIN, S.PENDING),
        (S.NONE, E.INVITE, S.PENDING),
        (S.NONE, E.CONFIRM, S.PENDING),
        (S.NONE, E.OPT_OUT, S.STOPPED),
        (S.NONE, E.PAUSE, S.NONE),
        (S.PENDING, E.CONFIRM, S.ACTIVE),
        (S.PENDING, E.OPT_OUT, S.STOPPED),
        (S.PENDING, E.EXPIRE, S.EXPIRED),
        (S.PENDING, E.PAUSE, S.PENDING),
        (S.ACTIVE, E.PAUSE, S.PAUSED),
        (S.ACTIVE, E.CRISIS, S.PAUSED),
        (S.ACTIVE, E.OPT_OUT, S.STOPPED),
        (S.ACTIVE, E.EXPIRE, S.ACTIVE),
        (S.PAUSED, E.RESUME, S.ACTIVE),
        (S.PAUSED, E.CONFIRM, S.ACTIVE),
        (S.PAUSED, E.OPT_OUT, S.STOPPED),
        (S.STOPPED, E.CONFIRM, S.ACTIVE),
        (S.STOPPED, E.JOIN, S.PENDING),
        (S.STOPPED, E.INVITE, S.STOPPED),
        (S.STOPPED, E.RESUME, S.STOPPED),
        (S.STOPPED, E.PAUSE, S.STOPPED),
        (S.EXPIRED, E.CONFIRM, S.PENDING),
        (S.EXPIRED, E.INVITE, S.PENDING),
        (S.EXPIRED, E.OPT_OUT, S.STOPPED),
    ],
)
def test_transition(state: State, event: Event, expected: State) -> None:
    assert next_state(state, event) is expected


@pytest.mark.parametrize("state", list(State))
def test_any_opt_out_ends_in_stopped(state: State) -> None:
    assert next_state(state, Event.OPT_OUT) is State.STOPPED


@pytest.mark.parametrize("state", list(State))
def test_only_active_subscribers_receive_nudges(state: State) -> None:
    assert may_receive_nudges(state) is (state is State.ACTIVE)


@pytest.mark.parametrize("state", list(State))
def test_a_stopped_number_is_never_reached_by_a_clinician_invitation(state: State) -> None:
    expected = state in (State.NONE, State.EXPIRED)
    assert sends_invitation(state, Event.INVITE) is expected


def test_no_event_moves_a_stopped_number_to_active_except_confirm() -> None:
    reachable = {e for e in Event if next_state(State.STOPPED, e) is State.ACTIVE}
    assert reachable == {Event.CONFIRM}
