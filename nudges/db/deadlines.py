"""Deadlines on PostgreSQL work, so a database that stops answering cannot hold
a thread for ever.

A database can fail by going quiet rather than away: a frozen server, a pooler
waiting for a backend, a proxy that accepts and holds. The server's
statement_timeout cannot fire for a query it never received, and TCP
keepalives and tcp_user_timeout see a healthy peer as long as some kernel on
the way acknowledges our bytes. So there are three layers:

1. libpq settings: `connect_timeout` bounds connecting (handshake and login
   included); keepalives and `tcp_user_timeout` notice a dead host or network.
2. Server settings for each session: `statement_timeout` stops a slow query;
   `idle_in_transaction_session_timeout` releases the locks of a client that
   went silent mid-transaction (our stalled request's row locks included).
3. A client-side watchdog: every statement, commit, rollback and pool ping
   arms a deadline on its connection; one that overruns has its socket shut
   down from the watchdog's thread, so libpq reports the connection lost, the
   call raises OperationalError, and SQLAlchemy discards the connection. This
   is the only layer that bounds a stall that acknowledges TCP. The pool's
   ping is ours (a checkout listener under the watchdog) because SQLAlchemy's
   pre-ping has no timeout.

Only the service's engines get these (`Database`); migrations do not, since a
long ALTER may rightly take minutes. An operator can still set any libpq
parameter in DATABASE_URL (`?connect_timeout=10`, `?options=...`): the URL's
own parameters win over the defaults here. Behind PgBouncer, which refuses the
`options` startup parameter unless told to ignore it, set the two server
timeouts on the database role instead (`ALTER ROLE ... SET statement_timeout`).
"""

from __future__ import annotations

import logging
import math
import os
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DisconnectionError

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Limits:
    """Seconds. The defaults suit a service whose every query takes milliseconds."""

    connect: int = 3  # libpq counts whole seconds, and at least 2
    ping: float = 3.0  # a pooled connection that cannot say hello in this is replaced
    statement: float = 10.0  # the server's statement_timeout
    idle_in_transaction: float = 30.0
    grace: float = 5.0  # the client gives up this long after the server should have

    @property
    def client_statement(self) -> float:
        return self.statement + self.grace


def connect_args(url: str, limits: Limits) -> dict[str, Any]:
    """libpq parameters for the limits, leaving out any the URL sets itself."""
    defaults: dict[str, Any] = {
        "connect_timeout": limits.connect,
        "keepalives": 1,
        "keepalives_idle": 30,
        "keepalives_interval": 10,
        "keepalives_count": 3,
        # Data unacknowledged this long means the peer is gone (milliseconds).
        "tcp_user_timeout": int(limits.client_statement * 1000),
        "options": (
            f"-c statement_timeout={int(limits.statement * 1000)}"
            f" -c idle_in_transaction_session_timeout={int(limits.idle_in_transaction * 1000)}"
        ),
    }
    given = make_url(url).query
    return {name: value for name, value in defaults.items() if name not in given}


def bound(engine: Engine, limits: Limits, *, ping: bool = True) -> None:
    """Put the engine's PostgreSQL connections under the watchdog. Without
    `ping`, a pooled connection is not pinged on checkout: its first statement,
    under the same watchdog, finds out instead (Database.quick_reader)."""
    _listen(engine, limits, _WATCHDOG, ping=ping)


_IDENTITY = "nudges_socket"  # connection record info: (fd, inode) of the socket
_FRESH = "nudges_fresh"  # connection record info: just connected, no ping needed


def _listen(engine: Engine, limits: Limits, dog: _Watchdog, *, ping: bool = True) -> None:
    dialect = engine.dialect

    @event.listens_for(engine, "connect")
    def _remember(dbapi_conn: Any, record: Any) -> None:
        fd = dbapi_conn.pgconn.socket
        record.info[_IDENTITY] = (fd, os.fstat(fd).st_ino)
        record.info[_FRESH] = True

    def _ping(dbapi_conn: Any, record: Any, connection_proxy: Any) -> None:
        if record.info.pop(_FRESH, False):
            return  # it answered the login a moment ago
        dog.arm(dbapi_conn, record.info, limits.ping)
        try:
            dialect.do_ping(dbapi_conn)
        except dialect.loaded_dbapi.Error as exc:
            # The pool discards this connection and opens a new one (bounded
            # by connect_timeout); if that fails too the caller gets the error.
            raise DisconnectionError("ping failed or timed out") from exc
        finally:
            dog.disarm(dbapi_conn)

    if ping:
        event.listen(engine, "checkout", _ping)

    @event.listens_for(engine, "before_cursor_execute")
    def _statement(
        conn: Any, cursor: Any, statement: Any, parameters: Any, context: Any, executemany: bool
    ) -> None:
        dog.arm(cursor.connection, conn.info, *_within(conn.info, limits.client_statement))

    @event.listens_for(engine, "after_cursor_execute")
    def _statement_done(
        conn: Any, cursor: Any, statement: Any, parameters: Any, context: Any, executemany: bool
    ) -> None:
        dog.disarm(cursor.connection)

    @event.listens_for(engine, "handle_error")
    def _failed(context: Any) -> None:
        dbapi_conn = _dbapi_connection(context.connection)
        if dbapi_conn is not None:
            dog.disarm(dbapi_conn)

    # COMMIT and ROLLBACK can stall too. These fire before the call; the
    # deadline is lifted when the connection goes back to the pool (a session
    # returns it right after), or re-armed by the next statement.
    @event.listens_for(engine, "commit")
    @event.listens_for(engine, "rollback")
    def _ending(conn: Any) -> None:
        dbapi_conn = _dbapi_connection(conn)
        if dbapi_conn is not None:
            dog.arm(dbapi_conn, conn.info, *_within(conn.info, limits.client_statement))

    @event.listens_for(engine, "reset")
    def _resetting(dbapi_connection: Any, connection_record: Any, reset_state: Any) -> None:
        # The pool's rollback as a connection comes back.
        dog.arm(dbapi_connection, connection_record.info, limits.client_statement)

    @event.listens_for(engine, "checkin")
    def _returned(dbapi_connection: Any, connection_record: Any) -> None:
        connection_record.info.pop(UNTIL, None)
        if dbapi_connection is not None:
            dog.disarm(dbapi_connection)

    # Before a connection is closed its socket number may be reused: disarm first.
    @event.listens_for(engine, "close")
    def _closing(dbapi_connection: Any, connection_record: Any) -> None:
        dog.disarm(dbapi_connection)

    @event.listens_for(engine, "invalidate")
    @event.listens_for(engine, "soft_invalidate")
    def _invalidating(dbapi_connection: Any, connection_record: Any, exception: Any) -> None:
        if dbapi_connection is not None:
            dog.disarm(dbapi_connection)

    @event.listens_for(engine, "close_detached")
    def _closing_detached(dbapi_conn: Any) -> None:
        dog.disarm(dbapi_conn)


# Connection info: the monotonic time by which the whole of the current
# checkout's work must end (Database.prompt_sessions). Each call is then bounded
# by what is left of it, if that is less than its own limit.
UNTIL = "nudges_until"


def _within(info: Any, seconds: float) -> tuple[float, bool]:
    """The call's deadline, and whether it is the checkout's share (UNTIL)
    rather than the call's own limit: a share missed is a slow moment the
    caller recovers from (the pool tries again), not a database that stopped."""
    until = info.get(UNTIL)
    if until is None:
        return seconds, False
    left = until - time.monotonic()
    if left >= seconds:
        return seconds, False
    return max(left, 0.0), True


def _dbapi_connection(conn: Any) -> Any:
    try:
        return conn.connection.dbapi_connection
    except Exception:  # noqa: BLE001 - closed or invalidated: nothing to watch
        return None


# The watchdog's poll while connections are in use (seconds), and how many
# empty polls in a row send it to sleep. Deadlines are all longer than the poll,
# so one is noticed at most POLL late.
POLL = 0.25
IDLE_POLLS = 40


class _Watchdog:
    """One thread per process that shuts down the sockets of overdue connections.

    A socket is named by its descriptor and its inode, checked on a duplicate of
    the descriptor before anything is shut down, so a descriptor number reused
    by another socket is never touched."""

    def __init__(self) -> None:
        self._reset()
        os.register_at_fork(after_in_child=self._reset)

    def _reset(self) -> None:
        self._lock = threading.Lock()
        self._wake = threading.Condition(self._lock)
        # id(conn): deadline, fd, inode, and whether the deadline is a share (`_within`)
        self._armed: dict[int, tuple[float, int, int, bool]] = {}
        self._next = math.inf
        self._thread: threading.Thread | None = None
        self.fired = 0

    def arm(self, dbapi_conn: Any, info: Any, seconds: float, share: bool = False) -> None:
        """Shut the connection down if still armed after `seconds`; `share`: the
        deadline is a share of a caller's budget (see `_within`), logged lower."""
        identity = info.get(_IDENTITY)
        if identity is None:
            return  # opened before the listeners: nothing known to shut down
        deadline = time.monotonic() + seconds
        with self._lock:
            self._armed[id(dbapi_conn)] = (deadline, *identity, share)
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, daemon=True, name="db-watchdog")
                self._thread.start()
            if deadline < self._next:
                self._next = deadline
                self._wake.notify()

    def disarm(self, dbapi_conn: Any) -> None:
        with self._lock:
            self._armed.pop(id(dbapi_conn), None)

    def _run(self) -> None:
        idle = 0  # polls in a row that found nothing armed
        while True:
            stopped = shares = 0  # connections shut down: hard deadlines, shares
            with self._lock:
                now = time.monotonic()
                for key, (deadline, fd, inode, share) in list(self._armed.items()):
                    if deadline <= now:
                        del self._armed[key]
                        if _shut_down(fd, inode):
                            shares += share
                            stopped += not share
                self.fired += stopped + shares
                idle = 0 if self._armed else idle + 1
                earliest = min((armed[0] for armed in self._armed.values()), default=math.inf)
                # While the database is in use, wake every POLL whatever is armed:
                # then `arm` (every statement) need not wake this thread, which
                # would cost the caller a thread switch each time. Idle a while,
                # sleep until the next arm.
                self._next = earliest if idle > IDLE_POLLS else min(earliest, now + POLL)
                if not stopped + shares:
                    self._wake.wait(None if self._next == math.inf else self._next - now)
            if stopped:
                log.error(
                    "database: %d connection(s) got no answer within their deadline; "
                    "closed so the work fails instead of hanging",
                    stopped,
                )
            if shares:
                # A text's work on the request thread ran out of its share of the
                # reply deadline: slow, perhaps only a busy moment; the pool tries again.
                log.warning(
                    "database: %d connection(s) slower than their share of a reply "
                    "deadline; closed, the work is tried again",
                    shares,
                )


def _shut_down(fd: int, inode: int) -> bool:
    """Shut the socket down (waking whoever waits on it) if `fd` is still it."""
    try:
        dup = os.dup(fd)
    except OSError:
        return False
    try:
        if os.fstat(dup).st_ino != inode:
            return False
        with socket.socket(fileno=dup) as sock:
            dup = -1  # the socket object owns (and closes) the duplicate now
            sock.shutdown(socket.SHUT_RDWR)
        return True
    except OSError:
        return False
    finally:
        if dup >= 0:
            os.close(dup)


_WATCHDOG = _Watchdog()


@contextmanager
def guarded(dbapi_conn: Any, info: Any, seconds: float) -> Iterator[None]:
    """Bound a call made on the DBAPI connection itself (Database.read_row), which
    the engine's statement events do not see: overdue, its socket is shut down."""
    _WATCHDOG.arm(dbapi_conn, info, seconds)
    try:
        yield
    finally:
        _WATCHDOG.disarm(dbapi_conn)


def watchdog_fired() -> int:
    """How many connections this process's watchdog has shut down (for tests)."""
    return _WATCHDOG.fired
