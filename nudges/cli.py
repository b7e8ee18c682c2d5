"""The `nudges` command. Commands from packages above `nudges` (the scheduler's
tick, scheduler and serve) arrive through the `nudges.commands` entry points,
so imports keep pointing one way."""

from __future__ import annotations

import logging
import secrets
import sys
from importlib.metadata import entry_points
from pathlib import Path

import click

from nudges.config import ConfigError, Settings, load_settings
from nudges.runtime import Runtime, build_runtime


def settings_or_exit() -> Settings:
    try:
        return load_settings()
    except ConfigError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)


def runtime_or_exit() -> Runtime:
    return build_runtime(settings_or_exit())


@click.group(help="GoodEnough nudges: kind SMS nudges for parents, with 988 one reply away.")
def main() -> None:
    pass


@main.group(help="Database schema.")
def db() -> None:
    pass


@db.command("upgrade", help="Apply every Alembic migration (creates the SQLite file if needed).")
def db_upgrade() -> None:
    from nudges.db.migrate import upgrade

    settings = settings_or_exit()
    upgrade(settings.database_url)
    click.echo("database is up to date")


@main.command("sms", help='Text the service as PHONE would, e.g. nudges sms "(404) 555-0123" HELP.')
@click.argument("phone")
@click.argument("body")
def sms(phone: str, body: str) -> None:
    from nudges.domain.phone import InvalidPhone, parse_phone
    from nudges.logs import configure_logging
    from nudges.services.inbound import InboundSms, Unavailable, respond

    try:
        number = parse_phone(phone)
    except InvalidPhone as exc:
        raise click.BadParameter(str(exc), param_hint="PHONE") from None
    message = InboundSms(from_number=number, body=body, message_sid="SM" + secrets.token_hex(16))
    configure_logging(logging.WARNING)
    runtime = runtime_or_exit()
    try:
        reply = respond(runtime, message)
    except Unavailable:
        click.echo(
            "error: the database cannot be reached, so that text was not handled "
            "(HELP and crisis texts still answer). Check DATABASE_URL and run "
            "nudges db upgrade.",
            err=True,
        )
        sys.exit(1)
    finally:
        runtime.db.dispose()
    if not reply.messages:
        click.echo("(no reply)")
    for text in reply.messages:
        click.echo(text)
        click.echo()


@main.group(help="The nudge library.")
def messages() -> None:
    pass


@messages.command("check", help="Validate every nudge and system text; exits 1 on a problem.")
def messages_check() -> None:
    from messages.validate import check_library

    problems = check_library()
    for problem in problems:
        click.echo(str(problem))
    if problems:
        click.echo(f"{len(problems)} problem(s)", err=True)
        sys.exit(1)
    click.echo("library OK")


@messages.command("export", help="Write an HTML catalogue of the library for review.")
@click.option("--out", "out_dir", default="catalogue", type=click.Path(path_type=Path))
def messages_export(out_dir: Path) -> None:
    from messages.export import export_catalogue

    for path in export_catalogue(out_dir):
        click.echo(str(path))


def _add_plugin_commands() -> None:
    for entry in entry_points(group="nudges.commands"):
        if entry.name not in main.commands:
            main.add_command(entry.load(), entry.name)


_add_plugin_commands()
