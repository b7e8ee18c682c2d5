"""Delivery facts about outgoing texts: status callbacks and permanent failures.

Statuses only move forward. Twilio does not promise callbacks in order, and may
repeat them, so each one is compared with what we know and ignored if older.
"""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy.orm import Session

from nudges.db.models import AuditEvent, ConsentEvent, Outbox, Subscriber
from nudges.domain.consent import Event, State, next_state
from nudges.domain.send_errors import ErrorKind, classify

log = logging.getLogger(__name__)

# Twilio's message statuses, by how far along they are.
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
FINAL_STATES = {"delivered", "undelivered", "failed", "canceled", "read"}


def rank(status: str | None) -> int:
    return STATUS_RANK.get(status or "", 0)


def apply_status(
    session: Session,
    row: Outbox,
    sid: str,
    status: str,
    error_code: int | None,
    now: datetime,
) -> bool:
    """Fold one status callback into the outbox row. Returns True if it changed anything.

    1. A callback can arrive before the sender stored the SID (it crashed or is
       slow after Twilio accepted): the outbox id in the URL finds the row, and
       the SID is taken from the callback.
    2. A callback for a different SID than the stored one is ignored.
    3. An older status than the one we hold is ignored; final ones stick.
    """
    if row.provider_sid is None:
        row.provider_sid = sid
    elif row.provider_sid != sid:
        log.warning("status callback SID does not match outbox row %s; ignored", row.id)
        return False
    if rank(status) <= rank(row.provider_status):
        return False
    row.provider_status = status
    row.updated_at = now
    if status in FINAL_STATES:
        row.state = "delivered" if status in ("delivered", "read") else status
    elif row.state in ("queued", "sending", "unknown"):
        row.state = "sent"  # Twilio has it: whatever else happens, never send it again
    if error_code is not None:
        row.error_code = error_code
        if row.subscriber_id is not None:
            sub = session.get(Subscriber, row.subscriber_id)
            if sub is not None:
                settle_failure(session, sub, classify(error_code, None), error_code, now)
    return True


def settle_failure(
    session: Session, sub: Subscriber, kind: ErrorKind, code: int | None, now: datetime
) -> None:
    """Act on a permanent failure: an opt-out at Twilio stops the subscriber; a
    number that cannot take texts is marked and gets nothing more."""
    if kind is ErrorKind.OPTED_OUT and sub.state != State.STOPPED.value:
        before = sub.state
        sub.state = next_state(State(before), Event.OPT_OUT).value
        sub.state_changed_at = now
        sub.next_send_at = None
        session.add(
            ConsentEvent(
                subscriber_id=sub.id,
                at=now,
                from_state=before,
                to_state=sub.state,
                source="twilio_error",
            )
        )
        session.add(
            AuditEvent(
                at=now,
                actor="system",
                action="stopped_by_provider",
                subscriber_id=sub.id,
                detail=f"error {code}",
            )
        )
    elif kind is ErrorKind.UNUSABLE and not sub.unusable_reason:
        sub.unusable_reason = f"error {code}"
        sub.next_send_at = None
        session.add(
            AuditEvent(
                at=now,
                actor="system",
                action="number_unusable",
                subscriber_id=sub.id,
                detail=f"error {code}",
            )
        )
