import logging
from datetime import time
from pathlib import Path

import pytest

from nudges import create_app
from nudges.config import ConfigError, load_settings

GOOD_TWILIO = {
    "SMS_TRANSPORT": "twilio",
    "TWILIO_ACCOUNT_SID": "AC" + "0" * 32,
    "TWILIO_AUTH_TOKEN": "token",
    "TWILIO_FROM_NUMBER": "+14045550100",
    "SECRET_KEY": "k",
}


def test_defaults_run_on_the_console_transport_with_sqlite() -> None:
    settings = load_settings({})
    assert settings.sms_transport == "console"
    assert settings.database_url.startswith("sqlite:///")
    assert settings.send_window[0].hour == 9


def test_twilio_credentials_select_the_twilio_transport() -> None:
    env = dict(GOOD_TWILIO)
    del env["SMS_TRANSPORT"]
    assert load_settings(env).sms_transport == "twilio"


def test_plain_postgresql_urls_use_psycopg3() -> None:
    settings = load_settings({"DATABASE_URL": "postgresql://postgres@127.0.0.1/test"})
    assert settings.database_url.startswith("postgresql+psycopg://")


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"SEND_WINDOW": "9-5"}, "SEND_WINDOW"),
        ({"PROGRAM_NAME": "Good\u2019Enough"}, "PROGRAM_NAME"),
        ({"SUPPORT_CONTACT": "help\u2014me@example.org"}, "SUPPORT_CONTACT"),
        ({"PROGRAM_NAME": "\u20ac" * 11}, "PROGRAM_NAME"),
        ({"LOG_FORMAT": "xml"}, "LOG_FORMAT"),
        ({"DEFAULT_TIMEZONE": "Europe/London"}, "DEFAULT_TIMEZONE"),
        ({"SEND_WINDOW": "20:00-09:00"}, "SEND_WINDOW"),
        ({"SEND_WINDOW": "00:00-23:59"}, "SEND_WINDOW"),  # quiet hours
        ({"SEND_WINDOW": "07:30-20:00"}, "SEND_WINDOW"),
        ({"SEND_WINDOW": "09:00-21:30"}, "SEND_WINDOW"),
        ({"SEND_WINDOW": "09:00-09:10"}, "SEND_WINDOW"),  # too short to hold a time
        ({"DEFAULT_TIMEZONE": "Mars/Olympus"}, "DEFAULT_TIMEZONE"),
        ({"MAX_SENDS_PER_SECOND": "fast"}, "MAX_SENDS_PER_SECOND"),
        ({"MAX_SENDS_PER_SECOND": "0"}, "MAX_SENDS_PER_SECOND"),
        ({"SMS_TRANSPORT": "pigeon"}, "SMS_TRANSPORT"),
        ({"DATABASE_URL": "mysql://x"}, "DATABASE_URL"),
        ({"PUBLIC_BASE_URL": "nudges.example"}, "PUBLIC_BASE_URL"),
        ({"PROGRAM_NAME": "x" * 30}, "PROGRAM_NAME"),
        ({**GOOD_TWILIO, "TWILIO_ACCOUNT_SID": "nope"}, "TWILIO_ACCOUNT_SID"),
        ({**GOOD_TWILIO, "TWILIO_AUTH_TOKEN": ""}, "TWILIO_AUTH_TOKEN"),
        ({**GOOD_TWILIO, "TWILIO_FROM_NUMBER": ""}, "TWILIO_FROM_NUMBER"),
        ({**GOOD_TWILIO, "TWILIO_FROM_NUMBER": "404-555-0100"}, "TWILIO_FROM_NUMBER"),
        ({**GOOD_TWILIO, "SECRET_KEY": ""}, "SECRET_KEY"),
        ({**GOOD_TWILIO, "SECRET_KEY": "dev-only-not-secret"}, "SECRET_KEY"),
        ({"TWILIO_API_BASE_URL": "localhost:4010"}, "TWILIO_API_BASE_URL"),
        ({"MESSAGE_RETENTION_DAYS": "-1"}, "MESSAGE_RETENTION_DAYS"),
    ],
)
def test_a_bad_setting_stops_start_up_naming_it(env: dict[str, str], named: str) -> None:
    with pytest.raises(ConfigError, match=named):
        load_settings(env)


def test_a_send_window_up_to_the_federal_quiet_hours_is_accepted() -> None:
    settings = load_settings({"SEND_WINDOW": "08:00-21:00"})
    assert settings.send_window == (time(8, 0), time(21, 0))


def test_a_short_secret_key_with_twilio_is_warned_about_at_start(
    caplog: pytest.LogCaptureFixture, tmp_path: Path
) -> None:
    database = {"DATABASE_URL": f"sqlite:///{tmp_path / 'n.sqlite3'}"}
    with caplog.at_level(logging.WARNING, logger="nudges.app"):
        create_app(settings=load_settings({**GOOD_TWILIO, **database}))
    assert any("SECRET_KEY is shorter" in r.getMessage() for r in caplog.records)
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="nudges.app"):
        create_app(settings=load_settings({**GOOD_TWILIO, **database, "SECRET_KEY": "x" * 32}))
        create_app(settings=load_settings({**database, "SECRET_KEY": "k"}))  # console: a dev key
    assert not any("SECRET_KEY" in r.getMessage() for r in caplog.records)


@pytest.mark.parametrize(
    ("written", "zone"),
    [
        ("Eastern", "America/New_York"),
        ("pacific", "America/Los_Angeles"),
        ("CT", "America/Chicago"),
    ],
)
def test_a_default_timezone_may_be_named_as_a_parent_would(written: str, zone: str) -> None:
    assert load_settings({"DEFAULT_TIMEZONE": written}).default_timezone == zone
