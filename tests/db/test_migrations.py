"""`alembic upgrade head` on an empty database gives exactly the models' schema,
and /healthz says so (or says it is not)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from nudges.app import create_app
from nudges.clock import FrozenClock
from nudges.config import load_settings
from nudges.db.migrate import upgrade
from nudges.db.models import Base
from nudges.db.session import make_engine
from nudges.web import get_runtime
from tests.conftest import MONDAY_AFTERNOON, SECRET_KEY


def test_upgrade_head_matches_the_models(database_url: str) -> None:
    engine = make_engine(database_url)
    try:
        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            diff = compare_metadata(context, Base.metadata)
    finally:
        engine.dispose()
    assert diff == []


def test_health_is_ok_on_a_migrated_database(app: Any) -> None:
    response = app.test_client().get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {
        "status": "ok",
        "database": "ok",
        "migrations": "ok",
        "transport": "console",
    }


def _app_on(url: str) -> Any:
    settings = load_settings({"DATABASE_URL": url, "SECRET_KEY": SECRET_KEY})
    return create_app({"TESTING": True}, settings=settings, clock=FrozenClock(MONDAY_AFTERNOON))


def test_health_fails_naming_migrations_on_an_empty_database(tmp_path: Path) -> None:
    app = _app_on(f"sqlite:///{tmp_path / 'empty.sqlite3'}")
    response = app.test_client().get("/healthz")
    get_runtime(app).db.dispose()
    assert response.status_code == 503
    assert "nudges db upgrade" in response.get_json()["migrations"]


def test_health_fails_on_a_database_one_migration_behind(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'behind.sqlite3'}"
    upgrade(url, "0002")
    app = _app_on(url)
    response = app.test_client().get("/healthz")
    get_runtime(app).db.dispose()
    assert response.status_code == 503
    assert "at 0002" in response.get_json()["migrations"]


def test_health_reports_the_scheduler_in_this_process(app: Any, clock: FrozenClock) -> None:
    from nudges.web import get_runtime
    from scheduler.runner import tick

    runtime = get_runtime(app)
    runtime.scheduler_in_process = True
    client = app.test_client()
    starting = client.get("/healthz")
    assert starting.status_code == 200
    assert starting.get_json()["scheduler"]["detail"] == "starting"
    clock.advance(minutes=5)  # no tick for five minutes: something is wrong
    stalled = client.get("/healthz")
    assert stalled.status_code == 503
    assert "no successful tick" in stalled.get_json()["scheduler_problem"]
    tick(runtime)
    ticked = client.get("/healthz")
    assert ticked.status_code == 200
    assert ticked.get_json()["scheduler"]["last_tick"] == clock.now().isoformat()
