"""Send capacity, checked by the scheduler: can the configured rate send the
busiest slot of the coming week within its grace?

1. One grouped query: active subscribers counted by (next slot, frequency,
   zone). Parents cluster, so it returns a few hundred rows however many
   subscribers there are.
2. The pure rule (nudges.domain.capacity) repeats each group over the week and
   finds the busiest slot and how long MAX_SENDS_PER_SECOND needs for it.
3. It is kept in the `capacity` heartbeat for /healthz (a warning, never a
   failure), set in three gauges, and, when the slot will not fit, logged as one
   warning line per slot (not at every check).
"""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import func, select

from nudges import metrics
from nudges.db.models import Heartbeat, Subscriber
from nudges.domain.capacity import WEEK, Capacity, SlotGroup, busiest_slot
from nudges.domain.consent import State
from nudges.runtime import Runtime
from nudges.services import health

log = logging.getLogger(__name__)


def check_capacity(runtime: Runtime, now: datetime) -> Capacity:
    """Find the busiest slot of the week from `now`, record it, and warn once per
    slot that cannot be sent within its grace."""
    groups = (Subscriber.next_send_at, Subscriber.frequency, Subscriber.timezone)
    with runtime.db.session() as session:
        rows = session.execute(
            select(*groups, func.count())
            .where(
                Subscriber.state == State.ACTIVE,
                Subscriber.next_send_at.is_not(None),
                Subscriber.next_send_at < now + WEEK,
            )
            .group_by(*groups)
        ).all()
        before = session.get(Heartbeat, health.CAPACITY)
        previous = before.detail if before is not None else None
    capacity = busiest_slot(
        [SlotGroup(at, frequency, zone, count) for at, frequency, zone, count in rows],
        now,
        runtime.settings.max_sends_per_second,
        runtime.settings.send_window,
    )
    metrics.BUSIEST_SLOT_DUE.set(capacity.due)
    metrics.BUSIEST_SLOT_SEND_SECONDS.set(capacity.needs.total_seconds())
    metrics.BUSIEST_SLOT_GRACE_SECONDS.set(capacity.grace.total_seconds())
    health.beat(runtime, health.CAPACITY, capacity.to_json(), at=now)
    warning = capacity.warning()
    if warning and not _already_warned(previous, capacity):
        log.warning("send capacity: %s", warning)
    return capacity


def _already_warned(previous: str | None, capacity: Capacity) -> bool:
    """The last check found this same slot short: it was logged then."""
    if previous is None:
        return False
    try:
        last = Capacity.from_json(previous)
    except (ValueError, KeyError, TypeError):
        return False
    return last.slot_at == capacity.slot_at and not last.fits
