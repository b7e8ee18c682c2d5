"""The small jobs around sending: expire, resume, reconcile, purge."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update

from nudges.db import outbox_store
from nudges.db.locks import skip_locked
from nudges.db.models import InboundMessage, Subscriber
from nudges.db.session import affected
from nudges.domain.consent import PENDING_LIFETIME_DAYS, Event, State
from nudges.domain.send_errors import MAX_ATTEMPTS
from nudges.domain.subscriber import SubscriberChange, scheduled
from nudges.runtime import Runtime
from nudges.services.alerts import forget_old_texts
from nudges.services.subscriptions import apply, snapshot

# Longer than any chunk of sends can take (see scheduler.sender.MAX_CHUNK): a row
# claimed this long ago and not renewed belongs to a sender that died.
STUCK_AFTER = timedelta(minutes=15)


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
            skip_locked(
                select(Subscriber).where(
                    Subscriber.state == State.PENDING, Subscriber.state_changed_at < cutoff
                ),
                runtime.db.dialect,
            )
        ).all()
        for sub in rows:
            apply(session, sub, SubscriberChange(event=Event.EXPIRE), now, by="expiry")
            report.expired += 1


def resume_paused(runtime: Runtime, now: datetime, report: MaintenanceReport) -> None:
    """`PAUSE 7` ends by itself: paused rows whose date has come are active again."""
    with runtime.db.session() as session:
        rows = session.scalars(
            skip_locked(
                select(Subscriber).where(
                    Subscriber.state == State.PAUSED, Subscriber.paused_until <= now
                ),
                runtime.db.dialect,
            )
        ).all()
        window = runtime.settings.send_window
        for sub in rows:
            resume = SubscriberChange(event=Event.RESUME)
            change = scheduled(resume, snapshot(sub), sub.phone, window, now)
            apply(session, sub, change, now, by="pause_ended")
            report.resumed += 1


def settle_stuck(runtime: Runtime, now: datetime, report: MaintenanceReport) -> None:
    """Rows left in `sending` by a sender that died are not lost.

    A live sender renews `claimed_at` before every chunk of calls, so only a
    dead one leaves a claim older than STUCK_AFTER. Each write clears the claim
    token, so a sender that was merely frozen finds the row no longer its own.
    1. With a SID, Twilio has it: the row is `sent`.
    2. After too many attempts it is `unknown`, for a person to look at.
    3. Otherwise it goes back to the queue marked `verify_before_send`: the
       sender asks Twilio whether it arrived before sending again.
    """
    claimed_before = now - STUCK_AFTER
    with runtime.db.session() as session:
        outbox_store.sent_abandoned(session, claimed_before=claimed_before, now=now)
        report.unknown += outbox_store.give_up_abandoned(
            session, claimed_before=claimed_before, max_attempts=MAX_ATTEMPTS, now=now
        )
        report.requeued += outbox_store.requeue_abandoned(
            session, claimed_before=claimed_before, now=now
        )


def purge_bodies(runtime: Runtime, now: datetime, report: MaintenanceReport) -> None:
    """Message bodies, out and in, are kept only MESSAGE_RETENTION_DAYS."""
    cutoff = now - timedelta(days=runtime.settings.message_retention_days)
    with runtime.db.session() as session:
        report.purged += outbox_store.forget_bodies(session, created_before=cutoff)
        # The words parents wrote, kept for their clinician's review, go too.
        result = session.execute(
            update(InboundMessage)
            .where(InboundMessage.received_at < cutoff, InboundMessage.body.is_not(None))
            .values(body=None)
        )
        report.purged += affected(result)


def maintain(runtime: Runtime, now: datetime) -> MaintenanceReport:
    report = MaintenanceReport()
    expire_pending(runtime, now, report)
    resume_paused(runtime, now, report)
    settle_stuck(runtime, now, report)
    purge_bodies(runtime, now, report)
    report.purged += forget_old_texts(runtime, now)
    return report
