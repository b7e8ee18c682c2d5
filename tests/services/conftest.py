"""The use cases called directly (no Flask, no HTTP): a real migrated database
(tests/conftest.py), a frozen clock, and the console transport, so a test reads
what the parent would receive and what is stored, whatever the layers underneath."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from nudges.clock import FrozenClock
from nudges.config import Settings
from nudges.db.models import Outbox, Subscriber
from nudges.runtime import Runtime, build_runtime
from nudges.services.inbound import InboundSms, handle_inbound
from nudges.sms.transports import ConsoleTransport


@pytest.fixture
def runtime(settings: Settings, clock: FrozenClock) -> Iterator[Runtime]:
    built = build_runtime(settings, clock=clock, transport=ConsoleTransport(echo=False))
    yield built
    built.db.dispose()


def text(runtime: Runtime, phone: str, body: str, sid: str | None = None) -> list[str]:
    """The parent texts the service; returns the replies they get at once."""
    sms = InboundSms(phone, body, sid or "SM" + secrets.token_hex(16))
    return list(handle_inbound(runtime, sms).messages)


def subscriber(runtime: Runtime, phone: str) -> Subscriber | None:
    with runtime.db.session() as session:
        return session.scalar(select(Subscriber).where(Subscriber.phone == phone))


def queued(runtime: Runtime, kind: str) -> list[Outbox]:
    """Texts waiting to be sent, of one kind, oldest first."""
    with runtime.db.session() as session:
        return list(session.scalars(select(Outbox).where(Outbox.kind == kind).order_by(Outbox.id)))


def count(runtime: Runtime, model: type, *where: object) -> int:
    with runtime.db.session() as session:
        return int(session.scalar(select(func.count()).select_from(model).where(*where)) or 0)


def as_utc(at: datetime) -> datetime:
    """A stored time as aware UTC (SQLite gives it back naive, PostgreSQL aware)."""
    return at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)
