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


def test_each_request_gets_an_id_echoed_in_the_response(app: Any) -> None:
    client = app.test_client()
    mine = client.get("/healthz", headers={"X-Request-Id": "edge-42"})
    assert mine.headers["X-Request-Id"] == "edge-42"
    made = client.get("/healthz", headers={"X-Request-Id": "bad id; <script>"})
    assert len(made.headers["X-Request-Id"]) == 32
    assert made.headers["X-Request-Id"] != client.get("/healthz").headers["X-Request-Id"]
