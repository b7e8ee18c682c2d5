"""The inbound SMS conversation: one text in, the replies out, the state changed.

The web webhook and the `nudges sms` command both come through `handle_inbound`,
so what a newcomer sees at the terminal is what a parent gets on a phone.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from messages import system_text
from nudges.config import Settings
from nudges.db.models import AuditEvent, ConsentEvent, CrisisAlert, InboundMessage, Subscriber
from nudges.domain.consent import Event, State, next_state
from nudges.domain.keywords import Intent, Kind, interpret
from nudges.domain.preferences import clamp_to_window, format_minute, zone_label, zone_on_join
from nudges.runtime import Runtime
from nudges.subscriptions import reschedule

log = logging.getLogger(__name__)

E164 = re.compile(r"\+[1-9]\d{6,14}")
MESSAGE_SID = re.compile(r"[A-Z]{2}[0-9a-fA-F]{32}")
ADVANCED_OPT_OUT_TYPES = {"STOP", "START", "HELP"}


class InvalidInbound(ValueError):
    """The request is not a usable inbound text; the message says which field."""


@dataclass(frozen=True)
class InboundSms:
    from_number: str
    body: str
    message_sid: str
    opt_out_type: str | None = None  # set by Twilio when Advanced Opt-Out answered already

    def __post_init__(self) -> None:
        if not E164.fullmatch(self.from_number):
            raise InvalidInbound("From must be an E.164 phone number")
        if not MESSAGE_SID.fullmatch(self.message_sid):
            raise InvalidInbound("MessageSid must look like SM followed by 32 hex digits")
        if self.opt_out_type is not None and self.opt_out_type not in ADVANCED_OPT_OUT_TYPES:
            raise InvalidInbound("OptOutType must be STOP, START or HELP")


@dataclass(frozen=True)
class Reply:
    messages: tuple[str, ...]
    intent: str


def texts(settings: Settings, key: str, lang: str = "en", **fields: str) -> str:
    return system_text(
        key, lang=lang, program=settings.program_name, support=settings.support_contact, **fields
    )


def safety_reply(settings: Settings, intent: Intent) -> tuple[str, ...] | None:
    """The reply that needs no database: crisis first, then HELP. None for the rest."""
    if intent.crisis is not None:
        return (texts(settings, "crisis"),)
    if intent.kind is Kind.HELP:
        return (texts(settings, "help"),)
    if intent.kind is Kind.HELP_ES:
        return (texts(settings, "help_es"),)
    return None


def handle_inbound(runtime: Runtime, sms: InboundSms, intent: Intent | None = None) -> Reply:
    """Process one inbound text exactly once per MessageSid and return the replies.

    1. A MessageSid we have seen gets the stored replies and changes nothing.
    2. Otherwise the subscriber's state moves per the consent table, preferences
       change, crisis alerts are recorded, and the replies are stored with the sid.
    3. Two deliveries of one sid racing each other: the unique sid loses one
       insert, which rolls back and returns the winner's replies.
    """
    intent = intent or interpret(sms.body)
    if intent.crisis is None and intent.kind in (Kind.HELP, Kind.HELP_ES):
        # HELP changes nothing and its answer never varies, so a repeat already gets
        # the same reply: no database work, the same path as during an outage.
        quiet = sms.opt_out_type is not None
        return Reply(
            () if quiet else safety_reply(runtime.settings, intent) or (), intent.kind.value
        )
    now = runtime.clock.now()
    try:
        with runtime.db.session() as session:
            seen = _seen_reply(session, sms.message_sid)
            if seen is not None:
                return seen
            messages, subscriber = _converse(session, runtime.settings, sms, intent, now)
            session.add(
                InboundMessage(
                    message_sid=sms.message_sid,
                    subscriber_id=subscriber.id if subscriber else None,
                    received_at=now,
                    intent=("crisis+" if intent.crisis else "") + intent.kind.value,
                    reply=json.dumps(messages),
                )
            )
    except IntegrityError:
        with runtime.db.session() as session:
            seen = _seen_reply(session, sms.message_sid)
        if seen is None:
            raise
        return seen
    log.info("inbound handled intent=%s crisis=%s", intent.kind.value, bool(intent.crisis))
    return Reply(tuple(messages), intent.kind.value)


def _seen_reply(session: Session, message_sid: str) -> Reply | None:
    row = session.scalar(select(InboundMessage).where(InboundMessage.message_sid == message_sid))
    if row is None:
        return None
    return Reply(tuple(json.loads(row.reply or "[]")), row.intent)


def _converse(
    session: Session, settings: Settings, sms: InboundSms, intent: Intent, now: datetime
) -> tuple[list[str], Subscriber | None]:
    sub = session.scalar(select(Subscriber).where(Subscriber.phone == sms.from_number))
    state = State(sub.state) if sub else State.NONE
    # With Advanced Opt-Out on, Twilio has answered already: record, reply nothing.
    quiet = sms.opt_out_type is not None
    replies: list[str] = []

    if intent.crisis is not None:
        replies.append(texts(settings, "crisis"))
        if sub is not None:
            _crisis(session, sub, intent, now)
        else:
            _audit(session, now, "crisis_reply_unknown_number", None, _categories(intent))
        if intent.kind is not Kind.OPT_OUT:
            return replies, sub

    if sms.opt_out_type == "HELP" or intent.kind in (Kind.HELP, Kind.HELP_ES):
        if not quiet:
            key = "help_es" if intent.kind is Kind.HELP_ES else "help"
            replies.append(texts(settings, key))
        return replies, sub

    if sms.opt_out_type == "STOP" or intent.kind is Kind.OPT_OUT:
        if state is not State.STOPPED:
            sub = sub or _new_subscriber(session, settings, sms.from_number, now)
            _move(session, sub, Event.OPT_OUT, now, "sms", sms)
            if not quiet:
                replies.append(texts(settings, "stop_confirm"))
        # A second STOP gets no second confirmation (CTIA: at most one).
        return replies, sub

    if sms.opt_out_type == "START" or intent.kind is Kind.CONFIRM:
        return _confirm(session, settings, sub, state, sms, now, quiet), sub
    if intent.kind is Kind.JOIN:
        if state in (State.ACTIVE, State.PAUSED):
            return [texts(settings, "already_active")], sub
        sub = sub or _new_subscriber(session, settings, sms.from_number, now)
        _move(session, sub, Event.JOIN, now, "sms", sms)
        return [texts(settings, "consent_prompt")], sub

    if sub is None or state not in (State.ACTIVE, State.PAUSED, State.PENDING):
        if intent.kind is Kind.MENU:
            return [texts(settings, "menu")], sub
        return [texts(settings, "not_subscribed")], sub
    return [_preference(session, settings, sub, state, intent, now)], sub


def _confirm(
    session: Session,
    settings: Settings,
    sub: Subscriber | None,
    state: State,
    sms: InboundSms,
    now: datetime,
    quiet: bool,
) -> list[str]:
    if state is State.ACTIVE:
        return [] if quiet else [texts(settings, "already_active")]
    sub = sub or _new_subscriber(session, settings, sms.from_number, now)
    before = state
    after = _move(session, sub, Event.CONFIRM, now, "sms", sms)
    if after is State.PENDING:  # a YES we never asked for: ask properly first
        return [texts(settings, "consent_prompt")]
    time_text = format_minute(sub.send_minute)
    if before is State.PENDING:
        sub.programme_started_at = now
        key = "welcome"
    elif before is State.STOPPED:
        sub.programme_started_at = sub.programme_started_at or now
        key = "rejoined"
    else:
        key = "resumed"
    reschedule(sub, settings, now)
    # Under Advanced Opt-Out, Twilio sends its own opt-in reply (the welcome text the
    # README gives), so nobody gets two.
    return [] if quiet else [texts(settings, key, time=time_text)]


def _preference(
    session: Session,
    settings: Settings,
    sub: Subscriber,
    state: State,
    intent: Intent,
    now: datetime,
) -> str:
    kind = intent.kind
    if kind is Kind.PAUSE:
        if state is State.PENDING:
            return texts(settings, "not_subscribed")
        sub.paused_until = now + timedelta(days=intent.days) if intent.days else None
        _move(session, sub, Event.PAUSE, now, "sms", None)
        sub.next_send_at = None
        if sub.paused_until is None:
            return texts(settings, "paused_indefinitely")
        until = _local_date(sub.paused_until, sub.timezone)
        return texts(settings, "paused", until=until)
    if kind is Kind.RESUME:
        if state is State.PENDING:
            return texts(settings, "not_subscribed")
        _move(session, sub, Event.RESUME, now, "sms", None)
        sub.paused_until = None
        reschedule(sub, settings, now)
        return texts(settings, "resumed", time=format_minute(sub.send_minute))
    if kind is Kind.TIME:
        if intent.minute is None:
            return texts(settings, "time_unknown")
        sub.send_minute = clamp_to_window(intent.minute, settings.send_window)
        reschedule(sub, settings, now)
        _audit(session, now, "time_changed", sub.id, None)
        if sub.send_minute != intent.minute:
            window = "-".join(format_minute(t.hour * 60 + t.minute) for t in settings.send_window)
            return texts(
                settings, "time_clamped", time=format_minute(sub.send_minute), window=window
            )
        return texts(settings, "time_set", time=format_minute(sub.send_minute))
    if kind is Kind.ZONE:
        if intent.zone is None:
            return texts(settings, "zone_unknown")
        sub.timezone = intent.zone
        reschedule(sub, settings, now)
        _audit(session, now, "zone_changed", sub.id, None)
        return texts(settings, "zone_set", zone=zone_label(intent.zone))
    if kind in (Kind.DAILY, Kind.WEEKLY):
        sub.frequency = "daily" if kind is Kind.DAILY else "3w"
        reschedule(sub, settings, now)
        _audit(session, now, "frequency_changed", sub.id, sub.frequency)
        label = "every day" if kind is Kind.DAILY else "3 times a week"
        return texts(settings, "frequency_set", frequency=label)
    if kind is Kind.MENU:
        return texts(settings, "menu")
    if state is State.PENDING:
        return texts(settings, "consent_prompt")
    return texts(settings, "unrecognised")


def _new_subscriber(session: Session, settings: Settings, phone: str, now: datetime) -> Subscriber:
    sub = Subscriber(
        phone=phone,
        state=State.NONE.value,
        state_changed_at=now,
        timezone=zone_on_join(phone, settings.default_timezone),
        send_minute=12 * 60,
        frequency="3w",
        track="perfectionism",
        lang="en",
        nudges_sent=0,
        created_at=now,
    )
    session.add(sub)
    session.flush()
    return sub


def _move(
    session: Session,
    sub: Subscriber,
    event: Event,
    now: datetime,
    source: str,
    sms: InboundSms | None,
) -> State:
    """Apply a consent event; consent changes are recorded with their proof."""
    before = State(sub.state)
    after = next_state(before, event)
    if after is before and before is not State.NONE:
        return after
    sub.state = after.value
    sub.state_changed_at = now
    if after is not State.ACTIVE:
        sub.next_send_at = None
    session.add(
        ConsentEvent(
            subscriber_id=sub.id,
            at=now,
            from_state=before.value,
            to_state=after.value,
            source=source,
            message_sid=sms.message_sid if sms else None,
            # The words of a consent change are the consent record (e.g. "YES").
            consent_text=sms.body[:160] if sms and event in (Event.CONFIRM, Event.JOIN) else None,
        )
    )
    return after


def _crisis(session: Session, sub: Subscriber, intent: Intent, now: datetime) -> None:
    """Pause nudges, record an alert for the enrolling clinician, audit. Never the text."""
    if State(sub.state) in (State.ACTIVE, State.PAUSED):
        _move(session, sub, Event.CRISIS, now, "crisis", None)
        sub.paused_until = None  # until someone reviews, or the parent says RESUME
        sub.next_send_at = None
    session.add(
        CrisisAlert(
            subscriber_id=sub.id,
            clinician_id=sub.clinician_id,
            categories=_categories(intent) or "crisis",
            created_at=now,
        )
    )
    _audit(session, now, "crisis_detected", sub.id, _categories(intent))
    log.warning("crisis language detected; reply sent, nudges paused, alert recorded")


def _categories(intent: Intent) -> str | None:
    return ",".join(intent.crisis.categories) if intent.crisis else None


def _audit(
    session: Session, now: datetime, action: str, subscriber_id: int | None, detail: str | None
) -> None:
    session.add(
        AuditEvent(at=now, actor="sms", action=action, subscriber_id=subscriber_id, detail=detail)
    )


def _local_date(at: datetime, zone: str) -> str:
    from zoneinfo import ZoneInfo

    local = at.astimezone(ZoneInfo(zone))
    return local.strftime("%a %b ") + str(local.day)
