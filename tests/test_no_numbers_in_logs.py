"""A whole scenario with logs captured at DEBUG: no phone number, in any format,
and no message text, reaches a log line or the console.

Join, consent, preferences, nudges through the real Twilio SDK (to the fake),
status callbacks, a failed send, a crisis, a database error inside a request
and inside a scheduler job.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from sqlalchemy import text

from nudges.app import create_app
from nudges.clock import FrozenClock
from nudges.config import Settings, load_settings
from nudges.logs import redact
from nudges.web import get_runtime
from scheduler.runner import _send_job, tick
from tests.conftest import SignedClient
from tests.fakes.fake_twilio import FakeTwilio

ANNA = "+14045550123"
WRITTEN = [
    "+14045550123",
    "14045550123",
    "4045550123",
    "404-555-0123",
    "(404) 555-0123",
    "404.555.0123",
    "555-0123",
    "5550123",
]
SAID = ["I want to die", "TIME 10am", "my kids were sweet at dinner tonight"]


@pytest.mark.parametrize(
    "written", ["+14045550123", "(404) 555-0123", "404-555-0123", "404.555.0123"]
)
def test_the_last_guard_masks_phone_shapes(written: str) -> None:
    assert "555" not in redact(f"to {written} and more")


class RawCapture(logging.Handler):
    """Sees each record before any redacting filter: proves the first lines of
    defence (our code, quiet libraries, hidden SQL parameters), not just the last."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        line = record.getMessage()
        if record.exc_info:
            line += logging.Formatter().formatException(record.exc_info)
        self.lines.append(line)


@pytest.mark.slow  # a whole scenario through the SDK and the fake Twilio (about 3 s)
def test_a_whole_scenario_logs_no_number_and_no_text(
    make_settings: Callable[..., Settings],
    caplog: pytest.LogCaptureFixture,
    capfd: pytest.CaptureFixture[str],
) -> None:
    caplog.set_level(logging.DEBUG)
    clock = FrozenClock(datetime(2026, 11, 23, 20, 0, tzinfo=UTC))
    with FakeTwilio(now=lambda: clock.now().timestamp()) as fake:
        settings = make_settings(
            SMS_TRANSPORT="twilio",
            TWILIO_ACCOUNT_SID=fake.account_sid,
            TWILIO_AUTH_TOKEN=fake.auth_token,
            TWILIO_FROM_NUMBER="+14045550100",
            TWILIO_API_BASE_URL=fake.base_url,
            MAX_SENDS_PER_SECOND="1000",
        )
        app = create_app({"TESTING": True}, settings=settings, clock=clock)
        raw = RawCapture()
        logging.getLogger().handlers.insert(0, raw)
        runtime = get_runtime(app)
        phone = SignedClient(app.test_client(), fake.auth_token)
        for body in ["JOIN", "YES", "TIME 10am", "my kids were sweet at dinner tonight", "HELP"]:
            assert phone.text(ANNA, body).status_code == 200
        phone.text("+13125550188", "JOIN")
        phone.text("+13125550188", "YES")
        phone.text("+13125550188", "TIME 9am")
        fake.queue_errors([(400, 21211)])  # one number turns out to be invalid
        fake.accept_then_fail(1)  # another is accepted but the answer is lost...
        clock.set(datetime(2026, 11, 25, 15, 0, tzinfo=UTC))  # Wednesday 10am Eastern
        tick(runtime)
        clock.advance(minutes=2)
        assert tick(runtime).send.recovered == 1  # ...so the SDK lists messages by number
        nudges = [m["Body"] for m in fake.messages]
        assert nudges, "the scenario must send a nudge"
        for message in fake.messages:
            phone.post(
                "/sms/status?outbox=1",
                {"MessageSid": message["sid"], "MessageStatus": "delivered"},
            )
        assert phone.text(ANNA, "I want to die").status_code == 200
        # A database error inside a request and inside a job: tracebacks hold SQL.
        with runtime.db.session() as session:
            session.execute(text("ALTER TABLE subscriber RENAME TO subscriber_gone"))
        assert phone.text(ANNA, "TIME 10am").status_code == 503
        _send_job(runtime)
        with runtime.db.session() as session:
            session.execute(text("ALTER TABLE subscriber_gone RENAME TO subscriber"))
        runtime.db.dispose()
        logging.getLogger().removeHandler(raw)

    logged = (
        "\n".join(raw.lines)
        + caplog.text
        + "".join(f"{r.getMessage()} {r.exc_text or ''}" for r in caplog.records)
    )
    out, err = capfd.readouterr()
    everything = logged + out + err
    assert "inbound processing failed" in logged  # the errors really were logged
    assert "send job failed" in logged
    for written in WRITTEN + ["3125550188", "312-555-0188"]:
        assert written not in everything, written
    for body in SAID + nudges:
        assert body not in everything, body[:20]


def test_settings_repr_hides_secrets() -> None:
    settings = load_settings(
        {
            "SMS_TRANSPORT": "twilio",
            "TWILIO_ACCOUNT_SID": "AC" + "1" * 32,
            "TWILIO_AUTH_TOKEN": "auth-token-value",
            "TWILIO_FROM_NUMBER": "+14045550100",
            "SECRET_KEY": "secret-key-value",
            "DATABASE_URL": "postgresql://nudges:db-password@127.0.0.1/nudges",
        }
    )
    shown = repr(settings) + str(settings)
    for secret in ("auth-token-value", "secret-key-value", "db-password"):
        assert secret not in shown
