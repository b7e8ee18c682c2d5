"""Delivery facts about outgoing texts: status callbacks and permanent failures.

Statuses only move forward. Twilio does not promise callbacks in order, and may
repeat them, so each one is compared with what we know and ignored if older;
the outbox state moves only as `nudges.domain.outbox` allows, through
`nudges.db.outbox_store`.

30003 (unreachable handset) and 30008 (unknown carrier error) arrive as final
`undelivered` callbacks and are not retried: a nudge is not urgent, a resend
later could land at a worse moment (and twice, if the carrier did deliver), and
the next nudge goes at its usual time.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from nudges import metrics
from nudges.db import outbox_store
from nudges.db.models import Outbox, Subscriber
from nudges.domain.consent import Event, State
from nudges.domain.outbox import OutboxState, rank, state_for_status
from nudges.domain.send_errors import ErrorKind, classify
from nudges.runtime import Runtime
from nudges.services.audit import record
from nudges.services.consent import apply_consent_event

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class StatusOutcome:
    found: bool
    changed: bool


def record_status(
    runtime: Runtime, outbox_id: int | None, sid: str, status: str, error_code: int | None
) -> StatusOutcome:
    """Fold one signed status callback into its outbox row (found by the outbox id
    in the callback URL, else by SID), locking the row while it changes."""
    now = runtime.clock.now()
    with runtime.db.session() as session:
        if outbox_id is not None:
            row = session.get(Outbox, outbox_id, with_for_update=True)
        else:
            row = session.scalar(select(Outbox).where(Outbox.provider_sid == sid).with_for_update())
        if row is None:
            return StatusOutcome(found=False, changed=False)
        changed = apply_status(session, row, sid, status, error_code, now)
    return StatusOutcome(found=True, changed=changed)


def apply_status(
    session: Session,
    row: Outbox,
    sid: str,
    status: str,
    error_code: int | None,
    now: datetime,
) -> bool:
    """Fold one status into a locked outbox row. Returns True if it changed anything.

    1. A callback can arrive before the sender stored the SID (it crashed or is
       slow after Twilio accepted): the outbox id in the URL finds the row, and
       the SID is taken from the callback.
    2. A callback for a different SID than the stored one is ignored.
    3. An older status than the one we hold is ignored; final ones stick.
    """
    if row.provider_sid is not None and row.provider_sid != sid:
        log.warning("status callback SID does not match outbox row %s; ignored", row.id)
        return False
    if rank(status) <= rank(row.provider_status):
        if row.provider_sid is None:
            # The URL found the row before the sender stored its SID: keep it.
            outbox_store.adopt_sid(session, outbox_id=row.id, sid=sid)
        return False
    outbox_store.record_status(
        session, outbox_id=row.id, sid=sid, status=status, error_code=error_code, now=now
    )
    target = state_for_status(status)
    # Moves only as the table allows from wherever the row is; once moved,
    # Twilio has it: whatever else happens, it is never sent again.
    moved = outbox_store.settle(session, outbox_id=row.id, target=target, now=now)
    if moved and target is not OutboxState.SENT:
        metrics.DELIVERY.labels(status=target.value).inc()
    if error_code is not None and row.subscriber_id is not None:
        sub = session.get(Subscriber, row.subscriber_id)
        if sub is not None:
            settle_failure(session, sub, classify(error_code, None), error_code, now)
    return True


def settle_failure(
    session: Session, sub: Subscriber, kind: ErrorKind, code: int | None, now: datetime
) -> None:
    """Act on a permanent failure: an opt-out at Twilio stops the subscriber; a
    number that cannot take texts is marked and gets nothing more."""
    if kind is ErrorKind.OPTED_OUT and sub.state is not State.STOPPED:
        apply_consent_event(session, sub, Event.OPT_OUT, now, source="twilio_error")
        metrics.OPT_OUTS.labels(source="provider").inc()
        _audit(session, now, "stopped_by_provider", sub.id, f"error {code}")
    elif kind is ErrorKind.UNUSABLE and not sub.unusable_reason:
        sub.unusable_reason = f"error {code}"
        sub.next_send_at = None
        _audit(session, now, "number_unusable", sub.id, f"error {code}")


def _audit(session: Session, now: datetime, action: str, sub_id: int, detail: str) -> None:
    record(session, now, action, subscriber_id=sub_id, detail=detail)
