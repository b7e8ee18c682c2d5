"""Work with a deadline: the caller answers in time even when the work hangs.

Twilio waits 15 seconds for a webhook, and we promise HELP, crisis and STOP
replies within 3 even when the database hangs. So the database part of an
inbound text runs in a small pool of worker threads, and the request thread
waits for it only until the deadline. Past it, the request answers without
it (the safety reply, the journal) and the work carries on: it finishes or
fails later, bounded by the database's own deadlines (nudges.db.deadlines),
and the MessageSid's unique insert makes finishing late harmless. Work still
queued when its deadline passes never starts.
"""

from __future__ import annotations

import contextvars
import logging
import os
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, TypeVar

log = logging.getLogger(__name__)

T = TypeVar("T")

# An inbound text's database work: past this the safety reply goes without it,
# leaving time within 3 seconds for reading the request, the crisis screen and
# the journal's fsync. Not a setting: the promise and Twilio's 15 s are fixed.
INBOUND = 2.0

# One for every request thread of one process (waitress runs 32, a gunicorn
# worker 8): while the database stalls, work that has not started by its
# deadline never starts, and each stalled one is freed by the database
# deadlines within seconds, so more would only pile up stalled work.
WORKERS = 32


class Late(Exception):
    """The work did not finish before its deadline (it may still finish later)."""


def run_within(seconds: float, work: Callable[..., T], *args: object) -> T:
    """`work(*args)` if it returns (or raises) within `seconds`, else raise Late.

    It runs in the caller's context (contextvars: the request id in its logs)."""
    future = _pool().submit(contextvars.copy_context().run, work, *args)
    try:
        # Waits on the future's own condition: no waiter object per call, as
        # concurrent.futures.wait() builds.
        return future.result(timeout=seconds)
    except TimeoutError:
        if future.done():
            # The work itself raised TimeoutError, or finished just now: its own
            # result or error, not ours.
            return future.result()
    if not future.cancel():  # running: say how it ends, once it does
        future.add_done_callback(_report_late)
    raise Late(f"no result within {seconds:g} s")


def _report_late(future: Future[Any]) -> None:
    exc = future.exception()
    if exc is None:
        log.warning("work that missed its reply deadline finished later")
    else:
        log.warning("work that missed its reply deadline failed later (%s)", type(exc).__name__)


_lock = threading.Lock()
_executor: ThreadPoolExecutor | None = None
_owner = 0  # the pid that made it: a forked worker needs its own threads


def _pool() -> ThreadPoolExecutor:
    global _executor, _owner
    with _lock:
        if _executor is None or _owner != os.getpid():
            _executor = ThreadPoolExecutor(WORKERS, thread_name_prefix="inbound")
            _owner = os.getpid()
        return _executor
