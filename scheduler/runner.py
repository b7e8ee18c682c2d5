"""One tick, and the APScheduler clock that runs ticks.

APScheduler is only the clock: it holds a few interval jobs in memory and no
per-subscriber jobs, so any number of scheduler processes can share one
PostgreSQL database; the work itself is claimed from our own tables.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from apscheduler.schedulers.base import BaseScheduler

from nudges.runtime import Runtime
from nudges.services import health
from nudges.services.inbound import replay_journal
from scheduler.capacity import check_capacity
from scheduler.dispatch import DispatchReport, dispatch
from scheduler.maintenance import MaintenanceReport, maintain
from scheduler.sender import SendReport, send_queued

log = logging.getLogger(__name__)

SEND_EVERY_SECONDS = 30
MAINTAIN_EVERY_SECONDS = 300


@dataclass
class TickReport:
    maintenance: MaintenanceReport
    dispatch: DispatchReport
    send: SendReport

    def summary(self) -> str:
        m, d, s = self.maintenance, self.dispatch, self.send
        return (
            f"expired={m.expired} resumed={m.resumed} requeued={m.requeued} unknown={m.unknown} "
            f"purged={m.purged} "
            f"queued={d.queued} skipped_slots={d.skipped} parked={d.parked} "
            f"sent={s.sent} recovered={s.recovered} retried={s.retried} failed={s.failed} "
            f"skipped_sends={s.skipped}" + (" sending_blocked=yes" if s.blocked else "")
        )


def tick(runtime: Runtime, now: datetime | None = None, simulated: bool = False) -> TickReport:
    """Maintenance, dispatch and send, once. `now` defaults to the runtime's clock.

    A `simulated` pass (`nudges tick --now`) runs as if at another time, so it
    records nothing /healthz reports about the live service: no capacity check
    (its "coming week" is not the service's, and a check stamped in the future
    read as the latest one) and no scheduler heartbeat (one stamped ahead would
    hide a stalled scheduler until that time came)."""
    now = now or runtime.clock.now()
    replay_journal(runtime)  # STOPs and crises journalled in an outage come first
    maintenance = maintain(runtime, now)
    dispatched = dispatch(runtime, now)
    if not simulated:
        check_capacity(runtime, now)  # after dispatch: next slots have moved on
    sent = send_queued(runtime)
    report = TickReport(maintenance, dispatched, sent)
    if not simulated:
        health.beat(runtime, health.SCHEDULER, "tick", at=runtime.clock.now())
    return report


def _send_job(runtime: Runtime) -> None:
    now = runtime.clock.now()
    try:
        replay_journal(runtime)  # STOPs and crises journalled in an outage come first
        dispatched = dispatch(runtime, now)
        sent = send_queued(runtime)
    except Exception:
        # Logged here (ids and kinds only); the next run tries again.
        log.exception("send job failed; retrying at the next run")
        return
    health.beat(runtime, health.SCHEDULER, "send job", at=runtime.clock.now())
    if dispatched.queued or sent.sent or sent.failed:
        log.info(
            "send job: queued=%d sent=%d retried=%d failed=%d",
            dispatched.queued,
            sent.sent,
            sent.retried,
            sent.failed,
        )


def _maintain_job(runtime: Runtime) -> None:
    now = runtime.clock.now()
    try:
        report = maintain(runtime, now)
        check_capacity(runtime, now)
    except Exception:
        log.exception("maintenance failed; retrying at the next run")
        return
    log.info(
        "maintenance: expired=%d resumed=%d unknown=%d purged=%d",
        report.expired,
        report.resumed,
        report.unknown,
        report.purged,
    )


def add_jobs(scheduler: BaseScheduler, runtime: Runtime) -> None:
    # max_instances=1 and coalesce: a slow run is never overlapped or replayed in a burst.
    common = {"max_instances": 1, "coalesce": True, "misfire_grace_time": 60}
    scheduler.add_job(
        _send_job, "interval", seconds=SEND_EVERY_SECONDS, args=[runtime], id="send", **common
    )
    scheduler.add_job(
        _maintain_job,
        "interval",
        seconds=MAINTAIN_EVERY_SECONDS,
        args=[runtime],
        id="maintain",
        **common,
    )
