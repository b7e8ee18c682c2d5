"""`nudges tick` and `nudges scheduler` (added to the `nudges` command through
the `nudges.commands` entry points)."""

from __future__ import annotations

import logging
import signal
import sys
from datetime import UTC, datetime
from types import FrameType
from typing import Any

import click

from nudges.clock import FrozenClock


def _parse_now(value: str | None) -> datetime | None:
    if value is None or value == "next":
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise click.BadParameter("use ISO 8601, e.g. 2026-11-23T10:00-05:00") from None
    if parsed.tzinfo is None:
        raise click.BadParameter("include a UTC offset, e.g. 2026-11-23T10:00-05:00")
    return parsed.astimezone(UTC)


@click.command(help="One pass: expire, resume, dispatch due nudges, send, reconcile. Then exit.")
@click.option(
    "--now",
    "now_text",
    help="Run as if it were this time (ISO 8601 with offset), or 'next': the time the "
    "next nudge is due (for trying it out). Records no capacity check or scheduler "
    "heartbeat: /healthz keeps reporting the live service.",
)
@click.option(
    "--show", is_flag=True, help="Console transport: print the texts this pass sent (to stdout)."
)
def tick_command(now_text: str | None, show: bool) -> None:
    from nudges.commands import settings_or_exit
    from nudges.logs import configure_logging
    from nudges.runtime import build_runtime
    from nudges.sms.transports import ConsoleTransport
    from scheduler.runner import tick

    now = _parse_now(now_text)
    settings = settings_or_exit()
    configure_logging(logging.WARNING)
    runtime = build_runtime(settings, clock=FrozenClock(now) if now else None)
    if now_text == "next":
        from nudges.services.subscriptions import next_due

        due = next_due(runtime)
        if due is None:
            click.echo("nothing is scheduled: no active subscriber has a next nudge")
            runtime.db.dispose()
            return
        runtime.clock = FrozenClock(due)
    if now_text is not None:
        # Said every time: the pretend time is every parent's, not one's.
        when = f"{runtime.clock.now():%Y-%m-%d %H:%M %Z}"
        click.echo(
            f"note: acting on the whole database as if it were {when}"
            " (other parents' texts, invitations and pauses included)",
            err=True,
        )
    try:
        report = tick(runtime, simulated=now_text is not None)
    except Exception as exc:
        reason = _database_problem(runtime)
        if reason is None:
            logging.getLogger(__name__).exception("tick failed")
        click.echo(f"tick failed: {reason or type(exc).__name__}", err=True)
        sys.exit(1)
    finally:
        runtime.db.dispose()
    click.echo(report.summary())
    if show and isinstance(runtime.transport, ConsoleTransport):
        for sms in runtime.transport.sent:
            click.echo(f"to ***{sms.to[-4:]}: {sms.body}")


def _database_problem(runtime: Any) -> str | None:
    """What an operator must fix when the database is the problem, else None."""
    from nudges.services import health

    _healthy, report = health.check(runtime)
    if report.get("database") == "unreachable":
        return f"the database cannot be reached ({report.get('reason')}): check DATABASE_URL"
    migrations = report.get("migrations", "ok")
    if migrations != "ok":
        return f"the database migrations are {migrations}"
    return None


@click.command(help="Run the scheduler alone (no web), until SIGTERM or Ctrl-C.")
def scheduler_command() -> None:
    from apscheduler.schedulers.blocking import BlockingScheduler

    from nudges.commands import settings_or_exit
    from nudges.logs import configure_logging
    from nudges.runtime import build_runtime
    from scheduler.runner import add_jobs

    configure_logging()
    runtime = build_runtime(settings_or_exit())
    scheduler = BlockingScheduler(timezone=UTC)
    add_jobs(scheduler, runtime)

    def stop(signum: int, _frame: FrameType | None) -> None:
        logging.getLogger(__name__).info("signal %d: stopping the scheduler", signum)
        scheduler.shutdown(wait=True)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    click.echo("scheduler running; SIGTERM or Ctrl-C stops it")
    scheduler.start()
    runtime.db.dispose()
    click.echo("scheduler stopped")
