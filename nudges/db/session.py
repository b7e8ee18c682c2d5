"""Engine and session factory, created unbound and attached in `init_app`."""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import Any

from sqlalchemy import CursorResult, Engine, Result, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from nudges.db import deadlines
from nudges.db.deadlines import Limits


def make_engine(url: str, **kwargs: Any) -> Engine:
    # Parameters are phone numbers and message text: never put them in an error.
    kwargs.setdefault("hide_parameters", True)
    if url.startswith("sqlite"):
        # Web and scheduler threads share one file: wait for locks instead of failing.
        kwargs.setdefault("connect_args", {"timeout": 15, "check_same_thread": False})
        engine = create_engine(url, **kwargs)

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA busy_timeout=15000")
            if ":memory:" not in url:
                cur.execute("PRAGMA journal_mode=WAL")
            cur.close()

        return engine
    kwargs.setdefault("pool_pre_ping", True)
    kwargs.setdefault("connect_args", {"connect_timeout": 5})
    return create_engine(url, **kwargs)


class Database:
    """Holds the engine and a session factory for one app or process.

    On PostgreSQL its work runs under deadlines (nudges.db.deadlines): a
    database that stops answering fails a call within seconds instead of
    holding the thread. SQLite waits for locks up to its busy timeout."""

    def __init__(self, url: str | None = None, *, limits: Limits | None = None) -> None:
        self.engine: Engine | None = None
        self._sessions: sessionmaker[Session] | None = None
        self.limits = limits or Limits()
        if url:
            self.connect(url)

    def connect(self, url: str, **kwargs: Any) -> None:
        postgres = url.startswith("postgresql")
        if postgres:
            kwargs.setdefault("connect_args", deadlines.connect_args(url, self.limits))
            kwargs.setdefault("pool_pre_ping", False)  # ours, with a deadline, instead
            # Waiting for a pooled connection is bounded too (all may be stalled).
            kwargs.setdefault("pool_timeout", self.limits.client_statement)
        self.engine = make_engine(url, **kwargs)
        if postgres:
            deadlines.bound(self.engine, self.limits)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    @property
    def dialect(self) -> str:
        assert self.engine is not None
        return self.engine.dialect.name

    def session(self) -> AbstractContextManager[Session]:
        """A session in a transaction: committed when the block ends, rolled back
        if it raises (anything, KeyboardInterrupt included), closed either way.
        SQLAlchemy's own `sessionmaker.begin()`."""
        if self._sessions is None:
            raise RuntimeError("Database is not connected")
        return self._sessions.begin()

    def dispose(self) -> None:
        if self.engine is not None:
            self.engine.dispose()


def affected(result: Result[Any]) -> int:
    """Rows an UPDATE matched: how a conditional UPDATE tells who won a claim."""
    assert isinstance(result, CursorResult)
    return int(result.rowcount)
