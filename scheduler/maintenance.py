"""The small jobs around sending: expire, resume, reconcile, purge."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update

from nudges.db.locks import skip_locked
from nudges.db.models import InboundMessage, Outbox, Subscriber
from nudges.db.session import affected
from nudges.domain.consent import PENDING_LIFETIME_DAYS, Event, State
from nudges.domain.outbox import FINAL, OutboxState
from nudges.domain.send_errors import MAX_ATTEMPTS
from nudges.runtime import Runtime
from nudges.services.alerts import forget_old_texts
from nudges.services.consent import apply_consent_event
from nudges.services.subscriptions import reschedule

# Longer than any chunk of sends can take (see scheduler.sender.MAX_CHUNK): a row
# claimed this long ago and not renewed belongs to a sender that died.
STUCK_AFTER = timedelta(minutes=15)
PURGEABLE = tuple(s.value for s in FINAL | {OutboxState.SENT, OutboxState.UNKNOWN})


@dataclass
class MaintenanceReport:
    expired: int = 0
    resumed: int = 0
    unknown: int = 0
    requeued: int = 0
    purged: int = 0


def _locked(runtime: Runtime, query):  # type: ignore[no-untyped-def]
    return skip_locked(query, runtime.db.dialect)


def expire_pending(runtime: Runtime, now: datetime, report: MaintenanceReport) -> None:
    """Invitations and JOINs not confirmed within 7 days expire; nothing more is sent."""
    cutoff = now - timedelta(days=PENDING_LIFETIME_DAYS)
    with runtime.db.session() as session:
        rows = session.scalars(
            _locked(
                runtime,
                select(Subscriber).where(
                    Subscriber.state == State.PENDING.value, Subscriber.state_changed_at < cutoff
                ),
            )
        ).all()
        for sub in rows:
            apply_consent_event(session, sub, Event.EXPIRE, now, source="expiry")
            report.expired += 1


def resume_paused(runtime: Runtime, now: datetime, report: MaintenanceReport) -> None:
    """`PAUSE 7` ends by itself: paused rows whose date has come are active again."""
    with runtime.db.session() as session:
        rows = session.scalars(
            _locked(
                runtime,
                select(Subscriber).where(
                    Subscriber.state == State.PAUSED.value, Subscriber.paused_until <= now
                ),
            )
        ).all()
        for sub in rows:
            apply_consent_event(session, sub, Event.RESUME, now, source="pause_ended")
            reschedule(sub, runtime.settings, now, session)
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
    stuck = (Outbox.state == OutboxState.SENDING.value, Outbox.claimed_at < now - STUCK_AFTER)
    with runtime.db.session() as session:
        session.execute(
            update(Outbox)
            .where(*stuck, Outbox.provider_sid.is_not(None))
            .values(state=OutboxState.SENT.value, claim_token=None, updated_at=now)
        )
        report.unknown += affected(
            session.execute(
                update(Outbox)
                .where(*stuck, Outbox.attempts >= MAX_ATTEMPTS)
                .values(state=OutboxState.UNKNOWN.value, claim_token=None, updated_at=now)
            )
        )
        report.requeued += affected(
            session.execute(
                update(Outbox)
                .where(*stuck)
                .values(
                    state=OutboxState.QUEUED.value,
                    claim_token=None,
                    verify_before_send=True,
                    next_attempt_at=now,
                    updated_at=now,
                )
            )
        )


def purge_bodies(runtime: Runtime, now: datetime, report: MaintenanceReport) -> None:
    """Message bodies, out and in, are kept only MESSAGE_RETENTION_DAYS."""
    cutoff = now - timedelta(days=runtime.settings.message_retention_days)
    with runtime.db.session() as session:
        result = session.execute(
            update(Outbox)
            .where(
                Outbox.created_at < cutoff, Outbox.body.is_not(None), Outbox.state.in_(PURGEABLE)
            )
            .values(body=None)
        )
        report.purged += affected(result)
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
