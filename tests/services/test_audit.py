"""audit.record_many: one event per entry, in one INSERT statement."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

from sqlalchemy import event, select

from nudges.db.models import AuditEvent
from nudges.runtime import Runtime
from nudges.services.audit import About, record, record_many
from tests.conftest import ANNA_ATLANTA, PAT_PORTLAND
from tests.services.conftest import subscriber, text

ROOT = Path(__file__).resolve().parents[2]


def test_many_events_of_one_action_in_one_statement(runtime: Runtime) -> None:
    for phone in (ANNA_ATLANTA, PAT_PORTLAND):
        text(runtime, phone, "JOIN")
        text(runtime, phone, "YES")
    anna, pat = subscriber(runtime, ANNA_ATLANTA), subscriber(runtime, PAT_PORTLAND)
    assert anna is not None and pat is not None
    statements: list[str] = []

    def seen(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if "audit_event" in statement:
            statements.append(statement)

    engine = runtime.db.engine
    assert engine is not None
    event.listen(engine, "before_cursor_execute", seen)
    try:
        now = runtime.clock.now()
        with runtime.db.session() as session:
            before = session.scalar(select(AuditEvent.id).order_by(AuditEvent.id.desc()).limit(1))
            record_many(
                session,
                now,
                "parked_no_window",
                [
                    About(subscriber_id=anna.id, episode_id=anna.episode_id, detail="x" * 600),
                    About(subscriber_id=pat.id, detail="no slot inside SEND_WINDOW"),
                ],
            )
            record_many(session, now, "parked_no_window", [])  # nothing: no statement
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    assert len([s for s in statements if s.lstrip().upper().startswith("INSERT")]) == 1
    with runtime.db.session() as session:
        rows = session.execute(
            select(
                AuditEvent.subscriber_id,
                AuditEvent.episode_id,
                AuditEvent.actor,
                AuditEvent.action,
                AuditEvent.detail,
            )
            .where(AuditEvent.id > (before or 0))
            .order_by(AuditEvent.id)
        ).all()
    assert [(r.subscriber_id, r.episode_id, r.actor, r.action) for r in rows] == [
        (anna.id, anna.episode_id, "system", "parked_no_window"),
        (pat.id, None, "system", "parked_no_window"),
    ]
    assert rows[0].detail == "x" * 500 and rows[1].detail == "no slot inside SEND_WINDOW"


def test_an_event_can_name_its_episode_else_it_gets_the_subscribers(runtime: Runtime) -> None:
    text(runtime, ANNA_ATLANTA, "JOIN")
    anna = subscriber(runtime, ANNA_ATLANTA)
    assert anna is not None and anna.episode_id is not None
    now = runtime.clock.now()
    with runtime.db.session() as session:
        record(session, now, "alert_viewed", subscriber_id=anna.id)
        record(session, now, "number_revealed", subscriber_id=anna.id, episode_id=None)
    with runtime.db.session() as session:
        episodes = dict(
            session.execute(
                select(AuditEvent.action, AuditEvent.episode_id).where(
                    AuditEvent.action.in_(("alert_viewed", "number_revealed"))
                )
            ).all()
        )
    # Without one named, the flush stamps the subscriber's current episode.
    assert episodes == {"alert_viewed": anna.episode_id, "number_revealed": anna.episode_id}


def test_no_module_but_audit_writes_audit_events() -> None:
    """Audit only through nudges.services.audit: no AuditEvent built or
    bulk-inserted anywhere else (read from the source, as the architecture test does)."""
    writers = []
    for path in sorted(ROOT.glob("*/**/*.py")):
        if path.parts[len(ROOT.parts)] not in ("nudges", "scheduler", "server"):
            continue
        if path == ROOT / "nudges" / "services" / "audit.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and (
                _names(node.func, "AuditEvent")
                or (_names(node.func, "insert") and any(_names(a, "AuditEvent") for a in node.args))
            ):
                writers.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert not writers, f"audit events written outside audit.py: {writers}"


def _names(node: ast.expr, name: str) -> bool:
    return (isinstance(node, ast.Name) and node.id == name) or (
        isinstance(node, ast.Attribute) and node.attr == name
    )
