"""Sender: claim queued outbox rows and hand them to the transport.

Orchestration only: it chunks, paces, calls the transport and counts; every
write to a row is `scheduler.claims`' (through `nudges.db.outbox_store`).

A nudge is never sent twice:
- a row is claimed (queued -> sending, with this pass's `claim_token`) before
  the call, and every later write to it is conditional on still holding that
  token in `sending`, checking the row count;
- rows are sent a small chunk at a time, and each chunk's claim is renewed
  (`claimed_at`) just before its calls, so a slow batch is never mistaken for a
  dead sender by reconcile (which waits STUCK_AFTER);
- a row whose earlier attempt may have reached Twilio is first looked up there.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from nudges import metrics
from nudges.domain.send_errors import ErrorKind
from nudges.runtime import Runtime
from nudges.services import health
from nudges.sms.transports import SendError
from scheduler.claims import (
    Failure,
    Hook,
    Work,
    claim_batch,
    oldest_due_age,
    record_failure,
    record_sids,
    release,
    renew,
)
from scheduler.throttle import SharedThrottle, Throttle

log = logging.getLogger(__name__)
# SIDs are recorded after each chunk, so a sender killed mid-batch leaves at
# most about ten seconds of sends for reconcile to look up (never the batch).
CHUNK_SECONDS = 10
# One sender sends one call at a time, so it never goes faster than the
# provider answers (about 5-10 a second for Twilio), whatever the configured
# rate: 50 is about ten seconds of real sending.
MAX_CHUNK = 50
# However slow the provider, a claim is renewed at least this often, far inside
# reconcile's STUCK_AFTER (15 min), so a live sender never loses its rows.
RENEW_EVERY = timedelta(minutes=1)


@dataclass
class SendReport:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    skipped: int = 0
    recovered: int = 0
    lost_claims: int = 0
    blocked: bool = False
    errors: dict[str, int] = field(default_factory=dict)


# A batch is about a minute of sends, and never more than 50 rows: a sender
# killed mid-batch strands at most that many unsent rows until reconcile hands
# them back, and no sender hoards a burst while the others idle. (Batches of
# 250 let one killed sender strand most of a 300-text burst for 15 minutes in
# bench/chaos.py; with 50 it finished in 16-30 s instead of 21 s to never.)
BATCH_SECONDS = 60
MAX_BATCH = 50


def chunk_size(rate: float) -> int:
    return max(1, min(MAX_CHUNK, int(rate * CHUNK_SECONDS)))


def batch_size_for(rate: float) -> int:
    return max(chunk_size(rate), min(MAX_BATCH, int(rate * BATCH_SECONDS)))


def send_queued(
    runtime: Runtime,
    *,
    limit: int = 10_000,
    throttle: Throttle | SharedThrottle | None = None,
    hook: Hook | None = None,
    batch_size: int | None = None,
) -> SendReport:
    """Send what is queued and due.

    1. Claim a batch: `UPDATE ... SET state='sending', claim_token=<mine> WHERE
       state='queued'` (the rows picked `FOR UPDATE SKIP LOCKED` on PostgreSQL),
       committed before calling out, so two senders never hold one row.
    2. Re-check consent and the window for each row at this moment; skip if
       either fails.
    3. For each chunk: renew the claim (only rows still ours come back), ask
       Twilio first where an earlier attempt may have reached it, send with a
       StatusCallback naming the row and a ValidityPeriod, and store the chunk's
       SIDs in one commit, each conditional on the claim.
    4. A configuration error (401/403, a bad sender) stops the pass: every row
       still claimed goes back to the queue untouched, one error is logged and
       /healthz shows it until a send works again.
    """
    report = SendReport()
    metrics.OUTBOX_LAG.set(oldest_due_age(runtime))
    # One rate for the whole account, however many scheduler processes run.
    throttle = throttle or SharedThrottle(runtime, runtime.settings.max_sends_per_second)
    rate = 1.0 / throttle.interval
    chunk = chunk_size(rate)
    batch_size = batch_size or batch_size_for(rate)
    after_id = 0
    while report.sent + report.failed + report.skipped + report.retried < limit:
        token = secrets.token_hex(16)
        claimed_at = runtime.clock.now()
        batch = claim_batch(runtime, min(batch_size, limit), token, after_id)
        if not batch.last_id:
            break
        after_id = batch.last_id
        report.skipped += batch.skipped
        for start in range(0, len(batch.work), chunk):
            if report.blocked:
                release(runtime, token, [w.outbox_id for w in batch.work[start:]])
                break
            work = batch.work[start : start + chunk]
            _send_chunk(runtime, work, token, throttle, hook, report, claimed_at)
        if report.blocked:
            break
    sent_any = report.sent or report.recovered
    if not report.blocked and sent_any and health.clear(runtime, health.SENDING_BLOCKED):
        log.warning("sending works again: the provider accepted a message")
    return report


def _send_chunk(
    runtime: Runtime,
    chunk: list[Work],
    token: str,
    throttle: Throttle | SharedThrottle,
    hook: Hook | None,
    report: SendReport,
    claimed_at: datetime,
) -> None:
    if runtime.clock.now() - claimed_at < RENEW_EVERY:
        # Claimed moments ago (the claim set claimed_at): all still ours, no renewal.
        ours, renewed_at = {w.outbox_id for w in chunk}, claimed_at
    else:
        ours = renew(runtime, token, [w.outbox_id for w in chunk])
        renewed_at = runtime.clock.now()
    accepted: list[tuple[int, str, str]] = []
    for index, work in enumerate(chunk):
        if runtime.clock.now() - renewed_at > RENEW_EVERY:
            # A slow provider: renew what is left, so reconcile never takes it back.
            ours = renew(runtime, token, [w.outbox_id for w in chunk[index:]])
            renewed_at = runtime.clock.now()
        if work.outbox_id not in ours:
            report.lost_claims += 1
            continue  # reconcile took it back: someone else will finish it
        if work.verify_since is not None and _already_sent(runtime, work, token, report):
            continue
        if hook:
            hook("before_call", work.outbox_id)
        throttle.wait()
        try:
            result = runtime.transport.send(work.sms)
        except SendError as exc:
            if exc.kind is ErrorKind.CONFIG:
                _block(runtime, exc, report)
                record_sids(runtime, token, accepted)
                report.sent += len(accepted)
                release(runtime, token, [w.outbox_id for w in chunk[index:]])
                return
            _after_failure(runtime, work.outbox_id, token, exc, report)
            continue
        if hook:
            hook("after_accept", work.outbox_id)
        accepted.append((work.outbox_id, result.sid, result.status))
        metrics.SENT.labels(kind=work.kind).inc()
    record_sids(runtime, token, accepted, hook)
    report.sent += len(accepted)


def _already_sent(runtime: Runtime, work: Work, token: str, report: SendReport) -> bool:
    """An earlier attempt may have reached Twilio: ask before sending again.

    True when the message is there (we record its SID) or when Twilio cannot be
    asked right now (the row waits for a later try); False when it is safe to send.
    """
    assert work.verify_since is not None
    try:
        sid = runtime.transport.find_sent(work.sms.to, work.sms.body, work.verify_since)
    except SendError as exc:
        _after_failure(runtime, work.outbox_id, token, exc, report)
        return True
    if sid is None:
        return False
    record_sids(runtime, token, [(work.outbox_id, sid, "sent")])
    report.recovered += 1
    log.info("outbox %s: found at the provider, not sent again", work.outbox_id)
    return True


def _block(runtime: Runtime, exc: SendError, report: SendReport) -> None:
    report.blocked = True
    metrics.SEND_FAILURES.labels(error_class=exc.kind.value).inc()
    detail = f"provider refused our credentials or sender (code {exc.code}, HTTP {exc.http_status})"
    if health.beat(runtime, health.SENDING_BLOCKED, detail):
        log.error(
            "sending stopped: %s. Check TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and the sender; "
            "queued texts wait and sending resumes by itself when a send works",
            detail,
        )


def _after_failure(
    runtime: Runtime, outbox_id: int, token: str, exc: SendError, report: SendReport
) -> None:
    """Count the error, then retry the row later or fail it (see `record_failure`)."""
    report.errors[exc.kind.value] = report.errors.get(exc.kind.value, 0) + 1
    metrics.SEND_FAILURES.labels(error_class=exc.kind.value).inc()
    outcome = record_failure(runtime, outbox_id, token, exc)
    if outcome is Failure.RETRY:
        report.retried += 1
    elif outcome is Failure.FAILED:
        report.failed += 1
