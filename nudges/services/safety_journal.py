"""STOP and crisis texts the database could not take: answered at once, never lost.

When the database cannot be reached, or does not answer before the reply
deadline, an opt-out or a text the crisis screen flagged is appended (and
fsynced) to a small journal before the reply goes out. HELP needs nothing: it
changes nothing. The journal is replayed, in order, as soon as the database
answers again: by the next inbound text this process handles and by every
scheduler tick. This module is only the store: the inbound use case
(`nudges.services.inbound.replay_journal`) hands `replay` the function that
applies an entry, through `handle_inbound` as if it arrived then, screened
again by the crisis screen of that moment: a crisis pauses nudges, alerts the
clinician and is audited; a crisis that is also a STOP is both. It imports
nothing of this project, so the use case depends on it and never the reverse.

Exactly once:
1. An entry is applied through the MessageSid's unique insert, so applying it
   again (a replay that failed after a commit, stalled work that finished
   after its reply was sent, Twilio delivering the same text twice) changes
   nothing the second time.
2. One replay at a time per journal (a `flock` on `<journal>.lock`, released
   by the kernel if the process dies): it moves the journal to
   `<journal>.replaying` under the journal's own lock, which writers take for
   the moment of one append, so no append lands in a file already read.
3. If the database fails partway, the entries not yet applied stay in
   `<journal>.replaying` and go first next time, before anything journalled
   since; a process that dies mid-replay leaves the same file for the next.

The journal holds phone numbers and message text (the same data as the
database, on the same machine; the text whole, because the crisis screen reads
it again and the clinician's alert shows it), is readable by the service's user
only (0600), and is deleted after each replay.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import logging
import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

log = logging.getLogger(__name__)

FILE_NAME = "safety_journal.jsonl"
# Before crises were journalled the default file held opt-outs only; one left
# by an older release is applied too, as opt-outs.
LEGACY_FILE_NAME = "pending_stops.jsonl"
REPLAYING = ".replaying"  # the journal's name while a replay applies it


@dataclass(frozen=True)
class JournalEntry:
    """One journalled text. `reasons` is empty for an older release's entry,
    which was always an opt-out."""

    phone: str
    sid: str
    body: str
    opt_out_type: str | None
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class SafetyJournal:
    """The journal at `path`; `legacy` is an older release's file to apply first."""

    path: Path
    legacy: Path | None = None

    def record(
        self,
        phone: str,
        message_sid: str,
        body: str,
        at: datetime,
        *,
        reasons: Sequence[str],
        opt_out_type: str | None = None,
    ) -> None:
        """Append one text durably (fsync) before its reply goes out.

        `reasons` says why ("stop", "crisis"), for the logs; the replay decides
        afresh what the text means."""
        entry = {
            "phone": phone,
            "sid": message_sid,
            "body": body,
            "at": at.isoformat(),
            "opt_out_type": opt_out_type,
            "reasons": list(reasons),
        }
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with _appending(self.path) as fd:
            os.write(fd, (json.dumps(entry) + "\n").encode())
            os.fsync(fd)
        log.warning(
            "database unavailable: a text (%s) was journalled to apply when it returns",
            "+".join(reasons),
        )

    def pending(self) -> bool:
        """True when something may wait to be applied: the journal, a replay left
        unfinished, or an older release's file. A few stats, no lock: the journal
        is almost always absent, and every inbound text asks."""
        main = os.fspath(self.path)  # os.path on strings: a tenth of pathlib's cost
        return (
            os.path.exists(main)
            or os.path.exists(main + REPLAYING)
            or (self.legacy is not None and os.path.exists(self.legacy))
        )

    def replay(
        self,
        apply: Callable[[JournalEntry], object],
        *,
        retry_on: tuple[type[BaseException], ...],
        unreadable: tuple[type[BaseException], ...] = (),
    ) -> int:
        """Apply journalled texts in order with `apply`; returns how many entries
        were processed.

        An error in `retry_on` (the database is still away) is raised and keeps
        this entry and the rest for the next replay; one in `unreadable` skips
        the entry as a torn line. Returns 0 at once when another thread or
        process is replaying."""
        if not self.pending():
            return 0
        main = self.path
        taking = _replaying(main)
        legacy = self.legacy
        failed = main.with_name(main.name + ".failed")
        with _replay_lock(main) as mine:
            if not mine:
                return 0
            applied = 0
            while True:
                if not taking.exists():
                    if legacy is not None and legacy.exists():
                        os.rename(legacy, taking)  # older than anything in the journal
                    elif not _take(main, taking):
                        break
                applied += _apply_file(taking, failed, apply, retry_on, unreadable)
        if applied:
            log.warning("%d journalled text(s) applied now that the database is back", applied)
        return applied


def _replaying(main: Path) -> Path:
    """Where a replay moves the journal while it applies it."""
    return main.with_name(main.name + REPLAYING)


def _entry(line: str) -> JournalEntry:
    raw = json.loads(line)
    return JournalEntry(
        phone=raw["phone"],
        sid=raw["sid"],
        body=raw["body"],
        opt_out_type=raw.get("opt_out_type"),
        reasons=tuple(raw.get("reasons", ())),
    )


def _apply_file(
    path: Path,
    failed: Path,
    apply: Callable[[JournalEntry], object],
    retry_on: tuple[type[BaseException], ...],
    unreadable: tuple[type[BaseException], ...],
) -> int:
    lines = [line for line in path.read_text().splitlines() if line.strip()]
    done = 0
    try:
        for line in lines:
            try:
                entry = _entry(line)
            except (ValueError, KeyError, TypeError):
                entry = None
            try:
                if entry is not None:
                    apply(entry)
            except retry_on:
                raise  # the database is still away: keep this entry and the rest
            except unreadable:
                entry = None
            except Exception:
                # One text that cannot be applied must not hold back the others
                # (nor, through the replay every inbound text runs first, every
                # text after it). It is kept aside for an operator.
                log.exception("a journalled text could not be applied; kept in %s", failed)
                with _appending(failed) as fd:
                    os.write(fd, (line + "\n").encode())
                    os.fsync(fd)
            if entry is None:
                # Only a crash in the middle of an append leaves a torn line,
                # and then no reply went out for it either.
                log.error("an unreadable journal line was skipped")
            done += 1
    except BaseException:
        _rewrite(path, lines[done:])
        raise
    path.unlink()
    return done


def _take(main: Path, taking: Path) -> bool:
    """Move the journal to `taking`; False when there is none. Writers hold the
    journal's lock only while appending, and check they still write to the
    journal once they hold it, so nothing lands in a file already taken."""
    try:
        fd = os.open(main, os.O_RDONLY)
    except FileNotFoundError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        if not _same_file(fd, main):
            return False  # another replay took it between our open and our lock
        os.rename(main, taking)
        return True
    finally:
        os.close(fd)


@contextlib.contextmanager
def _appending(path: Path) -> Iterator[int]:
    """An O_APPEND descriptor on the live journal at `path`, locked (briefly)
    against a replay taking the file away mid-append."""
    while True:
        fd = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            if _same_file(fd, path):
                os.fchmod(fd, 0o600)  # the file may predate us: keep it private
                size = os.fstat(fd).st_size
                if size and os.pread(fd, 1, size - 1) != b"\n":
                    # A crash mid-append left a torn line: end it, so this entry
                    # is a line of its own (the torn one is skipped on replay).
                    os.write(fd, b"\n")
                yield fd
                return
        finally:
            os.close(fd)  # also releases the lock


@contextlib.contextmanager
def _replay_lock(main: Path) -> Iterator[bool]:
    """True when we hold the journal's replay lock; never waits for it."""
    main.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(main.with_name(main.name + ".lock"), os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        yield True
    finally:
        os.close(fd)


def _same_file(fd: int, path: Path) -> bool:
    try:
        return os.path.samestat(os.fstat(fd), os.stat(path))
    except FileNotFoundError:
        return False


def _rewrite(path: Path, lines: list[str]) -> None:
    """Replace `path` with `lines` (the entries not yet applied), durably."""
    if not lines:
        path.unlink(missing_ok=True)
        return
    fresh = path.with_name(path.name + ".new")
    fd = os.open(fresh, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.write(fd, ("\n".join(lines) + "\n").encode())
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(fresh, path)
