"""Sender: claim queued outbox rows and hand them to the transport.

A nudge is never sent twice: a row is claimed (queued -> sending) before the
call, and a row found in `sending` later is never sent again; it is settled
from Twilio's status callback or marked `unknown` by reconcile.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import cast

from sqlalchemy import Table, bindparam, case, func, or_, select, update

from nudges.db.models import Outbox, Subscriber
from nudges.delivery import settle_failure
from nudges.domain.preferences import candidate_zones
from nudges.domain.schedule import refusal_at_send
from nudges.domain.send_errors import MAX_ATTEMPTS, ErrorKind, retry_delay
from nudges.runtime import Runtime
from nudges.sms.transports import OutgoingSms, SendError
from scheduler.throttle import Throttle

log = logging.getLogger(__name__)
VALIDITY_SECONDS = 3600


@dataclass
class SendReport:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    skipped: int = 0
    recovered: int = 0
    errors: dict[str, int] = field(default_factory=dict)


# Test hooks: called with the outbox id at each step, so crash tests can stop the
# sender exactly there. Production passes none.
Hook = Callable[[str, int], None]


def callback_url(base_url: str, outbox_id: int) -> str:
    return f"{base_url}/sms/status?outbox={outbox_id}"


def send_queued(
    runtime: Runtime,
    *,
    limit: int = 10_000,
    throttle: Throttle | None = None,
    hook: Hook | None = None,
    batch_size: int = 250,
) -> SendReport:
    """Send what is queued and due, a batch at a time.

    1. Claim a batch: `UPDATE ... SET state='sending' WHERE state='queued'
       RETURNING id` (the rows picked `FOR UPDATE SKIP LOCKED` on PostgreSQL), so
       two senders never hold one row. Commit the claim before calling out.
    2. Re-check consent and the window for each row at this moment; skip if
       either fails.
    3. If an earlier attempt may have reached Twilio, ask Twilio first.
    4. Send with a StatusCallback naming the row and a ValidityPeriod.
    5. Store the SIDs of the batch in one commit; failures are settled one by one
       (retry with backoff, or a permanent failure). A crash before that commit
       leaves rows in `sending`, which reconcile checks with Twilio: never twice.
    """
    report = SendReport()
    throttle = throttle or Throttle(runtime.settings.max_sends_per_second)
    while report.sent + report.failed + report.skipped + report.retried < limit:
        batch = _claim_batch(runtime, min(batch_size, limit), report)
        if not batch:
            break
        accepted: list[tuple[int, str, str]] = []
        for outbox_id, sms, verify_since in batch:
            if verify_since is not None and _already_sent(
                runtime, outbox_id, sms, verify_since, report
            ):
                continue
            if hook:
                hook("before_call", outbox_id)
            throttle.wait()
            try:
                result = runtime.transport.send(sms)
            except SendError as exc:
                _after_failure(runtime, outbox_id, exc, report)
                continue
            if hook:
                hook("after_accept", outbox_id)
            accepted.append((outbox_id, result.sid, result.status))
        _record_sids(runtime, accepted, hook)
        report.sent += len(accepted)
    return report


def _claim_batch(
    runtime: Runtime, size: int, report: SendReport
) -> list[tuple[int, OutgoingSms, datetime | None]]:
    settings = runtime.settings
    now = runtime.clock.now()
    with runtime.db.session() as session:
        due = (
            select(Outbox.id)
            .where(
                Outbox.state == "queued",
                or_(Outbox.next_attempt_at.is_(None), Outbox.next_attempt_at <= now),
            )
            .order_by(Outbox.id)
            .limit(size)
        )
        if runtime.db.dialect == "postgresql":
            due = due.with_for_update(skip_locked=True)
        ids = list(session.scalars(due))
        if not ids:
            return []
        claimed = list(
            session.scalars(
                update(Outbox)
                .where(Outbox.id.in_(ids), Outbox.state == "queued")
                .values(
                    state="sending", claimed_at=now, attempts=Outbox.attempts + 1, updated_at=now
                )
                .returning(Outbox.id)
            )
        )
        rows = session.execute(
            select(
                Outbox.id,
                Outbox.body,
                Outbox.slot_at,
                Outbox.created_at,
                Outbox.verify_before_send,
                Subscriber.phone,
                Subscriber.state,
                Subscriber.timezone,
                Subscriber.unusable_reason,
            )
            .outerjoin(Subscriber, Subscriber.id == Outbox.subscriber_id)
            .where(Outbox.id.in_(claimed))
            .order_by(Outbox.id)
        ).all()
        work: list[tuple[int, OutgoingSms, datetime | None]] = []
        skipped: list[int] = []
        for row in rows:
            reason = refusal_at_send(
                row.state,
                bool(row.unusable_reason),
                candidate_zones(row.phone, row.timezone) if row.phone else (),
                row.slot_at,
                now,
                settings.send_window,
            )
            if reason is not None:
                skipped.append(row.id)
                log.info("outbox %s skipped at send time: %s", row.id, reason)
                continue
            sms = OutgoingSms(
                to=row.phone,
                body=row.body or "",
                status_callback=callback_url(settings.public_base_url, row.id),
                validity_period=VALIDITY_SECONDS,
            )
            work.append((row.id, sms, row.created_at if row.verify_before_send else None))
        if skipped:
            session.execute(
                update(Outbox).where(Outbox.id.in_(skipped)).values(state="skipped", updated_at=now)
            )
            report.skipped += len(skipped)
        return work


# One executemany for a whole batch. It never moves a row backwards: a status
# callback may have landed first and already set the SID or a final state.
_OUTBOX = cast(Table, Outbox.__table__)
_STILL_OURS = or_(
    _OUTBOX.c.state == "sending", _OUTBOX.c.state == "queued", _OUTBOX.c.state == "unknown"
)
_RECORD_SID = (
    update(_OUTBOX)
    .where(_OUTBOX.c.id == bindparam("row_id"))
    .values(
        provider_sid=func.coalesce(_OUTBOX.c.provider_sid, bindparam("sid")),
        provider_status=case(
            (_STILL_OURS, func.coalesce(_OUTBOX.c.provider_status, bindparam("status"))),
            else_=_OUTBOX.c.provider_status,
        ),
        state=case((_STILL_OURS, "sent"), else_=_OUTBOX.c.state),
        verify_before_send=False,
        updated_at=bindparam("now"),
    )
)


def _record_sids(
    runtime: Runtime, accepted: list[tuple[int, str, str]], hook: Hook | None = None
) -> None:
    if not accepted:
        return
    now = runtime.clock.now()
    with runtime.db.session() as session:
        session.connection().execute(
            _RECORD_SID,
            [
                {"row_id": outbox_id, "sid": sid, "status": status, "now": now}
                for outbox_id, sid, status in accepted
            ],
        )
        if hook:
            hook("before_commit", accepted[-1][0])


def _already_sent(
    runtime: Runtime, outbox_id: int, sms: OutgoingSms, since: datetime, report: SendReport
) -> bool:
    """An earlier attempt may have reached Twilio: ask before sending again.

    True when the message is there (we record its SID) or when Twilio cannot be
    asked right now (the row waits for a later try); False when it is safe to send.
    """
    try:
        sid = runtime.transport.find_sent(sms.to, sms.body, since)
    except SendError as exc:
        _after_failure(runtime, outbox_id, exc, report)
        return True
    if sid is None:
        return False
    _record_sids(runtime, [(outbox_id, sid, "sent")])
    report.recovered += 1
    log.info("outbox %s: found at the provider, not sent again", outbox_id)
    return True


def _after_failure(runtime: Runtime, outbox_id: int, exc: SendError, report: SendReport) -> None:
    now = runtime.clock.now()
    report.errors[exc.kind.value] = report.errors.get(exc.kind.value, 0) + 1
    with runtime.db.session() as session:
        row = session.get(Outbox, outbox_id, with_for_update=True)
        assert row is not None
        row.error_code = exc.code or exc.http_status
        row.updated_at = now
        if exc.kind is ErrorKind.TRANSIENT and row.attempts < MAX_ATTEMPTS:
            row.state = "queued"
            row.next_attempt_at = now + timedelta(seconds=retry_delay(row.attempts))
            # A 429 was never processed; a 5xx or a timeout may have been.
            if not (exc.http_status == 429 or exc.code == 20429):
                row.verify_before_send = True
            report.retried += 1
            return
        row.state = "failed"
        report.failed += 1
        if exc.kind is ErrorKind.CONFIG:
            log.error("send failed with a configuration error (code %s): check Twilio", exc.code)
        sub = session.get(Subscriber, row.subscriber_id) if row.subscriber_id else None
        if sub is not None:
            settle_failure(session, sub, exc.kind, exc.code, now)
