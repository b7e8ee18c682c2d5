"""Core writes for the hottest path (an inbound text): a loaded subscriber's
fields with one UPDATE, and append-only rows with one prebuilt INSERT.

The unit of work's flush costs more than the statement on the hottest path (an
inbound text), so the decided fields go straight to the database and onto the
loaded object as its committed state: it reads the new values, and the flush
has nothing left to write for them."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from sqlalchemy import Insert, Table, Update, bindparam, insert, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from nudges.db.models import Subscriber

_TABLE: Table = Subscriber.__table__  # type: ignore[assignment]


def write_subscriber(session: Session, sub: Subscriber, fields: dict[str, Any]) -> None:
    """UPDATE subscriber SET fields WHERE id = sub.id, in the session's
    transaction, and the same values on `sub`."""
    if not fields:
        return
    session.flush()  # anything pending (a new row, an episode) goes first, in order
    session.execute(_update(tuple(sorted(fields))), {"row_id": sub.id, **fields})
    for name, value in fields.items():
        set_committed_value(sub, name, value)


@lru_cache(maxsize=256)
def _update(names: tuple[str, ...]) -> Update:
    """The UPDATE of these columns, built once: building a statement costs more
    than SQLite takes to run it, and a text changes one of a few field sets."""
    return (
        update(_TABLE)
        .where(_TABLE.c.id == bindparam("row_id"))
        .values({name: bindparam(name) for name in names})
    )


def insert_of(table: Table, names: tuple[str, ...]) -> Insert:
    """INSERT of these columns, each a parameter of its own name: every column
    named, so one compiled statement serves every row (built once, at import).
    A row written this way is not the ORM's, so its caller stamps the episode
    itself (the ORM's stamp, models.py, sees only rows added to the session)."""
    return insert(table).values({name: bindparam(name) for name in names})
