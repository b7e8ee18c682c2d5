"""The append-only audit log: who saw or changed what. Never a phone number or
message text; ids, actions and short details only."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import insert
from sqlalchemy.orm import Session

from nudges.db.models import AuditEvent, Subscriber
from nudges.db.rows import Writes, insert_of

# A Core insert, built once: the unit of work's flush of one new row costs
# more than the statement (an inbound TIME writes one of these).
_RECORD = insert_of(
    AuditEvent.__table__,  # type: ignore[arg-type]
    ("at", "actor", "action", "subscriber_id", "clinician_id", "episode_id", "detail"),
)


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
    writes: Writes | None = None,
) -> None:
    """One event, written now (or with `writes`, when they are sent). Without
    `episode_id` it belongs to the episode the subscriber is in at this call
    (the loaded object's, else read); name one to say otherwise."""
    if episode_id is None and subscriber_id is not None:
        sub = session.get(Subscriber, subscriber_id)  # no query when it is loaded
        episode_id = sub.episode_id if sub is not None else None
    row = {
        "at": now,
        "actor": actor,
        "action": action,
        "subscriber_id": subscriber_id,
        "clinician_id": clinician_id,
        "episode_id": episode_id,
        "detail": _short(detail),
    }
    if writes is not None:
        writes.insert(_RECORD, row)
    else:
        session.execute(_RECORD.statement, row)


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
