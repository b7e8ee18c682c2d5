"""The phone simulator in a real browser (Debian's chromium through Playwright)."""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from werkzeug.serving import make_server

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
    assert len(bubbles) == 3
    assert "YES" in bubbles[0]
    assert "988" in bubbles[1] and "988" in bubbles[2]
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
