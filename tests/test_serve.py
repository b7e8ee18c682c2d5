"""`nudges serve` without PUBLIC_BASE_URL: the URL it serves is the public one."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from server.cli import _default_public_url


@pytest.fixture
def no_public_url(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    # Set, then removed: the fixture restores the variable as it was (absent or
    # not), so what the command sets does not leak into later tests.
    monkeypatch.setenv("PUBLIC_BASE_URL", "unset")
    monkeypatch.delenv("PUBLIC_BASE_URL")
    monkeypatch.chdir(tmp_path)  # no .env here unless the test writes one
    return tmp_path


def test_the_port_served_is_the_public_url_when_none_is_set(no_public_url: Path) -> None:
    _default_public_url("127.0.0.1", 5066)
    assert os.environ["PUBLIC_BASE_URL"] == "http://127.0.0.1:5066"


def test_every_interface_is_reached_at_the_loopback_address(no_public_url: Path) -> None:
    _default_public_url("0.0.0.0", 8080)
    assert os.environ["PUBLIC_BASE_URL"] == "http://127.0.0.1:8080"


def test_a_public_url_in_the_environment_or_dotenv_wins(
    no_public_url: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (no_public_url / ".env").write_text("PUBLIC_BASE_URL=https://nudges.example\n")
    _default_public_url("127.0.0.1", 5066)
    assert os.environ["PUBLIC_BASE_URL"] == "https://nudges.example"
    monkeypatch.setenv("PUBLIC_BASE_URL", "https://other.example")
    _default_public_url("127.0.0.1", 5066)
    assert os.environ["PUBLIC_BASE_URL"] == "https://other.example"
