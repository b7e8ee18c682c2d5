"""The `nudges` command, as a newcomer would use it."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from nudges.cli import main
from nudges.db.migrate import current_revision, downgrade


@pytest.fixture
def env(database_url: str) -> dict[str, str]:
    return {"DATABASE_URL": database_url, "SMS_TRANSPORT": "console", "SECRET_KEY": "k"}


def test_sms_prints_the_reply_a_number_would_get(env: dict[str, str]) -> None:
    runner = CliRunner()
    result = runner.invoke(main, ["sms", "+14045550123", "HELP"], env=env)
    assert result.exit_code == 0, result.output
    assert "988" in result.output


def test_the_conversation_works_through_the_command(env: dict[str, str]) -> None:
    runner = CliRunner()
    joined = runner.invoke(main, ["sms", "+14045550123", "JOIN"], env=env)
    assert "YES" in joined.output
    welcomed = runner.invoke(main, ["sms", "+14045550123", "YES"], env=env)
    assert "988" in welcomed.output
    stopped = runner.invoke(main, ["sms", "+14045550123", "STOP"], env=env)
    assert "988" in stopped.output
    again = runner.invoke(main, ["sms", "+14045550123", "STOP"], env=env)
    assert "(no reply)" in again.output


@pytest.mark.parametrize("written", ["(404) 555-0123", "404-555-0123", "+1 404 555 0123"])
def test_sms_takes_numbers_as_people_write_them(env: dict[str, str], written: str) -> None:
    runner = CliRunner()
    joined = runner.invoke(main, ["sms", written, "JOIN"], env=env)
    assert joined.exit_code == 0, joined.output
    assert "Reply YES" in joined.output
    again = runner.invoke(main, ["sms", "+14045550123", "JOIN"], env=env)
    assert "Reply YES" in again.output  # the same subscriber: still pending


def test_sms_refuses_what_is_not_a_phone_number_in_plain_words(env: dict[str, str]) -> None:
    result = CliRunner().invoke(main, ["sms", "555-0123", "HELP"], env=env)
    assert result.exit_code == 2
    assert "doesn't look like a US phone number" in result.output


def test_a_bad_setting_stops_the_command_naming_it(env: dict[str, str]) -> None:
    result = CliRunner().invoke(
        main, ["sms", "+14045550123", "HELP"], env={**env, "SEND_WINDOW": "late"}
    )
    assert result.exit_code == 2
    assert "SEND_WINDOW" in result.output


@pytest.mark.slow  # every migration from an empty database (about a second)
def test_db_upgrade_creates_a_fresh_sqlite_database(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'sub' / 'fresh.sqlite3'}"
    result = CliRunner().invoke(main, ["db", "upgrade"], env={"DATABASE_URL": url})
    assert result.exit_code == 0, result.output
    assert (tmp_path / "sub" / "fresh.sqlite3").exists()
    head = current_revision(url)
    assert head is not None
    assert result.output.strip() == f"empty database: created every table (revision {head})"
    again = CliRunner().invoke(main, ["db", "upgrade"], env={"DATABASE_URL": url})
    assert again.output.strip() == f"database is already up to date (revision {head})"
    downgrade(url, "-1")
    earlier = current_revision(url)
    assert earlier not in (None, head)
    moved = CliRunner().invoke(main, ["db", "upgrade"], env={"DATABASE_URL": url})
    assert moved.output.strip() == f"database migrated from revision {earlier} to {head}"


def test_every_command_has_help() -> None:
    runner = CliRunner()
    names = list(main.commands)
    assert {"db", "sms", "messages", "tick", "scheduler", "serve"} <= set(names)
    for name in names:
        result = runner.invoke(main, [name, "--help"])
        assert result.exit_code == 0, (name, result.output)


def test_help_and_crisis_answer_at_the_terminal_when_the_database_is_down(
    tmp_path: Path,
) -> None:
    (tmp_path / "db").mkdir()  # a directory where the database file should be
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'db'}", "SECRET_KEY": "k"}
    runner = CliRunner()
    helped = runner.invoke(main, ["sms", "(404) 555-0123", "HELP"], env=env)
    assert helped.exit_code == 0 and "988" in helped.output
    crisis = runner.invoke(main, ["sms", "404-555-0123", "I want to die"], env=env)
    assert crisis.exit_code == 0 and "741741" in crisis.output
    other = runner.invoke(main, ["sms", "404-555-0123", "TIME 10am"], env=env)
    assert other.exit_code == 1 and "database" in other.output
    assert "Traceback" not in other.output


def test_the_default_database_is_the_projects_whatever_the_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from nudges.config import PROJECT_DIR, load_settings

    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("NUDGES_INSTANCE_DIR", raising=False)
    url = load_settings({}).database_url
    assert url.startswith("sqlite:////") and str(tmp_path) not in url
    assert url.endswith("nudges.sqlite3") and str(PROJECT_DIR) in url
