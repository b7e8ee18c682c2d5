"""Our send call against a Prism mock of Twilio's published OpenAPI spec.

Prism runs with `--errors`, so a request that breaks the spec gets a 422
instead of a made-up success: a 201 here means the request we build is one
Twilio's own contract accepts.
"""

from __future__ import annotations

import os
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from nudges.domain.send_errors import ErrorKind
from nudges.sms.transports import OutgoingSms, SendError, TwilioTransport

# Slow tier: starts the Prism mock server (node).
pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
PRISM = ROOT / "node_modules" / ".bin" / "prism"
SPEC = ROOT.parent / "shared" / "twilio-oai" / "twilio_api_v2010.json"
START_TIMEOUT = 90.0


def _missing(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"contract test cannot run under CI: {reason}")
    pytest.skip(reason)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def prism_url() -> Iterator[str]:
    if not PRISM.exists():
        _missing("Prism is not installed: run `npm ci` (make test does)")
    if not SPEC.exists():
        _missing(f"Twilio's OpenAPI spec is not at {SPEC}")
    port = _free_port()
    process = subprocess.Popen(
        [str(PRISM), "mock", "--errors", "-h", "127.0.0.1", "-p", str(port), str(SPEC)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail("Prism did not start listening")
                time.sleep(0.5)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)


def transport(url: str, **kwargs: str) -> TwilioTransport:
    kwargs.setdefault("from_number", "+14045550100")
    return TwilioTransport("AC" + "1" * 32, "token", api_base_url=url, timeout=30, **kwargs)


def test_our_send_call_matches_twilios_contract(prism_url: str) -> None:
    sms = OutgoingSms(
        to="+14045550123",
        body="Good enough is a real standard.",
        status_callback="https://nudges.example.org/sms/status?outbox=1",
        validity_period=3600,
    )
    result = transport(prism_url).send(sms)
    assert result.sid.startswith("SM") and len(result.sid) == 34


def test_the_messaging_service_variant_matches_too(prism_url: str) -> None:
    result = transport(prism_url, from_number="", messaging_service_sid="MG" + "2" * 32).send(
        OutgoingSms(to="+14045550123", body="hi")
    )
    assert result.sid.startswith("SM")


def test_prism_really_checks_requests(prism_url: str) -> None:
    bad = OutgoingSms(to="+14045550123", body="hi", validity_period="soon")  # type: ignore[arg-type]
    with pytest.raises(SendError) as caught:
        transport(prism_url).send(bad)
    assert caught.value.http_status == 422
    assert caught.value.kind is ErrorKind.NO_RETRY
