"""Dispatch: turn due subscriptions into outbox rows, exactly once per slot.

Cost grows with the number due, not the number of subscribers: due rows are
found through the index on `subscriber.next_send_at`.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cache
from typing import Any

from sqlalchemy import Row, func, insert, select, update
from sqlalchemy.orm import Session

from messages import Nudge, load_library, system_text
from nudges.db.locks import skip_locked
from nudges.db.models import Outbox, Subscriber
from nudges.domain.checkin import CHECKIN_ID, CHECKIN_QUESTION, checkin_due
from nudges.domain.consent import State
from nudges.domain.outbox import OutboxState
from nudges.domain.preferences import candidate_zones
from nudges.domain.schedule import (
    MAX_PER_24H,
    Preferences,
    inside_window,
    is_late,
    next_slot,
    programme_position,
    search_from,
    slot_day,
    slot_to_send,
)
from nudges.runtime import Runtime
from nudges.services.audit import About, record_many

log = logging.getLogger(__name__)


@dataclass
class DispatchReport:
    queued: int = 0
    skipped: int = 0
    parked: int = 0


@cache
def _sequences(
    track: str, lang: str, frequency: str
) -> tuple[tuple[Nudge, ...], tuple[Nudge, ...]]:
    """The track in order and the caring check-ins for after it.

    Every cadence walks the whole track in file order: the texts a 3-a-week
    parent gets are the programme (issue 16), so nothing is filtered by
    weekday. `frequency` stays in the signature because the rest of dispatch
    asks by it. A track not yet written in the parent's language falls back to
    the same track in English, never to another track."""
    del frequency  # same sequence for every cadence
    library = load_library()
    programme: list[Nudge] = []
    for name, language in ((track, lang), (track, "en"), ("perfectionism", "en")):
        try:
            programme = library.track(name, language)
        except KeyError:
            continue
        break
    checkins = library.checkins(lang) or library.checkins("en")
    return tuple(programme), tuple(checkins)


def next_track_nudge(track: str, lang: str, index: int) -> Nudge:
    """The nudge a subscriber gets as their `index`-th track text (0-based, counting
    track texts only): the track in order, then the caring check-ins. For callers
    that put other texts between nudges (the weekly check-in question): they pass
    how many track texts were sent, not how many texts."""
    programme, checkins = _sequences(track, lang, "any")
    where, position = programme_position(index, len(programme), len(checkins))
    return programme[position] if where == "programme" else checkins[position]


def pick_text(track: str, lang: str, frequency: str, index: int) -> tuple[str, str]:
    """The `index`-th nudge for this subscriber: programme order, no repeat until the
    track is used up, then the caring check-ins. The same order at every cadence."""
    del frequency  # every cadence walks the whole track
    nudge = next_track_nudge(track, lang, index)
    return nudge.id, nudge.text


def dispatch(runtime: Runtime, now: datetime, batch_size: int = 1000) -> DispatchReport:
    """Queue one outbox row per due (subscription, slot), a batch per transaction.

    1. Select a batch of active subscribers whose `next_send_at` has come, locking
       them (`FOR UPDATE SKIP LOCKED` on PostgreSQL, so several scheduler
       processes split the work; on SQLite a second writer's snapshot fails and
       its batch rolls back untouched).
    2. Move each one's `next_send_at` to the slot after now, whatever happens next.
    3. Skip the slot if it is past its grace period, outside the window now, the
       number already had 3 texts in 24 h, or that local day already has its nudge
       (never a burst after downtime, never two on a day).
    4. Otherwise add the outbox row; its unique key (subscription, local day)
       is the last guard against a doubled nudge. Commit the batch.
    """
    report = DispatchReport()
    # A subscriber parked now has no next_send_at, so it is never selected again
    # until they change their zone or time: the loop always makes progress.
    # Each batch starts where the last one ended (keyset): the index entries of
    # rows just moved stay behind as dead tuples until vacuum, and a scan from
    # the start would wade through all of them again, batch after batch.
    after: datetime | None = None
    while True:
        with runtime.db.session() as session:
            subs = _due(session, runtime.db.dialect, now, batch_size, after)
            if not subs:
                break
            _dispatch_batch(
                session,
                runtime.settings.send_window,
                subs,
                now,
                report,
                program=runtime.settings.program_name,
            )
        if len(subs) < batch_size:
            break
        after = subs[-1].next_send_at
    return report


def _due(
    session: Session, dialect: str, now: datetime, limit: int, after: datetime | None = None
) -> list[Row[Any]]:
    query = (
        select(
            Subscriber.id,
            Subscriber.next_send_at,
            Subscriber.phone,
            Subscriber.timezone,
            Subscriber.send_minute,
            Subscriber.frequency,
            Subscriber.track,
            Subscriber.lang,
            Subscriber.nudges_sent,
            Subscriber.episode_id,
            Subscriber.programme_started_at,
            Subscriber.checkins_enabled,
            Subscriber.last_checkin_at,
        )
        .where(Subscriber.next_send_at <= now, Subscriber.state == State.ACTIVE)
        .order_by(Subscriber.next_send_at)
        .limit(limit)
    )
    if after is not None:
        query = query.where(Subscriber.next_send_at >= after)
    return list(session.execute(skip_locked(query, dialect)).all())


def _dispatch_batch(
    session: Session,
    window: tuple[time, time],
    subs: list[Row[Any]],
    now: datetime,
    report: DispatchReport,
    program: str = "GoodEnough",
) -> None:
    ids = [sub.id for sub in subs]
    recent: dict[int | None, int] = {
        subscriber_id: count
        for subscriber_id, count in session.execute(
            select(Outbox.subscriber_id, func.count())
            .where(
                Outbox.subscriber_id.in_(ids),
                Outbox.kind.in_(SCHEDULED_KINDS),  # the check-in counts: never a 4th text
                Outbox.slot_at > now - timedelta(hours=24),
                Outbox.state != OutboxState.SKIPPED,
            )
            .group_by(Outbox.subscriber_id)
        )
    }
    slots = {sub.id: _slot_for(sub, now, window) for sub in subs}
    keys = {sub.id: _key_for(sub.id, slots[sub.id], sub.timezone) for sub in subs}
    taken = set(
        session.scalars(select(Outbox.dedupe_key).where(Outbox.dedupe_key.in_(keys.values())))
    )
    moves: list[dict[str, object]] = []
    rows: list[dict[str, object]] = []
    parked: list[About] = []
    for sub in subs:
        try:
            move, row = _plan(sub, slots[sub.id], now, window, recent, keys, taken, program)
        except Exception as exc:  # noqa: BLE001 - one bad row never stops the rest
            log.exception("subscriber %s could not be scheduled; parked", sub.id)
            move = {"id": sub.id, "next_send_at": None, "nudges_sent": sub.nudges_sent}
            row = None
            parked.append(_parked(sub, f"error: {type(exc).__name__}"))
        else:
            if move["next_send_at"] is None:
                parked.append(_parked(sub, "no slot inside SEND_WINDOW"))
        moves.append(move)
        # Once a parent: their slot skipped, or passed over for a later one on time.
        if row is None or slots[sub.id] != sub.next_send_at:
            report.skipped += 1
        if row is not None:
            rows.append(row)
    # Few statements for the whole batch: an executemany UPDATE by primary key
    # and multi-row INSERTs.
    session.execute(update(Subscriber), moves)
    if rows:
        session.execute(insert(Outbox), rows)
    if parked:
        record_many(session, now, "parked_no_window", parked)
        log.warning("%d subscriber(s) parked: no time inside the send window", len(parked))
    report.queued += len(rows)
    report.parked += len(parked)


def _plan(
    sub: Row[Any],
    slot: datetime,
    now: datetime,
    window: tuple[time, time],
    recent: dict[int | None, int],
    keys: dict[int, str],
    taken: set[str],
    program: str = "GoodEnough",
) -> tuple[dict[str, object], dict[str, object] | None]:
    """For one due subscriber: where its next slot moves, and the outbox row to
    write for `slot` (None when it is skipped). `slot` is their next_send_at, or,
    after an outage, a later slot of theirs still within its grace
    (`_slot_for`). Once a week the row is the check-in question instead of the
    nudge (the nudge waits for the next slot: `nudges_sent` counts track texts
    only)."""
    zones = candidate_zones(sub.phone, sub.timezone)
    prefs = Preferences(sub.send_minute, sub.frequency, sub.timezone)
    skip = (
        is_late(slot, now)
        or not inside_window(now, zones, window)
        or recent.get(sub.id, 0) >= MAX_PER_24H
        or keys[sub.id] in taken
    )
    programme_length = len(_sequences(sub.track, sub.lang, sub.frequency)[0])
    asks = not skip and _checkin_due(sub, slot, programme_length)
    sent_after = sub.nudges_sent + (0 if skip or asks else 1)
    start = search_from(slot, now, sent_after, programme_length)
    move: dict[str, object] = {
        "id": sub.id,
        "next_send_at": next_slot(prefs, zones, window, start),
        "nudges_sent": sent_after,
    }
    if skip:
        return move, None
    kind = "nudge"
    if asks:
        kind, nudge_id, text = CHECKIN_ID, CHECKIN_ID, checkin_question(sub.lang, program)
        move.update(checkin_asked(slot, now))
    else:
        nudge_id, text = pick_text(sub.track, sub.lang, sub.frequency, sub.nudges_sent)
    return move, {
        "dedupe_key": keys[sub.id],  # the slot's key: the check-in takes the nudge's day
        "kind": kind,
        "subscriber_id": sub.id,
        "episode_id": sub.episode_id,  # bulk inserts skip the ORM's episode stamp
        "slot_at": slot,
        "nudge_id": nudge_id,
        "body": text,
        "state": OutboxState.QUEUED,
        "attempts": 0,
        "verify_before_send": False,
        "created_at": now,
        "updated_at": now,
    }


# Texts that take a subscriber's slot: at most MAX_PER_24H of them in any 24 h.
SCHEDULED_KINDS = ("nudge", CHECKIN_ID)


def _checkin_due(sub: Row[Any], slot: datetime, programme_length: int) -> bool:
    return checkin_due(
        enabled=sub.checkins_enabled is not False,
        in_programme=sub.nudges_sent < programme_length,
        nudges_sent=sub.nudges_sent,
        started_at=sub.programme_started_at,
        last_at=sub.last_checkin_at,
        slot=slot,
        zone=sub.timezone,
    )


@cache
def checkin_question(lang: str, program: str) -> str:
    return system_text(CHECKIN_ID + "_question", lang=lang, program=program)


def checkin_asked(slot: datetime, now: datetime) -> dict[str, object]:
    """The subscriber fields a queued check-in sets: the weekly rhythm counts
    from its slot, and it is now the question a bare digit answers."""
    return {"last_checkin_at": slot, "question": CHECKIN_QUESTION, "question_at": now}


def _parked(sub: Row[Any], why: str) -> About:
    return About(subscriber_id=sub.id, episode_id=sub.episode_id, detail=why)


def _slot_for(sub: Row[Any], now: datetime, window: tuple[time, time]) -> datetime:
    """The slot this tick considers: next_send_at, or when that is past its grace
    a later slot of theirs that is not (schedule.slot_to_send)."""
    slot: datetime = sub.next_send_at
    if not is_late(slot, now):
        return slot  # the usual case costs nothing more
    try:
        zones = candidate_zones(sub.phone, sub.timezone)
        prefs = Preferences(sub.send_minute, sub.frequency, sub.timezone)
        return slot_to_send(slot, now, prefs, zones, window)
    except Exception:  # noqa: BLE001 - a bad zone is parked by _plan, not fatal here
        return slot


def _key_for(subscriber_id: int, slot: datetime, zone: str) -> str:
    try:
        return _dedupe_key(subscriber_id, slot_day(slot, zone))
    except Exception:  # noqa: BLE001 - a bad zone is parked by _plan, not fatal here
        return f"nudge:{subscriber_id}:bad-zone"


def _dedupe_key(subscriber_id: int, day: date) -> str:
    return f"nudge:{subscriber_id}:{day.isoformat()}"
