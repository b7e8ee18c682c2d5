"""STOP during a database outage: answered at once, journalled durably, applied
when the database returns, in the order the parent sent their texts."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from nudges.app import create_app
from nudges.clock import FrozenClock
from nudges.config import Settings
from nudges.db.models import Subscriber
from nudges.services.stop_spool import spool_path
from nudges.web import get_runtime
from scheduler.runner import tick
from tests.conftest import ANNA_ATLANTA, SECRET_KEY, SignedClient


@pytest.fixture
def sqlite_app(
    make_settings: Callable[..., Settings], clock: FrozenClock, database_url: str
) -> Iterator[tuple[Any, Path]]:
    if not database_url.startswith("sqlite"):
        pytest.skip("the outage is simulated by moving the SQLite file away")
    app = create_app({"TESTING": True}, settings=make_settings(), clock=clock)
    yield app, Path(database_url.removeprefix("sqlite:///"))
    get_runtime(app).db.dispose()


class Outage:
    """Moves the database file (and its WAL files) away, and back."""

    def __init__(self, app: Any, path: Path) -> None:
        self.app, self.path = app, path

    def _files(self) -> list[Path]:
        return [self.path.with_name(self.path.name + suffix) for suffix in ("", "-wal", "-shm")]

    def __enter__(self) -> None:
        get_runtime(self.app).db.dispose()
        for file in self._files():
            if file.exists():
                os.rename(file, str(file) + ".away")
        self.path.parent.joinpath(self.path.name).mkdir()  # a directory: opening fails

    def __exit__(self, *exc: object) -> None:
        get_runtime(self.app).db.dispose()
        self.path.rmdir()
        for file in self._files():
            away = Path(str(file) + ".away")
            if away.exists():
                os.rename(away, file)


def state(app: Any) -> str | None:
    with get_runtime(app).db.session() as session:
        sub = session.scalar(select(Subscriber).where(Subscriber.phone == ANNA_ATLANTA))
        return sub.state if sub else None


def test_a_stop_in_an_outage_is_confirmed_and_applied_when_the_database_returns(
    sqlite_app: tuple[Any, Path],
) -> None:
    app, path = sqlite_app
    phone = SignedClient(app.test_client(), SECRET_KEY)
    phone.text(ANNA_ATLANTA, "JOIN")
    phone.text(ANNA_ATLANTA, "YES")
    with Outage(app, path):
        response = phone.text(ANNA_ATLANTA, "Stop please")
        assert response.status_code == 200
        assert b"unsubscribed" in response.data and b"988" in response.data
        assert spool_path().exists()
        assert phone.text(ANNA_ATLANTA, "TIME 9am").status_code == 503
    assert state(app) == "active"  # not yet applied
    tick(get_runtime(app))
    assert state(app) == "stopped"
    assert not spool_path().exists()


def test_a_start_after_a_journalled_stop_wins(sqlite_app: tuple[Any, Path]) -> None:
    app, path = sqlite_app
    phone = SignedClient(app.test_client(), SECRET_KEY)
    phone.text(ANNA_ATLANTA, "JOIN")
    phone.text(ANNA_ATLANTA, "YES")
    with Outage(app, path):
        assert b"unsubscribed" in phone.text(ANNA_ATLANTA, "STOP").data
    # The database is back; the parent changes their mind.
    assert b"Welcome back" in phone.text(ANNA_ATLANTA, "START").data
    assert state(app) == "active"
    assert not spool_path().exists()


def test_a_crisis_with_stop_in_an_outage_gets_both_replies(sqlite_app: tuple[Any, Path]) -> None:
    app, path = sqlite_app
    phone = SignedClient(app.test_client(), SECRET_KEY)
    phone.text(ANNA_ATLANTA, "JOIN")
    with Outage(app, path):
        body = phone.text(ANNA_ATLANTA, "STOP. I want to die").data.decode()
    assert "741741" in body and "unsubscribed" in body
    tick(get_runtime(app))
    assert state(app) == "stopped"
