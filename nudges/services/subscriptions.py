"""Writing a subscriber: the one place a decided change is written (`apply`),
for the SMS conversation, the clinician pages, invitations and maintenance alike."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from nudges.config import Settings
from nudges.db.models import Subscriber
from nudges.db.rows import (
    AnySubscriber,
    SubscriberRow,
    Writes,
    insert_subscriber,
    insert_subscriber_and_episode,
)
from nudges.domain.consent import State
from nudges.domain.preferences import (
    DEFAULT_FREQUENCY,
    DEFAULT_LANG,
    DEFAULT_SEND_MINUTE,
    DEFAULT_TRACK,
    zone_on_join,
)
from nudges.domain.subscriber import KEEP, SubscriberChange, Subscription
from nudges.runtime import Runtime
from nudges.services.audit import record
from nudges.services.consent import consent_fields

log = logging.getLogger(__name__)

PARKED_DETAIL = "no slot inside SEND_WINDOW in every candidate zone"


def snapshot(sub: AnySubscriber) -> Subscription:
    """The subscriber as the pure rules see it."""
    return Subscription(
        sub.state,
        sub.timezone,
        sub.send_minute,
        sub.frequency,
        sub.track,
        sub.track_choice_until,
        sub.paused_until,
        sub.programme_started_at,
        unusable=bool(sub.unusable_reason),
        checkins_enabled=sub.checkins_enabled is not False,
        question=sub.question,
        question_at=sub.question_at,
        lang=sub.lang,
        recent_moments=tuple(filter(None, (sub.recent_moments or "").split(","))),
        nudges_sent=sub.nudges_sent or 0,
    )


def apply(
    session: Session,
    sub: AnySubscriber,
    change: SubscriberChange,
    now: datetime,
    *,
    by: str,
    audit: tuple[tuple[str, str | None], ...] = (),
    clinician_id: int | None = None,
    message_sid: str | None = None,
    consent_text: str | None = None,
    writes: Writes | None = None,
) -> None:
    """Write one decided change in the caller's transaction: the consent event
    (through the consent table, with its proof), then the fields, then the
    audit rows, all recorded as done `by` ("sms", "clinician:7", "expiry"...).

    The consent state and the fields go in one UPDATE, onto the loaded row or
    object too (rows.Writes): no statement beyond what the row
    needs. Audit rows belong to the episode the subscriber is in now. Parking
    (active with no slot) is recorded here, by the system. With `writes` the
    statements go when the caller sends them (with its own: one round trip on
    PostgreSQL), else before this returns."""
    batch = Writes() if writes is None else writes
    fields: dict[str, Any] = {}
    if change.event is not None:
        fields = consent_fields(
            session,
            sub,
            change.event,
            now,
            source=by,
            message_sid=message_sid,
            consent_text=consent_text,
            writes=batch,
        )
    fields.update(_changed_fields(change))
    batch.subscriber(sub, fields)
    if change.parked:
        record(
            session,
            now,
            "parked_no_window",
            subscriber_id=sub.id,
            episode_id=sub.episode_id,
            detail=PARKED_DETAIL,
            writes=batch,
        )
        log.warning("subscriber %s parked: no slot inside the send window", sub.id)
    for action, detail in audit:
        if action == "parked_no_window":
            continue  # recorded above from the change itself, once, when it holds
        record(
            session,
            now,
            action,
            actor=by,
            subscriber_id=sub.id,
            clinician_id=clinician_id,
            episode_id=sub.episode_id,
            detail=detail,
            writes=batch,
        )
    if writes is None:
        batch.send(session)


# The SubscriberChange fields written as they are (recent_moments is joined).
_PLAIN_FIELDS = (
    "timezone", "send_minute", "frequency", "track", "track_choice_until", "paused_until",
    "programme_started_at", "next_send_at", "clinician_id", "alias", "lang",
    "checkins_enabled", "question", "question_at",
)  # fmt: skip


def _changed_fields(change: SubscriberChange) -> dict[str, Any]:
    fields = {name: value for name in _PLAIN_FIELDS if (value := getattr(change, name)) is not KEEP}
    if change.recent_moments is not KEEP:
        fields["recent_moments"] = ",".join(change.recent_moments)
    return fields


def new_subscriber(session: Session, settings: Settings, phone: str, now: datetime) -> Subscriber:
    """A new subscriber, as the ORM's object (enrolment goes on with it)."""
    sub = Subscriber(**_new(settings, phone, now))
    session.add(sub)
    session.flush()
    return sub


def new_subscriber_row(
    session: Session,
    settings: Settings,
    phone: str,
    now: datetime,
    *,
    episode_source: str | None = None,
    writes: Writes | None = None,
) -> SubscriberRow:
    """A new subscriber, as a plain row (an inbound JOIN or STOP: rows.py).
    With `episode_source` its first episode opens with it (one statement on
    PostgreSQL), and its link to it is written with `writes` (else now)."""
    values = _new(settings, phone, now)
    if episode_source is None:
        return insert_subscriber(session, values)
    episode = {"clinician_id": None, "started_at": now, "source": episode_source}
    sub, episode_id = insert_subscriber_and_episode(session, values, episode)
    batch = Writes() if writes is None else writes
    batch.subscriber(sub, {"episode_id": episode_id})
    if writes is None:
        batch.send(session)
    return sub


def _new(settings: Settings, phone: str, now: datetime) -> dict[str, Any]:
    return {
        "phone": phone,
        "state": State.NONE,
        "state_changed_at": now,
        "timezone": zone_on_join(phone, settings.default_timezone),
        "send_minute": DEFAULT_SEND_MINUTE,
        "frequency": DEFAULT_FREQUENCY,
        "track": DEFAULT_TRACK,
        "lang": DEFAULT_LANG,
        "nudges_sent": 0,
        "created_at": now,
    }


def next_due(runtime: Runtime) -> datetime | None:
    """When the earliest scheduled nudge is due (for `nudges tick --now next`)."""
    with runtime.db.session() as session:
        return session.scalar(
            select(func.min(Subscriber.next_send_at)).where(Subscriber.state == State.ACTIVE)
        )
