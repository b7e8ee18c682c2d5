"""STOP during a database outage is answered at once and never lost.

When the database cannot be reached, an opt-out is appended (and fsynced) to a
small journal file under the instance folder, the parent gets the usual stop
confirmation, and the journal is replayed, in order, as soon as the database
answers again: by the next inbound text this process handles and by every
scheduler tick. Replaying is idempotent (a MessageSid already processed is
skipped), so a crash halfway through a replay repeats nothing harmful.

The journal holds phone numbers (the same data as the subscriber table, on the
same machine), is readable by the service's user only, and is emptied after
each replay.
"""

from __future__ import annotations

import json
import logging
import os
import threading
from datetime import datetime
from pathlib import Path

from nudges.config import INSTANCE_DIR
from nudges.runtime import Runtime

log = logging.getLogger(__name__)
_LOCK = threading.Lock()


_DEFAULT_SPOOL = str(INSTANCE_DIR / "pending_stops.jsonl")


def _spool_name() -> str:
    return os.environ.get("NUDGES_STOP_SPOOL") or _DEFAULT_SPOOL


def spool_path() -> Path:
    return Path(_spool_name())


def record(phone: str, message_sid: str, body: str, at: datetime) -> None:
    """Append one opt-out durably (fsync) before the confirmation goes out."""
    path = spool_path()
    line = json.dumps(
        {"phone": phone, "sid": message_sid, "body": body[:160], "at": at.isoformat()}
    )
    with _LOCK:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(fd, (line + "\n").encode())
            os.fsync(fd)
        finally:
            os.close(fd)
    log.warning("database unavailable: an opt-out was journalled to apply when it returns")


def replay(runtime: Runtime) -> int:
    """Apply journalled opt-outs in order; returns how many were applied.

    The journal is first renamed (atomically), so texts journalled meanwhile go
    to a fresh file and two processes never replay the same entries. If the
    database fails partway, the entries not yet applied are appended back."""
    from nudges.domain.keywords import Intent, Kind
    from nudges.services.inbound import InboundSms, handle_inbound

    # Every inbound text asks, and the journal is almost always absent: one stat.
    if not os.path.exists(_spool_name()):
        return 0
    path = spool_path()
    taking = path.with_name(f"{path.name}.{os.getpid()}.{threading.get_ident()}.replaying")
    try:
        path.rename(taking)
    except FileNotFoundError:
        return 0  # another process took it
    lines = [line for line in taking.read_text().splitlines() if line.strip()]
    applied = 0
    try:
        for line in lines:
            entry = json.loads(line)
            sms = InboundSms(entry["phone"], entry["body"], entry["sid"])
            handle_inbound(runtime, sms, Intent(Kind.OPT_OUT))
            applied += 1
    except Exception:
        _append(lines[applied:])
        taking.unlink(missing_ok=True)
        raise
    taking.unlink(missing_ok=True)
    log.warning("%d journalled opt-out(s) applied now that the database is back", applied)
    return applied


def _append(lines: list[str]) -> None:
    if not lines:
        return
    path = spool_path()
    with _LOCK:
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(fd, ("\n".join(lines) + "\n").encode())
            os.fsync(fd)
        finally:
            os.close(fd)
