"""Every pair of outbox states: which moves are allowed. Nothing moves backwards."""

from __future__ import annotations

import itertools

import pytest

from nudges.domain.outbox import FINAL, OutboxState, may_move, states_that_may_become

S = OutboxState
ALLOWED = {
    (S.QUEUED, S.SENDING),
    (S.QUEUED, S.SKIPPED),
    (S.QUEUED, S.SENT),  # a callback for an earlier attempt that did reach Twilio
    (S.QUEUED, S.DELIVERED),
    (S.QUEUED, S.UNDELIVERED),
    (S.QUEUED, S.FAILED),
    (S.SENDING, S.QUEUED),  # a retry, by the claim's owner only
    (S.SENDING, S.SENT),
    (S.SENDING, S.DELIVERED),
    (S.SENDING, S.UNDELIVERED),
    (S.SENDING, S.FAILED),
    (S.SENDING, S.SKIPPED),
    (S.SENDING, S.UNKNOWN),
    (S.SENT, S.DELIVERED),
    (S.SENT, S.UNDELIVERED),
    (S.SENT, S.FAILED),
    (S.UNKNOWN, S.SENT),
    (S.UNKNOWN, S.DELIVERED),
    (S.UNKNOWN, S.UNDELIVERED),
    (S.UNKNOWN, S.FAILED),
}


@pytest.mark.parametrize(("before", "after"), list(itertools.product(S, S)))
def test_every_pair_of_states(before: OutboxState, after: OutboxState) -> None:
    assert may_move(before, after) is ((before, after) in ALLOWED)


@pytest.mark.parametrize("final", sorted(FINAL))
def test_final_states_never_move(final: OutboxState) -> None:
    assert not any(may_move(final, other) for other in S)


def test_nothing_the_provider_has_goes_back_to_the_queue() -> None:
    assert states_that_may_become(S.QUEUED) == ("sending",)
