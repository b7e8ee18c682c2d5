"""Claims on outbox rows: taking them, renewing them, giving them back, and
recording what the provider accepted. Every write after the claim is
conditional on still holding it (`claim_token`, state `sending`)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import Row, Table, bindparam, case, func, or_, select, update
from sqlalchemy.orm import Session

from nudges.db.locks import skip_locked
from nudges.db.models import Outbox, Subscriber
from nudges.db.session import affected
from nudges.domain.outbox import OutboxState
from nudges.domain.preferences import candidate_zones
from nudges.domain.schedule import refusal_at_send
from nudges.runtime import Runtime
from nudges.sms.transports import OutgoingSms

if TYPE_CHECKING:
    from scheduler.sender import Hook, SendReport

log = logging.getLogger(__name__)
VALIDITY_SECONDS = 3600
_OUTBOX = cast(Table, Outbox.__table__)
SENDING = OutboxState.SENDING.value


@dataclass(frozen=True)
class Work:
    outbox_id: int
    sms: OutgoingSms
    verify_since: datetime | None
    kind: str = "nudge"


def callback_url(base_url: str, outbox_id: int) -> str:
    return f"{base_url}/sms/status?outbox={outbox_id}"


def claim_batch(
    runtime: Runtime, size: int, token: str, report: SendReport, after_id: int = 0
) -> tuple[list[Work], int]:
    """Claim up to `size` due rows after `after_id` for `token`, then drop (as
    `skipped`) those that may not go out now: consent or the window changed since
    dispatch. Returns the work and the highest id claimed (0 when none), where
    the next batch of this pass starts."""
    now = runtime.clock.now()
    with runtime.db.session() as session:
        claimed = _claim(session, runtime.db.dialect, size, token, now, after_id)
        if not claimed:
            return [], 0
        work: list[Work] = []
        skipped: list[int] = []
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
                skipped.append(row.id)
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
        if skipped:
            session.execute(
                update(Outbox)
                .where(Outbox.id.in_(skipped), Outbox.claim_token == token, Outbox.state == SENDING)
                .values(state=OutboxState.SKIPPED.value, updated_at=now)
            )
            report.skipped += len(skipped)
        return work, max(claimed)


def _claim(
    session: Session, dialect: str, size: int, token: str, now: datetime, after_id: int = 0
) -> list[int]:
    """`UPDATE ... SET state='sending', claim_token=:token WHERE state='queued'`, the
    rows picked `FOR UPDATE SKIP LOCKED` on PostgreSQL; returns the ids won.
    `after_id` continues a pass where its last batch ended (keyset), so it never
    scans again the index entries its own claims just left behind."""
    due = (
        select(Outbox.id)
        .where(
            Outbox.state == OutboxState.QUEUED.value,
            or_(Outbox.next_attempt_at.is_(None), Outbox.next_attempt_at <= now),
            Outbox.id > after_id,
        )
        .order_by(Outbox.id)
        .limit(size)
    )
    ids = list(session.scalars(skip_locked(due, dialect)))
    if not ids:
        return []
    return list(
        session.scalars(
            update(Outbox)
            .where(Outbox.id.in_(ids), Outbox.state == OutboxState.QUEUED.value)
            .values(
                state=SENDING,
                claimed_at=now,
                claim_token=token,
                updated_at=now,
            )
            .returning(Outbox.id)
        )
    )


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
    now = runtime.clock.now()
    with runtime.db.session() as session:
        return set(
            session.scalars(
                update(Outbox)
                .where(Outbox.id.in_(ids), Outbox.state == SENDING, Outbox.claim_token == token)
                .values(claimed_at=now)
                .returning(Outbox.id)
            )
        )


def release(runtime: Runtime, token: str, ids: list[int]) -> None:
    """Give claimed rows back to the queue as they were (the attempt did not happen)."""
    if not ids:
        return
    with runtime.db.session() as session:
        session.execute(
            update(Outbox)
            .where(Outbox.id.in_(ids), Outbox.state == SENDING, Outbox.claim_token == token)
            .values(
                state=OutboxState.QUEUED.value,
                claim_token=None,
                updated_at=runtime.clock.now(),
            )
        )


# One executemany for a chunk, each row conditional on our claim. It never moves
# a row backwards: a status callback may have landed first and already set the
# SID or a final state, which the CASE keeps.
_STILL_SENDING = _OUTBOX.c.state == SENDING
_RECORD_SID = (
    update(_OUTBOX)
    .where(_OUTBOX.c.id == bindparam("row_id"), _OUTBOX.c.claim_token == bindparam("token"))
    .values(
        provider_sid=func.coalesce(_OUTBOX.c.provider_sid, bindparam("sid")),
        provider_status=case(
            (_STILL_SENDING, func.coalesce(_OUTBOX.c.provider_status, bindparam("status"))),
            else_=_OUTBOX.c.provider_status,
        ),
        state=case((_STILL_SENDING, OutboxState.SENT.value), else_=_OUTBOX.c.state),
        verify_before_send=False,
        updated_at=bindparam("now"),
    )
)


def record_sids(
    runtime: Runtime,
    token: str,
    accepted: list[tuple[int, str, str]],
    report: SendReport,
    hook: Hook | None = None,
) -> None:
    if not accepted:
        return
    now = runtime.clock.now()
    with runtime.db.session() as session:
        result = session.connection().execute(
            _RECORD_SID,
            [
                {"row_id": outbox_id, "sid": sid, "status": status, "now": now, "token": token}
                for outbox_id, sid, status in accepted
            ],
        )
        if hook:
            hook("before_commit", accepted[-1][0])
    recorded = affected(result)
    report.sent += len(accepted)
    if recorded != len(accepted):
        # Reconcile took these back while we sent them; it asks Twilio before any resend.
        log.warning("%d sent rows were no longer ours to record", len(accepted) - recorded)


def oldest_due_age(runtime: Runtime) -> float:
    """Seconds the oldest due, queued text has waited (0 when none): outbox lag."""
    now = runtime.clock.now()
    with runtime.db.session() as session:
        oldest = session.scalar(
            select(func.min(Outbox.slot_at)).where(
                Outbox.state == OutboxState.QUEUED.value,
                or_(Outbox.next_attempt_at.is_(None), Outbox.next_attempt_at <= now),
            )
        )
    return max(0.0, (now - oldest).total_seconds()) if oldest else 0.0
