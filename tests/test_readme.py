"""Every `nudges` example in the README runs as shown, in order, on a fresh
database; `# -> text` after a command is text its output must contain."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
from click.testing import CliRunner

from messages import load_library
from messages.export import RECEIVED_NOTE, received_table
from nudges.cli import main

README = Path(__file__).resolve().parent.parent / "README.md"
LONG_RUNNING = {"serve", "scheduler"}


def examples() -> list[tuple[list[str], str | None]]:
    found = []
    for block in re.findall(r"```sh\n(.*?)```", README.read_text("utf-8"), re.S):
        for line in block.splitlines():
            command, _, expected = line.partition("# ->")
            command = command.split(" #")[0].strip()
            if not re.match(r"(?:\.venv/bin/)?nudges ", command):
                continue
            args = shlex.split(command)[1:]
            if args[0] in LONG_RUNNING:
                continue
            found.append((args, expected.strip() or None))
    return found


def test_the_readme_has_runnable_examples() -> None:
    assert len(examples()) >= 5


def test_every_readme_example_runs_as_shown(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    env = {"DATABASE_URL": database_url, "SMS_TRANSPORT": "console", "SECRET_KEY": "readme"}
    runner = CliRunner()
    for args, expected in examples():
        result = runner.invoke(main, args, env=env)
        assert result.exit_code == 0, (args, result.output)
        if expected:
            assert expected in result.output, (args, result.output)


def test_the_programme_table_is_what_the_catalogue_shows() -> None:
    """The README's first weeks and their note come from messages/export.py, which
    tests/scheduler/test_weeks_received.py holds to what the scheduler sends."""
    text = README.read_text("utf-8")
    table = received_table(load_library().track("perfectionism", "en"), 2)
    assert table in text, "README's programme table should read:\n" + table
    assert " ".join(RECEIVED_NOTE.split()) in " ".join(text.split())
