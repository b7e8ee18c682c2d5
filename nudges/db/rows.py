"""Core reads and writes for the hottest path (an inbound text): a subscriber
read as a plain row, its fields written with one UPDATE, and append-only rows
with one prebuilt INSERT.

Loading an ORM object and flushing the unit of work each cost more than the
statement on that path, so a text that changes only the subscriber's own row
reads it with Core (`SubscriberRow`) and writes the decided fields straight to
the database and onto the loaded object: it reads the new values, and no flush
has anything left to write for them. A loaded ORM `Subscriber` is written the
same way (its new values become its committed state). A text's writes go
together (`Writes`): in one statement on PostgreSQL, where each round trip
costs as much as the statement, and as SQL compiled once for the driver."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property, lru_cache
from typing import Any, TypeAlias

from sqlalchemy import (
    Connection,
    CursorResult,
    Dialect,
    Insert,
    Row,
    Table,
    Update,
    bindparam,
    insert,
    select,
    update,
)
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from nudges.db.models import Episode, Subscriber
from nudges.domain.consent import State

_TABLE: Table = Subscriber.__table__  # type: ignore[assignment]


class SubscriberRow:
    """A subscriber as a Core query read it: the model's columns as plain
    attributes, for code that reads a subscriber and writes it only through
    `Writes` (the ORM's object costs more to load than the query).
    Code that needs the ORM's (a new episode, an alert) loads it by id."""

    __slots__ = tuple(_TABLE.c.keys())

    id: int
    phone: str
    state: State
    state_changed_at: datetime
    timezone: str
    send_minute: int
    frequency: str
    track: str
    lang: str
    paused_until: datetime | None
    next_send_at: datetime | None
    programme_started_at: datetime | None
    nudges_sent: int
    unusable_reason: str | None
    clinician_id: int | None
    created_at: datetime
    alias: str | None
    track_choice_until: datetime | None
    episode_id: int | None
    recent_moments: str | None
    checkins_enabled: bool
    last_checkin_at: datetime | None
    question: str | None
    question_at: datetime | None

    def __init__(self, row: Row[Any] | tuple[Any, ...]) -> None:
        # The query selects the table's columns first, in the table's order.
        for name, value in zip(self.__slots__, row, strict=False):
            setattr(self, name, value)


def insert_subscriber(session: Session, values: dict[str, Any]) -> SubscriberRow:
    """INSERT a subscriber with these values (the columns' own defaults for the
    rest), now, and the row as written."""
    every = _DEFAULTS | values  # each column named: driver SQL applies no defaults
    new_id = insert_returning_id(session, _subscriber_insert(tuple(sorted(every))), every)
    written = every | {"id": new_id}
    return SubscriberRow(tuple(written.get(name) for name in SubscriberRow.__slots__))


def insert_subscriber_and_episode(
    session: Session, values: dict[str, Any], episode: dict[str, Any]
) -> tuple[SubscriberRow, int]:
    """A new subscriber and its first episode (`episode`: the episode's columns
    but its subscriber), now: one statement on PostgreSQL, where each round
    trip costs as much as the statement. The subscriber's `episode_id` is the
    caller's to write (with its other fields)."""
    conn = session.connection()
    if conn.dialect.name != "postgresql":
        sub = insert_subscriber(session, values)
        return sub, insert_returning_id(session, EPISODE_ROW, episode | {"subscriber_id": sub.id})
    every = _DEFAULTS | values
    session.flush()
    params = {f"s_{name}": value for name, value in every.items()}
    params |= {f"e_{name}": value for name, value in episode.items()}
    statement = _subscriber_with_episode(tuple(sorted(every)), tuple(sorted(episode)))
    new_id, episode_id = _driver_form(statement, conn.dialect).execute(conn, params).one()
    written = every | {"id": new_id}
    return SubscriberRow(tuple(written.get(name) for name in SubscriberRow.__slots__)), episode_id


@lru_cache(maxsize=16)
def _subscriber_with_episode(names: tuple[str, ...], episode: tuple[str, ...]) -> Insert:
    """WITH s AS (INSERT INTO subscriber ... RETURNING id) INSERT INTO episode
    (subscriber_id, ...) SELECT s.id, ... FROM s RETURNING the two ids."""
    new = _subscriber_insert(names).build(prefix="s_").returning(_TABLE.c.id).cte("s")
    chosen = [bindparam(f"e_{name}", type_=_EPISODES.c[name].type) for name in episode]
    return (
        insert(_EPISODES)
        .from_select(["subscriber_id", *episode], select(new.c.id, *chosen))
        .returning(_EPISODES.c.subscriber_id, _EPISODES.c.id)
    )


def insert_returning_id(session: Session, shape: RowShape, values: dict[str, Any]) -> int:
    """INSERT one row of `shape` now, as driver SQL (see Writes), and its new id."""
    session.flush()  # anything pending (a new row) goes first, in order
    conn = session.connection()
    result = _driver_form(shape.with_id, conn.dialect).execute(conn, values)
    return int(result.scalar_one())


# What a column holds when an INSERT names it not (models.py's `default=`).
_DEFAULTS = {
    column.key: column.default.arg  # type: ignore[attr-defined]
    for column in _TABLE.c
    if column.default is not None and column.default.is_scalar
}


# Every column of the table, in order: what SubscriberRow reads.
SUBSCRIBER_COLUMNS = tuple(_TABLE.c)

AnySubscriber: TypeAlias = Subscriber | SubscriberRow


@dataclass(frozen=True)
class RowShape:
    """The shape of one write: an INSERT into `table` of the `names` columns,
    or (`update`) an UPDATE of those columns of the row whose id is `row_id`.
    Its statement is built once per shape; each value is a parameter of its
    column's name."""

    table: Table
    names: tuple[str, ...]
    update: bool = False

    @cached_property
    def statement(self) -> Insert | Update:
        return self.build()

    @cached_property
    def with_id(self) -> Insert | Update:
        """The statement, returning the row's id."""
        return self.statement.returning(self.table.c.id)

    def build(self, prefix: str = "") -> Insert | Update:
        values: dict[str, Any] = {name: bindparam(prefix + name) for name in self.names}
        if self.update:
            where = self.table.c.id == bindparam(prefix + "row_id")
            return update(self.table).where(where).values(values)
        return insert(self.table).values(values)


_EPISODES: Table = Episode.__table__  # type: ignore[assignment]
EPISODE_ROW = RowShape(_EPISODES, ("subscriber_id", "clinician_id", "started_at", "source"))


def insert_of(table: Table, names: tuple[str, ...]) -> RowShape:
    """An INSERT of these columns, every one named, so one compiled statement
    serves every row. A row written this way is not the ORM's, so its caller
    stamps the episode itself (the ORM's stamp, models.py, sees only rows added
    to the session)."""
    return RowShape(table, names)


class Writes:
    """Writes whose results nobody reads, made in the caller's transaction when
    `send` is called, in the order they were added: one statement on
    PostgreSQL (data-modifying WITH clauses, one round trip for all), one after
    another on SQLite (in process: no round trip to save).

    Every row written is independent of the others (no write reads another's
    result), as one PostgreSQL statement requires; a subscriber's fields are
    merged into one UPDATE. Two rows of one table go one after another, in
    order, on PostgreSQL too."""

    def __init__(self) -> None:
        self._writes: list[tuple[RowShape, dict[str, Any]]] = []
        self._fields: dict[int, dict[str, Any]] = {}

    def insert(self, shape: RowShape, params: dict[str, Any]) -> None:
        self._writes.append((shape, params))

    def subscriber(self, sub: AnySubscriber, fields: dict[str, Any]) -> None:
        """SET these fields of `sub`, and put the same values on `sub` now (an
        ORM object takes them as its committed state: nothing left to flush)."""
        if not fields:
            return
        if sub.id in self._fields:
            self._fields[sub.id].update(fields)
        else:
            self._fields[sub.id] = merged = dict(fields)
            self._writes.append((_SUBSCRIBER_UPDATE, {"row_id": sub.id, "fields": merged}))
        if isinstance(sub, SubscriberRow):
            for name, value in fields.items():
                setattr(sub, name, value)
        else:
            for name, value in fields.items():
                set_committed_value(sub, name, value)

    def send(self, session: Session) -> None:
        writes = [_concrete(shape, params) for shape, params in self._writes]
        self._writes.clear()
        self._fields.clear()
        if not writes:
            return
        session.flush()  # anything pending (a new row, an episode) goes first, in order
        conn = session.connection()
        tables = [shape.table for shape, _ in writes]
        # One row a table: in one statement PostgreSQL writes the rows in an
        # order of its own, and rows of one table must keep theirs (ids).
        distinct = len(set(tables)) == len(tables)
        if len(writes) > 1 and distinct and conn.dialect.name == "postgresql":
            shapes = tuple(shape for shape, _ in writes)
            params = {
                f"w{i}_{name}": value
                for i, (_, values) in enumerate(writes)
                for name, value in values.items()
            }
            _driver_form(_together(shapes), conn.dialect).execute(conn, params)
            return
        for shape, values in writes:
            _driver_form(shape.statement, conn.dialect).execute(conn, values)


@dataclass(frozen=True)
class _DriverForm:
    """A statement as its driver takes it, compiled once per dialect: SQL,
    the parameters' order (None: by name), and the conversions each value
    needs (a State to its string, a time to UTC). Executed as driver SQL,
    which skips the statement cache and the compiled statement's per-call
    setup, a large part of a hot write's cost, and keeps the engine's events
    (the watchdog's deadlines, statement logs) and its errors."""

    sql: str
    order: tuple[str, ...] | None
    processors: dict[str, Callable[[Any], Any]]

    def execute(self, conn: Connection, values: dict[str, Any]) -> CursorResult[Any]:
        convert = self.processors
        if self.order is None:
            named = {n: convert[n](v) if n in convert else v for n, v in values.items()}
            return conn.exec_driver_sql(self.sql, named)
        args = tuple(convert[n](values[n]) if n in convert else values[n] for n in self.order)
        return conn.exec_driver_sql(self.sql, args)


@lru_cache(maxsize=512)
def _driver_form(statement: Insert | Update, dialect: Dialect) -> _DriverForm:
    compiled = statement.compile(dialect=dialect)
    processors: dict[str, Callable[[Any], Any]] = {}
    for name, bind in compiled.binds.items():
        processor = bind.type.dialect_impl(dialect).bind_processor(dialect)
        if processor is not None:
            processors[name] = processor
    order = compiled.positiontup
    return _DriverForm(str(compiled), tuple(order) if order else None, processors)


# Stands for "the subscriber's fields, whichever they are" until sent.
_SUBSCRIBER_UPDATE = RowShape(_TABLE, (), update=True)


def _concrete(shape: RowShape, params: dict[str, Any]) -> tuple[RowShape, dict[str, Any]]:
    if shape is not _SUBSCRIBER_UPDATE:
        return shape, params
    fields = params["fields"]
    names = tuple(sorted(fields))
    return _subscriber_update(names), {"row_id": params["row_id"], **fields}


@lru_cache(maxsize=16)
def _subscriber_insert(names: tuple[str, ...]) -> RowShape:
    return RowShape(_TABLE, names)


@lru_cache(maxsize=256)
def _subscriber_update(names: tuple[str, ...]) -> RowShape:
    """One UPDATE shape per field set: a text changes one of a few."""
    return RowShape(_TABLE, names, update=True)


@lru_cache(maxsize=256)
def _together(shapes: tuple[RowShape, ...]) -> Insert | Update:
    """The writes as one PostgreSQL statement: each but the last in a WITH
    clause of its own, their parameters prefixed so that none collide."""
    *first, last = (shape.build(prefix=f"w{i}_") for i, shape in enumerate(shapes))
    return last.add_cte(*(part.cte(f"w{i}") for i, part in enumerate(first)))
