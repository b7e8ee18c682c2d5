"""Typed SQLAlchemy 2 models. Alembic migrations in `migrations/` must match them
(a test runs `upgrade head` on an empty database and compares).

Phone numbers are stored in E.164 and never logged. Message text is not stored,
except the few words of a consent reply ("YES"), which are the consent record.
"""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum

from sqlalchemy import (
    Boolean,
    DateTime,
    Enum,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    event,
)
from sqlalchemy.orm import (
    DeclarativeBase,
    Mapped,
    Session,
    mapped_column,
    relationship,
    validates,
)

from nudges.domain.consent import State
from nudges.domain.outbox import OutboxState
from nudges.domain.preferences import (
    DEFAULT_FREQUENCY,
    DEFAULT_LANG,
    DEFAULT_SEND_MINUTE,
    DEFAULT_TRACK,
)

# Stable constraint names keep Alembic migrations identical on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes in, aware UTC datetimes out, on every database.

    SQLite has no time zone type and hands back naive values; normalising here
    means no rule ever compares a naive time with an aware one.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: object) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTCDateTime column")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: object) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def _values(enum: type[StrEnum]) -> list[str]:
    return [member.value for member in enum]


def state_column(enum: type[StrEnum]) -> Enum:
    """A column of one of our state enums, read back as members.

    It stores the members' VALUES ("active"), not SQLAlchemy's default, their
    names ("ACTIVE"): the strings every existing row already holds. Non-native
    and without a CHECK constraint it is the same VARCHAR(16) as the plain
    String(16) the migrations create, so no migration is needed. A string that
    is no member's value is refused when bound, not written.
    """
    return Enum(
        enum,
        native_enum=False,
        create_constraint=False,
        length=16,
        values_callable=_values,
        validate_strings=True,
    )


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Clinician(Base):
    __tablename__ = "clinician"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    phone: Mapped[str | None] = mapped_column(String(16))
    password_hash: Mapped[str] = mapped_column(String(256))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # The zone the clinician reads times in; None: the service's DEFAULT_TIMEZONE.
    timezone: Mapped[str | None] = mapped_column(String(64))
    # Part of every login session's id: raised at logout and on a password
    # change, so a copied cookie stops working on the server, not just in the
    # browser that logged out.
    session_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # How the invitation text names who invites ("Dr. Rivera", "Bayside Family
    # Therapy"), as the clinician chose; None: a neutral invitation naming no one.
    invite_name: Mapped[str | None] = mapped_column(String(40))


class Subscriber(Base):
    """One phone number and its consent state and preferences.

    `state` is one of pending, active, paused, stopped, expired (see
    nudges.domain.consent). `next_send_at` is indexed so dispatch costs what is
    due, not how many subscribers exist.
    """

    __tablename__ = "subscriber"

    id: Mapped[int] = mapped_column(primary_key=True)
    phone: Mapped[str] = mapped_column(String(16), unique=True)
    state: Mapped[State] = mapped_column(state_column(State))
    state_changed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    timezone: Mapped[str] = mapped_column(String(64))
    send_minute: Mapped[int] = mapped_column(Integer, default=DEFAULT_SEND_MINUTE)  # local, 0-1439
    frequency: Mapped[str] = mapped_column(String(8), default=DEFAULT_FREQUENCY)  # "3w"/"daily"
    track: Mapped[str] = mapped_column(String(32), default=DEFAULT_TRACK)
    lang: Mapped[str] = mapped_column(String(8), default=DEFAULT_LANG)
    paused_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    next_send_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    programme_started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    nudges_sent: Mapped[int] = mapped_column(Integer, default=0)
    unusable_reason: Mapped[str | None] = mapped_column(String(32))
    clinician_id: Mapped[int | None] = mapped_column(ForeignKey("clinician.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # What the clinician calls this client (no full name is needed).
    alias: Mapped[str | None] = mapped_column(String(60))
    # Until then a bare 1, 2 or 3 picks the track (set when the choice is offered).
    track_choice_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The current enrolment (see Episode). A plain integer, not a foreign key:
    # episode already points here, and a cycle of keys would need ALTERs that
    # SQLite cannot do.
    episode_id: Mapped[int | None] = mapped_column(Integer)
    # Ids of the hard-moment texts (SORRY, CALM...) sent lately, newest first,
    # comma-separated: so the same text is not sent again soon.
    recent_moments: Mapped[str | None] = mapped_column(String(200))
    # The weekly check-in (domain/checkin.py): on unless the parent texted
    # CHECKIN OFF; when the last one was queued; and the last question asked
    # ("track" or "checkin") and when, which a bare digit answers.
    checkins_enabled: Mapped[bool] = mapped_column(Boolean, default=True, server_default="1")
    last_checkin_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    question: Mapped[str | None] = mapped_column(String(16))
    question_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    clinician: Mapped[Clinician | None] = relationship()

    @validates("state")
    def _state_member(self, key: str, value: str) -> State:
        # A member even before the row is flushed and read back, so the rules'
        # `is State.ACTIVE` holds for a row built with the plain string too.
        return State(value)


class Episode(Base):
    """One enrolment of a number: a clinician's invitation or a self-join starts
    one. Every row about the subscriber carries the episode it happened in, and a
    clinician sees only the rows of their own episodes (never what happened
    while the number was another clinician's invitee)."""

    __tablename__ = "episode"

    id: Mapped[int] = mapped_column(primary_key=True)
    subscriber_id: Mapped[int] = mapped_column(ForeignKey("subscriber.id"), index=True)
    clinician_id: Mapped[int | None] = mapped_column(ForeignKey("clinician.id"), index=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    source: Mapped[str] = mapped_column(String(16))  # invite, join, migrated


class ConsentEvent(Base):
    """Append-only history of consent changes: the proof behind every nudge."""

    __tablename__ = "consent_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    subscriber_id: Mapped[int] = mapped_column(ForeignKey("subscriber.id"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    from_state: Mapped[State] = mapped_column(state_column(State))
    to_state: Mapped[State] = mapped_column(state_column(State))
    source: Mapped[str] = mapped_column(String(32))  # sms, clinician, twilio_error, expiry, ...
    message_sid: Mapped[str | None] = mapped_column(String(64))
    consent_text: Mapped[str | None] = mapped_column(String(160))
    episode_id: Mapped[int | None] = mapped_column(ForeignKey("episode.id"))

    @validates("from_state", "to_state")
    def _state_member(self, key: str, value: str) -> State:
        return State(value)


class InboundMessage(Base):
    """One processed inbound text, keyed by Twilio's MessageSid.

    The reply is kept, so a retried webhook gets the same answer. The level the
    crisis screen gave it ("crisis", "concern", "ordinary"; None for a bare
    keyword) is kept for the clinician's review. The body is kept only for a
    clinician's client, only for a free-text message (not a bare keyword), and
    only MESSAGE_RETENTION_DAYS: it is what the clinician reviews.
    """

    __tablename__ = "inbound_message"

    id: Mapped[int] = mapped_column(primary_key=True)
    message_sid: Mapped[str] = mapped_column(String(64), unique=True)
    subscriber_id: Mapped[int | None] = mapped_column(ForeignKey("subscriber.id"), index=True)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime())
    intent: Mapped[str] = mapped_column(String(32))
    reply: Mapped[str | None] = mapped_column(Text)
    level: Mapped[str | None] = mapped_column(String(16))
    body: Mapped[str | None] = mapped_column(Text)
    episode_id: Mapped[int | None] = mapped_column(ForeignKey("episode.id"))
    # The nudge (outbox row id) this text answers, when it answered a nudge's
    # question: kept with the answer for the clinician. A plain integer, not a
    # foreign key: adding one would make SQLite rebuild this table, which
    # crisis_alert's key points at.
    answers_outbox_id: Mapped[int | None] = mapped_column(Integer)
    # The answer (1-5) when this text answered a weekly check-in.
    checkin: Mapped[int | None] = mapped_column(Integer)
    # Attribution: the outbox row (nudge or check-in) sent to this number within
    # the 48 hours before this text. A plain integer, not a foreign key: adding
    # one would make SQLite rebuild this table, which crisis_alert points at.
    follows_outbox_id: Mapped[int | None] = mapped_column(Integer, index=True)


class CrisisAlert(Base):
    """A message that may signal a crisis. Holds categories, never the text."""

    __tablename__ = "crisis_alert"

    id: Mapped[int] = mapped_column(primary_key=True)
    subscriber_id: Mapped[int] = mapped_column(ForeignKey("subscriber.id"), index=True)
    clinician_id: Mapped[int | None] = mapped_column(ForeignKey("clinician.id"), index=True)
    inbound_message_id: Mapped[int | None] = mapped_column(ForeignKey("inbound_message.id"))
    categories: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    notified_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    acknowledged_by: Mapped[int | None] = mapped_column(ForeignKey("clinician.id"))
    # "crisis" (texted to the clinician) or "possible" (concern: dashboard only).
    tier: Mapped[str] = mapped_column(String(16), default="crisis")
    # The words that raised the alert, for the clinician to read after login.
    # Kept ALERT_TEXT_DAYS only, then cleared by maintenance.
    message_text: Mapped[str | None] = mapped_column(Text)
    episode_id: Mapped[int | None] = mapped_column(ForeignKey("episode.id"))
    # The alert SMS links to /clinician/alerts/<token>: unguessable, and it
    # says nothing about how many alerts exist.
    token: Mapped[str | None] = mapped_column(String(32), unique=True)
    # The last flagged text folded into this alert (texts within the hour of it
    # join it rather than raise another).
    last_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class AuditEvent(Base):
    """Append-only: who saw or changed what. No phone numbers, no message text."""

    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    actor: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(64))
    clinician_id: Mapped[int | None] = mapped_column(ForeignKey("clinician.id"), index=True)
    subscriber_id: Mapped[int | None] = mapped_column(ForeignKey("subscriber.id"), index=True)
    detail: Mapped[str | None] = mapped_column(String(500))
    episode_id: Mapped[int | None] = mapped_column(ForeignKey("episode.id"), index=True)


class Outbox(Base):
    """One outgoing text. Dispatch writes it; the sender claims and sends it.

    `dedupe_key` is unique ("nudge:<subscriber>:<slot ISO>", "alert:<alert id>"),
    so re-running a tick never doubles a nudge. `state` moves queued -> sending
    -> sent -> delivered/undelivered/failed (final), or skipped/unknown.
    """

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_state_next_attempt_at", "state", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    dedupe_key: Mapped[str] = mapped_column(String(120), unique=True)
    kind: Mapped[str] = mapped_column(String(16))  # nudge, alert, invitation
    subscriber_id: Mapped[int | None] = mapped_column(ForeignKey("subscriber.id"), index=True)
    clinician_id: Mapped[int | None] = mapped_column(ForeignKey("clinician.id"))
    slot_at: Mapped[datetime] = mapped_column(UTCDateTime())
    nudge_id: Mapped[str | None] = mapped_column(String(64))
    body: Mapped[str | None] = mapped_column(Text)  # cleared after the retention period
    state: Mapped[OutboxState] = mapped_column(state_column(OutboxState))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    provider_sid: Mapped[str | None] = mapped_column(String(64), unique=True)
    provider_status: Mapped[str | None] = mapped_column(String(16))
    error_code: Mapped[int | None] = mapped_column(Integer)
    # Set when an earlier attempt may have reached Twilio (a crash mid-call, a 5xx,
    # a timeout): ask Twilio before sending again, so nothing is sent twice.
    verify_before_send: Mapped[bool] = mapped_column(Boolean, default=False)
    # Who holds the claim: every write a sender makes to a row it claimed is
    # conditional on this still being its token (reconcile clears it).
    claim_token: Mapped[str | None] = mapped_column(String(32))
    # Set when the text goes to someone other than the subscriber (a clinician's
    # crisis alert); otherwise the subscriber's number is used.
    to_phone: Mapped[str | None] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    episode_id: Mapped[int | None] = mapped_column(ForeignKey("episode.id"))
    # Why a `skipped` row did not go, in words a clinician reads beside it
    # ("replaced by a later notice", "no longer active").
    skip_reason: Mapped[str | None] = mapped_column(String(64))
    # A clinician's notice: the settings the parent knew before the changes it
    # names (notice.Told), carried to a notice that replaces it unsent.
    told_from: Mapped[str | None] = mapped_column(String(64))

    @validates("state")
    def _state_member(self, key: str, value: str) -> OutboxState:
        return OutboxState(value)


class Heartbeat(Base):
    """Named facts about background work, readable by any process's /healthz:
    `scheduler` (last successful tick), `sending_blocked` (a configuration error
    at the provider stopped sending; removed when a send works again), `capacity`
    (the busiest send slot of the coming week, as JSON; see scheduler/capacity.py)."""

    __tablename__ = "heartbeat"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    detail: Mapped[str | None] = mapped_column(String(200))


class SimulatorMessage(Base):
    """The /dev/phone thread (console transport only): what the pretend phone
    sent and got back. Nudges come from the outbox, not from here."""

    __tablename__ = "simulator_message"

    id: Mapped[int] = mapped_column(primary_key=True)
    phone: Mapped[str] = mapped_column(String(16), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    who: Mapped[str] = mapped_column(String(8))  # "you" or "service"
    text: Mapped[str] = mapped_column(Text)


class SendPace(Base):
    """The account's shared send schedule: the wall-clock time (epoch seconds)
    from which the next send may go. Each sender reserves a few slots at a time
    with one conditional UPDATE, so any number of processes keep one rate."""

    __tablename__ = "send_pace"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    next_at: Mapped[float] = mapped_column(Float)


# Rows that belong to the episode their subscriber is in when they are written.
EPISODE_ROWS = (ConsentEvent, InboundMessage, CrisisAlert, AuditEvent, Outbox)


@event.listens_for(Session, "before_flush")
def _stamp_episode(session: Session, flush_context: object, instances: object) -> None:
    """Stamp each new row about a subscriber with the subscriber's current
    episode, here in one place, so no writer (inbound, scheduler, clinician
    pages, maintenance) can forget to and leak a row into a later episode."""
    with session.no_autoflush:
        for row in session.new:
            if isinstance(row, EPISODE_ROWS) and row.episode_id is None and row.subscriber_id:
                sub = session.get(Subscriber, row.subscriber_id)
                row.episode_id = sub.episode_id if sub is not None else None
