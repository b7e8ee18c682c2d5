"""The chaos run in its short form (bench/chaos.py has the long one): three
scheduler processes on PostgreSQL, SIGKILLed at random and restarted, a fake
Twilio failing 10% of calls and holding accepted messages in its queue ->
every number gets exactly one text."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

# PostgreSQL only (several killed processes): slow too, by tests/conftest.py.
pytestmark = pytest.mark.postgres

ROOT = Path(__file__).resolve().parents[1]


def test_three_killed_schedulers_send_every_nudge_exactly_once(database_url: str) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("the chaos run needs PostgreSQL (several processes): run .ci/run")
    result = subprocess.run(
        [
            sys.executable,
            "bench/chaos.py",
            "--subscribers",
            "300",
            "--seconds",
            "90",
            "--database",
            database_url,
        ],
        cwd=ROOT,
        env={**os.environ},
        capture_output=True,
        text=True,
        timeout=180,
    )
    report = result.stdout
    assert "numbers with two or more texts: 0; numbers with none: 0" in report, report
    assert "all sent after" in report, report
    assert result.returncode == 0
    kills = int(report.split("kills ")[1].split(",")[0])
    # The chaos really happened: kills are timed from each worker's start-up, so a
    # loaded machine (slow imports) makes fewer of them in the same time.
    assert kills >= 5, report
