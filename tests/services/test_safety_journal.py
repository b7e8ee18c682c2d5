"""The safety journal as a plain store: what it keeps, in what order, and what
it does when applying an entry fails. The use case's replay (through
handle_inbound) is tested in tests/web/test_*_during_outage.py."""

from __future__ import annotations

import stat
from datetime import UTC, datetime
from pathlib import Path

import pytest

from nudges.services.safety_journal import JournalEntry, SafetyJournal

AT = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)


class StillDown(Exception):
    pass


def test_entries_come_back_in_order_and_the_file_goes(tmp_path: Path) -> None:
    journal = SafetyJournal(tmp_path / "j.jsonl")
    journal.record("+14045550123", "SM1", "STOP", AT, reasons=["stop"], opt_out_type="STOP")
    journal.record("+14045550124", "SM2", "help me", AT, reasons=["crisis"])
    assert stat.S_IMODE(journal.path.stat().st_mode) == 0o600
    seen: list[JournalEntry] = []
    assert journal.replay(seen.append, retry_on=(StillDown,)) == 2
    assert [(e.sid, e.opt_out_type, e.reasons) for e in seen] == [
        ("SM1", "STOP", ("stop",)),
        ("SM2", None, ("crisis",)),
    ]
    assert not journal.path.exists()
    assert journal.replay(seen.append, retry_on=(StillDown,)) == 0


def test_a_retryable_failure_keeps_that_entry_and_the_rest(tmp_path: Path) -> None:
    journal = SafetyJournal(tmp_path / "j.jsonl")
    for n in range(3):
        journal.record("+14045550123", f"SM{n}", "STOP", AT, reasons=["stop"])
    applied: list[str] = []

    def down_at_second(entry: JournalEntry) -> None:
        if entry.sid == "SM1":
            raise StillDown
        applied.append(entry.sid)

    with pytest.raises(StillDown):
        journal.replay(down_at_second, retry_on=(StillDown,))
    assert journal.replay(lambda e: applied.append(e.sid), retry_on=(StillDown,)) == 2
    assert applied == ["SM0", "SM1", "SM2"]


def test_an_entry_that_cannot_be_applied_is_kept_aside_not_lost(tmp_path: Path) -> None:
    journal = SafetyJournal(tmp_path / "j.jsonl")
    journal.record("+14045550123", "SM1", "x", AT, reasons=["crisis"])
    journal.record("+14045550123", "SM2", "y", AT, reasons=["crisis"])
    applied: list[str] = []

    def broken_first(entry: JournalEntry) -> None:
        if entry.sid == "SM1":
            raise RuntimeError("a bug")
        applied.append(entry.sid)

    assert journal.replay(broken_first, retry_on=(StillDown,)) == 2
    assert applied == ["SM2"]
    assert '"SM1"' in (tmp_path / "j.jsonl.failed").read_text()


def test_torn_and_unreadable_lines_are_skipped(tmp_path: Path) -> None:
    journal = SafetyJournal(tmp_path / "j.jsonl")
    journal.path.write_text('{"phone": "+1404", "si\n')  # a crash mid-append
    journal.record("+14045550123", "SM1", "STOP", AT, reasons=["stop"])
    journal.record("bad", "SM2", "STOP", AT, reasons=["stop"])

    def strict(entry: JournalEntry) -> None:
        if entry.phone == "bad":
            raise ValueError("not a number")
        applied.append(entry.sid)

    applied: list[str] = []
    assert journal.replay(strict, retry_on=(StillDown,), unreadable=(ValueError,)) == 3
    assert applied == ["SM1"]
    assert not (tmp_path / "j.jsonl.failed").exists()


def test_an_older_release_file_goes_first_as_entries_without_reasons(tmp_path: Path) -> None:
    legacy = tmp_path / "pending_stops.jsonl"
    legacy.write_text('{"phone": "+14045550123", "sid": "SM0", "body": "STOP", "at": "x"}\n')
    journal = SafetyJournal(tmp_path / "j.jsonl", legacy=legacy)
    journal.record("+14045550123", "SM1", "START", AT, reasons=["stop"])
    seen: list[JournalEntry] = []
    assert journal.replay(seen.append, retry_on=(StillDown,)) == 2
    assert [(e.sid, e.reasons) for e in seen] == [("SM0", ()), ("SM1", ("stop",))]
    assert not legacy.exists()


def test_pending_sees_the_journal_an_unfinished_replay_and_an_older_file(tmp_path: Path) -> None:
    legacy = tmp_path / "pending_stops.jsonl"
    journal = SafetyJournal(tmp_path / "j.jsonl", legacy=legacy)
    assert not journal.pending()
    journal.record("+14045550123", "SM1", "STOP", AT, reasons=["stop"])
    assert journal.pending()
    assert journal.replay(lambda entry: None, retry_on=(StillDown,)) == 1
    assert not journal.pending()
    # A replay that stopped partway leaves its file under another name.
    (tmp_path / "j.jsonl.replaying").write_text('{"phone": "+14045550123"}\n')
    assert journal.pending()
    (tmp_path / "j.jsonl.replaying").unlink()
    legacy.write_text('{"phone": "+14045550123", "sid": "SM0", "body": "STOP", "at": "x"}\n')
    assert journal.pending()
