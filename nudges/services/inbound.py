"""The inbound SMS conversation: one text in, the replies out, the state changed.

The webhook, the `/dev/phone` simulator and the `nudges sms` command all come
through `respond`, so what a newcomer sees at the terminal is what a parent gets
on a phone, including during a database outage.
"""

from __future__ import annotations

import json
import logging
import re
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import Engine, bindparam, select, update
from sqlalchemy.exc import IntegrityError, OperationalError, ProgrammingError, SQLAlchemyError
from sqlalchemy.orm import Session

from messages import load_library, moment_bank, moment_text, system_text
from nudges import metrics
from nudges.config import Settings
from nudges.crisis_model import Assessment, SemanticScreen
from nudges.db.models import InboundMessage, Outbox, Subscriber
from nudges.db.rows import SUBSCRIBER_COLUMNS, AnySubscriber, SubscriberRow, Writes, insert_of
from nudges.db.session import PointRead
from nudges.domain.checkin import changed_checkin
from nudges.domain.consent import Event, State
from nudges.domain.conversation import (
    MOMENT_KEY,
    AskedNudge,
    Decision,
    Rules,
    Say,
    Subscription,
    crisis_hold,
    decide,
    help_reply,
    recorded_kind,
    safety_language,
    stop_confirm_key,
)
from nudges.domain.crisis import CrisisSignal, detect_crisis, reassures
from nudges.domain.keywords import Intent, Kind, interpret
from nudges.domain.model_reading import model_readings
from nudges.domain.phone import E164, lifeline_reaches
from nudges.domain.pleasantry import is_farewell, is_pleasantry
from nudges.domain.preferences import DEFAULT_FREQUENCY
from nudges.runtime import Runtime
from nudges.services import episodes
from nudges.services.alerts import raise_alert
from nudges.services.attribution import followed_column, followed_params
from nudges.services.audit import record
from nudges.services.safety_journal import JournalEntry, SafetyJournal
from nudges.services.subscriptions import apply, new_subscriber_row, snapshot

log = logging.getLogger(__name__)

MESSAGE_SID = re.compile(r"[A-Z]{2}[0-9a-fA-F]{32}")
ADVANCED_OPT_OUT_TYPES = {"STOP", "START", "HELP"}
MAX_KEPT_BODY = 1600  # ten segments; a webhook body longer than that is not a text
# Composed once: building the query costs more than SQLite takes to run it.
# The subscriber as a plain row (rows.SubscriberRow: the ORM's load costs more
# than the query), with the nudge a reply follows (attribution), in one round trip.
SUBSCRIBER_BY_PHONE = (
    select(*SUBSCRIBER_COLUMNS, followed_column())
    .where(Subscriber.phone == bindparam("phone"))
    .with_for_update(of=Subscriber.__table__)
)
# The episode is stamped from the loaded subscriber (rows.insert_of).
RECORD_INBOUND = insert_of(
    InboundMessage.__table__,  # type: ignore[arg-type]
    (
        "message_sid", "subscriber_id", "episode_id", "received_at", "intent", "reply",
        "level", "body", "answers_outbox_id", "checkin", "follows_outbox_id",
    ),
)  # fmt: skip
HELP_FACTS = PointRead(
    select(Subscriber.lang, Subscriber.frequency).where(Subscriber.phone == bindparam("phone"))
)


class InvalidInbound(ValueError):
    """The request is not a usable inbound text; the message says which field."""


class Unavailable(RuntimeError):
    """The database is down and this text has no reply that needs none."""


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
    crisis_tier: int = 0  # 1 (phrase rules) or 2 (model) when a crisis or concern reply was sent
    level: str | None = None  # "crisis" or "concern" when one was sent


def known_opt_out_type(raw: str | None) -> str | None:
    """Twilio's OptOutType, or None for a value it may add later: we then answer
    the text ourselves rather than refuse it (a refused webhook is a parent who
    got no reply at all, perhaps to a crisis)."""
    value = (raw or "").strip().upper() or None
    if value is not None and value not in ADVANCED_OPT_OUT_TYPES:
        log.warning("unknown OptOutType ignored")
        return None
    return value


def render(settings: Settings, say: Say) -> str:
    if say.key == MOMENT_KEY:
        return moment_text(say.fields["id"])
    try:
        return system_text(
            say.key,
            lang=say.lang or "en",
            program=settings.program_name,
            support=settings.support_contact,
            **dict(say.fields),
        )
    except KeyError:
        if not say.key.startswith(("crisis", "concern")) or say.key == "crisis":
            raise
        # A safety reply must go out whatever the library holds: the plain crisis text.
        log.error("system text %s missing; the plain crisis reply was sent", say.key)
        return render(settings, Say("crisis", lang=say.lang))


def safety_reply(settings: Settings, sms: InboundSms, intent: Intent) -> tuple[str, ...] | None:
    """The reply that needs no database: crisis first, then HELP. None for the rest."""
    if intent.crisis is not None or intent.kind in (Kind.HELP, Kind.HELP_ES):
        decision = decide(None, sms.from_number, intent, _rules(settings), _epoch())
        return tuple(render(settings, say) for say in decision.replies)
    return None


def respond(runtime: Runtime, sms: InboundSms) -> Reply:
    """`handle_inbound`, but a database that fails or does not answer within
    the reply deadline still gets HELP, crisis and STOP answered (STOP and
    crisis journalled, to be applied when it answers again).

    Raises Unavailable for other texts when the database cannot be reached."""
    with metrics.INBOUND_SECONDS.time():
        reply = _respond(runtime, sms)
    if reply.crisis_tier:
        metrics.CRISIS_REPLIES.labels(tier=str(reply.crisis_tier), level=reply.level).inc()
    return reply


def _respond(runtime: Runtime, sms: InboundSms) -> Reply:
    from nudges.services import reply_deadline

    intent = screen(runtime, sms.body)  # in memory: needs no database
    deadline = reply_deadline.INBOUND
    if not journal_of(runtime).pending():
        # Answered here, without the hand-off to a worker thread (a large part
        # of a text's cost), when an idle connection is ready: every call on it
        # is bounded so that the whole ends within ON_CALLER (a HELP's one read
        # within about a second: Database.quick_reader; a text's transaction
        # within ON_CALLER: Database.prompt_sessions). A stall or a failure
        # there leaves the rest of the deadline to the pool, which tries again
        # (its rollback, or a MessageSid already stored, makes that harmless).
        started = time.monotonic()
        try:
            return _here(runtime, sms, intent)
        except _NotReady:
            pass
        except Exception as exc:  # noqa: BLE001 - any failure: the pool tries again
            log.warning(
                "inbound work on the request thread failed (%s); trying the pool",
                type(exc).__name__,
            )
        deadline -= time.monotonic() - started
    try:
        # A stalled database must not hold the reply past Twilio's patience (or
        # the parent's): after the deadline this text is answered as in an
        # outage, and the work, if it finishes later, is a duplicate MessageSid.
        return reply_deadline.run_within(max(deadline, 0.0), _apply_now, runtime, sms, intent)
    except reply_deadline.Late:
        log.error("inbound processing missed its reply deadline: database not answering")
    except Exception as exc:
        # Never let an outage swallow a crisis or HELP reply, or lose a STOP or a crisis.
        if _database_unavailable(runtime, exc):
            # The database is down or not migrated: one line a text, not a
            # traceback each (the cause is in /healthz).
            log.error("inbound processing failed: database unavailable (%s)", type(exc).__name__)
        else:
            log.exception("inbound processing failed")
    return _outage_reply(runtime, sms, intent)


def _database_unavailable(runtime: Runtime, exc: BaseException) -> bool:
    """The database is down or not migrated, as SQLAlchemy says it or as the
    driver does (a pool's raw connection, HELP's one read, raises the driver's
    own error: sqlite3's or psycopg's)."""
    if isinstance(exc, OperationalError | ProgrammingError):
        return True
    engine = runtime.db.engine
    dbapi = engine.dialect.loaded_dbapi if engine is not None else None
    return dbapi is not None and isinstance(
        exc, dbapi.OperationalError | dbapi.ProgrammingError | dbapi.InterfaceError
    )


def _is_help(intent: Intent) -> bool:
    """HELP that is not also a crisis: it changes nothing."""
    return intent.crisis is None and intent.kind in (Kind.HELP, Kind.HELP_ES)


# Seconds of the reply deadline a text's work may take on the request thread
# before the pool tries it with the rest.
ON_CALLER = 1.0


class _NotReady(Exception):
    """No idle connection for work on the request thread: the pool instead."""


def _here(runtime: Runtime, sms: InboundSms, intent: Intent) -> Reply:
    if _is_help(intent):
        return _help_here(runtime, sms, intent)
    sessions = runtime.db.prompt_sessions(ON_CALLER)
    if sessions is None:
        raise _NotReady
    return handle_inbound(runtime, sms, intent, sessions=sessions)


def _help_here(runtime: Runtime, sms: InboundSms, intent: Intent) -> Reply:
    """HELP on the request thread: Twilio's own reply needs nothing read; ours
    names the parent's language and frequency, read through the quick reader.
    Raises _NotReady (no idle connection) or the database's error: the caller
    then goes through the pool, within what is left of the reply deadline."""
    if sms.opt_out_type is not None:
        return Reply((), intent.kind.value)  # Twilio answered it already
    engine = runtime.db.quick_reader()
    if engine is None:
        raise _NotReady
    return _help(runtime, sms, intent, engine)


def _help(runtime: Runtime, sms: InboundSms, intent: Intent, engine: Engine) -> Reply:
    lang, frequency = _help_facts(engine, sms.from_number, intent)
    say = help_reply(intent, sms.from_number, frequency, lang)
    return Reply((render(runtime.settings, say),), intent.kind.value)


def _apply_now(runtime: Runtime, sms: InboundSms, intent: Intent) -> Reply:
    # Texts journalled during an outage are applied before this one, so a STOP
    # then a START end up as the parent sent them.
    replay_journal(runtime)
    return handle_inbound(runtime, sms, intent)


def _outage_reply(runtime: Runtime, sms: InboundSms, intent: Intent) -> Reply:
    """The replies that need no database. A STOP or a flagged text is journalled
    first, to be applied (stop; pause, alert, audit) when the database answers."""
    opting_out = intent.kind is Kind.OPT_OUT or sms.opt_out_type == "STOP"
    messages: tuple[str, ...] = safety_reply(runtime.settings, sms, intent) or ()
    _journal(runtime, sms, intent, opting_out)
    if opting_out:
        key = stop_confirm_key(lifeline_reaches(sms.from_number))
        confirm = render(runtime.settings, Say(key, lang=intent.lang))
        if confirm not in messages:  # a crisis that is also a STOP has it already
            messages += (confirm,)
    elif not messages:
        raise Unavailable("database unavailable")
    quiet = sms.opt_out_type is not None and intent.crisis is None
    tier = intent.crisis.tier if intent.crisis else 0
    level = intent.crisis.level if intent.crisis else None
    return Reply(() if quiet else messages, intent.kind.value, tier, level)


def journal_of(runtime: Runtime) -> SafetyJournal:
    """The safety journal this process writes during an outage (a plain store)."""
    settings = runtime.settings
    return SafetyJournal(settings.safety_journal, settings.legacy_safety_journal)


def replay_journal(runtime: Runtime) -> int:
    """Apply the texts journalled during an outage, in order, each as if it
    arrived now (screened again); returns how many entries were processed.
    Raises the database's error if it is still away (the rest wait)."""

    def apply(entry: JournalEntry) -> None:
        sms = InboundSms(entry.phone, entry.body, entry.sid, entry.opt_out_type)
        if entry.reasons:
            handle_inbound(runtime, sms)  # screened again, as if it arrived now
        else:
            handle_inbound(runtime, sms, Intent(Kind.OPT_OUT))  # an older release's

    return journal_of(runtime).replay(
        apply, retry_on=(SQLAlchemyError,), unreadable=(InvalidInbound,)
    )


def _journal(runtime: Runtime, sms: InboundSms, intent: Intent, opting_out: bool) -> None:
    reasons = (["crisis"] if intent.crisis is not None else []) + (["stop"] if opting_out else [])
    if not reasons:
        return  # HELP changes nothing; other texts get a 503 and are not ours to keep
    try:
        journal_of(runtime).record(
            sms.from_number,
            sms.message_sid,
            sms.body,
            runtime.clock.now(),
            reasons=reasons,
            opt_out_type=sms.opt_out_type,
        )
    except OSError:
        # The reply still goes: a full or read-only disk must not cost a crisis
        # reply. Twilio itself blocks texts to a number that sent STOP.
        log.exception("could not journal a text (%s); replying anyway", "+".join(reasons))


def screen(runtime: Runtime, body: str) -> Intent:
    """What the text asks for, with the crisis screen's verdict and its level.
    Never fails: if reading the text raises (a bug in a rule, an odd
    character), the phrase rules alone decide, and a text they cannot read
    either gets the concern reply (988 and 741741) rather than none."""
    # The exception's type only: its message may quote the text.
    try:
        return screen_with(runtime.semantic, body)
    except Exception as exc:  # noqa: BLE001 - the reply to a crisis must never be lost
        log.error("reading a text failed (%s); the phrase rules decide", type(exc).__name__)
    try:
        signal = detect_crisis(body)
    except Exception as exc:  # noqa: BLE001
        log.error("the phrase rules failed on an inbound text (%s)", type(exc).__name__)
        signal = None
    return Intent(Kind.OTHER, crisis=signal or CrisisSignal(("possible",), level="concern"))


def screen_with(model: SemanticScreen, body: str) -> Intent:
    """`screen` with the model given (bench/crisis.py measures exactly this).

    Tier 1 (phrase rules) reads every text. Tier 2 (the trained model) reads
    free text only: a bare keyword (STOP, HELP, YES...), or one with its
    argument (TIME 7:30pm, PAUSE 3 days), never pays for it, nor does a text
    that only greets, thanks or acknowledges ("hello", "ok thanks": see
    nudges.domain.pleasantry). A one-word text or one in capitals it reads as
    written and in lower case, keeping the more severe, and a long run of one
    word once (nudges.domain.model_reading). Of a keyword with
    more words ("STOP. Tonight is my last night") it reads those words, never
    the opt-out wording itself, which it takes for risk ("leave me alone").
    - The model can raise a text the rules missed to concern or crisis, and a
      rule's concern to a crisis.
    - A rule's crisis stays a crisis unless the model is confident the text is
      ordinary (an idiom): then it is answered as a concern. Either way the
      parent gets 988 and 741741; only the pause and the clinician's text differ.
    - A parent who says, in so many words, that they are safe ("not suicidal,
      just tired"), or only says goodbye ("Bye", "adios"), gets at most a
      concern reply on the model's word alone; the rules still answer a warning
      sign in the same message."""
    intent = interpret(body)
    rules = intent.crisis
    text = intent.beyond if intent.is_bare_keyword else body
    if not any(ch.isalnum() for ch in text):
        return intent  # a keyword alone, or nothing in words ("...", "?!"): nothing to read
    # One word or capitals also in lower case, a long run of one word once
    # ("blah" x 2000): see nudges.domain.model_reading.
    readings = model_readings(text)
    if is_pleasantry(readings[0]):
        # "hello", "ok thanks", "hola buenas": nothing the model was trained to
        # judge, and its score on one such word is noise above a threshold set
        # for recall ("hello" read as a concern, "Hello" not). The rules have read it.
        return intent
    verdicts = [v for v in map(model.assess, readings) if v is not None]
    if not verdicts:
        return intent  # no model: the rules decide alone
    verdict = max(verdicts, key=_severity)
    if rules is None:
        if verdict.level is None:
            return intent
        # "I'm not going to do anything stupid, I just don't want to be here":
        # a reassurance does not silence the model, but it does not wake a
        # clinician either; the parent gets the caring concern reply. Nor does
        # a farewell alone ("Bye", "adios"), which answers a nudge every day.
        level = "concern" if reassures(body) or is_farewell(text) else verdict.level
        categories = (verdict.topic,) if verdict.topic else ("possible",)
        return replace(intent, crisis=CrisisSignal(categories, tier=2, level=level))
    if not rules.is_concern and not verdict.confirms_crisis:
        return replace(intent, crisis=replace(rules, level="concern"))
    if rules.is_concern and verdict.level == "crisis":
        return replace(intent, crisis=replace(rules, level="crisis"))
    return intent


def _severity(verdict: Assessment) -> tuple[int, float, float]:
    """Crisis over concern over nothing, then the higher scores."""
    return ({"crisis": 2, "concern": 1}.get(verdict.level or "", 0), verdict.risk, verdict.crisis)


def handle_inbound(
    runtime: Runtime,
    sms: InboundSms,
    intent: Intent | None = None,
    *,
    sessions: Callable[[], AbstractContextManager[Session]] | None = None,
) -> Reply:
    """Process one inbound text exactly once per MessageSid and return the replies.

    1. HELP changes nothing: it is answered before the conversation, in the
       parent's language, naming their frequency (one read).
    2. The conversation rules decide, and the decision is applied and the
       replies stored with the MessageSid, in one transaction.
    3. A MessageSid we have seen before (Twilio retrying a webhook): the unique
       sid refuses the insert, the whole transaction rolls back, and the stored
       replies are returned. Retries are rare, so no text pays a lookup first;
       two deliveries racing each other end the same way.

    `sessions` opens its transactions (Database.prompt_sessions on the request
    thread); the service's own by default.
    """
    intent = intent or screen(runtime, sms.body)
    if _is_help(intent):
        if sms.opt_out_type is not None:
            return Reply((), intent.kind.value)  # Twilio answered it already
        # Through the quick reader's engine, so a connection it opens here (on
        # a worker thread, within the reply deadline) serves the next HELP.
        return _help(runtime, sms, intent, runtime.db.quick_engine())
    now = runtime.clock.now()
    open_session = sessions or runtime.db.session
    for attempt in (1, 2):
        try:
            with open_session() as session:
                messages, decision = _handle_once(runtime, session, sms, intent, now)
            break
        except IntegrityError:
            with open_session() as session:
                seen = _seen_reply(session, sms.message_sid)
            if seen is not None:
                return seen
            if attempt == 2:
                raise
            # Another text from a number new to us created it first (both read
            # no row): read again, and decide with the row it wrote.
            log.info("inbound text raced another from the same number; deciding again")
    log.info("inbound handled intent=%s level=%s", intent.kind.value, screen_level(intent))
    if decision.event is Event.OPT_OUT:
        metrics.OPT_OUTS.labels(source="sms").inc()
    signal = intent.crisis
    return Reply(
        tuple(messages),
        intent.kind.value,
        signal.tier if signal else 0,
        signal.level if signal else None,
    )


def _handle_once(
    runtime: Runtime, session: Session, sms: InboundSms, intent: Intent, now: datetime
) -> tuple[list[str], Decision]:
    """One try at the text, in the session's transaction: read, decide, write.

    Texts from one number are taken one at a time: PostgreSQL locks the
    subscriber's row for the transaction (FOR UPDATE), SQLite takes its write
    lock before the read (BEGIN IMMEDIATE), so five STOPs sent at once get one
    confirmation, as five sent one after another do."""
    conn = session.connection()
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql("BEGIN IMMEDIATE")
    # Through the Connection: the session would treat the query as the ORM's
    # (its columns are the model's) and pay for loading it so.
    found = conn.execute(
        SUBSCRIBER_BY_PHONE, {"phone": sms.from_number} | followed_params(now)
    ).first()
    sub: AnySubscriber | None = SubscriberRow(found) if found else None
    follows = found[-1] if found else None
    decision = decide(
        snapshot(sub) if sub else None,
        sms.from_number,
        intent,
        _rules(runtime.settings),
        now,
        sms.opt_out_type,
        asked=_asked(session, sub, intent) if sub else None,
    )
    writes = Writes()  # the text's writes: one round trip on PostgreSQL
    sub = _apply(session, runtime.settings, sub, sms, intent, decision, now, writes)
    if decision.replaces_checkin and sub is not None:
        _unanswer_last_checkin(session, sub)
    messages = [render(runtime.settings, say) for say in decision.replies]
    writes.insert(
        RECORD_INBOUND,
        {
            "message_sid": sms.message_sid,
            "subscriber_id": sub.id if sub else None,
            "episode_id": sub.episode_id if sub else None,
            "received_at": now,
            "intent": (f"{intent.crisis.level}+" if intent.crisis else "")
            + recorded_kind(intent, decision),
            "reply": json.dumps(messages),
            "level": screen_level(intent),
            "body": _kept_body(sub, intent, sms.body, answer=decision.answers is not None),
            "answers_outbox_id": decision.answers,
            "checkin": decision.checkin,
            "follows_outbox_id": follows,
        },
    )
    writes.send(session)
    return messages, decision


def _help_facts(engine: Engine, phone: str, intent: Intent) -> tuple[str, str]:
    """HELP's language and the frequency it names, in one read: AYUDA is Spanish;
    HELP is in the parent's language (or the message's, for a number we do not
    know); an unknown number hears the default frequency. A database that fails
    or stalls here is an outage: the caller answers HELP without it, in time."""
    row = HELP_FACTS.first(engine, phone=phone)
    if intent.kind is Kind.HELP_ES:
        lang = "es"
    elif row is None:
        lang = intent.lang
    else:
        lang = safety_language(Subscription(State.NONE, "UTC", lang=row[0]), intent)
    return lang, (row[1] if row is not None and row[1] else DEFAULT_FREQUENCY)


def screen_level(intent: Intent) -> str | None:
    """The level recorded with the message: what the clinician reviews it by."""
    if intent.crisis is not None:
        return intent.crisis.level
    return None if intent.is_bare_keyword else "ordinary"


def _kept_body(
    sub: AnySubscriber | None, intent: Intent, body: str, *, answer: bool = False
) -> str | None:
    """A clinician's client's free text is kept for that clinician to read (and
    cleared after MESSAGE_RETENTION_DAYS); nobody else's, and no bare keyword
    unless it answered a nudge's question ("yes" to "Did you...?")."""
    if sub is None or sub.clinician_id is None:
        return None
    if intent.crisis is None and intent.is_bare_keyword and not answer:
        return None
    return body[:MAX_KEPT_BODY]


def _rules(settings: Settings) -> Rules:
    return Rules(
        window=settings.send_window,
        default_timezone=settings.default_timezone,
        moments=moment_bank(),
    )


# Texts that may have asked the question: a nudge (or a later check-in, which
# closes the nudge's question). Alerts and invitations go to others or ask nothing.
_NOT_PROGRAMME = ("alert", "invitation")
_REACHED = ("sent", "delivered")  # Twilio took it, and it was not reported undelivered


def _asked(session: Session, sub: AnySubscriber, intent: Intent) -> AskedNudge | None:
    """The last programme text sent to this parent, if it asked a question.

    Looked up only for a text that could be an answer (free text or a plain
    yes/no from an active or paused parent): one indexed query."""
    if sub.state not in (State.ACTIVE, State.PAUSED):
        return None
    if intent.kind is not Kind.OTHER and not intent.short_answer:
        return None
    row = session.execute(
        select(Outbox.id, Outbox.nudge_id, Outbox.slot_at)
        .where(
            Outbox.subscriber_id == sub.id,
            Outbox.kind.not_in(_NOT_PROGRAMME),
            Outbox.to_phone.is_(None),
            Outbox.state.in_(_REACHED),
        )
        .order_by(Outbox.slot_at.desc(), Outbox.id.desc())
        .limit(1)
    ).first()
    if row is None or row.nudge_id is None:
        return None
    try:
        nudge = load_library().nudge(row.nudge_id)
    except KeyError:
        return None  # a text since removed from the library: asked nothing we know of
    if not nudge.asks:
        return None
    return AskedNudge(row.id, row.slot_at, nudge.lang)


def _unanswer_last_checkin(session: Session, sub: AnySubscriber) -> None:
    """Take the check-in answer off the parent's last text that gave one: this
    text replaces it (a second digit soon after, domain/checkin.py), so the
    clinician's row, chart and export show one answer, not the mean of a slip
    and the answer. The text stays in the conversation, read as the answer it
    was ("check-in answer 2, changed by their next text")."""
    row = session.execute(
        select(InboundMessage.id, InboundMessage.intent, InboundMessage.checkin)
        .where(
            InboundMessage.subscriber_id == sub.id,
            episodes.same(InboundMessage.episode_id, sub.episode_id),
            InboundMessage.checkin.is_not(None),
        )
        .order_by(InboundMessage.received_at.desc(), InboundMessage.id.desc())
        .limit(1)
    ).first()
    if row is None:
        return
    screened, _, _kind = row.intent.rpartition("+")
    changed = (f"{screened}+" if screened else "") + changed_checkin(row.checkin)
    session.execute(
        update(InboundMessage)
        .where(InboundMessage.id == row.id)
        .values(checkin=None, intent=changed[:32])
    )


def _epoch() -> datetime:
    from datetime import UTC

    return datetime(2000, 1, 1, tzinfo=UTC)


def _seen_reply(session: Session, message_sid: str) -> Reply | None:
    row = session.execute(
        select(InboundMessage.reply, InboundMessage.intent).where(
            InboundMessage.message_sid == message_sid
        )
    ).first()
    if row is None:
        return None
    return Reply(tuple(json.loads(row.reply or "[]")), row.intent)


def _apply(
    session: Session,
    settings: Settings,
    sub: AnySubscriber | None,
    sms: InboundSms,
    intent: Intent,
    decision: Decision,
    now: datetime,
    writes: Writes,
) -> AnySubscriber | None:
    """Carry out a decision: the only writes an inbound text makes. The
    subscriber's own go in `writes`, which the caller sends with its record."""
    event = decision.change.event
    created = decision.create and sub is None
    if created:
        # A number new to us that joins opens its first episode as it is written.
        joins = episodes.self_join_starts(State.NONE, event)
        sub = new_subscriber_row(
            session,
            settings,
            sms.from_number,
            now,
            episode_source="join" if joins else None,
            writes=writes,
        )
    if sub is None:
        for action, detail in decision.audit:
            record(session, now, action, actor="sms", detail=detail)
        return None
    if decision.crisis:
        if isinstance(sub, SubscriberRow):
            # An alert needs the ORM's object: the rare texts load it.
            sub = session.get_one(Subscriber, sub.id)
        _crisis(session, settings, sub, intent, sms.body, now)
    if not created:
        episodes.on_self_join(session, sub, event, now, writes)
    apply(
        session,
        sub,
        decision.change,
        now,
        by="sms",
        audit=decision.audit,
        message_sid=sms.message_sid,
        consent_text=sms.body if decision.keep_consent_text else None,
        writes=writes,
    )
    return sub


def _crisis(
    session: Session,
    settings: Settings,
    sub: Subscriber,
    intent: Intent,
    text: str,
    now: datetime,
) -> None:
    """Pause or hold nudges (see `crisis_hold`), alert the enrolling clinician,
    audit (categories, never the text).

    Crisis level: the clinician is texted. Concern level: a "possible" alert
    shows on the dashboard only."""
    assert intent.crisis is not None
    concern = intent.crisis.is_concern
    # The consent history tells a concern's 24-hour hold from a crisis pause.
    by = "concern" if concern else "crisis"
    apply(session, sub, crisis_hold(snapshot(sub), concern, now), now, by=by)
    categories = ",".join(intent.crisis.categories) or "crisis"
    tier = "possible" if concern else "crisis"
    raise_alert(session, settings, sub, categories, text, now, tier=tier)
    record(
        session,
        now,
        f"{intent.crisis.level}_detected",
        actor="sms",
        subscriber_id=sub.id,
        detail=categories,
    )
    log.warning(
        "%s language detected; reply sent, nudges %s, alert recorded",
        intent.crisis.level,
        "held" if concern else "paused",
    )
