"""What the outbox's transition table promises, tested as behaviour rather than
copied: facts folded in any order end in the same place, nothing the provider
has is sent again, final states stay final, and every row can finish.
That each write in the database honours the table is tested on a real database
in tests/db/test_outbox_store.py."""

from __future__ import annotations

import itertools

import pytest

from nudges.domain.outbox import (
    AT_PROVIDER,
    FINAL,
    OutboxState,
    may_move,
    rank,
    state_for_status,
    states_that_may_become,
)

S = OutboxState


def fold(start: OutboxState, statuses: tuple[str, ...]) -> OutboxState:
    """Apply provider statuses in the order they arrive, as status callbacks do:
    older ones ignored, and the state moves only where the table allows."""
    state, held = start, None
    for status in statuses:
        if rank(status) <= rank(held):
            continue
        held = status
        target = state_for_status(status)
        if may_move(state, target):
            state = target
    return state


@pytest.mark.parametrize("start", [S.QUEUED, S.SENDING, S.SENT, S.UNKNOWN])
@pytest.mark.parametrize("final", ["delivered", "undelivered", "failed"])
def test_callbacks_in_any_order_end_in_the_final_status(start: OutboxState, final: str) -> None:
    for order in itertools.permutations(("queued", "sending", "sent", final)):
        assert fold(start, order) == state_for_status(final), order


@pytest.mark.parametrize("held", sorted(AT_PROVIDER | {S.UNKNOWN}))
def test_nothing_the_provider_may_have_is_queued_or_claimed_again(held: OutboxState) -> None:
    assert not may_move(held, S.QUEUED)
    assert not may_move(held, S.SENDING)


def test_only_a_queued_row_is_claimed_and_only_a_claimed_row_goes_back() -> None:
    assert states_that_may_become(S.SENDING) == (S.QUEUED.value,)
    assert states_that_may_become(S.QUEUED) == (S.SENDING.value,)


@pytest.mark.parametrize("final", sorted(FINAL))
def test_final_states_never_move(final: OutboxState) -> None:
    assert not any(may_move(final, other) for other in S)


@pytest.mark.parametrize("state", list(S))
def test_staying_put_is_not_a_move(state: OutboxState) -> None:
    assert not may_move(state, state)


@pytest.mark.parametrize("start", sorted(set(S) - FINAL))
def test_every_unfinished_row_can_still_finish(start: OutboxState) -> None:
    """No dead end: from any state that is not final some path reaches one."""
    seen, frontier = {start}, [start]
    while frontier:
        here = frontier.pop()
        for there in S:
            if may_move(here, there) and there not in seen:
                seen.add(there)
                frontier.append(there)
    assert seen & FINAL


@pytest.mark.parametrize("target", list(S))
def test_the_sql_condition_is_the_table(target: OutboxState) -> None:
    """`states_that_may_become` is what the store puts in `WHERE state IN (...)`."""
    assert set(states_that_may_become(target)) == {s.value for s in S if may_move(s, target)}
