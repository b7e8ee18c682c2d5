"""Shared fixtures: a real, migrated database per test, settings, a frozen clock,
the app, and a Twilio-signed test client.

The database is SQLite by default. With TEST_DATABASE_URL pointing at PostgreSQL
(as `.ci/run` does) every database test runs there instead; if it is unreachable,
tests skip with the reason, except under CI, where they fail.
"""

from __future__ import annotations

import functools
import os
import shutil
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import werkzeug.security
from sqlalchemy import text
from twilio.request_validator import RequestValidator

from nudges import config
from nudges.clock import FrozenClock
from nudges.config import Settings, load_settings
from nudges.db.migrate import upgrade
from nudges.db.models import Base
from nudges.db.session import make_engine
from nudges.runtime import Runtime
from nudges.services import clinicians
from scheduler import sender
from scheduler.throttle import SharedThrottle

PUBLIC_BASE_URL = "https://nudges.example.org"
SECRET_KEY = "test-secret-key"
# Monday 23 November 2026, 15:00 in New York.
MONDAY_AFTERNOON = datetime(2026, 11, 23, 20, 0, tzinfo=UTC)

# Personas: numbers whose area codes sit in one zone each.
ANNA_ATLANTA = "+14045550123"  # 404: Eastern
CARLOS_CHICAGO = "+13125550188"  # 312: Central
PAT_PORTLAND = "+15035550142"  # 503: Pacific
HANA_HONOLULU = "+18085550199"  # 808: Hawaii


@pytest.hookimpl(tryfirst=True)  # before `-m` deselects by mark
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """PostgreSQL-only tests wait out stalls and deadlines, browser tests drive
    chromium: both are in the slow tier (`pytest -m "not slow"` is the quick one)."""
    for item in items:
        if item.get_closest_marker("postgres") or item.get_closest_marker("browser"):
            item.add_marker(pytest.mark.slow)


class _UnpacedThrottle(SharedThrottle):
    """The real shared throttle (reservations, slots, the send_pace row), minus the
    sleep before each slot."""

    def __init__(self, runtime: Runtime, per_second: float, **kwargs: Any) -> None:
        kwargs.setdefault("sleep", lambda seconds: None)
        super().__init__(runtime, per_second, **kwargs)


@pytest.fixture(autouse=True)
def _unpaced_sends(monkeypatch: pytest.MonkeyPatch) -> None:
    """Sends in a test are not spaced out in real time.

    A pass reserves about 0.1 s of slots at 1,000 sends a second and leaves the
    rest unused, so back-to-back ticks (a frozen clock walking weeks of slots)
    each slept out the last one's reservation: 48 s of the quick tier's 150. No
    test reads the real time between sends; the pacing itself is tested with
    fake host clocks (tests/scheduler/test_shared_throttle.py), and a test that
    means to wait passes its own `throttle=` to send_queued."""
    monkeypatch.setattr(sender, "SharedThrottle", _UnpacedThrottle)


@functools.cache
def _password_hash(password: str) -> str:
    return str(werkzeug.security.generate_password_hash(password))


@functools.cache
def _password_matches(pwhash: str, password: str) -> bool:
    return bool(werkzeug.security.check_password_hash(pwhash, password))


@pytest.fixture(autouse=True)
def _password_hashes_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each password is hashed with real scrypt once a session, and each check of
    a password against a hash made once.

    scrypt is slow on purpose (about 90 ms a call here): tests made ~80 clinicians
    with a handful of passwords and logged them in ~50 times, 11 s of the quick
    tier. The hashes are real and a wrong password is checked for real; only a
    repeat of the same work is skipped (two accounts with one password share a
    salt, which no test reads)."""
    monkeypatch.setattr(clinicians, "generate_password_hash", _password_hash)
    monkeypatch.setattr(clinicians, "check_password_hash", _password_matches)


@pytest.fixture(autouse=True)
def _own_stop_journal(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test journals opt-outs (during simulated outages) in its own file."""
    monkeypatch.setenv("NUDGES_STOP_SPOOL", str(tmp_path / "pending_stops.jsonl"))
    # Settings built from an explicit env (no NUDGES_STOP_SPOOL) use the same file.
    monkeypatch.setattr(config, "DEFAULT_SAFETY_JOURNAL", tmp_path / "pending_stops.jsonl")
    monkeypatch.setattr(config, "LEGACY_SAFETY_JOURNAL", None)


def journal_path() -> Path:
    """This test's safety journal (set by `_own_stop_journal`)."""
    return Path(os.environ["NUDGES_STOP_SPOOL"])


def _postgres_url() -> str | None:
    url = os.environ.get("TEST_DATABASE_URL", "")
    return url if url.startswith("postgresql") else None


def _unreachable(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"PostgreSQL is required under CI: {reason}")
    pytest.skip(f"PostgreSQL not reachable ({reason}); set TEST_DATABASE_URL to a live server")


@pytest.fixture(scope="session")
def _migrated_template(tmp_path_factory: pytest.TempPathFactory) -> str:
    """Run the real Alembic migrations once; tests start from a copy or a truncate."""
    pg = _postgres_url()
    if pg:
        url = pg.replace("postgresql://", "postgresql+psycopg://", 1)
        engine = make_engine(url)
        try:
            with engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE"))
                conn.execute(text("CREATE SCHEMA public"))
        except Exception as exc:  # noqa: BLE001 - any failure means "not reachable"
            engine.dispose()
            _unreachable(type(exc).__name__)
        engine.dispose()
        upgrade(url)
        return url
    path = tmp_path_factory.mktemp("db") / "template.sqlite3"
    upgrade(f"sqlite:///{path}")
    return str(path)


@pytest.fixture
def database_url(_migrated_template: str, tmp_path: Path) -> Iterator[str]:
    """A migrated, empty database for this test."""
    if _migrated_template.startswith("postgresql"):
        engine = make_engine(_migrated_template)
        tables = ", ".join(t.name for t in Base.metadata.sorted_tables)
        with engine.begin() as conn:
            conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        engine.dispose()
        yield _migrated_template
        return
    path = tmp_path / "nudges.sqlite3"
    shutil.copy(_migrated_template, path)
    yield f"sqlite:///{path}"


@pytest.fixture
def make_settings(database_url: str) -> Callable[..., Settings]:
    def make(**overrides: str) -> Settings:
        env = {
            "DATABASE_URL": database_url,
            "SECRET_KEY": SECRET_KEY,
            "PUBLIC_BASE_URL": PUBLIC_BASE_URL,
            "SMS_TRANSPORT": "console",
            "PROGRAM_NAME": "GoodEnough",
            "SUPPORT_CONTACT": "help@goodenough.example",
        }
        env.update(overrides)
        return load_settings(env)

    return make


@pytest.fixture
def settings(make_settings: Callable[..., Settings]) -> Settings:
    return make_settings()


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(MONDAY_AFTERNOON)


@pytest.fixture
def app(settings: Settings, clock: FrozenClock) -> Iterator[Any]:
    from nudges.app import create_app
    from nudges.web import get_runtime

    application = create_app({"TESTING": True}, settings=settings, clock=clock)
    yield application
    get_runtime(application).db.dispose()


def sign(token: str, url: str, params: dict[str, str]) -> str:
    return str(RequestValidator(token).compute_signature(url, params))


class SignedClient:
    """Posts form data signed the way Twilio signs it."""

    def __init__(self, client: Any, token: str, base_url: str = PUBLIC_BASE_URL) -> None:
        self.client = client
        self.token = token
        self.base_url = base_url
        self._sid = 0

    def post(self, path: str, data: dict[str, str], *, signature: str | None = None) -> Any:
        url = self.base_url + path
        sig = sign(self.token, url, data) if signature is None else signature
        return self.client.post(path, data=data, headers={"X-Twilio-Signature": sig})

    def next_sid(self) -> str:
        self._sid += 1
        return f"SM{self._sid:032x}"

    def text(self, phone: str, body: str, sid: str | None = None, **extra: str) -> Any:
        data = {"From": phone, "To": "+14045550100", "Body": body}
        data["MessageSid"] = sid or self.next_sid()
        data.update(extra)
        return self.post("/sms/inbound", data)


@pytest.fixture
def twilio(app: Any, settings: Settings) -> SignedClient:
    return SignedClient(app.test_client(), settings.twilio_auth_token or settings.secret_key)


class DatabaseOutage:
    """Takes the test database away and brings it back, on either engine.

    SQLite: the file (and its WAL) is moved aside and a directory put in its
    place, so every open fails. PostgreSQL: the service reaches the server
    through a loopback proxy that drops every connection while cut, which is
    what a stopped server looks like from the service."""

    def __init__(self, settings: Settings, start: Callable[[], None], end: Callable[[], None]):
        self.settings = settings
        self._start, self._end = start, end
        self._engines: list[Any] = []

    def watch(self, runtime: Any) -> None:
        """Pools to empty at each edge, as a restarted server would leave them."""
        self._engines.append(runtime.db)

    def __enter__(self) -> DatabaseOutage:
        for db in self._engines:
            db.dispose()
        self._start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._end()
        for db in self._engines:
            db.dispose()


@pytest.fixture
def outage(make_settings: Callable[..., Settings], database_url: str) -> Iterator[DatabaseOutage]:
    if database_url.startswith("sqlite"):
        path = Path(database_url.removeprefix("sqlite:///"))
        files = [path.with_name(path.name + suffix) for suffix in ("", "-wal", "-shm")]

        def start() -> None:
            for file in files:
                if file.exists():
                    os.rename(file, str(file) + ".away")
            path.mkdir()  # a directory where the file was: opening fails

        def end() -> None:
            path.rmdir()
            for file in files:
                away = Path(str(file) + ".away")
                if away.exists():
                    os.rename(away, file)

        yield DatabaseOutage(make_settings(), start, end)
        return
    from sqlalchemy.engine import make_url

    from tests.fakes.tcp_proxy import TcpProxy

    url = make_url(database_url)
    proxy = TcpProxy(url.host or "127.0.0.1", url.port or 5432)
    through = url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
    try:
        yield DatabaseOutage(make_settings(DATABASE_URL=through), proxy.cut, proxy.restore)
    finally:
        proxy.close()


@pytest.fixture
def proxied(
    make_settings: Callable[..., Settings], database_url: str
) -> Iterator[tuple[Settings, Any]]:
    """Settings that reach PostgreSQL through a loopback proxy the test can cut,
    stall and restore (tests/fakes/tcp_proxy.py). PostgreSQL only: a stall is a
    network connection that stops answering, which a SQLite file cannot do."""
    if not database_url.startswith("postgresql"):
        pytest.skip("needs PostgreSQL (set TEST_DATABASE_URL): SQLite has no connection to stall")
    from sqlalchemy.engine import make_url

    from tests.fakes.tcp_proxy import TcpProxy

    url = make_url(database_url)
    proxy = TcpProxy(url.host or "127.0.0.1", url.port or 5432)
    through = url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
    try:
        yield make_settings(DATABASE_URL=through), proxy
    finally:
        proxy.close()
