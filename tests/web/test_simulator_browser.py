"""The phone simulator in a real browser (Debian's chromium through Playwright)."""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from werkzeug.serving import make_server

# Drives chromium (slow too, by tests/conftest.py).
pytestmark = pytest.mark.browser

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


@pytest.fixture
def live_url(app: Any) -> Iterator[str]:
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


@pytest.fixture
def page() -> Iterator[Any]:
    if not os.path.exists(CHROMIUM):
        if os.environ.get("CI"):
            pytest.fail("chromium is required under CI (make test installs it as root)")
        pytest.skip("chromium not installed: apt-get install chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-background-networking",
            ],
        )
        yield browser.new_page()
        browser.close()


def send(page: Any, text: str) -> None:
    page.fill("textarea[name=body]", text)
    page.click("button[type=submit]")
    page.wait_for_load_state()


def test_a_parent_joins_and_asks_for_help_on_the_simulator(page: Any, live_url: str) -> None:
    page.goto(live_url + "/dev/phone")
    page.fill("input[name=phone]", "+14045550123")
    send(page, "JOIN")
    send(page, "YES")
    send(page, "HELP")
    bubbles = page.locator("[data-who=service]").all_inner_texts()
    bubbles = [b.rsplit("\n", 1)[0] for b in bubbles]  # the last line is the time
    assert len(bubbles) == 4  # YES brings the welcome and the focus choice
    assert "YES" in bubbles[0]
    assert "988" in bubbles[1] and "Reply 1" in bubbles[2] and "988" in bubbles[3]
    mine = page.locator("[data-who=you]").all_inner_texts()
    assert [m.split("\n")[0] for m in mine] == ["JOIN", "YES", "HELP"]


def test_a_bad_number_shows_an_error_on_the_simulator(page: Any, live_url: str) -> None:
    page.goto(live_url + "/dev/phone")
    page.fill("input[name=phone]", "555-0123")
    send(page, "HELP me please")
    assert "doesn't look like a US phone number" in page.locator("[role=alert]").inner_text()
    # What was typed is kept, so nothing is lost.
    assert page.input_value("textarea[name=body]") == "HELP me please"
    assert page.input_value("input[name=phone]") == "555-0123"


def test_the_thread_survives_long_messages_and_shows_nudges_from_a_tick(
    page: Any, live_url: str, app: Any, clock: Any
) -> None:
    """The thread is kept server-side: ten long texts used to overflow the session
    cookie and silently drop replies. Nudges sent by a tick show up with their time."""
    from datetime import UTC, datetime

    from nudges.web import get_runtime
    from scheduler.runner import tick

    page.goto(live_url + "/dev/phone")
    page.fill("input[name=phone]", "(404) 555-0123")
    send(page, "JOIN")
    send(page, "YES")
    send(page, "TIME 10am")
    for n in range(8):
        send(page, f"thinking out loud {n}: " + "so much laundry and so little sleep " * 25)
    assert page.locator("[data-who=you]").count() == 11
    assert page.locator("[data-who=service]").count() == 12
    clock.set(datetime(2026, 11, 25, 15, 0, tzinfo=UTC))  # Wednesday 10am in Atlanta
    assert tick(get_runtime(app)).send.sent == 1
    page.goto(live_url + "/dev/phone")
    nudge = page.locator("[data-who=nudge]")
    assert nudge.count() == 1
    assert "Nudge" in nudge.inner_text() and "Wed 15:00 UTC" in nudge.inner_text()


def test_help_still_answers_on_the_simulator_when_the_database_is_down(
    page: Any, tmp_path: Any
) -> None:
    from nudges.app import create_app
    from nudges.config import load_settings

    (tmp_path / "db").mkdir()  # a directory where the database file should be
    settings = load_settings({"DATABASE_URL": f"sqlite:///{tmp_path / 'db'}", "SECRET_KEY": "k"})
    app = create_app({"TESTING": True}, settings=settings)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        page.goto(f"http://127.0.0.1:{server.server_port}/dev/phone")
        send(page, "HELP")
        assert "988" in page.locator("[data-who=service]").inner_text()
        send(page, "I can't go on")
        assert "741741" in page.locator("[data-who=service]").last.inner_text()
        send(page, "TIME 10am")
        assert "database" in page.locator("[role=alert]").inner_text()
        assert page.input_value("textarea[name=body]") == "TIME 10am"
    finally:
        server.shutdown()
        server.server_close()
