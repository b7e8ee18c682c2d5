"""Where a client stands, in words a clinician can act on: the status, what it
means (who stopped the texts, why an invitation lapsed), the actions that really
apply, and whether the number may be invited again.

Kept apart from the pages so the dashboard, the client page and the invitation
form all say the same thing about the same number."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from nudges.db.models import ConsentEvent, Outbox, Subscriber
from nudges.domain.clinician import actions_for
from nudges.domain.consent import State, client_status
from nudges.domain.outbox import OutboxState
from nudges.services.episodes import same
from nudges.services.subscriptions import snapshot

# Statuses of a lapsed invitation, beside client_status's words.
NOT_SENT = "invitation not sent"
CANCELLED = "invitation cancelled"
EXPIRED = "invitation expired"


@dataclass(frozen=True)
class Standing:
    status: str  # invited, active, paused, stopped, unreachable, or a lapsed invitation
    note: str  # what that means for the parent, in one sentence
    actions: tuple[str, ...]  # pause / resume / end, only those that do something
    reinvite: bool  # the clinician may invite this number again from its page
    stopped_by: str | None = None  # sms, clinician:<id>, twilio_error: who stopped the texts


def _latest_source(
    session: Session, sub: Subscriber, to_state: State, *, this_episode: bool
) -> str | None:
    """Who made the latest consent move of `sub` into `to_state`, in the current
    episode or in any."""
    where = [ConsentEvent.subscriber_id == sub.id, ConsentEvent.to_state == to_state]
    if this_episode:
        where.append(same(ConsentEvent.episode_id, sub.episode_id))
    return session.scalar(
        select(ConsentEvent.source).where(*where).order_by(ConsentEvent.id.desc()).limit(1)
    )


def last_stop_source(session: Session, sub: Subscriber) -> str | None:
    """Who stopped the texts of the current episode (the latest stop), if anyone."""
    return _latest_source(session, sub, State.STOPPED, this_episode=True)


def stop_source_anywhere(session: Session, sub: Subscriber) -> str | None:
    """Who stopped the number most recently, in any episode: an invitation is
    refused on the number's history, not only the inviting clinician's."""
    return _latest_source(session, sub, State.STOPPED, this_episode=False)


def invitation_unsent(session: Session, sub: Subscriber) -> bool:
    """A pending invitation whose one text was never sent: it was skipped (not
    sent within its stale limit, e.g. while the scheduler was down)."""
    if sub.state is not State.PENDING:
        return False
    latest = session.scalar(
        select(Outbox.state)
        .where(
            Outbox.subscriber_id == sub.id,
            same(Outbox.episode_id, sub.episode_id),
            Outbox.kind == "invitation",
        )
        .order_by(Outbox.id.desc())
        .limit(1)
    )
    return latest is OutboxState.SKIPPED


def _lapse_source(session: Session, sub: Subscriber) -> str | None:
    return _latest_source(session, sub, State.EXPIRED, this_episode=True)


def standing(session: Session, sub: Subscriber) -> Standing:
    state = sub.state
    unusable = bool(sub.unusable_reason)
    actions = actions_for(snapshot(sub))
    if state is State.STOPPED:
        source = last_stop_source(session, sub) or stop_source_anywhere(session, sub)
        return Standing("stopped", stopped_note(source), (), False, source)
    if state is State.EXPIRED:
        if (_lapse_source(session, sub) or "").startswith("clinician:"):
            note = "The invitation was cancelled before they answered; they get nothing more."
            return Standing(CANCELLED, note, (), True)
        note = "They did not reply YES within 7 days, so it lapsed; nothing more is sent."
        return Standing(EXPIRED, note, (), True)
    if unusable:
        note = "Their carrier says this number cannot receive texts, so nothing is sent."
        return Standing("unreachable", note, actions, False)
    if state is State.PENDING:
        if invitation_unsent(session, sub):
            note = (
                "The invitation text was never sent (it could not go out within a day:"
                " the sending service was not running), so they have not been asked."
            )
            return Standing(NOT_SENT, note, actions, True)
        note = "Invited: nothing more is sent until they reply YES (it lapses after 7 days)."
        return Standing("invited", note, actions, False)
    if state is State.PAUSED:
        if sub.paused_until is not None:
            note = "Paused for a while: texts restart by themselves, or when they reply RESUME."
        else:
            note = "Paused: no texts until you or they resume them."
        return Standing("paused", note, actions, False)
    status = client_status(state, unusable)
    return Standing(status, "Getting texts.", actions, False)


def stopped_note(source: str | None) -> str:
    """Who stopped the texts, truthfully: a parent's STOP, a clinician's End, the carrier."""
    if source and source.startswith("clinician:"):
        return (
            "Texts were ended from the clinician page (they did not opt out):"
            " nothing more is sent unless they text START."
        )
    if source == "twilio_error":
        return (
            "Their carrier reported that this number opted out of our texts:"
            " nothing more is sent unless they text START."
        )
    return "They texted STOP: nothing more is sent unless they text START."
