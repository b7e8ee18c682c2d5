"""What /healthz reports, and the heartbeats background work leaves for it.

Heartbeats live in the database, so a web process can report on a scheduler
running in another process (or on another machine) as well as its own.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import cache
from typing import Any

from sqlalchemy import delete, select, text
from sqlalchemy.exc import SQLAlchemyError

from nudges.db.models import Heartbeat
from nudges.domain.capacity import Capacity
from nudges.runtime import Runtime

SCHEDULER = "scheduler"
SENDING_BLOCKED = "sending_blocked"
# The busiest send slot of the coming week, as the scheduler last found it
# (scheduler/capacity.py): a warning when the rate cannot send it in its grace.
CAPACITY = "capacity"
# The send job runs every 30 s; three missed runs and something is wrong.
SCHEDULER_STALE_AFTER = timedelta(minutes=3)


@cache
def migration_head() -> str | None:
    from alembic.script import ScriptDirectory

    from nudges.db.migrate import alembic_config

    return ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()


def check(runtime: Runtime) -> tuple[bool, dict[str, Any]]:
    """(healthy, report). Unhealthy names its reason: database unreachable, schema
    not migrated, sending blocked, or this process's scheduler stalled."""
    report: dict[str, Any] = {"status": "ok", "transport": runtime.transport.name}
    try:
        with runtime.db.session() as session:
            session.execute(text("SELECT 1"))
            report["database"] = "ok"
            version = _schema_version(session)
            current = version == migration_head()
            beats = {b.name: b for b in session.scalars(select(Heartbeat))} if current else {}
    except SQLAlchemyError as exc:
        report.update(status="unavailable", database="unreachable", reason=type(exc).__name__)
        return False, report
    head = migration_head()
    if version != head:
        report.update(
            status="unavailable",
            migrations=f"not applied (at {version or 'none'}, need {head}): run nudges db upgrade",
        )
        return False, report
    report["migrations"] = "ok"
    healthy = True
    semantic = runtime.semantic
    if not semantic.available:
        # Still able to answer every crisis the phrase rules catch: degraded, not down.
        report.update(status="degraded", crisis_screen=f"tier 1 only ({semantic.status})")
    blocked = beats.get(SENDING_BLOCKED)
    if blocked is not None:
        healthy = False
        report.update(status="degraded", sending=f"blocked: {blocked.detail}")
    _report_capacity(beats.get(CAPACITY), report)
    beat = beats.get(SCHEDULER)
    now = runtime.clock.now()
    if beat is not None:
        report["scheduler"] = {"last_tick": beat.at.isoformat(), "detail": beat.detail}
    if runtime.scheduler_in_process:
        stale = beat is None or now - beat.at > SCHEDULER_STALE_AFTER
        started = runtime.started_at or now
        if stale and now - started > SCHEDULER_STALE_AFTER:
            healthy = False
            report["status"] = "degraded"
            report["scheduler_problem"] = "no successful tick in the last 3 minutes"
        elif beat is None:
            report["scheduler"] = {"last_tick": None, "detail": "starting"}
    return healthy, report


def _report_capacity(beat: Heartbeat | None, report: dict[str, Any]) -> None:
    """What the scheduler found for the busiest slot; a warning (HTTP stays 200)
    when the configured rate cannot send it within its grace."""
    if beat is None or not beat.detail:
        return
    try:
        capacity = Capacity.from_json(beat.detail)
    except (ValueError, KeyError, TypeError):
        return
    report["capacity"] = {
        "busiest_slot": capacity.slot_at.isoformat() if capacity.slot_at else None,
        "due": capacity.due,
        "send_seconds": round(capacity.needs.total_seconds()),
        "grace_seconds": round(capacity.grace.total_seconds()),
        "checked_at": beat.at.isoformat(),
    }
    warning = capacity.warning()
    if warning:
        report.setdefault("warnings", []).append(warning)


def _schema_version(session: Any) -> str | None:
    try:
        with session.begin_nested():
            return session.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except SQLAlchemyError:
        return None


def beat(
    runtime: Runtime, name: str, detail: str | None = None, at: datetime | None = None
) -> bool:
    """Record a heartbeat. Returns True when it is new (nothing was recorded before)."""
    at = at or runtime.clock.now()
    with runtime.db.session() as session:
        row = session.get(Heartbeat, name)
        if row is None:
            session.add(Heartbeat(name=name, at=at, detail=detail))
            return True
        row.at, row.detail = at, detail
        return False


def clear(runtime: Runtime, name: str) -> bool:
    """Remove a heartbeat. Returns True when there was one."""
    with runtime.db.session() as session:
        return bool(session.execute(delete(Heartbeat).where(Heartbeat.name == name)).rowcount)  # type: ignore[attr-defined]
