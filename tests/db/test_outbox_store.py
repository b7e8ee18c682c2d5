"""The outbox store on a real database (SQLite, or PostgreSQL with
TEST_DATABASE_URL): each write moves only rows the transition table lets move
(and, for a sender's writes, only rows it still holds), leaves every other row
as it was, and returns how many it moved.

Each case starts with one row in every state, so a function that forgot its
`WHERE state IN (...)` moves a row it must not and fails here."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from nudges.config import Settings
from nudges.db import outbox_store
from nudges.db.models import Outbox
from nudges.db.session import Database
from nudges.domain.outbox import FINAL, OutboxState, may_move
from nudges.domain.send_errors import MAX_ATTEMPTS

S = OutboxState
NOW = datetime(2026, 11, 23, 20, 0, tzinfo=UTC)
LONG_AGO = NOW - timedelta(hours=2)
MINE, THEIRS = "a" * 32, "b" * 32


@pytest.fixture
def db(settings: Settings) -> Iterator[Database]:
    database = Database(settings.database_url)
    yield database
    database.dispose()


def seed(db: Database, token: str | None = MINE, **columns: object) -> dict[OutboxState, int]:
    """One due row in every state, claimed long ago by `token`; the ids by state."""
    ids: dict[OutboxState, int] = {}
    with db.session() as session:
        for n, state in enumerate(S):
            row = Outbox(
                dedupe_key=f"test:{n}",
                kind="nudge",
                slot_at=LONG_AGO,
                body="hello",
                state=state.value,
                attempts=0,
                verify_before_send=False,
                claim_token=token,
                claimed_at=LONG_AGO,
                created_at=LONG_AGO,
                updated_at=LONG_AGO,
            )
            for name, value in columns.items():
                setattr(row, name, value(n) if callable(value) else value)
            session.add(row)
            session.flush()
            ids[state] = row.id
    return ids


def states(db: Database) -> dict[int, str]:
    with db.session() as session:
        return {row.id: row.state for row in session.execute(select(Outbox.id, Outbox.state))}


def moves_from(target: OutboxState, *, held_only: bool) -> set[OutboxState]:
    """Which starting states a write to `target` must move: the domain's answer,
    narrowed to `sending` for writes that need the claim."""
    return {s for s in S if may_move(s, target) and (s is S.SENDING or not held_only)}


@dataclass(frozen=True)
class Write:
    name: str
    target: OutboxState
    held_only: bool  # conditional on the claim (token, `sending`) or abandonment
    call: Callable[[Session, list[int]], int]
    columns: dict[str, object]


def _one_by_one(write: Callable[[Session, int], int]) -> Callable[[Session, list[int]], int]:
    return lambda session, ids: sum(write(session, i) for i in ids)


WRITES = [
    Write(
        "claim",
        S.SENDING,
        False,
        lambda session, ids: len(
            outbox_store.claim(session, "x", size=100, token=MINE, now=NOW, after_id=0)
        ),
        {"claim_token": None},
    ),
    Write(
        "release",
        S.QUEUED,
        True,
        lambda session, ids: outbox_store.release(session, token=MINE, ids=ids, now=NOW),
        {},
    ),
    Write(
        "skip",
        S.SKIPPED,
        True,
        lambda session, ids: outbox_store.skip(session, token=MINE, ids=ids, now=NOW),
        {},
    ),
    Write(
        "retry_later",
        S.QUEUED,
        True,
        _one_by_one(
            lambda session, i: outbox_store.retry_later(
                session,
                outbox_id=i,
                token=MINE,
                now=NOW,
                attempts=1,
                error_code=500,
                next_attempt_at=NOW + timedelta(minutes=1),
                verify_before_send=True,
            )
        ),
        {},
    ),
    Write(
        "fail",
        S.FAILED,
        True,
        _one_by_one(
            lambda session, i: outbox_store.fail(
                session, outbox_id=i, token=MINE, now=NOW, attempts=1, error_code=21211
            )
        ),
        {},
    ),
    Write(
        "sent_abandoned",
        S.SENT,
        True,
        lambda session, ids: outbox_store.sent_abandoned(session, claimed_before=NOW, now=NOW),
        {"provider_sid": lambda n: f"SM{n:032x}"},
    ),
    Write(
        "give_up_abandoned",
        S.UNKNOWN,
        True,
        lambda session, ids: outbox_store.give_up_abandoned(
            session, claimed_before=NOW, max_attempts=MAX_ATTEMPTS, now=NOW
        ),
        {"attempts": MAX_ATTEMPTS},
    ),
    Write(
        "requeue_abandoned",
        S.QUEUED,
        True,
        lambda session, ids: outbox_store.requeue_abandoned(session, claimed_before=NOW, now=NOW),
        {},
    ),
    *[
        Write(
            f"settle_{target.value}",
            target,
            False,
            _one_by_one(
                lambda session, i, target=target: outbox_store.settle(
                    session, outbox_id=i, target=target, now=NOW
                )
            ),
            {},
        )
        for target in (S.SENT, S.DELIVERED, S.UNDELIVERED, S.FAILED)
    ],
]


@pytest.mark.parametrize("write", WRITES, ids=lambda w: w.name)
def test_each_write_moves_only_the_rows_the_table_allows(db: Database, write: Write) -> None:
    ids = seed(db, **write.columns)
    with db.session() as session:
        moved = write.call(session, list(ids.values()))
    expected = moves_from(write.target, held_only=write.held_only)
    assert expected, "a write that may move nothing tests nothing"
    assert moved == len(expected)
    after = states(db)
    for state, row_id in ids.items():
        assert after[row_id] == (write.target if state in expected else state).value, state


@pytest.mark.parametrize(
    "write", [w for w in WRITES if w.held_only and "abandoned" not in w.name], ids=lambda w: w.name
)
def test_a_sender_never_moves_a_row_another_claim_holds(db: Database, write: Write) -> None:
    ids = seed(db, token=THEIRS, **write.columns)
    with db.session() as session:
        assert write.call(session, list(ids.values())) == 0
    assert states(db) == {row_id: state.value for state, row_id in ids.items()}


@pytest.mark.parametrize(
    "write", [w for w in WRITES if "abandoned" in w.name], ids=lambda w: w.name
)
def test_reconcile_leaves_a_live_claim_alone(db: Database, write: Write) -> None:
    ids = seed(db, claimed_at=NOW, **write.columns)  # renewed just now: its sender lives
    with db.session() as session:
        assert write.call(session, list(ids.values())) == 0
    assert states(db) == {row_id: state.value for state, row_id in ids.items()}


def test_a_claim_takes_only_due_rows_after_the_keyset_and_no_more_than_asked(db: Database) -> None:
    later = seed(db, token=None, next_attempt_at=NOW + timedelta(minutes=5))
    with db.session() as session:
        assert outbox_store.claim(session, "x", size=10, token=MINE, now=NOW) == []
    with db.session() as session:
        session.execute(update(Outbox).values(next_attempt_at=None))
        won = outbox_store.claim(
            session, "x", size=10, token=MINE, now=NOW, after_id=max(later.values())
        )
    assert won == []
    with db.session() as session:
        won = outbox_store.claim(session, "x", size=1, token=MINE, now=NOW)
    assert won == [later[S.QUEUED]]


def test_renew_answers_with_the_rows_still_held_and_moves_none(db: Database) -> None:
    ids = seed(db)
    with db.session() as session:
        held = outbox_store.renew(session, token=MINE, ids=list(ids.values()), now=NOW)
        assert outbox_store.renew(session, token=THEIRS, ids=list(ids.values()), now=NOW) == set()
    assert held == {ids[S.SENDING]}
    assert states(db) == {row_id: state.value for state, row_id in ids.items()}


def test_mark_sent_moves_only_sending_rows_and_counts_every_row_still_claimed(
    db: Database,
) -> None:
    ids = seed(db)
    accepted = [(row_id, f"SM{row_id:032x}", "queued") for row_id in ids.values()]
    with db.session() as session:
        recorded = outbox_store.mark_sent(session, token=MINE, accepted=accepted, now=NOW)
        assert outbox_store.mark_sent(session, token=THEIRS, accepted=accepted, now=NOW) == 0
    # A callback may have moved a claimed row on first: the SID is still ours to
    # store, but the state it reached stays.
    assert recorded == len(ids)
    after = states(db)
    for state, row_id in ids.items():
        assert after[row_id] == (S.SENT if state is S.SENDING else state).value


def test_settle_turns_off_the_look_up_only_when_it_moves(db: Database) -> None:
    ids = seed(db, verify_before_send=True)
    with db.session() as session:
        moved = sum(
            outbox_store.settle(session, outbox_id=i, target=S.DELIVERED, now=NOW)
            for i in ids.values()
        )
        verify = dict(session.execute(select(Outbox.id, Outbox.verify_before_send)).tuples().all())
    assert moved == len(moves_from(S.DELIVERED, held_only=False))
    for state, row_id in ids.items():
        assert verify[row_id] is (not may_move(state, S.DELIVERED)), state


def test_bodies_are_forgotten_only_once_nothing_will_send_them(db: Database) -> None:
    ids = seed(db)
    with db.session() as session:
        forgotten = outbox_store.forget_bodies(session, created_before=NOW)
        bodies = dict(session.execute(select(Outbox.id, Outbox.body)).tuples().all())
    waiting = {S.QUEUED, S.SENDING}
    assert forgotten == len(ids) - len(waiting)
    for state, row_id in ids.items():
        assert (bodies[row_id] is None) is (state not in waiting), state
    assert FINAL.isdisjoint(waiting)


@pytest.mark.postgres
def test_two_senders_claim_disjoint_rows_without_waiting(db: Database) -> None:
    """SKIP LOCKED: while one sender's claim is uncommitted, a second takes the
    rest at once instead of blocking on the locked rows."""
    if db.dialect != "postgresql":
        pytest.skip("needs PostgreSQL (set TEST_DATABASE_URL): SQLite has one writer")
    with db.session() as session:
        for n in range(6):
            session.add(
                Outbox(
                    dedupe_key=f"due:{n}",
                    kind="nudge",
                    slot_at=LONG_AGO,
                    state=S.QUEUED.value,
                    attempts=0,
                    verify_before_send=False,
                    created_at=LONG_AGO,
                    updated_at=LONG_AGO,
                )
            )
    with db.session() as first:
        mine = outbox_store.claim(first, db.dialect, size=2, token=MINE, now=NOW)
        theirs: list[int] = []
        second = threading.Thread(target=lambda: theirs.extend(_claim_all(db, THEIRS)))
        second.start()
        second.join(timeout=10)
        assert not second.is_alive(), "the second sender waited on rows the first had locked"
    assert len(mine) == 2 and len(theirs) == 4
    assert not set(mine) & set(theirs)


def _claim_all(db: Database, token: str) -> list[int]:
    with db.session() as session:
        return outbox_store.claim(session, db.dialect, size=100, token=token, now=NOW)
