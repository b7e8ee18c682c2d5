"""The /dev/phone thread, kept in the database (console transport only).

What the pretend phone sent and got back is stored here; nudges come from the
outbox, so ones sent by `nudges tick` in another process show up too.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, or_, select

from nudges.db.models import Outbox, SimulatorMessage, Subscriber
from nudges.runtime import Runtime

THREAD_LENGTH = 60


@dataclass(frozen=True)
class Bubble:
    who: str  # "you", "service" (a reply) or "nudge" (sent by the scheduler)
    text: str
    at: datetime
    kind: str = ""  # for scheduled texts: nudge, invitation, alert


def record_exchange(runtime: Runtime, phone: str, body: str, replies: tuple[str, ...]) -> None:
    now = runtime.clock.now()
    with runtime.db.session() as session:
        session.add(SimulatorMessage(phone=phone, at=now, who="you", text=body))
        for text in replies:
            session.add(SimulatorMessage(phone=phone, at=now, who="service", text=text))


def thread(runtime: Runtime, phone: str) -> list[Bubble]:
    """The last messages both ways, oldest first, nudges included."""
    with runtime.db.session() as session:
        chat = session.execute(
            select(SimulatorMessage.who, SimulatorMessage.text, SimulatorMessage.at)
            .where(SimulatorMessage.phone == phone)
            .order_by(SimulatorMessage.id.desc())
            .limit(THREAD_LENGTH)
        ).all()
        # Texts the scheduler sent to this number: to the subscriber (nudges,
        # invitations), or to it directly (a clinician's crisis alert).
        to_this_number = or_(
            and_(Outbox.to_phone.is_(None), Subscriber.phone == phone), Outbox.to_phone == phone
        )
        sent = session.execute(
            select(Outbox.kind, Outbox.body, Outbox.updated_at)
            .outerjoin(Subscriber, Subscriber.id == Outbox.subscriber_id)
            .where(to_this_number, Outbox.provider_sid.is_not(None), Outbox.body.is_not(None))
            .order_by(Outbox.id.desc())
            .limit(THREAD_LENGTH)
        ).all()
    bubbles = [Bubble(row.who, row.text, row.at) for row in chat]
    bubbles += [Bubble("nudge", row.body or "", row.updated_at, row.kind) for row in sent]
    # Stable sort: within one moment, a text comes before its replies.
    bubbles.reverse()
    bubbles.sort(key=lambda bubble: bubble.at)
    return bubbles[-THREAD_LENGTH:]
