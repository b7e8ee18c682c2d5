"""Crisis alerts for the enrolling clinician.

A flagged text raises an alert. The clinician (if they gave a phone) gets one
SMS through the normal outbox, with neither the message text nor the alias, at
any hour, at most one per client per hour. After login the dashboard shows the
alert with the message text, which is kept ALERT_TEXT_DAYS only (maintenance
clears it) and only when a clinician is there to read it.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from messages import system_text
from nudges.config import Settings
from nudges.db.models import Clinician, CrisisAlert, Outbox, Subscriber
from nudges.db.session import affected
from nudges.domain.outbox import OutboxState
from nudges.runtime import Runtime
from nudges.services.audit import record

ALERT_SMS_EVERY = timedelta(hours=1)
ALERT_TEXT_DAYS = 14
MAX_KEPT_TEXT = 1600


def raise_alert(
    session: Session,
    settings: Settings,
    sub: Subscriber,
    categories: str,
    text: str,
    now: datetime,
    tier: str = "crisis",
) -> CrisisAlert:
    alert = CrisisAlert(
        subscriber_id=sub.id,
        clinician_id=sub.clinician_id,
        categories=categories,
        created_at=now,
        tier=tier,
        message_text=text[:MAX_KEPT_TEXT] if sub.clinician_id else None,
    )
    session.add(alert)
    session.flush()
    if tier == "crisis" and sub.clinician_id is not None:
        _text_the_clinician(session, settings, sub, alert, now)
    return alert


def _text_the_clinician(
    session: Session, settings: Settings, sub: Subscriber, alert: CrisisAlert, now: datetime
) -> None:
    clinician = session.get(Clinician, sub.clinician_id)
    if clinician is None or not clinician.phone:
        return
    recent = session.scalar(
        select(func.count())
        .select_from(Outbox)
        .where(
            Outbox.kind == "alert",
            Outbox.subscriber_id == sub.id,
            Outbox.created_at > now - ALERT_SMS_EVERY,
        )
    )
    if recent:
        return  # at most one text per client per hour; the dashboard has them all
    session.add(
        Outbox(
            dedupe_key=f"alert:{alert.id}",
            kind="alert",
            subscriber_id=sub.id,
            clinician_id=clinician.id,
            to_phone=clinician.phone,
            slot_at=now,
            next_attempt_at=now,
            body=system_text("clinician_alert", program=settings.program_name),
            state=OutboxState.QUEUED.value,
            attempts=0,
            verify_before_send=False,
            created_at=now,
            updated_at=now,
        )
    )
    alert.notified_at = now


def acknowledge(runtime: Runtime, clinician_id: int, alert_id: int) -> int | None:
    """Record that the clinician saw the alert; returns the client's id, or None
    if the alert is not theirs."""
    now = runtime.clock.now()
    with runtime.db.session() as session:
        alert = session.get(CrisisAlert, alert_id)
        if alert is None or not _is_theirs(session, alert, clinician_id):
            return None
        if alert.acknowledged_at is None:
            alert.acknowledged_at, alert.acknowledged_by = now, clinician_id
            record(
                session,
                now,
                "alert_acknowledged",
                actor=f"clinician:{clinician_id}",
                subscriber_id=alert.subscriber_id,
                clinician_id=clinician_id,
            )
        return alert.subscriber_id


def _is_theirs(session: Session, alert: CrisisAlert, clinician_id: int) -> bool:
    owner = session.scalar(
        select(Subscriber.clinician_id).where(Subscriber.id == alert.subscriber_id)
    )
    return owner == clinician_id


def forget_old_texts(runtime: Runtime, now: datetime) -> int:
    """Alert texts are kept ALERT_TEXT_DAYS, then cleared (the categories stay)."""
    cutoff = now - timedelta(days=ALERT_TEXT_DAYS)
    with runtime.db.session() as session:
        return affected(
            session.execute(
                update(CrisisAlert)
                .where(CrisisAlert.created_at < cutoff, CrisisAlert.message_text.is_not(None))
                .values(message_text=None)
            )
        )
