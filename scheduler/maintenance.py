"""The small jobs around sending: expire, resume, reconcile, purge."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update

from nudges.db.models import ConsentEvent, Outbox, Subscriber
from nudges.db.session import affected
from nudges.domain.consent import PENDING_LIFETIME_DAYS, Event, State, next_state
from nudges.domain.send_errors import MAX_ATTEMPTS
from nudges.runtime import Runtime
from nudges.subscriptions import reschedule

STUCK_AFTER = timedelta(minutes=15)
FINAL = ("sent", "delivered", "undelivered", "failed", "skipped", "unknown")


@dataclass
class MaintenanceReport:
    expired: int = 0
    resumed: int = 0
    unknown: int = 0
    requeued: int = 0
    purged: int = 0


def expire_pending(runtime: Runtime, now: datetime, report: MaintenanceReport) -> None:
    """Invitations and JOINs not confirmed within 7 days expire; nothing more is sent."""
    cutoff = now - timedelta(days=PENDING_LIFETIME_DAYS)
    with runtime.db.session() as session:
        rows = session.scalars(
            select(Subscriber)
            .where(Subscriber.state == "pending", Subscriber.state_changed_at < cutoff)
            .with_for_update(skip_locked=True)
        ).all()
        for sub in rows:
            sub.state = next_state(State.PENDING, Event.EXPIRE).value
            sub.state_changed_at = now
            session.add(
                ConsentEvent(
                    subscriber_id=sub.id,
                    at=now,
                    from_state="pending",
                    to_state=sub.state,
                    source="expiry",
                )
            )
            report.expired += 1


def resume_paused(runtime: Runtime, now: datetime, report: MaintenanceReport) -> None:
    """`PAUSE 7` ends by itself: paused rows whose date has come are active again."""
    with runtime.db.session() as session:
        rows = session.scalars(
            select(Subscriber)
            .where(Subscriber.state == "paused", Subscriber.paused_until <= now)
            .with_for_update(skip_locked=True)
        ).all()
        for sub in rows:
            sub.state = next_state(State.PAUSED, Event.RESUME).value
            sub.state_changed_at = now
            sub.paused_until = None
            reschedule(sub, runtime.settings, now)
            report.resumed += 1


def settle_stuck(runtime: Runtime, now: datetime, report: MaintenanceReport) -> None:
    """Rows left in `sending` (the sender died around the call) are not lost.

    1. With a SID, Twilio has it: the row is `sent`.
    2. Without one, it goes back to the queue marked `verify_before_send`: the
       sender asks Twilio whether it arrived before sending again, so it is
       sent exactly once.
    3. After too many attempts it is `unknown`, for a person to look at.
    """
    stuck = (Outbox.state == "sending", Outbox.claimed_at < now - STUCK_AFTER)
    with runtime.db.session() as session:
        session.execute(
            update(Outbox)
            .where(*stuck, Outbox.provider_sid.is_not(None))
            .values(state="sent", updated_at=now)
        )
        report.unknown += affected(
            session.execute(
                update(Outbox)
                .where(*stuck, Outbox.attempts >= MAX_ATTEMPTS)
                .values(state="unknown", updated_at=now)
            )
        )
        report.requeued += affected(
            session.execute(
                update(Outbox)
                .where(*stuck)
                .values(
                    state="queued", verify_before_send=True, next_attempt_at=now, updated_at=now
                )
            )
        )


def purge_bodies(runtime: Runtime, now: datetime, report: MaintenanceReport) -> None:
    """Outgoing bodies are kept only MESSAGE_RETENTION_DAYS."""
    cutoff = now - timedelta(days=runtime.settings.message_retention_days)
    with runtime.db.session() as session:
        result = session.execute(
            update(Outbox)
            .where(Outbox.created_at < cutoff, Outbox.body.is_not(None), Outbox.state.in_(FINAL))
            .values(body=None)
        )
        report.purged += affected(result)


def maintain(runtime: Runtime, now: datetime) -> MaintenanceReport:
    report = MaintenanceReport()
    expire_pending(runtime, now, report)
    resume_paused(runtime, now, report)
    settle_stuck(runtime, now, report)
    purge_bodies(runtime, now, report)
    return report
