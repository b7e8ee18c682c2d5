"""Writing a subscriber: the one place a decided change is written (`apply`),
for the SMS conversation, the clinician pages, invitations and maintenance alike."""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from nudges.config import Settings
from nudges.db.models import Subscriber
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
from nudges.services.consent import apply_consent_event

log = logging.getLogger(__name__)

PARKED_DETAIL = "no slot inside SEND_WINDOW in every candidate zone"


def snapshot(sub: Subscriber) -> Subscription:
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
    )


def apply(
    session: Session,
    sub: Subscriber,
    change: SubscriberChange,
    now: datetime,
    *,
    by: str,
    audit: tuple[tuple[str, str | None], ...] = (),
    clinician_id: int | None = None,
    message_sid: str | None = None,
    consent_text: str | None = None,
) -> None:
    """Write one decided change in the caller's transaction: the consent event
    (through the consent table, with its proof), then the fields, then the
    audit rows, all recorded as done `by` ("sms", "clinician:7", "expiry"...).

    The fields go on the loaded row, so the flush sends one UPDATE for the
    consent state and the fields together: no statement beyond what the row
    needs. Parking (active with no slot) is recorded here, by the system."""
    if change.event is not None:
        apply_consent_event(
            session,
            sub,
            change.event,
            now,
            source=by,
            message_sid=message_sid,
            consent_text=consent_text,
        )
    _write_fields(sub, change)
    if change.parked:
        record(session, now, "parked_no_window", subscriber_id=sub.id, detail=PARKED_DETAIL)
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
            detail=detail,
        )


def _write_fields(sub: Subscriber, change: SubscriberChange) -> None:
    if change.timezone is not KEEP:
        sub.timezone = change.timezone
    if change.send_minute is not KEEP:
        sub.send_minute = change.send_minute
    if change.frequency is not KEEP:
        sub.frequency = change.frequency
    if change.track is not KEEP:
        sub.track = change.track
    if change.track_choice_until is not KEEP:
        sub.track_choice_until = change.track_choice_until
    if change.paused_until is not KEEP:
        sub.paused_until = change.paused_until
    if change.programme_started_at is not KEEP:
        sub.programme_started_at = change.programme_started_at
    if change.next_send_at is not KEEP:
        sub.next_send_at = change.next_send_at
    if change.clinician_id is not KEEP:
        sub.clinician_id = change.clinician_id
    if change.alias is not KEEP:
        sub.alias = change.alias
    if change.lang is not KEEP:
        sub.lang = change.lang
    if change.recent_moments is not KEEP:
        sub.recent_moments = ",".join(change.recent_moments)
    _write_checkin_fields(sub, change)


def _write_checkin_fields(sub: Subscriber, change: SubscriberChange) -> None:
    if change.checkins_enabled is not KEEP:
        sub.checkins_enabled = change.checkins_enabled
    if change.question is not KEEP:
        sub.question = change.question
    if change.question_at is not KEEP:
        sub.question_at = change.question_at


def new_subscriber(session: Session, settings: Settings, phone: str, now: datetime) -> Subscriber:
    sub = Subscriber(
        phone=phone,
        state=State.NONE,
        state_changed_at=now,
        timezone=zone_on_join(phone, settings.default_timezone),
        send_minute=DEFAULT_SEND_MINUTE,
        frequency=DEFAULT_FREQUENCY,
        track=DEFAULT_TRACK,
        lang=DEFAULT_LANG,
        nudges_sent=0,
        created_at=now,
    )
    session.add(sub)
    session.flush()
    return sub


def next_due(runtime: Runtime) -> datetime | None:
    """When the earliest scheduled nudge is due (for `nudges tick --now next`)."""
    with runtime.db.session() as session:
        return session.scalar(
            select(func.min(Subscriber.next_send_at)).where(Subscriber.state == State.ACTIVE)
        )
