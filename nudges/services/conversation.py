"""The conversation of a client's current episode, as the clinician reads it
(and exports it): every text in order, each with what became of it.

- nudges and invitations as sent, with their words (from the outbox; once its
  copy is cleared after MESSAGE_RETENTION_DAYS, a nudge's words come from the
  library by its id: they are ours, not the parent's);
- the parent's messages, with the crisis screen's level; their words are kept
  MESSAGE_RETENTION_DAYS, then read "text deleted"; a bare keyword is shown
  as the keyword it was read as;
- the replies the service gave each message (the TwiML stored with it).

`checkin` holds the weekly check-in answer ("2/5") on the parent's message that
gave one; the check-in questions themselves are "out" lines of kind "checkin".
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from messages import load_library
from nudges.db.models import InboundMessage, Outbox, Subscriber
from nudges.domain.checkin import CHANGED, HIGHEST
from nudges.domain.conversation import UNTAKEN_NUMBER
from nudges.domain.outbox import OutboxState
from nudges.services.episodes import same

TEXT_DELETED = "text deleted"
CSV_COLUMNS = ("time", "direction", "kind", "text", "status", "checkin")
# What a bare keyword was read as, in the clinician's words.
KEYWORDS = {
    "confirm": "YES",
    "opt_out": "STOP",
    "unclear_opt_out": "maybe stop",
    "decline": "no thanks",
    "join": "JOIN",
    "pause": "PAUSE",
    "resume": "RESUME",
    "time": "TIME",
    "zone": "ZONE",
    "daily": "DAILY",
    "weekly": "WEEKLY",
    "menu": "MENU",
    "track": "TRACK",
    "choice": "a focus choice",
    UNTAKEN_NUMBER: "a number we did not take as a choice",  # answered "not sure"
    "help": "HELP",
    "help_es": "AYUDA",
    "moment": "a hard-moment keyword (SORRY, CALM, BEDTIME, NIGHT)",
}


@dataclass(frozen=True)
class Line:
    at: datetime
    direction: str  # "out" (to the parent) or "in" (from the parent)
    kind: str  # nudge, invitation, reply, message, answer (to the nudge before it)
    text: str
    status: str  # delivery state for "out"; crisis level (or "keyword") for "in"
    checkin: str = ""  # the weekly check-in answer ("2/5") a message of theirs gave


def conversation(session: Session, sub: Subscriber) -> list[Line]:
    """Every text of the subscriber's current episode, oldest first."""
    keyed: list[tuple[datetime, int, int, Line]] = []
    stamps: dict[int, datetime] = {}
    for o in session.scalars(
        select(Outbox).where(
            Outbox.subscriber_id == sub.id,
            same(Outbox.episode_id, sub.episode_id),
            Outbox.kind != "alert",  # the clinician's own alert texts are not the parent's
        )
    ):
        line = Line(o.slot_at, "out", o.kind, _sent_words(o), _status(o))
        keyed.append((o.slot_at, o.id, 0, line))
        stamps[o.id] = o.slot_at
    for m in session.scalars(
        select(InboundMessage).where(
            InboundMessage.subscriber_id == sub.id,
            same(InboundMessage.episode_id, sub.episode_id),
        )
    ):
        # An answer to a nudge's question reads as one, right after that nudge,
        # even when the nudge is stamped after it (its slot, by a scheduler whose
        # clock ran ahead, or `nudges tick --now`); each line keeps its own time.
        kind = "answer" if m.answers_outbox_id is not None else "message"
        place = max(m.received_at, stamps.get(m.answers_outbox_id or 0, m.received_at))
        line = Line(m.received_at, "in", kind, *_theirs(m), checkin=_answer(m))
        keyed.append((place, m.id, 1, line))
        for n, reply in enumerate(json.loads(m.reply or "[]"), start=2):
            line = Line(m.received_at, "out", "reply", reply, "sent as the reply")
            keyed.append((place, m.id, n, line))
    keyed.sort(key=lambda k: (k[0], k[2] > 0, k[1], k[2]))
    return [line for *_, line in keyed]


def _status(o: Outbox) -> str:
    """The delivery state, and for a text that did not go, why."""
    if o.state is OutboxState.SKIPPED and o.skip_reason:
        return f"skipped: {o.skip_reason}"
    return str(o.state)


def _sent_words(o: Outbox) -> str:
    if o.body:
        return o.body
    if o.nudge_id:
        try:
            return load_library().nudge(o.nudge_id).text
        except KeyError:
            pass
    return TEXT_DELETED


def _theirs(m: InboundMessage) -> tuple[str, str]:
    """The words and the status of one of the parent's messages."""
    keyword = m.intent.rsplit("+", 1)[-1]
    if keyword.startswith(CHANGED) and m.level is None:  # a bare digit a later one replaced
        return f"check-in answer {keyword.removeprefix(CHANGED)}, changed by their next text", (
            "keyword"
        )
    if m.level is None and m.answers_outbox_id is not None and m.body is not None:
        return m.body, "answer"  # "yes" to "Did you...?": kept as the answer it is
    if m.level is None:  # a bare keyword: its words were never kept
        if m.checkin is not None:  # a bare digit that answered the weekly check-in
            return f"check-in answer: {m.checkin}", "keyword"
        return KEYWORDS.get(keyword, keyword), "keyword"
    return (m.body if m.body is not None else TEXT_DELETED), m.level


def _answer(m: InboundMessage) -> str:
    """The check-in answer this message gave, "2/5", or empty."""
    return f"{m.checkin}/{HIGHEST}" if m.checkin is not None else ""


def to_csv(lines: Iterable[Line], stamp: Callable[[datetime], str]) -> str:
    """The conversation as CSV (`stamp` formats a time in the reader's zone)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for line in lines:
        writer.writerow(
            [
                stamp(line.at),
                line.direction,
                line.kind,
                _no_formula(line.text),
                line.status,
                line.checkin,
            ]
        )
    return out.getvalue()


def _no_formula(text: str) -> str:
    """A parent's text that starts like a formula is not run by a spreadsheet
    (OWASP's CSV injection advice: prefix a quote)."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
