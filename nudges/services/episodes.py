"""Episodes: an enrolment (a clinician's invitation, or a parent's own JOIN)
starts one, and what happens after belongs to it (models.py stamps each row).
A clinician sees the rows of their own episodes only: a number that was another
clinician's invitee brings none of that history along."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, Select, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from nudges.db.models import Episode
from nudges.db.rows import EPISODE_ROW, AnySubscriber, Writes, insert_returning_id
from nudges.domain.consent import Event, State, next_state


def start(
    session: Session,
    sub: AnySubscriber,
    now: datetime,
    source: str,
    clinician_id: int | None,
    writes: Writes | None = None,
) -> int:
    """Open a new episode for `sub`; rows written from here on belong to it
    (`sub.episode_id` is the new one at once; the subscriber's row is written
    with `writes` when given, else now)."""
    params = {
        "subscriber_id": sub.id,
        "clinician_id": clinician_id,
        "started_at": now,
        "source": source,
    }
    episode_id = insert_returning_id(session, EPISODE_ROW, params)
    batch = Writes() if writes is None else writes
    batch.subscriber(sub, {"episode_id": episode_id})
    if writes is None:
        batch.send(session)
    return episode_id


def on_self_join(
    session: Session,
    sub: AnySubscriber,
    event: Event | None,
    now: datetime,
    writes: Writes | None = None,
) -> None:
    """A parent's own JOIN (or a YES we never asked for) that makes them pending
    again is a new enrolment; a JOIN repeated while pending or active is not."""
    if self_join_starts(sub.state, event):
        start(session, sub, now, "join", sub.clinician_id, writes)


def self_join_starts(before: State, event: Event | None) -> bool:
    """Whether `event`, from the parent, starts a new episode (on_self_join)."""
    if event is None or event is Event.INVITE:
        return False
    return before is not State.PENDING and next_state(before, event) is State.PENDING


def mine(clinician_id: int) -> Select[tuple[int]]:
    """The clinician's episodes, as a subquery to filter rows by."""
    return select(Episode.id).where(Episode.clinician_id == clinician_id)


def same(column: InstrumentedAttribute[int | None], episode_id: int | None) -> ColumnElement[bool]:
    """`column = episode_id`, where a subscriber written before episodes (None)
    matches the rows that have none either."""
    return column.is_(None) if episode_id is None else column == episode_id
