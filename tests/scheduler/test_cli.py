"""The scheduler's commands."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from click.testing import CliRunner

from nudges.cli import main
from server.cli import starts_scheduler_here


@pytest.mark.parametrize(
    ("debug", "environ", "starts"),
    [
        (False, {}, True),  # plain serve: one process, one scheduler
        (True, {}, False),  # the reloader's watching parent
        (True, {"WERKZEUG_RUN_MAIN": "true"}, True),  # the reloader's serving child
    ],
)
def test_the_scheduler_starts_once_even_under_the_reloader(
    debug: bool, environ: dict[str, str], starts: bool
) -> None:
    assert starts_scheduler_here(debug, environ) is starts


def test_tick_prints_what_it_did(database_url: str) -> None:
    env = {"DATABASE_URL": database_url, "SMS_TRANSPORT": "console", "SECRET_KEY": "k"}
    runner = CliRunner()
    for body in ("JOIN", "YES", "TIME 10am"):
        runner.invoke(main, ["sms", "+16025550111", body], env=env)
    # `sms` uses the real clock, so whether this tick sends depends on today's date:
    # here only the command's contract (exit 0, a summary) is checked; sending is
    # covered with a frozen clock in test_sending.py.
    result = runner.invoke(main, ["tick", "--now", "2030-01-07T10:00-07:00"], env=env)
    assert result.exit_code == 0, result.output
    assert "queued=" in result.output and "sent=" in result.output
    # The pretend time is the whole database's: said, on stderr, every time.
    assert "acting on the whole database as if it were 2030-01-07 17:00 UTC" in result.stderr


def test_a_simulated_tick_leaves_the_live_health_report_alone(database_url: str, app: Any) -> None:
    # `--now` runs one pass as if at another time; what /healthz reports is the
    # service as it is now. A capacity check or a scheduler heartbeat stamped
    # with a simulated future would show a check that has not happened, and
    # would hide a stalled scheduler until that future came.
    env = {"DATABASE_URL": database_url, "SMS_TRANSPORT": "console", "SECRET_KEY": "k"}
    runner = CliRunner()
    for body in ("JOIN", "YES", "TIME 10am"):
        runner.invoke(main, ["sms", "+16025550111", body], env=env)
    before = datetime.now(UTC)
    assert runner.invoke(main, ["tick"], env=env).exit_code == 0  # a real pass records both
    live = app.test_client().get("/healthz").get_json()
    checked, ticked = live["capacity"]["checked_at"], live["scheduler"]["last_tick"]
    assert before <= datetime.fromisoformat(checked) <= datetime.now(UTC)
    for when in ("2030-01-07T10:00-07:00", "next"):
        result = runner.invoke(main, ["tick", "--now", when], env=env)
        assert result.exit_code == 0, result.output
    after = app.test_client().get("/healthz").get_json()
    assert after["capacity"]["checked_at"] == checked
    assert after["scheduler"]["last_tick"] == ticked


def test_tick_refuses_a_time_without_an_offset(database_url: str) -> None:
    result = CliRunner().invoke(
        main, ["tick", "--now", "2026-11-23T10:00"], env={"DATABASE_URL": database_url}
    )
    assert result.exit_code == 2
    assert "offset" in result.output


def test_tick_exits_non_zero_when_the_database_is_missing(tmp_path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "db").mkdir()
    result = CliRunner().invoke(
        main, ["tick"], env={"DATABASE_URL": f"sqlite:///{tmp_path / 'db'}"}
    )
    assert result.exit_code == 1
    assert "tick failed: the database cannot be reached" in result.output
    assert "check DATABASE_URL" in result.output


def test_tick_on_an_unmigrated_database_says_to_migrate(tmp_path) -> None:  # type: ignore[no-untyped-def]
    result = CliRunner().invoke(
        main, ["tick"], env={"DATABASE_URL": f"sqlite:///{tmp_path / 'new.sqlite3'}"}
    )
    assert result.exit_code == 1
    assert "migrations are not applied" in result.output
    assert "run nudges db upgrade" in result.output
    assert "Traceback" not in result.output
