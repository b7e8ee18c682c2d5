"""Dispatch: turn due subscriptions into outbox rows, exactly once per slot.

Cost grows with the number due, not the number of subscribers: due rows are
found through the index on `subscriber.next_send_at`.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from messages import load_library
from nudges.db.models import Outbox, Subscriber
from nudges.db.session import affected
from nudges.domain.preferences import candidate_zones
from nudges.domain.schedule import (
    MAX_PER_24H,
    inside_window,
    is_late,
    next_slot,
    programme_position,
    slot_day,
)
from nudges.runtime import Runtime
from nudges.subscriptions import preferences

log = logging.getLogger(__name__)


@dataclass
class DispatchReport:
    queued: int = 0
    skipped: int = 0


def pick_text(track: str, lang: str, frequency: str, index: int) -> tuple[str, str]:
    """The `index`-th nudge for this subscriber: programme order, no repeat until the
    track is used up, then the caring check-ins. 3-a-week subscribers get the
    Monday, Wednesday and Friday nudges of each week."""
    library = load_library()
    try:
        programme = library.track(track, lang)
    except KeyError:
        programme = library.track("perfectionism", "en")
    if frequency != "daily":
        programme = [n for n in programme if n.day in ("mon", "wed", "fri")]
    checkins = library.checkins(lang) or library.checkins("en")
    where, position = programme_position(index, len(programme), len(checkins))
    nudge = programme[position] if where == "programme" else checkins[position]
    return nudge.id, nudge.text


def dispatch(runtime: Runtime, now: datetime, batch_size: int = 1000) -> DispatchReport:
    """Queue one outbox row per due (subscription, slot).

    1. Read a batch of active subscribers whose `next_send_at` has come.
    2. Claim each with a conditional UPDATE that moves `next_send_at` to the
       following slot only if it still holds the slot we read; a rowcount of 0
       means another scheduler process took it.
    3. If the slot is past its grace period, outside the window now, or the
       number already had 3 texts in 24 h, skip it (never a burst after downtime).
    4. Otherwise insert the outbox row; its unique key (subscription, local day)
       makes a repeated tick harmless.
    """
    report = DispatchReport()
    settings = runtime.settings
    with runtime.db.session() as session:
        due = session.execute(
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
            )
            .where(Subscriber.next_send_at <= now, Subscriber.state == "active")
            .order_by(Subscriber.next_send_at)
            .limit(batch_size)
        ).all()
    for row in due:
        slot = row.next_send_at
        zones = candidate_zones(row.phone, row.timezone)
        sub_prefs = preferences(row)  # type: ignore[arg-type]
        following = next_slot(sub_prefs, zones, settings.send_window, max(slot, now))
        with runtime.db.session() as session:
            claimed = affected(
                session.execute(
                    update(Subscriber)
                    .where(Subscriber.id == row.id, Subscriber.next_send_at == slot)
                    .values(next_send_at=following)
                )
            )
            if claimed != 1:
                continue
            recent = session.scalar(
                select(func.count())
                .select_from(Outbox)
                .where(
                    Outbox.subscriber_id == row.id,
                    Outbox.kind == "nudge",
                    Outbox.slot_at > now - timedelta(hours=24),
                    Outbox.state != "skipped",
                )
            )
            if (
                is_late(slot, now)
                or not inside_window(now, zones, settings.send_window)
                or (recent or 0) >= MAX_PER_24H
            ):
                report.skipped += 1
                continue
            nudge_id, text = pick_text(row.track, row.lang, row.frequency, row.nudges_sent)
            day = slot_day(slot, row.timezone)
            try:
                with session.begin_nested():
                    session.add(
                        Outbox(
                            dedupe_key=f"nudge:{row.id}:{day.isoformat()}",
                            kind="nudge",
                            subscriber_id=row.id,
                            slot_at=slot,
                            nudge_id=nudge_id,
                            body=text,
                            state="queued",
                            attempts=0,
                            created_at=now,
                            updated_at=now,
                        )
                    )
            except IntegrityError:
                report.skipped += 1  # this local day already has its nudge
                continue
            session.execute(
                update(Subscriber)
                .where(Subscriber.id == row.id)
                .values(nudges_sent=Subscriber.nudges_sent + 1)
            )
            report.queued += 1
    return report
