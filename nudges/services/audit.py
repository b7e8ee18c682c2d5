"""The append-only audit log: who saw or changed what. Never a phone number or
message text; ids, actions and short details only."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from nudges.db.models import AuditEvent


def record(
    session: Session,
    now: datetime,
    action: str,
    *,
    actor: str = "system",
    subscriber_id: int | None = None,
    clinician_id: int | None = None,
    detail: str | None = None,
) -> None:
    session.add(
        AuditEvent(
            at=now,
            actor=actor,
            action=action,
            subscriber_id=subscriber_id,
            clinician_id=clinician_id,
            detail=detail[:500] if detail else None,
        )
    )
