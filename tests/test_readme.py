"""Every `nudges` example in the README runs as shown, in order, on a fresh
database; `# -> text` after a command is text its output must contain."""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

import pytest
from click.testing import CliRunner

from messages import load_library, system_text
from messages.export import RECEIVED_NOTE, received_table
from nudges.cli import main
from nudges.domain.conversation import ANSWER_THANKS

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


def test_replies_to_nudges_sent_by_tick_now_next_are_answers_as_the_readme_says(
    database_url: str,
) -> None:
    """README 4: reply to a nudge after `nudges tick --now next --show`. The nudge
    is stamped with its slot, ahead of the real time `nudges sms` uses; the reply
    answers it all the same (as one would after a clock skew between hosts), and
    so does a check-in answer."""
    env = {"DATABASE_URL": database_url, "SMS_TRANSPORT": "console", "SECRET_KEY": "readme"}
    runner = CliRunner()

    def run(*args: str) -> str:
        result = runner.invoke(main, list(args), env=env)
        assert result.exit_code == 0, (args, result.output)
        return result.output

    for body in ("JOIN", "YES", "TIME 10am"):
        run("sms", "480-555-0142", body)
    thanks = [system_text(key, program="GoodEnough") for key in ANSWER_THANKS]
    replied = checked_in = False
    for _ in range(12):  # the third nudge asks; the check-in comes in week 2
        shown = run("tick", "--now", "next", "--show")
        assert "sent=1" in shown, shown
        if "Reply with one word if you like" in shown:
            assert run("sms", "480-555-0142", "my mom mostly").strip() in thanks
            replied = True
        if "weekly check-in" in shown:
            low = run("sms", "480-555-0142", "2, rough week")
            assert system_text("checkin_low", program="GoodEnough") in low
            assert "we changed your answer to 4" in run("sms", "480-555-0142", "4")
            checked_in = True
        if replied and checked_in:
            break
    assert replied and checked_in
    # Each reply counts for the text it answered, as `nudges messages stats` says.
    stats = {row["id"]: row for row in json.loads(run("messages", "stats", "--json"))}
    assert stats["perf-w1-3"]["replies"] == 1
    assert stats["checkin"]["replies"] == 2  # "2, rough week" and the "4" that changed it
