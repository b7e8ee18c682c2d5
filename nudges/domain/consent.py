"""The consent state machine: which event moves a number from which state to which.

A pure table, so every transition is a test case. `none` means we hold no
record for the number. Nothing is ever sent to a number that is not `active`,
except the one consent prompt or invitation that `pending` implies.
"""

from __future__ import annotations

from enum import StrEnum


class State(StrEnum):
    NONE = "none"
    PENDING = "pending"
    ACTIVE = "active"
    PAUSED = "paused"
    STOPPED = "stopped"
    EXPIRED = "expired"


class Event(StrEnum):
    JOIN = "join"  # JOIN keyword, or START/YES from a number we never asked
    INVITE = "invite"  # a clinician's invitation
    CONFIRM = "confirm"  # YES, START, UNSTOP
    OPT_OUT = "opt_out"  # STOP family, natural wording, Twilio 21610/30004
    PAUSE = "pause"
    RESUME = "resume"
    CRISIS = "crisis"
    EXPIRE = "expire"  # pending for 7 days without a YES


PENDING_LIFETIME_DAYS = 7

_S, _E = State, Event

TRANSITIONS: dict[tuple[State, Event], State] = {
    (_S.NONE, _E.JOIN): _S.PENDING,
    (_S.NONE, _E.INVITE): _S.PENDING,
    (_S.NONE, _E.CONFIRM): _S.PENDING,  # a YES we never asked for is not informed consent
    # Recording a stop from an unknown number keeps a later invitation from texting it.
    (_S.NONE, _E.OPT_OUT): _S.STOPPED,
    (_S.PENDING, _E.JOIN): _S.PENDING,
    (_S.PENDING, _E.INVITE): _S.PENDING,
    (_S.PENDING, _E.CONFIRM): _S.ACTIVE,
    (_S.PENDING, _E.OPT_OUT): _S.STOPPED,
    (_S.PENDING, _E.EXPIRE): _S.EXPIRED,
    (_S.ACTIVE, _E.JOIN): _S.ACTIVE,
    (_S.ACTIVE, _E.INVITE): _S.ACTIVE,
    (_S.ACTIVE, _E.CONFIRM): _S.ACTIVE,
    (_S.ACTIVE, _E.OPT_OUT): _S.STOPPED,
    (_S.ACTIVE, _E.PAUSE): _S.PAUSED,
    (_S.ACTIVE, _E.RESUME): _S.ACTIVE,
    (_S.ACTIVE, _E.CRISIS): _S.PAUSED,
    (_S.PAUSED, _E.JOIN): _S.PAUSED,
    (_S.PAUSED, _E.INVITE): _S.PAUSED,
    (_S.PAUSED, _E.CONFIRM): _S.ACTIVE,
    (_S.PAUSED, _E.OPT_OUT): _S.STOPPED,
    (_S.PAUSED, _E.PAUSE): _S.PAUSED,
    (_S.PAUSED, _E.RESUME): _S.ACTIVE,
    (_S.PAUSED, _E.CRISIS): _S.PAUSED,
    # After a stop only the parent can bring us back; an invitation changes nothing.
    (_S.STOPPED, _E.CONFIRM): _S.ACTIVE,
    (_S.STOPPED, _E.JOIN): _S.PENDING,
    (_S.STOPPED, _E.OPT_OUT): _S.STOPPED,
    (_S.STOPPED, _E.INVITE): _S.STOPPED,
    (_S.EXPIRED, _E.JOIN): _S.PENDING,
    (_S.EXPIRED, _E.CONFIRM): _S.PENDING,
    (_S.EXPIRED, _E.INVITE): _S.PENDING,
    (_S.EXPIRED, _E.OPT_OUT): _S.STOPPED,
}


def next_state(state: State, event: Event) -> State:
    """The state after `event`; events that mean nothing in a state leave it unchanged."""
    return TRANSITIONS.get((state, event), state)


def may_receive_nudges(state: State) -> bool:
    return state is State.ACTIVE


def sends_invitation(state: State, event: Event) -> bool:
    """A clinician's invitation texts only a number that has never been asked,
    or whose earlier invitation expired: exactly one invitation per consent request."""
    return event is Event.INVITE and state in (State.NONE, State.EXPIRED)


def invitation_refusal(state: State, same_clinician: bool) -> str | None:
    """Why a clinician may not invite this number now, in words for the clinician;
    None when the one invitation text may go. A number is never silently taken
    over from another clinician, and after a stop only the parent can rejoin."""
    if sends_invitation(state, Event.INVITE):
        return None
    if state is State.PENDING:
        if same_clinician:
            return "You have already invited this number; it is waiting for their YES."
        return "This number already has a sign-up waiting for a reply, so it was not invited."
    if state in (State.ACTIVE, State.PAUSED):
        if same_clinician:
            return "This number is already your client."
        return "This number already gets GoodEnough texts, so it was not invited."
    return "This number asked us to stop texting it. Only the parent can rejoin, by texting START."


def client_status(state: State, unusable: bool) -> str:
    """What a clinician sees: invited, active, paused, stopped, expired, unreachable."""
    if unusable and state not in (State.STOPPED, State.EXPIRED):
        return "unreachable"
    if state in (State.PENDING, State.NONE):
        return "invited"
    return state.value
