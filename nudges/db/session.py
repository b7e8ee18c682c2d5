"""Engine and session factory, created unbound and attached in `init_app`."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Any

from sqlalchemy import CursorResult, Engine, Result, Select, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from nudges.db import deadlines
from nudges.db.deadlines import Limits


def make_engine(url: str, **kwargs: Any) -> Engine:
    # Parameters are phone numbers and message text: never put them in an error.
    kwargs.setdefault("hide_parameters", True)
    if url.startswith("sqlite"):
        # Web and scheduler threads share one file: wait for locks instead of failing.
        kwargs.setdefault("connect_args", {"timeout": 15, "check_same_thread": False})
        busy_ms = int(kwargs["connect_args"].get("timeout", 15) * 1000)
        engine = create_engine(url, **kwargs)

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute(f"PRAGMA busy_timeout={busy_ms}")
            if ":memory:" not in url:
                cur.execute("PRAGMA journal_mode=WAL")
            cur.close()

        return engine
    kwargs.setdefault("pool_pre_ping", True)
    kwargs.setdefault("connect_args", {"connect_timeout": 5})
    return create_engine(url, **kwargs)


# A quick read's bounds: its statement (checkout included, there is no ping)
# fails within about a second of a database that stopped answering, leaving the
# rest of the reply deadline for the pool to try again.
QUICK_LIMITS = Limits(connect=2, ping=0.5, statement=0.75, grace=0.25)
QUICK_SQLITE_BUSY = 0.5  # seconds a quick SQLite read waits for a lock


class Database:
    """Holds the engine and a session factory for one app or process.

    On PostgreSQL its work runs under deadlines (nudges.db.deadlines): a
    database that stops answering fails a call within seconds instead of
    holding the thread. SQLite waits for locks up to its busy timeout."""

    def __init__(self, url: str | None = None, *, limits: Limits | None = None) -> None:
        self.engine: Engine | None = None
        self._sessions: sessionmaker[Session] | None = None
        self._quick: Engine | None = None
        self._prompt: Engine | None = None
        self._quick_lock = threading.Lock()
        self._warming = threading.Lock()
        self._bound_sessions: sessionmaker[Session] = sessionmaker(expire_on_commit=False)
        self.limits = limits or Limits()
        if url:
            self.connect(url)

    def connect(self, url: str, **kwargs: Any) -> None:
        self.url = url
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

    def quick_reader(self) -> Engine | None:
        """An engine for one short read on the caller's own thread (HELP's facts),
        or None when it has no idle connection ready: the caller then reads
        through the reply-deadline pool instead (see services/inbound.py).

        Its own small pool, whose every call is bounded tightly (QUICK_LIMITS)
        and which never opens a connection on this path, so a stalled or
        vanished database fails the read within about a second rather than
        holding the reply. A SQLite reader waits at most QUICK_SQLITE_BUSY for a
        lock (WAL readers do not wait for writers at all)."""
        engine = self.quick_engine()
        return engine if _idle(engine) else None

    def quick_engine(self) -> Engine:
        """The quick reader's engine, made on first use (only HELP needs it)."""
        with self._quick_lock:
            if self._quick is None:
                self._quick = self._make_quick_engine()
            return self._quick

    def _make_quick_engine(self) -> Engine:
        assert self.engine is not None
        url = self.url
        if url.startswith("sqlite"):
            if ":memory:" in url:
                return self.engine  # another engine would open another database
            return make_engine(
                url,
                connect_args={"timeout": QUICK_SQLITE_BUSY, "check_same_thread": False},
                pool_size=2,
                max_overflow=2,
            )
        engine = make_engine(
            url,
            connect_args=deadlines.connect_args(url, QUICK_LIMITS),
            # One read needs no transaction: without one the read is one round
            # trip, where psycopg's BEGIN and the pool's ROLLBACK made it three.
            isolation_level="AUTOCOMMIT",
            pool_reset_on_return=None,  # nothing to roll back
            pool_pre_ping=False,
            pool_size=2,
            max_overflow=2,
            pool_timeout=QUICK_LIMITS.client_statement,
        )
        deadlines.bound(engine, QUICK_LIMITS, ping=False)
        return engine

    def prompt_sessions(
        self, seconds: float
    ) -> Callable[[], AbstractContextManager[Session]] | None:
        """Sessions for one inbound text's work on the caller's own thread, all
        to end within `seconds` from now; or None when no idle connection is
        ready for them (the caller then goes through the reply-deadline pool,
        and one is opened in the background for the next text).

        They come from a small pool of their own that never opens a connection
        on the caller's thread and never pings. On PostgreSQL each statement
        and the commit are bounded by what is left of `seconds` (the
        watchdog, nudges.db.deadlines.UNTIL), and by QUICK_LIMITS; on SQLite a
        lock is waited for QUICK_SQLITE_BUSY at most. A stall therefore fails
        the work within `seconds` (plus the watchdog's poll), and the caller
        still has the rest of its deadline."""
        engine = self._prompt_engine()
        if not _idle(engine):
            self._warm(engine)
            return None
        until = time.monotonic() + seconds

        @contextmanager
        def session() -> Iterator[Session]:
            with engine.connect() as conn:
                conn.info[deadlines.UNTIL] = until
                with self._bound_sessions(bind=conn) as bound, bound.begin():
                    yield bound

        return session

    def _prompt_engine(self) -> Engine:
        assert self.engine is not None
        if not self.url.startswith("postgresql"):
            return self.quick_engine()  # its lock wait is bounded; SQLite needs no more
        with self._quick_lock:
            if self._prompt is None:
                self._prompt = make_engine(
                    self.url,
                    connect_args=deadlines.connect_args(self.url, QUICK_LIMITS),
                    pool_pre_ping=False,
                    pool_size=2,
                    max_overflow=2,
                    pool_timeout=QUICK_LIMITS.client_statement,
                )
                deadlines.bound(self._prompt, QUICK_LIMITS, ping=False)
            return self._prompt

    def _warm(self, engine: Engine) -> None:
        """Open one connection for `engine`'s pool in a thread of its own (one at
        a time): connecting may stall, and never on a caller's thread."""
        if not self._warming.acquire(blocking=False):
            return

        def connect() -> None:
            try:
                engine.connect().close()
            except Exception:  # noqa: BLE001 - the next text tries again
                pass
            finally:
                self._warming.release()

        threading.Thread(target=connect, name="db-warm", daemon=True).start()

    def dispose(self) -> None:
        # A connection being opened in the background would land in a pool
        # already closed, and be left unclosed: wait for it (connect_timeout).
        warming = self._warming.acquire(timeout=10)
        try:
            self._dispose()
        finally:
            if warming:
                self._warming.release()

    def _dispose(self) -> None:
        if self.engine is not None:
            self.engine.dispose()
        if self._quick is not None and self._quick is not self.engine:
            self._quick.dispose()
        if self._prompt is not None:
            self._prompt.dispose()


def _idle(engine: Engine) -> bool:
    """Whether the engine's pool holds a connection nobody is using (a pool
    that cannot say, one SQLite :memory: database, counts as busy)."""
    checkedin = getattr(engine.pool, "checkedin", None)
    return checkedin is not None and checkedin() > 0


class PointRead:
    """A one-row read through the DBAPI cursor, for the hottest path (HELP's
    facts), where SQLAlchemy's Connection costs more than the query itself.
    The statement is compiled once per dialect; on PostgreSQL the call runs
    under the watchdog like any other (deadlines.guarded)."""

    def __init__(self, statement: Select[Any]) -> None:
        self.statement = statement
        self._compiled: dict[str, tuple[str, tuple[str, ...] | None]] = {}

    def first(self, engine: Engine, **params: Any) -> tuple[Any, ...] | None:
        sql, order = self._compile(engine)
        args: Any = tuple(params[name] for name in order) if order is not None else params
        conn = engine.raw_connection()
        try:
            dbapi_conn = conn.dbapi_connection
            with deadlines.guarded(dbapi_conn, conn.info, QUICK_LIMITS.client_statement):
                cursor = dbapi_conn.cursor()  # type: ignore[union-attr]
                try:
                    cursor.execute(sql, args)
                    row = cursor.fetchone()
                finally:
                    cursor.close()
        except BaseException:
            conn.invalidate()  # its state is unknown: never back to the pool
            raise
        finally:
            conn.close()
        return tuple(row) if row is not None else None

    def _compile(self, engine: Engine) -> tuple[str, tuple[str, ...] | None]:
        name = engine.dialect.name
        if name not in self._compiled:
            compiled = self.statement.compile(dialect=engine.dialect)
            order = compiled.positiontup  # type: ignore[attr-defined]
            self._compiled[name] = (str(compiled), tuple(order) if order else None)
        return self._compiled[name]


def affected(result: Result[Any]) -> int:
    """Rows an UPDATE matched: how a conditional UPDATE tells who won a claim."""
    assert isinstance(result, CursorResult)
    return int(result.rowcount)
