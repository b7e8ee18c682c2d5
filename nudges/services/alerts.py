"""Crisis alerts for the enrolling clinician.

A flagged text raises an alert; more flagged texts from the same client within
the hour join it (one alert to read, not five). The clinician (if they gave a
phone) gets one SMS through the normal outbox, with neither the message text
nor the alias, at any hour, at most one per client per hour: it carries a link,
{PUBLIC_BASE_URL}/clinician/alerts/<token>, that opens the alert after login.
The message text is kept ALERT_TEXT_DAYS only (maintenance clears it) and only
when a clinician is there to read it.
"""

from __future__ import annotations

import json
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import phonenumbers
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from messages import system_text
from nudges.config import Settings
from nudges.db.models import (
    Clinician,
    ConsentEvent,
    CrisisAlert,
    InboundMessage,
    Outbox,
    Subscriber,
)
from nudges.db.session import affected
from nudges.domain.consent import State, client_status
from nudges.domain.outbox import OutboxState
from nudges.domain.phone import last_four
from nudges.runtime import Runtime
from nudges.services.audit import record
from nudges.services.episodes import same
from nudges.services.standing import stopped_note

ALERT_SMS_EVERY = timedelta(hours=1)
ALERT_JOINS_WITHIN = timedelta(hours=1)  # a flagged text this soon after joins the open alert
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
    alert = _open_alert(session, sub, now)
    if alert is not None:
        # The same client again within the hour: the clinician reads one alert
        # with every text on it (the texts themselves are the inbound rows).
        known = alert.categories.split(",")
        merged = known + [c for c in categories.split(",") if c not in known]
        alert.categories = ",".join(merged)[:200]  # the column's width
        alert.last_at = now
        if tier == "crisis" and alert.tier != "crisis":
            alert.tier = "crisis"  # a concern that turned into a crisis
    else:
        alert = CrisisAlert(
            subscriber_id=sub.id,
            clinician_id=sub.clinician_id,
            categories=categories,
            created_at=now,
            last_at=now,
            tier=tier,
            token=secrets.token_urlsafe(18),
            message_text=text[:MAX_KEPT_TEXT] if sub.clinician_id else None,
        )
        session.add(alert)
        session.flush()
    if tier == "crisis" and sub.clinician_id is not None:
        _text_the_clinician(session, settings, sub, alert, now)
    return alert


def _open_alert(session: Session, sub: Subscriber, now: datetime) -> CrisisAlert | None:
    """The client's unacknowledged alert of this episode flagged within the hour."""
    return session.scalar(
        select(CrisisAlert)
        .where(
            CrisisAlert.subscriber_id == sub.id,
            CrisisAlert.clinician_id == sub.clinician_id,
            same(CrisisAlert.episode_id, sub.episode_id),
            CrisisAlert.acknowledged_at.is_(None),
            CrisisAlert.last_at > now - ALERT_JOINS_WITHIN,
        )
        .order_by(CrisisAlert.id.desc())
        .limit(1)
    )


def link(settings: Settings, alert: CrisisAlert) -> str:
    return f"{settings.public_base_url.rstrip('/')}/clinician/alerts/{alert.token}"


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
            # An alert that keeps gathering texts may be texted again an hour on.
            dedupe_key=f"alert:{alert.id}:{now.isoformat()}",
            kind="alert",
            subscriber_id=sub.id,
            clinician_id=clinician.id,
            to_phone=clinician.phone,
            slot_at=now,
            next_attempt_at=now,
            # The link is all the text says about the client: no words, no alias.
            body=system_text("clinician_alert", program=settings.program_name)
            + " "
            + link(settings, alert),
            state=OutboxState.QUEUED,
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
    """An alert is the clinician's whose episode raised it, even when the number
    has since been invited by someone else (their alert must not vanish)."""
    return alert.clinician_id == clinician_id


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


# The read side: what the clinician opens from the link in the alert text.


@dataclass(frozen=True)
class FlaggedText:
    at: datetime
    text: str
    level: str  # crisis or concern
    replies: tuple[str, ...]  # what the service texted back at once


@dataclass(frozen=True)
class AlertText:
    """Where the text that told the clinician of the alert stands: the page says
    it was sent only once the provider took it, at the time it went."""

    state: str  # "queued" (not sent yet), "sent", "delivered", "undelivered", "failed", "unknown"
    queued_at: datetime
    sent_at: datetime | None  # when the sender sent it (its claim), once it went


_NOTICE_STATES = {
    OutboxState.QUEUED: "queued",
    OutboxState.SENDING: "queued",  # claimed, the call may be under way: not sent yet
    OutboxState.SENT: "sent",
    OutboxState.DELIVERED: "delivered",
    OutboxState.UNDELIVERED: "undelivered",
    OutboxState.FAILED: "failed",
    OutboxState.SKIPPED: "failed",
    OutboxState.UNKNOWN: "unknown",
}


def _notice(session: Session, alert: CrisisAlert) -> AlertText | None:
    """The latest text about this alert (an alert that keeps gathering texts may
    be texted again an hour on); None when none was queued."""
    row = session.scalar(
        select(Outbox)
        .where(Outbox.kind == "alert", Outbox.dedupe_key.startswith(f"alert:{alert.id}:"))
        .order_by(Outbox.id.desc())
        .limit(1)
    )
    if row is None:
        return None
    state = _NOTICE_STATES[row.state]
    # The sender claims a row just before its call (a retry claims it again), so
    # the claim is when the text that got through went; no later status moves it.
    went = row.claimed_at or row.updated_at
    sent_at = went if state in ("sent", "delivered", "undelivered") else None
    return AlertText(state, row.created_at, sent_at)


@dataclass(frozen=True)
class AlertDetail:
    id: int
    token: str
    tier: str  # crisis (texted to the clinician) or possible (dashboard only)
    categories: tuple[str, ...]
    created_at: datetime
    notified_at: datetime | None
    acknowledged_at: datetime | None
    client_id: int | None  # None when the number is no longer this clinician's client
    client: str  # alias, or "client ending 0123"
    masked: str
    status: str  # the client's status now
    texts: list[FlaggedText]
    held: bool = True  # nudges were paused (crisis) or held (concern) by it
    stopped: str | None = None  # how the texts had stopped when it was raised, if they had
    number: str | None = None  # only after "show number" (audited)
    national: str | None = None
    notice: AlertText | None = None  # the text to the clinician, if one was queued


@dataclass(frozen=True)
class OpenAlert:
    token: str
    created_at: datetime
    tier: str
    client: str
    texts: int
    # Raised in the clinician's earlier enrolment of a number that has since
    # re-joined (a new episode): still open, but not this enrolment's.
    earlier: bool = False


def open_for(runtime: Runtime, clinician_id: int) -> list[OpenAlert]:
    """The clinician's unacknowledged alerts, newest first: every alert of their
    own episodes, including a client since invited by someone else."""
    with runtime.db.session() as session:
        rows = session.execute(
            select(CrisisAlert, Subscriber)
            .join(Subscriber, Subscriber.id == CrisisAlert.subscriber_id)
            .where(CrisisAlert.clinician_id == clinician_id, CrisisAlert.acknowledged_at.is_(None))
            .order_by(CrisisAlert.id.desc())
        ).all()
        return [
            OpenAlert(
                alert.token or "",
                alert.created_at,
                alert.tier,
                _client_name(sub, clinician_id),
                len(_flagged(session, alert)),
                sub.clinician_id == clinician_id and alert.episode_id != sub.episode_id,
            )
            for alert, sub in rows
            if alert.token
        ]


def alert_detail(
    runtime: Runtime, clinician_id: int, token: str, *, reveal: bool = False
) -> AlertDetail | None:
    """The alert behind the link, if it is the clinician's (else None: 404).
    Opening it is audited; so, separately, is revealing the full number."""
    if not TOKEN.fullmatch(token):
        return None
    now = runtime.clock.now()
    with runtime.db.session() as session:
        alert = session.scalar(select(CrisisAlert).where(CrisisAlert.token == token))
        if alert is None or not _is_theirs(session, alert, clinician_id):
            return None
        sub = session.get(Subscriber, alert.subscriber_id)
        assert sub is not None
        record(
            session,
            now,
            "number_revealed" if reveal else "alert_viewed",
            actor=f"clinician:{clinician_id}",
            subscriber_id=sub.id,
            clinician_id=clinician_id,
            # The alert's episode, not the number's latest (it may be another's).
            episode_id=alert.episode_id,
        )
        flagged = _flagged(session, alert)
        texts = [
            FlaggedText(
                m.received_at,
                m.body or (alert.message_text if n == 0 and alert.message_text else "text deleted"),
                m.level or "crisis",
                tuple(json.loads(m.reply or "[]")),
            )
            for n, m in enumerate(flagged)
        ]
        if not texts and alert.message_text:  # raised before the text was stored with it
            texts = [FlaggedText(alert.created_at, alert.message_text, alert.tier, ())]
        mine = sub.clinician_id == clinician_id and sub.episode_id == alert.episode_id
        return AlertDetail(
            id=alert.id,
            token=token,
            tier=alert.tier,
            categories=tuple(c for c in alert.categories.split(",") if c),
            created_at=alert.created_at,
            notified_at=alert.notified_at,
            acknowledged_at=alert.acknowledged_at,
            client_id=sub.id if mine else None,
            client=_client_name(sub, clinician_id),
            masked=f"***-{last_four(sub.phone)}",
            status=client_status(sub.state, bool(sub.unusable_reason)) if mine else "",
            texts=texts,
            held=held(session, alert),
            stopped=_stopped_words(stopped_then(session, alert)),
            number=sub.phone if reveal else None,
            national=_national(sub.phone) if reveal else None,
            notice=_notice(session, alert),
        )


TOKEN = re.compile(r"[A-Za-z0-9_-]{8,32}")


def _flagged(session: Session, alert: CrisisAlert) -> list[InboundMessage]:
    """The flagged texts on this alert: the first and those that joined it."""
    return list(
        session.scalars(
            select(InboundMessage)
            .where(
                InboundMessage.subscriber_id == alert.subscriber_id,
                same(InboundMessage.episode_id, alert.episode_id),
                InboundMessage.level.in_(("crisis", "concern")),
                InboundMessage.received_at >= alert.created_at,
                InboundMessage.received_at <= (alert.last_at or alert.created_at),
            )
            .order_by(InboundMessage.received_at, InboundMessage.id)
        )
    )


def _consent_then(session: Session, alert: CrisisAlert) -> tuple[str, str] | None:
    """(state, source) of the client's consent change in effect when the alert
    was raised or last joined. An alert is described as it was then: a later
    End, STOP or RESUME never rewrites it."""
    row = session.execute(
        select(ConsentEvent.to_state, ConsentEvent.source)
        .where(
            ConsentEvent.subscriber_id == alert.subscriber_id,
            same(ConsentEvent.episode_id, alert.episode_id),
            ConsentEvent.at <= (alert.last_at or alert.created_at),
        )
        .order_by(ConsentEvent.id.desc())
        .limit(1)
    ).first()
    return (str(row.to_state), str(row.source)) if row is not None else None


def held(session: Session, alert: CrisisAlert) -> bool:
    """Whether the alert paused or held nudges: only a client who was receiving
    them (active or paused) is, and is left paused by it; an invitee who never
    said YES was getting none. A client paused already (an earlier alert, PAUSE)
    stays paused, with no consent change of this alert's own."""
    then = _consent_then(session, alert)
    return then is not None and then[0] == State.PAUSED


# The alert page's own words for a parent's STOP that came with or before it.
STOPPED_BY_THEM = "They have also stopped the texts: nothing more is sent unless they text START."


def stopped_then(session: Session, alert: CrisisAlert) -> str | None:
    """Who had stopped the texts when the alert was raised or last joined (the
    consent change's source: "sms", "clinician:7"...), or None if nobody had."""
    then = _consent_then(session, alert)
    return then[1] if then is not None and then[0] == State.STOPPED else None


def _stopped_words(source: str | None) -> str | None:
    if source is None:
        return None
    return STOPPED_BY_THEM if source == "sms" else stopped_note(source)


def _client_name(sub: Subscriber, clinician_id: int) -> str:
    """The alias only for the clinician's current client: once a number is
    someone else's, the alias is theirs too."""
    if sub.clinician_id == clinician_id and sub.alias:
        return sub.alias
    return f"client ending {last_four(sub.phone)}"


def _national(e164: str) -> str:
    """(404) 555-0123: how a clinician dials it."""
    return phonenumbers.format_number(
        phonenumbers.parse(e164), phonenumbers.PhoneNumberFormat.NATIONAL
    )
