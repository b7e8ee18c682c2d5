"""Telling the parent about a clinician's change: one short text through the
outbox, in the parent's language, so nothing about their texts changes behind
their back. Only an active parent is texted: an invitee has been asked nothing
yet (the welcome names the time), and a paused or stopped parent asked for no
texts."""

from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from messages import system_text
from nudges.config import Settings
from nudges.db import outbox_store
from nudges.db.models import Outbox, Subscriber
from nudges.domain.clinician import Told, untold
from nudges.domain.consent import State
from nudges.domain.conversation import TRACK_LABELS, Decision, Say, in_language
from nudges.domain.outbox import OutboxState
from nudges.domain.preferences import candidate_zones
from nudges.domain.schedule import window_opening
from nudges.services.subscriptions import snapshot

KIND = "notice"  # an outbox kind: sent under the nudges' rules (active, in the window)


def why_not(sub: Subscriber) -> str | None:
    """Why the parent is not texted about a change, in the clinician's words."""
    if sub.unusable_reason:
        return "their number cannot receive texts"
    if sub.state is State.PENDING:
        return "they have not replied YES yet (their welcome text will give the time)"
    if sub.state is State.PAUSED:
        return "their texts are paused"
    if sub.state is not State.ACTIVE:
        return "they get no texts now"
    return None


# Why a notice did not go, as the clinician reads it beside it.
REPLACED = "replaced by a later notice"
WITHDRAWN = "withdrawn: the settings are back as they were"


def queue(
    session: Session, settings: Settings, sub: Subscriber, now: datetime, *, before: Told
) -> str | None:
    """Queue the one text for a change (`before` is the settings before it);
    returns None when a text is queued, else why not, in the clinician's words.

    One notice at a time: a change made before the last notice went out replaces
    it, and the new one names everything the parent has not been told yet (the
    focus, the time, or both), as the settings are now. What is back where the
    parent knew it is not named; if nothing is left to tell, nothing is sent."""
    waiting = session.scalars(
        select(Outbox.told_from).where(
            Outbox.subscriber_id == sub.id,
            Outbox.kind == KIND,
            Outbox.state == OutboxState.QUEUED,
        )
    ).all()
    told = next(filter(None, map(Told.decode, waiting)), before)
    focus, time = untold(told, snapshot(sub), sub.phone, settings.send_window, now)
    # A new language: the notice comes in it (every text is in the parent's
    # language), and alone it says so and how to switch back.
    relanguaged = bool(told.lang) and told.lang != (sub.lang or "en")
    if focus is None and time is None and not relanguaged:
        if outbox_store.supersede(
            session, subscriber_id=sub.id, kind=KIND, now=now, reason=WITHDRAWN
        ):
            return (
                "their settings are back to what they were last told, so the notice"
                " waiting to go was withdrawn"
            )
        return "the time their texts really come did not change"
    label = TRACK_LABELS[focus] if focus else None
    if label and time:
        key, fields = "clinician_changed_both", {"focus": label, "time": time}
    elif label:
        key, fields = "clinician_changed_focus", {"focus": label}
    elif time:
        key, fields = "clinician_changed_time", {"time": time}
    else:
        key, fields = "clinician_changed_language", {}
    # The fields as the parent's language says them ("las 9:00am (hora del Este)").
    [say] = in_language(Decision(replies=(Say(key, fields, lang=None),)), sub.lang or "en").replies
    body = system_text(key, lang=say.lang or "en", program=settings.program_name, **say.fields)
    outbox_store.supersede(session, subscriber_id=sub.id, kind=KIND, now=now, reason=REPLACED)
    dedupe_key = f"{KIND}:{sub.id}:{now.isoformat()}:{secrets.token_hex(6)}"
    queue_in_window(
        session,
        settings,
        sub,
        now,
        kind=KIND,
        dedupe_key=dedupe_key,
        body=body,
        clinician_id=sub.clinician_id,
        told_from=told.encode(),
    )
    return None


def queue_in_window(
    session: Session,
    settings: Settings,
    sub: Subscriber,
    now: datetime,
    *,
    kind: str,
    dedupe_key: str,
    body: str,
    clinician_id: int | None,
    told_from: str | None = None,
) -> None:
    """Queue one text to the parent for when the send window next opens in every
    zone their number may be in (now, if it is open): an invitation or a notice."""
    zones = candidate_zones(sub.phone, sub.timezone)
    send_at = window_opening(zones, settings.send_window, now) or now
    session.add(
        Outbox(
            dedupe_key=dedupe_key,
            kind=kind,
            subscriber_id=sub.id,
            clinician_id=clinician_id,
            slot_at=send_at,
            next_attempt_at=send_at,
            body=body,
            state=OutboxState.QUEUED,
            attempts=0,
            verify_before_send=False,
            told_from=told_from,
            created_at=now,
            updated_at=now,
        )
    )
