"""A sender's claims on outbox rows, each step in its own transaction: taking a
batch (and dropping what may no longer go out), renewing, giving back, and
recording what the provider accepted or refused.

The SQL, and the rule of which rows may move, live in `nudges.db.outbox_store`;
this module decides what to ask it and answers with plain values, so the sender
can count them."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import Row, func, or_, select
from sqlalchemy.orm import Session

from nudges.db import outbox_store
from nudges.db.models import Outbox, Subscriber
from nudges.domain.outbox import OutboxState
from nudges.domain.preferences import candidate_zones
from nudges.domain.schedule import refusal_at_send
from nudges.domain.send_errors import MAX_ATTEMPTS, ErrorKind, retry_delay
from nudges.runtime import Runtime
from nudges.services.delivery import settle_failure
from nudges.sms.transports import OutgoingSms, SendError

log = logging.getLogger(__name__)
VALIDITY_SECONDS = 3600

# Test hooks: called with the outbox id at each step, so crash tests can stop the
# sender exactly there. Production passes none.
Hook = Callable[[str, int], None]


@dataclass(frozen=True)
class Work:
    outbox_id: int
    sms: OutgoingSms
    verify_since: datetime | None
    kind: str = "nudge"


@dataclass(frozen=True)
class Batch:
    """A claimed batch: what to send, how many were dropped at send time, and the
    highest id claimed (0 when none), where the next batch of this pass starts."""

    work: list[Work]
    skipped: int
    last_id: int


class Failure(StrEnum):
    RETRY = "retry"  # back in the queue for a later attempt
    FAILED = "failed"  # given up: the provider refused it or attempts ran out
    NOT_OURS = "not_ours"  # a callback or reconcile settled it meanwhile


def callback_url(base_url: str, outbox_id: int) -> str:
    return f"{base_url}/sms/status?outbox={outbox_id}"


def claim_batch(runtime: Runtime, size: int, token: str, after_id: int = 0) -> Batch:
    """Claim up to `size` due rows after `after_id` for `token`, then drop (as
    `skipped`) those that may not go out now: consent or the window changed since
    dispatch."""
    now = runtime.clock.now()
    with runtime.db.session() as session:
        claimed = outbox_store.claim(
            session, runtime.db.dialect, size=size, token=token, now=now, after_id=after_id
        )
        if not claimed:
            return Batch([], 0, 0)
        work: list[Work] = []
        refused: dict[str, list[int]] = {}
        for row in _claimed_rows(session, claimed):
            reason = refusal_at_send(
                row.state,
                bool(row.unusable_reason),
                candidate_zones(row.phone, row.timezone) if row.phone else (),
                row.slot_at,
                now,
                runtime.settings.send_window,
                row.kind,
            )
            if not (row.to_phone or row.phone):
                reason = "no number to send to"
            if reason is not None:
                refused.setdefault(reason, []).append(row.id)
                log.info("outbox %s skipped at send time: %s", row.id, reason)
                continue
            sms = OutgoingSms(
                to=row.to_phone or row.phone,
                body=row.body or "",
                status_callback=callback_url(runtime.settings.public_base_url, row.id),
                validity_period=VALIDITY_SECONDS,
            )
            verify_since = row.created_at if row.verify_before_send else None
            work.append(Work(row.id, sms, verify_since, row.kind))
        # Counted as claimed-and-refused, as before: the rows were just claimed
        # in this transaction, so all of them are still ours to skip.
        for why, ids in refused.items():
            outbox_store.skip(session, token=token, ids=ids, now=now, reason=why)
        return Batch(work, sum(map(len, refused.values())), max(claimed))


def _claimed_rows(session: Session, ids: list[int]) -> list[Row[Any]]:
    return list(
        session.execute(
            select(
                Outbox.id,
                Outbox.body,
                Outbox.slot_at,
                Outbox.created_at,
                Outbox.verify_before_send,
                Outbox.kind,
                Outbox.to_phone,
                Subscriber.phone,
                Subscriber.state,
                Subscriber.timezone,
                Subscriber.unusable_reason,
            )
            .outerjoin(Subscriber, Subscriber.id == Outbox.subscriber_id)
            .where(Outbox.id.in_(ids))
            .order_by(Outbox.id)
        ).all()
    )


def renew(runtime: Runtime, token: str, ids: list[int]) -> set[int]:
    """Renew the claim on rows about to be sent; returns the ids still ours."""
    with runtime.db.session() as session:
        return outbox_store.renew(session, token=token, ids=ids, now=runtime.clock.now())


def release(runtime: Runtime, token: str, ids: list[int]) -> None:
    """Give claimed rows back to the queue as they were (the attempt did not happen)."""
    if not ids:
        return
    with runtime.db.session() as session:
        outbox_store.release(session, token=token, ids=ids, now=runtime.clock.now())


def record_sids(
    runtime: Runtime, token: str, accepted: list[tuple[int, str, str]], hook: Hook | None = None
) -> None:
    """Store a chunk's SIDs in one commit, each conditional on our claim."""
    if not accepted:
        return
    with runtime.db.session() as session:
        recorded = outbox_store.mark_sent(
            session, token=token, accepted=accepted, now=runtime.clock.now()
        )
        if hook:
            hook("before_commit", accepted[-1][0])
    if recorded != len(accepted):
        # Reconcile took these back while we sent them; it asks Twilio before any resend.
        log.warning("%d sent rows were no longer ours to record", len(accepted) - recorded)


def record_failure(runtime: Runtime, outbox_id: int, token: str, exc: SendError) -> Failure:
    """Retry later (a transient error, attempts left) or fail the row; either write
    only if the row is still ours in `sending` (a callback may have moved it on)."""
    now = runtime.clock.now()
    with runtime.db.session() as session:
        row = outbox_store.held(session, outbox_id=outbox_id, token=token)
        if row is None:
            return Failure.NOT_OURS
        # `attempts` counts failed provider calls, not claims: a sender killed
        # mid-batch is not the message's fault and must not use up its retries.
        attempts = row.attempts + 1
        code = exc.code or exc.http_status
        if exc.kind is ErrorKind.TRANSIENT and attempts < MAX_ATTEMPTS:
            # A 429 was never processed; a 5xx or a timeout may have been.
            unsure = not (exc.http_status == 429 or exc.code == 20429)
            moved = outbox_store.retry_later(
                session,
                outbox_id=outbox_id,
                token=token,
                now=now,
                attempts=attempts,
                error_code=code,
                next_attempt_at=now + timedelta(seconds=retry_delay(attempts)),
                verify_before_send=row.verify_before_send or unsure,
            )
            return Failure.RETRY if moved else Failure.NOT_OURS
        moved = outbox_store.fail(
            session, outbox_id=outbox_id, token=token, now=now, attempts=attempts, error_code=code
        )
        if not moved:
            return Failure.NOT_OURS
        sub = session.get(Subscriber, row.subscriber_id) if row.subscriber_id else None
        if sub is not None:
            settle_failure(session, sub, exc.kind, exc.code, now)
        return Failure.FAILED


def oldest_due_age(runtime: Runtime) -> float:
    """Seconds the oldest due, queued text has waited (0 when none): outbox lag."""
    now = runtime.clock.now()
    with runtime.db.session() as session:
        oldest = session.scalar(
            select(func.min(Outbox.slot_at)).where(
                Outbox.state == OutboxState.QUEUED,
                or_(Outbox.next_attempt_at.is_(None), Outbox.next_attempt_at <= now),
            )
        )
    return max(0.0, (now - oldest).total_seconds()) if oldest else 0.0
