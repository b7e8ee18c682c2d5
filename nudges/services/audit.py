"""The append-only audit log: who saw or changed what. Never a phone number or
message text; ids, actions and short details only."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import insert
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
    episode_id: int | None = None,
    detail: str | None = None,
) -> None:
    """One event. Without `episode_id` it belongs to the subscriber's current
    episode (stamped at flush, models.py); name one to say otherwise."""
    session.add(
        AuditEvent(
            at=now,
            actor=actor,
            action=action,
            subscriber_id=subscriber_id,
            clinician_id=clinician_id,
            episode_id=episode_id,
            detail=_short(detail),
        )
    )


@dataclass(frozen=True)
class About:
    """Whom one event of a batch is about, and its short detail."""

    subscriber_id: int | None = None
    episode_id: int | None = None
    clinician_id: int | None = None
    detail: str | None = None


def record_many(
    session: Session,
    now: datetime,
    action: str,
    about: Sequence[About],
    *,
    actor: str = "system",
) -> None:
    """One event of `action` per entry of `about`, in one multi-row INSERT (a
    dispatch batch parks many subscribers at once). A bulk insert skips the
    ORM's episode stamp, so each entry names its episode itself."""
    if not about:
        return
    session.execute(
        # render_nulls: every row the same columns, so one statement for all
        # (the ORM otherwise groups rows by which values are None).
        insert(AuditEvent).execution_options(render_nulls=True),
        [
            {
                "at": now,
                "actor": actor,
                "action": action,
                "subscriber_id": entry.subscriber_id,
                "clinician_id": entry.clinician_id,
                "episode_id": entry.episode_id,
                "detail": _short(entry.detail),
            }
            for entry in about
        ],
    )


def _short(detail: str | None) -> str | None:
    return detail[:500] if detail else None
