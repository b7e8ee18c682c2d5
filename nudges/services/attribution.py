"""Which nudge a parent's text followed, and what each nudge led to.

Each inbound text is linked, when it is recorded, to the last nudge or check-in
sent to that number within the 48 hours before it (`follows_outbox_id`). An
opt-out is an inbound text like any other, so it is linked the same way. From
those links `nudge_stats` counts, per text of the library, how often it was
sent, answered and followed by a STOP: which texts people answer, and which
ones they leave after.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime, timedelta

from sqlalchemy import ScalarSelect, and_, bindparam, func, or_, select

from messages import load_library, system_text
from nudges.db.models import ConsentEvent, InboundMessage, Outbox, Subscriber
from nudges.domain.checkin import CHECKIN_ID
from nudges.domain.consent import State
from nudges.domain.outbox import AT_PROVIDER
from nudges.runtime import Runtime

WITHIN = timedelta(hours=48)
ATTRIBUTED_KINDS = ("nudge", CHECKIN_ID)
# Texts that left us: Twilio took them, whatever the carrier did next (on the
# console transport nothing is ever "delivered").
WENT_OUT = tuple(sorted(AT_PROVIDER))


def followed_column() -> ScalarSelect[int]:
    """The outbox id of the last nudge or check-in that went out to the
    subscriber in the WITHIN before `now`, or NULL: a column of a query of
    Subscriber rows (the inbound text reads both in one round trip). Its
    parameters are `followed_params(now)`.

    No upper bound on its stamp (the slot): a text that went out is before the
    reply however it is stamped, and one stamped after `now` (a scheduler's
    clock ahead of this host's, `nudges tick --now`) is still the one replied to,
    as `conversation.answered` has it."""
    return (
        select(Outbox.id)
        .where(
            Outbox.subscriber_id == Subscriber.id,
            # OR of plain equalities, not IN: an IN list is an "expanding"
            # parameter, re-rendered into the SQL at every execution.
            or_(*(Outbox.kind == kind for kind in ATTRIBUTED_KINDS)),
            or_(*(Outbox.state == state for state in WENT_OUT)),
            Outbox.slot_at > bindparam("since"),
        )
        .order_by(Outbox.slot_at.desc(), Outbox.id.desc())
        .limit(1)
        .scalar_subquery()
    )


def followed_params(now: datetime) -> dict[str, datetime]:
    return {"since": now - WITHIN}


@dataclass(frozen=True)
class NudgeStats:
    id: str
    text: str
    sent: int
    replies: int  # texts that followed it and did not opt out
    opt_outs: int  # opt-outs that followed it

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def nudge_stats(runtime: Runtime, texts: dict[str, str]) -> list[NudgeStats]:
    """Per text: how often it went out, and the replies and opt-outs that
    followed it. `texts` is every id with its words, in the order to list them
    (the library's, and the check-in question): the outbox's copy of the words is
    cleared after the retention period, and a text never sent still shows, with
    zeros. An id sent but no longer in the library comes last."""
    with runtime.db.session() as session:
        sent = dict(
            session.execute(
                select(Outbox.nudge_id, func.count())
                .where(Outbox.kind.in_(ATTRIBUTED_KINDS), Outbox.state.in_(WENT_OUT))
                .group_by(Outbox.nudge_id)
            )
            .tuples()
            .all()
        )
        # A text opted out when the consent change it made (same MessageSid)
        # stopped the number.
        followed = session.execute(
            select(Outbox.nudge_id, func.count(InboundMessage.id), func.count(ConsentEvent.id))
            .select_from(InboundMessage)
            .join(Outbox, Outbox.id == InboundMessage.follows_outbox_id)
            .outerjoin(
                ConsentEvent,
                and_(
                    ConsentEvent.message_sid == InboundMessage.message_sid,
                    ConsentEvent.to_state == State.STOPPED,
                ),
            )
            .group_by(Outbox.nudge_id)
        ).all()
    answered = {nudge_id: (total - stops, stops) for nudge_id, total, stops in followed}
    ids = list(texts) + sorted(str(i) for i in sent if i is not None and i not in texts)
    return [
        NudgeStats(
            nudge_id,
            texts.get(nudge_id, ""),
            sent.get(nudge_id, 0),
            *answered.get(nudge_id, (0, 0)),
        )
        for nudge_id in ids
    ]


def library_texts(program: str) -> dict[str, str]:
    """Every text a parent can be sent on schedule, by id: the check-in question
    first, then the library's nudges in its order."""
    question = system_text(CHECKIN_ID + "_question", program=program)
    return {CHECKIN_ID: question} | {n.id: n.text for n in load_library().nudges}
