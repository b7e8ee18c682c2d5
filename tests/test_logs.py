"""Structured logs with a request id; numbers never in them (see also
tests/test_no_numbers_in_logs.py)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any

import pytest

# Slow tier: runs Python subprocesses.
pytestmark = pytest.mark.slow

SCRIPT = """
import logging
from nudges.logs import configure_logging
configure_logging()
logging.getLogger("nudges.test").warning("texted +14045550123 about a nudge")
"""


def test_json_logs_are_one_object_a_line_with_a_request_id_and_no_number() -> None:
    env = {**os.environ, "LOG_FORMAT": "json"}
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT], env=env, capture_output=True, text=True, timeout=60
    )
    [line] = [line for line in result.stderr.splitlines() if line.startswith("{")]
    record = json.loads(line)
    assert record["level"] == "WARNING" and record["logger"] == "nudges.test"
    assert record["request_id"] == "-"
    assert "+14045550123" not in line and "[phone]" in record["message"]


TRACEBACK_SCRIPT = """
import logging
from nudges.logs import configure_logging
configure_logging()
try:
    raise ValueError("DETAIL:  Key (phone)=(+16145553008) already exists.")
except ValueError:
    logging.getLogger("nudges.test").exception("inbound processing failed")
    logging.getLogger("nudges.test").error("again", exc_info=True, stack_info=True)
"""


@pytest.mark.parametrize("log_format", ["json", "text"])
def test_a_traceback_carries_no_number_in_either_format(log_format: str) -> None:
    """A database error names the duplicate key (PostgreSQL's DETAIL), and the
    JSON formatter writes the traceback itself: masked there too."""
    env = {**os.environ, "LOG_FORMAT": log_format}
    result = subprocess.run(
        [sys.executable, "-c", TRACEBACK_SCRIPT],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "ValueError" in result.stderr and "[phone]" in result.stderr
    assert "6145553008" not in result.stderr


def test_each_request_gets_an_id_echoed_in_the_response(app: Any) -> None:
    client = app.test_client()
    mine = client.get("/healthz", headers={"X-Request-Id": "edge-42"})
    assert mine.headers["X-Request-Id"] == "edge-42"
    made = client.get("/healthz", headers={"X-Request-Id": "bad id; <script>"})
    assert len(made.headers["X-Request-Id"]) == 32
    assert made.headers["X-Request-Id"] != client.get("/healthz").headers["X-Request-Id"]
