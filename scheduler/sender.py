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

from sqlalchemy import or_, select, update

from nudges.db.models import Outbox, Subscriber
from nudges.db.session import affected
from nudges.delivery import settle_failure
from nudges.domain.preferences import candidate_zones
from nudges.domain.schedule import GRACE, inside_window
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
) -> SendReport:
    """Send what is queued and due.

    1. Pick queued rows whose retry time has come.
    2. Claim one with `UPDATE ... SET state='sending' WHERE state='queued'`;
       rowcount 0 means another sender has it. Commit the claim before calling out.
    3. Re-check consent and the window at this moment; skip if either fails.
    4. Send with a StatusCallback naming the row and a ValidityPeriod.
    5. Store the SID (unless a callback already did) and mark it sent; or
       schedule a retry with backoff, or settle a permanent failure.
    """
    report = SendReport()
    throttle = throttle or Throttle(runtime.settings.max_sends_per_second)
    now = runtime.clock.now()
    with runtime.db.session() as session:
        ids = session.scalars(
            select(Outbox.id)
            .where(
                Outbox.state == "queued",
                or_(Outbox.next_attempt_at.is_(None), Outbox.next_attempt_at <= now),
            )
            .order_by(Outbox.id)
            .limit(limit)
        ).all()
    for outbox_id in ids:
        _send_one(runtime, outbox_id, throttle, report, hook)
    return report


def _send_one(
    runtime: Runtime, outbox_id: int, throttle: Throttle, report: SendReport, hook: Hook | None
) -> None:
    settings = runtime.settings
    now = runtime.clock.now()
    with runtime.db.session() as session:
        claimed = affected(
            session.execute(
                update(Outbox)
                .where(Outbox.id == outbox_id, Outbox.state == "queued")
                .values(
                    state="sending", claimed_at=now, attempts=Outbox.attempts + 1, updated_at=now
                )
            )
        )
        if claimed != 1:
            return
        row = session.get(Outbox, outbox_id)
        assert row is not None
        sub = session.get(Subscriber, row.subscriber_id) if row.subscriber_id else None
        reason = _refusal(row, sub, now, settings.send_window)
        if reason is not None or sub is None:
            row.state = "skipped"
            row.error_code = None
            report.skipped += 1
            log.info("outbox %s skipped at send time: %s", outbox_id, reason)
            return
        sms = OutgoingSms(
            to=sub.phone,
            body=row.body or "",
            status_callback=callback_url(settings.public_base_url, outbox_id),
            validity_period=VALIDITY_SECONDS,
        )
        verify_since = row.created_at if row.verify_before_send else None
    if verify_since is not None and _already_sent(runtime, outbox_id, sms, verify_since, report):
        return
    if hook:
        hook("before_call", outbox_id)
    throttle.wait()
    try:
        result = runtime.transport.send(sms)
    except SendError as exc:
        _after_failure(runtime, outbox_id, exc, report)
        return
    if hook:
        hook("after_accept", outbox_id)
    _record_sid(runtime, outbox_id, result.sid, result.status, hook)
    report.sent += 1


def _record_sid(
    runtime: Runtime, outbox_id: int, sid: str, status: str, hook: Hook | None = None
) -> None:
    with runtime.db.session() as session:
        row = session.get(Outbox, outbox_id, with_for_update=True)
        assert row is not None
        if row.provider_sid is None:
            row.provider_sid = sid
        if row.state in ("sending", "queued", "unknown"):
            row.state = "sent"
            row.provider_status = row.provider_status or status
        row.verify_before_send = False
        row.updated_at = runtime.clock.now()
        if hook:
            hook("before_commit", outbox_id)


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
    _record_sid(runtime, outbox_id, sid, "sent")
    report.recovered += 1
    log.info("outbox %s: found at the provider, not sent again", outbox_id)
    return True


def _refusal(row: Outbox, sub: Subscriber | None, now: datetime, window: tuple) -> str | None:  # type: ignore[type-arg]
    if sub is None:
        return "no subscriber"
    if sub.state != "active" or sub.unusable_reason:
        return "no longer active"
    if not inside_window(now, candidate_zones(sub.phone, sub.timezone), window):
        return "outside the send window"
    if now - row.slot_at > GRACE + timedelta(hours=1):
        return "too late for its slot"
    return None


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
