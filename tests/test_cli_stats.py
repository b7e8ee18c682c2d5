"""`nudges messages stats [--json]` after a scripted scenario: each inbound text
and each opt-out counts for the nudge sent to that number in the 48 hours before."""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from nudges.cli import main
from nudges.clock import FrozenClock
from nudges.config import Settings
from nudges.db.models import InboundMessage, Outbox
from nudges.runtime import Runtime, build_runtime
from nudges.services.inbound import InboundSms, handle_inbound
from nudges.services.subscriptions import next_due
from nudges.sms.transports import ConsoleTransport
from scheduler.dispatch import pick_text
from scheduler.runner import tick
from tests.conftest import ANNA_ATLANTA, CARLOS_CHICAGO, PAT_PORTLAND


@pytest.fixture
def runtime(settings: Settings, clock: FrozenClock) -> Iterator[Runtime]:
    built = build_runtime(settings, clock=clock, transport=ConsoleTransport(echo=False))
    yield built
    built.db.dispose()


def text(runtime: Runtime, phone: str, *bodies: str) -> None:
    for body in bodies:
        handle_inbound(runtime, InboundSms(phone, body, "SM" + secrets.token_hex(16)))


def tick_when_due(runtime: Runtime, clock: FrozenClock) -> None:
    due = next_due(runtime)
    assert due is not None
    clock.set(due)
    tick(runtime)


@pytest.fixture
def scenario(runtime: Runtime, clock: FrozenClock, database_url: str) -> dict[str, str]:
    """Three parents get the first nudge at noon Eastern on Wednesday. Anna
    answers it, Carlos stops after it, Pat says nothing. Two days and more
    later, Anna texts again: no nudge within 48 hours, so that text counts for none."""
    for phone in (ANNA_ATLANTA, CARLOS_CHICAGO, PAT_PORTLAND):
        text(runtime, phone, "JOIN", "YES", "ZONE Eastern", "TIME noon")
    tick_when_due(runtime, clock)
    clock.advance(hours=2)
    text(runtime, ANNA_ATLANTA, "That one made me smile")
    text(runtime, CARLOS_CHICAGO, "STOP")
    clock.advance(hours=47)
    text(runtime, ANNA_ATLANTA, "Still thinking about it")
    return {"DATABASE_URL": database_url, "SMS_TRANSPORT": "console", "SECRET_KEY": "k"}


def test_stats_json_counts_sent_replies_and_opt_outs_per_nudge(
    scenario: dict[str, str], runtime: Runtime
) -> None:
    result = CliRunner().invoke(main, ["messages", "stats", "--json"], env=scenario)
    assert result.exit_code == 0, result.output
    rows = {row["id"]: row for row in json.loads(result.output)}
    first_id, first_text = pick_text("perfectionism", "en", "3w", 0)
    assert rows[first_id] == {
        "id": first_id,
        "text": first_text,
        "sent": 3,
        "replies": 1,
        "opt_outs": 1,
    }
    second_id, _ = pick_text("perfectionism", "en", "3w", 1)
    assert (rows[second_id]["sent"], rows[second_id]["replies"]) == (0, 0)
    assert rows["checkin"]["text"].startswith("GoodEnough weekly check-in")
    assert all(set(row) >= {"id", "text", "sent", "replies", "opt_outs"} for row in rows.values())
    with runtime.db.session() as session:
        firsts = set(session.scalars(select(Outbox.id).where(Outbox.nudge_id == first_id)))
        links = session.scalars(
            select(InboundMessage.follows_outbox_id).order_by(InboundMessage.id)
        ).all()
    # The sign-up texts came before any nudge, and Anna's last text 49 hours after it.
    linked = [link for link in links if link is not None]
    assert len(linked) == 2 and set(linked) <= firsts
    assert links[-1] is None


def test_stats_text_prints_one_line_per_nudge(scenario: dict[str, str]) -> None:
    result = CliRunner().invoke(main, ["messages", "stats"], env=scenario)
    assert result.exit_code == 0, result.output
    header, *lines = result.output.splitlines()
    assert header.split() == ["id", "sent", "replies", "opt_outs", "text"]
    first_id, first_text = pick_text("perfectionism", "en", "3w", 0)
    [line] = [line for line in lines if line.startswith(first_id + " ")]
    assert line.split()[1:4] == ["3", "1", "1"]
    assert line.endswith(first_text)


def test_a_check_in_answer_counts_as_a_reply_to_the_check_in(
    runtime: Runtime, clock: FrozenClock, database_url: str
) -> None:
    text(runtime, ANNA_ATLANTA, "JOIN", "YES", "TIME noon")
    while True:
        tick_when_due(runtime, clock)
        with runtime.db.session() as session:
            if session.scalar(select(Outbox.id).where(Outbox.kind == "checkin")):
                break
    clock.advance(hours=1)
    text(runtime, ANNA_ATLANTA, "4")
    env = {"DATABASE_URL": database_url, "SMS_TRANSPORT": "console", "SECRET_KEY": "k"}
    result = CliRunner().invoke(main, ["messages", "stats", "--json"], env=env)
    [checkin] = [row for row in json.loads(result.output) if row["id"] == "checkin"]
    assert (checkin["sent"], checkin["replies"], checkin["opt_outs"]) == (1, 1, 0)


def test_the_catalogue_shows_the_same_figures(scenario: dict[str, str], tmp_path: Path) -> None:
    out = tmp_path / "catalogue"
    result = CliRunner().invoke(main, ["messages", "export", "--out", str(out)], env=scenario)
    assert result.exit_code == 0, result.output
    page = (out / "perfectionism.en.html").read_text(encoding="utf-8")
    assert "<th>Sent</th><th>Replies</th><th>Opt-outs</th>" in page
    first_id, _ = pick_text("perfectionism", "en", "3w", 0)
    row = page[page.index(f'<tr id="{first_id}">') :]
    row = row[: row.index("</tr>")]
    assert row.endswith("<td>3</td><td>1</td><td>1</td>")
    assert "weekly check-in question: sent 0" in (out / "index.html").read_text(encoding="utf-8")


def test_the_catalogue_is_written_without_figures_when_there_is_no_database(
    tmp_path: Path,
) -> None:
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'none.sqlite3'}", "SECRET_KEY": "k"}
    out = tmp_path / "catalogue"
    result = CliRunner().invoke(main, ["messages", "export", "--out", str(out)], env=env)
    assert result.exit_code == 0, result.output
    assert "no figures" in result.output
    assert "<th>Sent</th>" not in (out / "perfectionism.en.html").read_text(encoding="utf-8")


def test_stats_on_a_database_not_migrated_says_what_to_do(tmp_path: Path) -> None:
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'new.sqlite3'}", "SECRET_KEY": "k"}
    result = CliRunner().invoke(main, ["messages", "stats"], env=env)
    assert result.exit_code == 1
    assert "nudges db upgrade" in result.output
