"""STOP during a database outage: answered at once, journalled durably, applied
when the database returns, in the order the parent sent their texts."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import select

from nudges.app import create_app
from nudges.clock import FrozenClock
from nudges.db.models import Subscriber
from nudges.web import get_runtime
from scheduler.runner import tick
from tests.conftest import ANNA_ATLANTA, SECRET_KEY, DatabaseOutage, SignedClient, journal_path


@pytest.fixture
def outage_app(outage: DatabaseOutage, clock: FrozenClock) -> Iterator[tuple[Any, DatabaseOutage]]:
    app = create_app({"TESTING": True}, settings=outage.settings, clock=clock)
    outage.watch(get_runtime(app))
    yield app, outage
    get_runtime(app).db.dispose()


def state(app: Any) -> str | None:
    with get_runtime(app).db.session() as session:
        sub = session.scalar(select(Subscriber).where(Subscriber.phone == ANNA_ATLANTA))
        return sub.state if sub else None


def test_a_stop_in_an_outage_is_confirmed_and_applied_when_the_database_returns(
    outage_app: tuple[Any, DatabaseOutage],
) -> None:
    app, outage = outage_app
    phone = SignedClient(app.test_client(), SECRET_KEY)
    phone.text(ANNA_ATLANTA, "JOIN")
    phone.text(ANNA_ATLANTA, "YES")
    with outage:
        response = phone.text(ANNA_ATLANTA, "Stop please")
        assert response.status_code == 200
        assert b"unsubscribed" in response.data and b"988" in response.data
        assert journal_path().exists()
        assert phone.text(ANNA_ATLANTA, "TIME 9am").status_code == 503
    assert state(app) == "active"  # not yet applied
    tick(get_runtime(app))
    assert state(app) == "stopped"
    assert not journal_path().exists()


def test_a_start_after_a_journalled_stop_wins(outage_app: tuple[Any, DatabaseOutage]) -> None:
    app, outage = outage_app
    phone = SignedClient(app.test_client(), SECRET_KEY)
    phone.text(ANNA_ATLANTA, "JOIN")
    phone.text(ANNA_ATLANTA, "YES")
    with outage:
        assert b"unsubscribed" in phone.text(ANNA_ATLANTA, "STOP").data
    # The database is back; the parent changes their mind.
    assert b"Welcome back" in phone.text(ANNA_ATLANTA, "START").data
    assert state(app) == "active"
    assert not journal_path().exists()


def test_a_crisis_with_stop_in_an_outage_gets_both_replies(
    outage_app: tuple[Any, DatabaseOutage],
) -> None:
    app, outage = outage_app
    phone = SignedClient(app.test_client(), SECRET_KEY)
    phone.text(ANNA_ATLANTA, "JOIN")
    with outage:
        body = phone.text(ANNA_ATLANTA, "STOP. I want to die").data.decode()
    assert "741741" in body and "unsubscribed" in body
    tick(get_runtime(app))
    assert state(app) == "stopped"
