"""What a clinician sees and does: their own clients only, and of a client only
the current episode (see services/episodes.py). Every function takes the
clinician's id and returns nothing for a client that is not theirs (the pages
answer 404), and every view of a client is audited."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from nudges.db.models import (
    AuditEvent,
    Clinician,
    ConsentEvent,
    CrisisAlert,
    Outbox,
    Subscriber,
)
from nudges.domain.clinician import ACTIONS, Edit, Told, clinician_action, clinician_change
from nudges.domain.consent import State
from nudges.domain.conversation import TRACK_LABELS
from nudges.domain.outbox import OutboxState
from nudges.domain.phone import last_four
from nudges.domain.preferences import format_minute, zone_label
from nudges.domain.schedule import local_minute
from nudges.domain.subscriber import KEEP, promised_time
from nudges.runtime import Runtime
from nudges.services import notice
from nudges.services.alerts import held, stopped_then
from nudges.services.audit import record
from nudges.services.conversation import Line, conversation
from nudges.services.episodes import mine, same
from nudges.services.outcomes import LastCheckin, OutcomeWeek, for_client, last_checkin
from nudges.services.standing import Standing, standing, stopped_note
from nudges.services.subscriptions import apply, snapshot


@dataclass(frozen=True)
class EarlierAlert:
    token: str
    created_at: datetime
    tier: str


@dataclass(frozen=True)
class ClientRow:
    id: int
    alias: str
    masked: str  # last four digits only
    track: str
    status: str
    last_nudge_at: datetime | None
    last_nudge_status: str | None
    open_alerts: int
    last_checkin: LastCheckin | None = None  # "last check-in 2/5", flagged when low
    # Unacknowledged alerts of this clinician's earlier enrolment of the number
    # (ended, then re-joined): never hidden until acknowledged, never counted as
    # this enrolment's.
    earlier_alerts: tuple[EarlierAlert, ...] = ()
    note: str = ""  # what the status means for the parent
    actions: tuple[str, ...] = ()  # only the actions that do something now
    reinvite: bool = False  # a lapsed invitation: "Invite again"


@dataclass(frozen=True)
class AlertView:
    id: int
    created_at: datetime
    categories: str
    tier: str
    text: str | None
    acknowledged_at: datetime | None
    token: str | None = None
    # What the alert did when it was raised, never rewritten by a later change.
    held: bool = True
    stopped: str | None = None


@dataclass(frozen=True)
class ClientDetail:
    row: ClientRow
    zone: str
    timezone: str  # IANA: the client page shows when things happened in the client's day
    # When texts really come ("4:30pm Pacific"), after every window rule; None
    # when no time fits the window in every zone the parent may be in.
    send_time: str | None
    chosen_time: str  # the time set ("7:30pm"), which the window may move
    time_moved: bool  # the window moves it: `send_time` is not `chosen_time`
    frequency: str
    track_key: str
    consent: list[tuple[datetime, State, State, str]]  # at, from, to, source
    nudges: list[tuple[datetime, str, OutboxState]]  # when, kind, status
    alerts: list[AlertView]
    lines: list[Line]  # the conversation of the current episode, oldest first
    outcomes: list[OutcomeWeek] = field(default_factory=list)  # check-ins beside engagement
    checkins_enabled: bool = True
    language: str = "English"  # the language of every text the parent gets
    lang_key: str = "en"


# What the client page calls each language a parent can have.
LANGUAGE_NAMES = {"en": "English", "es": "Spanish (español)"}


# Ids are 32-bit on every database: a larger one is nobody's client (404), not
# an overflow error (500) from PostgreSQL.
MAX_ID = 2**31 - 1


def _row(session: Session, sub: Subscriber) -> ClientRow:
    last = session.execute(
        select(Outbox.slot_at, Outbox.state, Outbox.provider_status)
        .where(
            Outbox.subscriber_id == sub.id,
            same(Outbox.episode_id, sub.episode_id),
            Outbox.kind == "nudge",
        )
        .order_by(Outbox.slot_at.desc())
        .limit(1)
    ).first()
    open_alerts = session.scalar(
        select(func.count())
        .select_from(CrisisAlert)
        .where(
            CrisisAlert.subscriber_id == sub.id,
            same(CrisisAlert.episode_id, sub.episode_id),
            CrisisAlert.clinician_id == sub.clinician_id,
            CrisisAlert.acknowledged_at.is_(None),
        )
    )
    earlier = session.scalars(
        select(CrisisAlert)
        .where(
            CrisisAlert.subscriber_id == sub.id,
            ~same(CrisisAlert.episode_id, sub.episode_id),
            CrisisAlert.clinician_id == sub.clinician_id,
            CrisisAlert.acknowledged_at.is_(None),
            CrisisAlert.token.is_not(None),
        )
        .order_by(CrisisAlert.id.desc())
    ).all()
    now_standing = standing(session, sub)
    return ClientRow(
        id=sub.id,
        alias=sub.alias or f"client ending {last_four(sub.phone)}",
        masked=f"***-{last_four(sub.phone)}",
        track=_track_label(sub),
        status=now_standing.status,
        last_nudge_at=last.slot_at if last else None,
        last_nudge_status=last.state if last else None,
        open_alerts=int(open_alerts or 0),
        last_checkin=last_checkin(session, sub),
        note=now_standing.note,
        actions=now_standing.actions,
        reinvite=now_standing.reinvite,
        earlier_alerts=tuple(EarlierAlert(a.token or "", a.created_at, a.tier) for a in earlier),
    )


def _track_label(sub: Subscriber) -> str:
    """The focus, or that the parent is to choose it: an invitee who was let
    choose has the default track stored, but has chosen nothing yet."""
    if sub.track_choice_until is not None and sub.state in (State.PENDING, State.EXPIRED):
        return "the parent chooses (after YES)"
    if sub.track_choice_until is not None and sub.nudges_sent == 0:
        return "the parent chooses (not chosen yet)"
    return TRACK_LABELS.get(sub.track, sub.track)


def clients(runtime: Runtime, clinician_id: int) -> list[ClientRow]:
    """The clinician's clients, those with open alerts first."""
    with runtime.db.session() as session:
        subs = session.scalars(
            select(Subscriber)
            .where(Subscriber.clinician_id == clinician_id)
            .order_by(Subscriber.id)
        ).all()
        rows = [_row(session, sub) for sub in subs]
    return sorted(
        rows, key=lambda r: (-(r.open_alerts + len(r.earlier_alerts)), r.alias.lower(), r.id)
    )


def _own(session: Session, clinician_id: int, client_id: int) -> Subscriber | None:
    if not 0 < client_id <= MAX_ID:
        return None
    sub = session.get(Subscriber, client_id)
    return sub if sub is not None and sub.clinician_id == clinician_id else None


def owns(runtime: Runtime, clinician_id: int, client_id: int) -> bool:
    with runtime.db.session() as session:
        return _own(session, clinician_id, client_id) is not None


def client_detail(
    runtime: Runtime, clinician_id: int, client_id: int, zone: str | None = None
) -> ClientDetail | None:
    """The client page; `zone` is the viewer's, for the chart's weeks."""
    now = runtime.clock.now()
    with runtime.db.session() as session:
        sub = _own(session, clinician_id, client_id)
        if sub is None:
            return None
        names = dict(session.execute(select(Clinician.id, Clinician.name)).tuples().all())
        consent = [
            (e.at, e.from_state, e.to_state, _source_name(e.source, names))
            for e in session.scalars(
                select(ConsentEvent)
                .where(
                    ConsentEvent.subscriber_id == sub.id,
                    same(ConsentEvent.episode_id, sub.episode_id),
                )
                .order_by(ConsentEvent.id)
            )
        ]
        if consent:
            # Where the number stood before this enrolment is another episode's
            # business: the first change of this one reads "none -> invited".
            at, _before, after, by = consent[0]
            consent[0] = (at, State.NONE, after, by)
        nudges = [
            (o.slot_at, o.kind, o.state)
            for o in session.scalars(
                select(Outbox)
                .where(
                    Outbox.subscriber_id == sub.id,
                    same(Outbox.episode_id, sub.episode_id),
                    Outbox.kind != "alert",
                )
                .order_by(Outbox.slot_at.desc())
                .limit(100)
            )
        ]
        alerts = [
            AlertView(
                a.id,
                a.created_at,
                a.categories,
                a.tier,
                a.message_text,
                a.acknowledged_at,
                a.token,
                held(session, a),
                stopped_note(stopped) if (stopped := stopped_then(session, a)) else None,
            )
            for a in session.scalars(
                select(CrisisAlert)
                .where(
                    CrisisAlert.subscriber_id == sub.id,
                    same(CrisisAlert.episode_id, sub.episode_id),
                    CrisisAlert.clinician_id == clinician_id,
                )
                .order_by(CrisisAlert.id.desc())
            )
        ]
        promise = promised_time(snapshot(sub), sub.phone, runtime.settings.send_window, now)
        record(
            session,
            now,
            "client_viewed",
            actor=f"clinician:{clinician_id}",
            subscriber_id=sub.id,
            clinician_id=clinician_id,
        )
        return ClientDetail(
            row=_row(session, sub),
            zone=zone_label(sub.timezone),
            timezone=sub.timezone,
            send_time=promise.text if promise is not None else None,
            chosen_time=format_minute(sub.send_minute),
            time_moved=promise is not None and promise.minute != sub.send_minute,
            frequency="every day" if sub.frequency == "daily" else "3 a week",
            track_key=sub.track,
            consent=consent,
            nudges=nudges,
            alerts=alerts,
            lines=conversation(session, sub),
            outcomes=for_client(session, sub, now, zone or sub.timezone),
            checkins_enabled=sub.checkins_enabled is not False,
            language=LANGUAGE_NAMES.get(sub.lang or "en", sub.lang),
            lang_key=sub.lang or "en",
        )


# Why the service itself changed the consent, as a clinician reads it. A concern
# holds nudges for a day; a crisis pauses them until someone resumes: a clinician
# must be able to tell the two apart in the history.
SOURCES = {
    "sms": "the parent (by text)",
    "crisis": "crisis pause",
    "concern": "concern check",
}


def _source_name(source: str, names: dict[int, str]) -> str:
    """Who changed the consent: "sms" is the parent, "clinician:1" a name."""
    if source.startswith("clinician:"):
        return actor_name(source, names)
    return SOURCES.get(source, source.replace("_", " "))


@dataclass(frozen=True)
class ActResult:
    """What an action really did, for the page to say so."""

    done: bool  # False: it did not apply to the client as they are now
    action: str
    standing: Standing  # where the client stands after it
    cancelled: bool = False  # an End that cancelled an unanswered invitation
    next_time: str | None = None  # after a resume: when the next text really comes


def act(runtime: Runtime, clinician_id: int, client_id: int, action: str) -> ActResult | None:
    """Pause, resume or end a client's texts, if that applies to them now;
    None if the client is not theirs (or the action is unknown)."""
    if action not in ACTIONS:
        return None
    now = runtime.clock.now()
    with runtime.db.session() as session:
        sub = _own(session, clinician_id, client_id)
        if sub is None:
            return None
        was_pending = sub.state is State.PENDING
        window = runtime.settings.send_window
        edit = clinician_action(snapshot(sub), sub.phone, action, window, now)
        if edit is not None:
            _write(session, sub, edit, clinician_id, now)
        cancelled = edit is not None and action == "end" and was_pending
        slot = sub.next_send_at
        next_time = _local(slot, sub.timezone) if slot is not None else None
        return ActResult(edit is not None, action, standing(session, sub), cancelled, next_time)


def end_preview(runtime: Runtime, clinician_id: int, client_id: int) -> ClientRow | None:
    """The client as the End confirmation page describes them (not audited as a view)."""
    with runtime.db.session() as session:
        sub = _own(session, clinician_id, client_id)
        return _row(session, sub) if sub is not None else None


def queued_invitation(
    runtime: Runtime, clinician_id: int, client_id: int
) -> tuple[datetime, str] | None:
    """When the client's invitation is due to go, in their own time, if it is
    still waiting (outside the send window it waits for it to open)."""
    with runtime.db.session() as session:
        sub = _own(session, clinician_id, client_id)
        if sub is None:
            return None
        due = session.scalar(
            select(Outbox.slot_at).where(
                Outbox.subscriber_id == sub.id,
                same(Outbox.episode_id, sub.episode_id),
                Outbox.kind == "invitation",
                Outbox.state == OutboxState.QUEUED,
            )
        )
        return (due, sub.timezone) if due is not None else None


@dataclass(frozen=True)
class ChangeResult:
    """What a change of focus or time really did."""

    focus: str | None  # the new focus, in words, when it changed
    asked_time: str | None  # the time the clinician typed, when one was given
    time: str | None  # when texts will really come ("9:00am Eastern"), after the window
    moved: bool  # the window moved the time typed: `time` is not `asked_time`
    texted: bool  # the parent was sent one text saying so
    why_not_texted: str | None  # when something changed but they were not texted
    language: str | None = None  # the new language, in words, when it changed


def change(
    runtime: Runtime,
    clinician_id: int,
    client_id: int,
    *,
    track: str | None = None,
    send_minute: int | None = None,
    lang: str | None = None,
) -> ChangeResult | None:
    """Change a client's track (keeping their place), send time or language, and
    confirm it to an active parent with one short text, in their language (the
    new one); None if the client is not theirs."""
    now = runtime.clock.now()
    settings = runtime.settings
    with runtime.db.session() as session:
        sub = _own(session, clinician_id, client_id)
        if sub is None:
            return None
        window = settings.send_window
        before = _told(sub)
        edit = clinician_change(
            snapshot(sub), sub.phone, window, now, track=track, send_minute=send_minute, lang=lang
        )
        _write(session, sub, edit, clinician_id, now)
        focus = TRACK_LABELS[sub.track] if edit.change.track is not KEEP else None
        promise = promised_time(snapshot(sub), sub.phone, window, now)
        time_text = promise.text if promise is not None and send_minute is not None else None
        moved = promise is not None and send_minute is not None and promise.minute != send_minute
        language = LANGUAGE_NAMES[sub.lang] if edit.change.lang is not KEEP else None
        if focus is None and send_minute is None and language is None:
            return ChangeResult(None, None, None, False, False, None)
        asked = format_minute(send_minute) if send_minute is not None else None
        # Only what really changed is texted: saving the same settings again
        # sends the parent nothing (and leaves a notice still waiting as it is).
        if _told(sub) == before:
            return ChangeResult(focus, asked, time_text, moved, False, None, language)
        why = notice.why_not(sub)
        if why is not None:
            return ChangeResult(focus, asked, time_text, moved, False, why, language)
        untold = notice.queue(session, settings, sub, now, before=before)
        return ChangeResult(focus, asked, time_text, moved, untold is None, untold, language)


def _told(sub: Subscriber) -> Told:
    return Told(sub.track, sub.send_minute, sub.lang or "en")


@dataclass(frozen=True)
class Promised:
    """When an invited client's texts will come, for the page's message."""

    time: str | None  # "4:30pm Pacific"; None when no time fits the window
    moved: bool  # the window moved the time the clinician chose


def promised(
    runtime: Runtime, clinician_id: int, client_id: int, asked: int | None
) -> Promised | None:
    """When the client's texts will come, and whether that is not the time
    `asked` (minutes after local midnight) the clinician typed."""
    with runtime.db.session() as session:
        sub = _own(session, clinician_id, client_id)
        if sub is None:
            return None
        window = runtime.settings.send_window
        promise = promised_time(snapshot(sub), sub.phone, window, runtime.clock.now())
        if promise is None:
            return Promised(None, False)
        return Promised(promise.text, asked is not None and promise.minute != asked)


def _local(slot: datetime, zone: str) -> str:
    return f"{format_minute(local_minute(slot, zone))} {zone_label(zone)}"


def _write(session: Session, sub: Subscriber, edit: Edit, clinician_id: int, now: datetime) -> None:
    by = f"clinician:{clinician_id}"
    apply(session, sub, edit.change, now, by=by, audit=edit.audit, clinician_id=clinician_id)


@dataclass(frozen=True)
class AuditLine:
    at: datetime
    actor: str  # a name, not "clinician:1"
    action: str
    client: str | None
    detail: str | None


# Page views are recorded (who saw what) but hidden by default: they bury the
# events that matter.
VIEW_ACTIONS = ("client_viewed", "alert_viewed")
ACTORS = {
    "sms": "the parent (by text)",
    "system": "the service",
    "crisis": "the service",
    "concern": "the service",
    "cli": "command line",
    "web": "login page",
}


def actor_name(actor: str, names: dict[int, str]) -> str:
    kind, _, number = actor.partition(":")
    if kind == "clinician" and number.isdigit():
        return names.get(int(number), "another clinician")
    return ACTORS.get(actor, actor)


def audit_for(
    runtime: Runtime,
    clinician_id: int,
    limit: int = 300,
    *,
    action: str | None = None,
    views: bool = False,
) -> list[AuditLine]:
    """The audit log of the clinician's own actions and of their own episodes
    (never of what happened while a number was another clinician's), newest
    first; page views only when asked for, one action when one is named."""
    with runtime.db.session() as session:
        aliases = {
            sub_id: alias or f"client #{sub_id}"
            for sub_id, alias in session.execute(
                select(Subscriber.id, Subscriber.alias).where(
                    Subscriber.clinician_id == clinician_id
                )
            )
        }
        query = select(AuditEvent).where(
            (AuditEvent.clinician_id == clinician_id)
            | AuditEvent.episode_id.in_(mine(clinician_id))
        )
        if action:
            query = query.where(AuditEvent.action == action)
        elif not views:
            query = query.where(AuditEvent.action.not_in(VIEW_ACTIONS))
        events = session.scalars(query.order_by(AuditEvent.id.desc()).limit(limit)).all()
        names = dict(session.execute(select(Clinician.id, Clinician.name)).tuples().all())
        return [
            AuditLine(
                e.at,
                actor_name(e.actor, names),
                e.action,
                aliases.get(e.subscriber_id or -1),
                e.detail,
            )
            for e in events
        ]


def audit_actions(runtime: Runtime, clinician_id: int) -> list[str]:
    """The actions the clinician's log holds, for the filter."""
    with runtime.db.session() as session:
        return sorted(
            session.scalars(
                select(AuditEvent.action)
                .where(
                    (AuditEvent.clinician_id == clinician_id)
                    | AuditEvent.episode_id.in_(mine(clinician_id))
                )
                .distinct()
            ).all()
        )


def client_export(runtime: Runtime, clinician_id: int, client_id: int) -> list[Line] | None:
    """The current episode's conversation for export; audited (data leaving)."""
    now = runtime.clock.now()
    with runtime.db.session() as session:
        sub = _own(session, clinician_id, client_id)
        if sub is None:
            return None
        record(
            session,
            now,
            "conversation_exported",
            actor=f"clinician:{clinician_id}",
            subscriber_id=sub.id,
            clinician_id=clinician_id,
        )
        return conversation(session, sub)
