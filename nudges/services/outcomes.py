"""The weekly check-in answers beside engagement, week by week: what the
dashboard (all of a clinician's clients) and the client page (one client's
current episode) chart.

Engagement is what happened, counted honestly on every transport: texts that
went out (Twilio took them; "delivered" only where the carrier reported it,
which the console transport never does), the parent's replies, pauses and
stops. Weeks run Monday to Sunday in the viewer's zone.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from nudges.db.models import ConsentEvent, InboundMessage, Outbox, Subscriber
from nudges.domain.checkin import CHECKIN_ID, HIGHEST, is_low
from nudges.domain.consent import State
from nudges.domain.outbox import OutboxState
from nudges.runtime import Runtime
from nudges.services.episodes import mine, same

WEEKS = 8
SCHEDULED = ("nudge", CHECKIN_ID)
WENT_OUT = (OutboxState.SENT, OutboxState.DELIVERED)


@dataclass(frozen=True)
class OutcomeWeek:
    week_of: date  # the Monday
    sent: int  # nudges and check-in questions that went out
    delivered: int  # of those, reported delivered by the carrier
    replied: int  # texts from the parent(s)
    paused: int
    stopped: int
    answers: tuple[int, ...]  # check-in answers, 1 (very hard) to 5 (very good)

    @property
    def mean(self) -> float | None:
        return sum(self.answers) / len(self.answers) if self.answers else None

    @property
    def low(self) -> int:
        return sum(1 for a in self.answers if is_low(a))

    @property
    def answer_label(self) -> str:
        """`2/5`, `3.5/5 (2 answers)`, or `no answer`: the words the chart prints."""
        if not self.answers:
            return "no answer"
        mean = self.mean or 0
        score = f"{mean:.1f}".removesuffix(".0")
        many = f" ({len(self.answers)} answers)" if len(self.answers) > 1 else ""
        return f"{score}/{HIGHEST}{many}"

    @property
    def summary(self) -> str:
        """One sentence for screen readers and the chart's description."""
        return (
            f"Week of {self.week_of.strftime('%b')} {self.week_of.day}: check-in "
            f"{self.answer_label}; {self.sent} sent ({self.delivered} delivered), "
            f"{self.replied} replies, {self.paused} paused, {self.stopped} stopped."
        )


@dataclass(frozen=True)
class LastCheckin:
    score: int
    at: datetime

    @property
    def low(self) -> bool:
        return is_low(self.score)

    @property
    def label(self) -> str:
        return f"last check-in {self.score}/{HIGHEST}"


def for_clinician(
    runtime: Runtime, clinician_id: int, zone: str, weeks: int = WEEKS
) -> list[OutcomeWeek]:
    """Every episode of the clinician's, added up, oldest week first."""
    with runtime.db.session() as session:
        return _weeks(
            session,
            lambda column: column.in_(mine(clinician_id)),
            runtime.clock.now(),
            zone,
            weeks,
        )


def for_client(
    session: Session, sub: Subscriber, now: datetime, zone: str, weeks: int = WEEKS
) -> list[OutcomeWeek]:
    """The client's current episode only, oldest week first."""
    return _weeks(session, lambda column: same(column, sub.episode_id), now, zone, weeks)


def last_checkin(session: Session, sub: Subscriber) -> LastCheckin | None:
    """The latest check-in answer of the client's current episode."""
    row = session.execute(
        select(InboundMessage.checkin, InboundMessage.received_at)
        .where(
            InboundMessage.subscriber_id == sub.id,
            same(InboundMessage.episode_id, sub.episode_id),
            InboundMessage.checkin.is_not(None),
        )
        .order_by(InboundMessage.received_at.desc(), InboundMessage.id.desc())
        .limit(1)
    ).first()
    return LastCheckin(row.checkin, row.received_at) if row else None


# Which episodes to count: an episode column -> the condition on it.
EpisodeFilter = Callable[[InstrumentedAttribute[int | None]], ColumnElement[bool]]


def _weeks(
    session: Session, where: EpisodeFilter, now: datetime, zone: str, weeks: int
) -> list[OutcomeWeek]:
    tz = ZoneInfo(zone)
    today = now.astimezone(tz).date()
    first = today - timedelta(days=today.weekday() + 7 * (weeks - 1))
    since = datetime.combine(first, datetime.min.time(), tzinfo=tz)
    sent = session.execute(
        select(Outbox.slot_at, Outbox.state).where(
            where(Outbox.episode_id),
            Outbox.kind.in_(SCHEDULED),
            Outbox.state.in_(WENT_OUT),
            Outbox.slot_at >= since,
        )
    ).all()
    inbound = session.execute(
        select(InboundMessage.received_at, InboundMessage.checkin).where(
            where(InboundMessage.episode_id),
            InboundMessage.received_at >= since,
        )
    ).all()
    changes = session.execute(
        select(ConsentEvent.at, ConsentEvent.to_state).where(
            where(ConsentEvent.episode_id),
            ConsentEvent.to_state.in_((State.PAUSED, State.STOPPED)),
            ConsentEvent.at >= since,
        )
    ).all()

    def week(at: datetime) -> int:
        return (at.astimezone(tz).date() - first).days // 7

    def count(times: Iterable[datetime], n: int) -> int:
        return sum(1 for at in times if week(at) == n)

    return [
        OutcomeWeek(
            week_of=first + timedelta(days=7 * n),
            sent=count((r.slot_at for r in sent), n),
            delivered=count((r.slot_at for r in sent if r.state == OutboxState.DELIVERED), n),
            replied=count((r.received_at for r in inbound), n),
            paused=count((c.at for c in changes if c.to_state == State.PAUSED), n),
            stopped=count((c.at for c in changes if c.to_state == State.STOPPED), n),
            answers=tuple(
                r.checkin for r in inbound if r.checkin is not None and week(r.received_at) == n
            ),
        )
        for n in range(weeks)
    ]
