"""Every UPDATE of an outbox row, in one place (dispatch, enrolment and alerts
only insert new `queued` rows).

Each function that writes `state` moves rows to one target state with a conditional UPDATE whose
`WHERE state IN (...)` comes from the transition table in
`nudges.domain.outbox`, so no caller (the sender, reconcile, a status callback)
can move a row the table does not allow, whatever order the facts arrive in.
A sender's writes are also conditional on still holding its claim (its
`claim_token`, in `sending`): reconcile may have taken the row back meanwhile.
Each returns how many rows it moved (the ids, where the caller needs them),
which is how a caller learns whether it won. The rest (`renew`, `adopt_sid`,
`record_status`, `forget_bodies`) never touch `state`.

The caller owns the transaction: these only issue statements on its session.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import cast

from sqlalchemy import (
    ColumnElement,
    Table,
    bindparam,
    case,
    func,
    literal,
    or_,
    select,
    update,
)
from sqlalchemy.orm import Session

from nudges.db.locks import skip_locked
from nudges.db.models import Outbox
from nudges.db.session import affected
from nudges.domain.outbox import FINAL, OutboxState, states_that_may_become

S = OutboxState
_OUTBOX = cast(Table, Outbox.__table__)


def _may_become(
    target: OutboxState, among: Iterable[OutboxState] | None = None
) -> list[OutboxState]:
    """The states the table lets move to `target`, narrowed to `among` when a
    writer only ever moves rows it holds (an empty list matches no row)."""
    allowed = states_that_may_become(target)
    if among is None:
        return list(allowed)
    narrowed = set(among)
    return [s for s in allowed if s in narrowed]


def _from(target: OutboxState, among: Iterable[OutboxState] | None = None) -> ColumnElement[bool]:
    return _OUTBOX.c.state.in_(_may_become(target, among))


def _from_each(
    target: OutboxState, among: Iterable[OutboxState] | None = None
) -> ColumnElement[bool]:
    """`_from` for an executemany, which cannot expand an IN list: one bound value each."""
    state = _OUTBOX.c.state
    return state.in_([literal(s, state.type) for s in _may_become(target, among)])


def _held(token: str) -> tuple[ColumnElement[bool], ...]:
    """Rows this sender still holds: claimed with its token and not moved on."""
    return (_OUTBOX.c.claim_token == token, _OUTBOX.c.state == S.SENDING)


def _due(now: datetime) -> ColumnElement[bool]:
    return or_(_OUTBOX.c.next_attempt_at.is_(None), _OUTBOX.c.next_attempt_at <= now)


def _move(
    session: Session,
    target: OutboxState,
    *where: ColumnElement[bool],
    among: Iterable[OutboxState] | None = None,
    **values: object,
) -> int:
    """`UPDATE outbox SET state=:target, ... WHERE ... AND state IN (...)`: the one
    shape of every conditional state write (bar the claim, which returns ids), so
    the state written and the states it may come from are always the same target's."""
    return affected(
        session.execute(
            update(_OUTBOX).where(*where, _from(target, among)).values(state=target, **values)
        )
    )


# --- the sender's claim -------------------------------------------------------


def claim(
    session: Session, dialect: str, *, size: int, token: str, now: datetime, after_id: int = 0
) -> list[int]:
    """`UPDATE ... SET state='sending', claim_token=:token WHERE state IN (queued)`
    for up to `size` due rows after `after_id`, picked `FOR UPDATE SKIP LOCKED` on
    PostgreSQL so several senders split the queue; returns the ids won.
    `after_id` continues a pass where its last batch ended (keyset), so it never
    scans again the index entries its own claims just left behind."""
    picked = (
        select(_OUTBOX.c.id)
        .where(_from(S.SENDING), _due(now), _OUTBOX.c.id > after_id)
        .order_by(_OUTBOX.c.id)
        .limit(size)
    )
    ids = list(session.scalars(skip_locked(picked, dialect)))
    if not ids:
        return []
    return list(
        session.scalars(
            update(_OUTBOX)
            .where(_OUTBOX.c.id.in_(ids), _from(S.SENDING))
            .values(state=S.SENDING, claimed_at=now, claim_token=token, updated_at=now)
            .returning(_OUTBOX.c.id)
        )
    )


def renew(session: Session, *, token: str, ids: Sequence[int], now: datetime) -> set[int]:
    """Renew the claim on rows about to be sent (no state moves); the ids still held."""
    return set(
        session.scalars(
            update(_OUTBOX)
            .where(_OUTBOX.c.id.in_(ids), *_held(token))
            .values(claimed_at=now)
            .returning(_OUTBOX.c.id)
        )
    )


def release(session: Session, *, token: str, ids: Sequence[int], now: datetime) -> int:
    """Give held rows back to the queue as they were (the attempt did not happen)."""
    if not ids:
        return 0
    return _move(
        session,
        S.QUEUED,
        _OUTBOX.c.id.in_(ids),
        *_held(token),
        among={S.SENDING},
        claim_token=None,
        updated_at=now,
    )


def skip(
    session: Session, *, token: str, ids: Sequence[int], now: datetime, reason: str | None = None
) -> int:
    """Held rows that may not go out now (consent or the window changed) become
    `skipped`, with why (the clinician reads it beside the text)."""
    if not ids:
        return 0
    return _move(
        session,
        S.SKIPPED,
        _OUTBOX.c.id.in_(ids),
        *_held(token),
        among={S.SENDING},
        updated_at=now,
        skip_reason=reason,
    )


def supersede(
    session: Session, *, subscriber_id: int, kind: str, now: datetime, reason: str
) -> int:
    """This subscriber's texts of `kind` not yet claimed become `skipped`: a newer
    one says the same thing better (a clinician's second change before the first
    notice went out), or there is nothing left to say."""
    return _move(
        session,
        S.SKIPPED,
        _OUTBOX.c.subscriber_id == subscriber_id,
        _OUTBOX.c.kind == kind,
        among={S.QUEUED},
        updated_at=now,
        skip_reason=reason,
    )


# One executemany for a chunk, each row conditional on the claim token. It never
# moves a row backwards: a status callback may have landed first and already set
# the SID or a final state, which the CASE keeps (the row still counts as ours).
_STILL_SENDING = _from_each(S.SENT, among={S.SENDING})
_MARK_SENT = (
    update(_OUTBOX)
    .where(_OUTBOX.c.id == bindparam("row_id"), _OUTBOX.c.claim_token == bindparam("token"))
    .values(
        provider_sid=func.coalesce(_OUTBOX.c.provider_sid, bindparam("sid")),
        provider_status=case(
            (_STILL_SENDING, func.coalesce(_OUTBOX.c.provider_status, bindparam("status"))),
            else_=_OUTBOX.c.provider_status,
        ),
        state=case((_STILL_SENDING, S.SENT), else_=_OUTBOX.c.state),
        verify_before_send=False,
        updated_at=bindparam("now"),
    )
)


def mark_sent(
    session: Session, *, token: str, accepted: Sequence[tuple[int, str, str]], now: datetime
) -> int:
    """Store what the provider accepted, `(outbox id, SID, status)` each: held rows
    become `sent`. Returns how many rows were still this claim's to record."""
    if not accepted:
        return 0
    params = [
        {"row_id": outbox_id, "sid": sid, "status": status, "now": now, "token": token}
        for outbox_id, sid, status in accepted
    ]
    return affected(session.connection().execute(_MARK_SENT, params))


@dataclass(frozen=True)
class Held:
    """What a failed attempt needs to know about a row it still holds."""

    attempts: int
    verify_before_send: bool
    subscriber_id: int | None


def held(session: Session, *, outbox_id: int, token: str) -> Held | None:
    """The row, if this claim still holds it (None: a callback or reconcile settled it)."""
    row = session.execute(
        select(_OUTBOX.c.attempts, _OUTBOX.c.verify_before_send, _OUTBOX.c.subscriber_id).where(
            _OUTBOX.c.id == outbox_id, *_held(token)
        )
    ).first()
    return None if row is None else Held(row[0], bool(row[1]), row[2])


def retry_later(
    session: Session,
    *,
    outbox_id: int,
    token: str,
    now: datetime,
    attempts: int,
    error_code: int | None,
    next_attempt_at: datetime,
    verify_before_send: bool,
) -> int:
    """A held row whose attempt failed goes back to the queue until `next_attempt_at`."""
    return _move(
        session,
        S.QUEUED,
        _OUTBOX.c.id == outbox_id,
        *_held(token),
        among={S.SENDING},
        claim_token=None,
        attempts=attempts,
        error_code=error_code,
        next_attempt_at=next_attempt_at,
        verify_before_send=verify_before_send,
        updated_at=now,
    )


def fail(
    session: Session,
    *,
    outbox_id: int,
    token: str,
    now: datetime,
    attempts: int,
    error_code: int | None,
) -> int:
    """A held row the provider refused, or that ran out of attempts, is `failed`."""
    return _move(
        session,
        S.FAILED,
        _OUTBOX.c.id == outbox_id,
        *_held(token),
        among={S.SENDING},
        attempts=attempts,
        error_code=error_code,
        updated_at=now,
    )


# --- reconcile: claims whose sender died ---------------------------------------
# Each clears the claim token, so a sender that was merely frozen finds the row
# no longer its own.


def _abandoned(claimed_before: datetime) -> tuple[ColumnElement[bool], ...]:
    return (_OUTBOX.c.state == S.SENDING, _OUTBOX.c.claimed_at < claimed_before)


def sent_abandoned(session: Session, *, claimed_before: datetime, now: datetime) -> int:
    """Abandoned rows with a SID are at the provider: `sent`."""
    return _move(
        session,
        S.SENT,
        *_abandoned(claimed_before),
        _OUTBOX.c.provider_sid.is_not(None),
        among={S.SENDING},
        claim_token=None,
        updated_at=now,
    )


def give_up_abandoned(
    session: Session, *, claimed_before: datetime, max_attempts: int, now: datetime
) -> int:
    """Abandoned rows out of attempts are `unknown`, for a person to look at."""
    return _move(
        session,
        S.UNKNOWN,
        *_abandoned(claimed_before),
        _OUTBOX.c.attempts >= max_attempts,
        among={S.SENDING},
        claim_token=None,
        updated_at=now,
    )


def requeue_abandoned(session: Session, *, claimed_before: datetime, now: datetime) -> int:
    """Other abandoned rows go back to the queue, to be looked up at the provider first."""
    return _move(
        session,
        S.QUEUED,
        *_abandoned(claimed_before),
        among={S.SENDING},
        claim_token=None,
        verify_before_send=True,
        next_attempt_at=now,
        updated_at=now,
    )


# --- delivery facts -------------------------------------------------------------


def adopt_sid(session: Session, *, outbox_id: int, sid: str) -> int:
    """Store the SID a callback names on a row that has none yet (no state moves)."""
    return affected(
        session.execute(
            update(_OUTBOX)
            .where(_OUTBOX.c.id == outbox_id, _OUTBOX.c.provider_sid.is_(None))
            .values(provider_sid=sid)
        )
    )


def record_status(
    session: Session,
    *,
    outbox_id: int,
    sid: str,
    status: str,
    error_code: int | None,
    now: datetime,
) -> int:
    """Store a provider status and its SID (no state moves: see `settle`)."""
    values: dict[str, object] = {"provider_sid": sid, "provider_status": status, "updated_at": now}
    if error_code is not None:
        values["error_code"] = error_code
    return affected(
        session.execute(update(_OUTBOX).where(_OUTBOX.c.id == outbox_id).values(values))
    )


def settle(session: Session, *, outbox_id: int, target: OutboxState, now: datetime) -> int:
    """Move a row to what a provider status implies, if the table allows it from
    wherever the row is; then it is never sent again (`verify_before_send` off)."""
    return _move(
        session, target, _OUTBOX.c.id == outbox_id, verify_before_send=False, updated_at=now
    )


# --- retention ------------------------------------------------------------------
# A body is forgotten only once nothing will send it again.
PURGEABLE = tuple(sorted(FINAL | {S.SENT, S.UNKNOWN}))


def forget_bodies(session: Session, *, created_before: datetime) -> int:
    """Clear the text of rows older than the retention period (no state moves)."""
    return affected(
        session.execute(
            update(_OUTBOX)
            .where(
                _OUTBOX.c.created_at < created_before,
                _OUTBOX.c.body.is_not(None),
                _OUTBOX.c.state.in_(PURGEABLE),
            )
            .values(body=None)
        )
    )
