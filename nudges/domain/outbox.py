"""The life of an outgoing text, as one table of allowed moves.

Every write of `outbox.state` is a conditional UPDATE in `nudges.db.outbox_store`
whose `WHERE state IN (...)` is `states_that_may_become` of this table, so no
path (a retry, a status callback, reconcile) can move a row backwards: a
`delivered` row is never queued again, whatever order the facts arrive in.
"""

from __future__ import annotations

from enum import StrEnum


class OutboxState(StrEnum):
    QUEUED = "queued"  # waiting for the sender (or for its retry time)
    SENDING = "sending"  # claimed by one sender, which may be calling Twilio right now
    SENT = "sent"  # Twilio accepted it (has a SID); waiting for delivery facts
    DELIVERED = "delivered"
    UNDELIVERED = "undelivered"  # the carrier could not deliver it (e.g. 30003, 30008)
    FAILED = "failed"  # Twilio refused it, or it ran out of attempts
    SKIPPED = "skipped"  # not sent: consent or the window changed before its moment
    UNKNOWN = "unknown"  # a person must look: attempts ran out with no answer


S = OutboxState
FINAL = frozenset({S.DELIVERED, S.UNDELIVERED, S.FAILED, S.SKIPPED})
# Twilio still has the message (or may have): never send it again.
AT_PROVIDER = frozenset({S.SENT, S.DELIVERED, S.UNDELIVERED})

_ALLOWED: dict[OutboxState, frozenset[OutboxState]] = {
    S.QUEUED: frozenset({S.SENDING, S.SKIPPED, S.SENT, S.DELIVERED, S.UNDELIVERED, S.FAILED}),
    S.SENDING: frozenset(
        {S.QUEUED, S.SENT, S.DELIVERED, S.UNDELIVERED, S.FAILED, S.SKIPPED, S.UNKNOWN}
    ),
    S.SENT: frozenset({S.DELIVERED, S.UNDELIVERED, S.FAILED}),
    S.UNKNOWN: frozenset({S.SENT, S.DELIVERED, S.UNDELIVERED, S.FAILED}),
    S.DELIVERED: frozenset(),
    S.UNDELIVERED: frozenset(),
    S.FAILED: frozenset(),
    S.SKIPPED: frozenset(),
}


def may_move(before: OutboxState, after: OutboxState) -> bool:
    """True when a row in `before` may become `after` (staying put is not a move)."""
    return after in _ALLOWED[before]


def states_that_may_become(after: OutboxState) -> tuple[OutboxState, ...]:
    """The `WHERE state IN (...)` for a conditional UPDATE to `after`."""
    return tuple(sorted(s for s in OutboxState if may_move(s, after)))


# Twilio's message statuses, by how far along they are; a callback older than
# what we hold is ignored.
STATUS_RANK = {
    "accepted": 1,
    "scheduled": 1,
    "queued": 1,
    "sending": 2,
    "sent": 3,
    "delivered": 4,
    "undelivered": 4,
    "failed": 4,
    "canceled": 4,
    "read": 4,
}


def rank(status: str | None) -> int:
    return STATUS_RANK.get(status or "", 0)


def state_for_status(status: str) -> OutboxState:
    """Which outbox state a Twilio status implies."""
    if status in ("delivered", "read"):
        return S.DELIVERED
    if status == "undelivered":
        return S.UNDELIVERED
    if status in ("failed", "canceled"):
        return S.FAILED
    return S.SENT
