"""Row locks shared by every scheduler process."""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy import Select

SelectT = TypeVar("SelectT", bound=Select[Any])


def skip_locked(query: SelectT, dialect: str) -> SelectT:
    """Rows another scheduler has locked are passed over, not waited for
    (`FOR UPDATE SKIP LOCKED` on PostgreSQL), so several schedulers share the
    work. SQLite has no row locks (one writer at a time): the query as it is."""
    return query.with_for_update(skip_locked=True) if dialect == "postgresql" else query
