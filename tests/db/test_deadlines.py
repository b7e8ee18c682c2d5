"""Deadlines on PostgreSQL work: a database that stops answering fails a call
within seconds instead of holding the thread (and the scheduler) for ever."""

from __future__ import annotations

import os
import socket
import time
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from nudges.clock import FrozenClock
from nudges.config import Settings
from nudges.db.deadlines import Limits, _shut_down, connect_args, watchdog_fired
from nudges.db.session import Database
from nudges.runtime import build_runtime
from nudges.sms.transports import ConsoleTransport
from scheduler.runner import _send_job, tick

# Short limits, so each case takes a second or two; the defaults are in Limits.
FAST = Limits(connect=2, ping=1.0, statement=1.0, grace=1.0)


def test_a_url_s_own_libpq_parameters_win_over_the_defaults() -> None:
    args = connect_args("postgresql+psycopg://nudges@db/nudges?connect_timeout=10", Limits())
    assert "connect_timeout" not in args
    assert args["options"] == (
        "-c statement_timeout=10000 -c idle_in_transaction_session_timeout=30000"
    )
    assert args["tcp_user_timeout"] == 15000 and args["keepalives"] == 1


def test_the_watchdog_never_shuts_down_a_socket_it_does_not_own() -> None:
    ours, peer = socket.socketpair()
    with ours, peer:
        inode = os.fstat(ours.fileno()).st_ino
        assert not _shut_down(ours.fileno(), inode + 1)  # a reused descriptor number
        ours.sendall(b"still open")
        assert peer.recv(16) == b"still open"
        assert _shut_down(ours.fileno(), inode)
        assert peer.recv(16) == b""  # the peer sees the connection end


@pytest.fixture
def stalling(proxied: tuple[Settings, Any]) -> Iterator[tuple[Database, Any]]:
    settings, proxy = proxied
    db = Database(settings.database_url, limits=FAST)
    yield db, proxy
    proxy.restore()
    db.dispose()


def select_one(db: Database) -> Any:
    with db.session() as session:
        return session.execute(text("SELECT 1")).scalar()


@pytest.mark.postgres
def test_the_server_cancels_a_statement_past_its_timeout(
    stalling: tuple[Database, Any],
) -> None:
    db, _ = stalling
    started = time.monotonic()
    with pytest.raises(OperationalError, match="statement timeout"), db.session() as session:
        session.execute(text("SELECT pg_sleep(5)"))
    assert time.monotonic() - started < 3


@pytest.mark.postgres
def test_a_statement_on_a_stalled_connection_fails_at_its_deadline(
    stalling: tuple[Database, Any],
) -> None:
    db, proxy = stalling
    fired = watchdog_fired()
    started = time.monotonic()
    with pytest.raises(OperationalError), db.session() as session:
        session.execute(text("SELECT 1"))
        proxy.stall()  # mid-transaction: the server never hears the next statement
        session.execute(text("SELECT 2"))
    assert time.monotonic() - started < FAST.client_statement + 1.5
    assert watchdog_fired() == fired + 1
    proxy.restore()
    assert select_one(db) == 1  # the broken connection was discarded, not reused


@pytest.mark.postgres
def test_a_stalled_pooled_connection_fails_its_ping_and_the_next_connect_gives_up(
    stalling: tuple[Database, Any],
) -> None:
    db, proxy = stalling
    assert select_one(db) == 1  # one connection waits in the pool
    proxy.stall()
    started = time.monotonic()
    with pytest.raises(OperationalError):
        select_one(db)
    # The ping's deadline, then connect_timeout for the replacement.
    assert time.monotonic() - started < FAST.ping + FAST.connect + 1.5
    proxy.restore()
    assert select_one(db) == 1


@pytest.mark.postgres
def test_a_tick_on_a_stalled_database_fails_in_seconds_and_the_next_one_runs(
    proxied: tuple[Settings, Any], clock: FrozenClock
) -> None:
    settings, proxy = proxied
    db = Database(settings.database_url, limits=FAST)
    runtime = build_runtime(settings, clock=clock, transport=ConsoleTransport(echo=False), db=db)
    try:
        tick(runtime)
        proxy.stall()
        started = time.monotonic()
        with pytest.raises(OperationalError):
            tick(runtime)
        _send_job(runtime)  # the scheduler's job logs the failure and returns
        assert time.monotonic() - started < 2 * (FAST.ping + FAST.connect) + 2
        proxy.restore()
        tick(runtime)
    finally:
        proxy.restore()
        db.dispose()
