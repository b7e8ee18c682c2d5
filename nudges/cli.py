"""The `nudges` command. Commands from packages above `nudges` (the scheduler's
tick, scheduler and serve) arrive through the `nudges.commands` entry points,
so imports keep pointing one way."""

from __future__ import annotations

import logging
import secrets
import sys
from importlib.metadata import entry_points
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

import click

from nudges.commands import runtime_or_exit, settings_or_exit
from nudges.domain.preferences import TRACKS
from nudges.runtime import Runtime

if TYPE_CHECKING:
    from messages.export import Figures


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
    before, after = upgrade(settings.database_url)
    click.echo(migration_summary(before, after))


def migration_summary(before: str | None, after: str | None) -> str:
    """What `db upgrade` did, in the operator's words."""
    if before == after:
        return f"database is already up to date (revision {after})"
    if before is None:
        return f"empty database: created every table (revision {after})"
    return f"database migrated from revision {before} to {after}"


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


@main.group(help="Clinician accounts.")
def clinician() -> None:
    pass


@clinician.command(
    "password",
    help="Set a clinician's password (from a prompt, or standard input when it is "
    "not a terminal); every session logged in with the old one ends.",
)
@click.argument("email")
def clinician_password(email: str) -> None:
    from nudges.services.clinicians import AccountError, set_password

    password = _read_password("New password")
    runtime = runtime_or_exit()
    try:
        view = set_password(runtime, email, password)
    except AccountError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
    finally:
        runtime.db.dispose()
    click.echo(f"password changed for {view.email}; their sessions are logged out")


@clinician.command(
    "add",
    help="Create a clinician account; the password comes from a prompt "
    "(or standard input when it is not a terminal).",
)
@click.argument("email")
@click.option("--name", default="", help="Shown on their pages.")
@click.option("--phone", default="", help="Mobile number for crisis alert texts.")
@click.option(
    "--invite-name",
    default="",
    help='How invitation texts name them, e.g. "Dr. Rivera" or "Bayside Family Therapy" '
    "(never a condition); by default a neutral invitation naming no one.",
)
def clinician_add(email: str, name: str, phone: str, invite_name: str) -> None:
    from nudges.services.clinicians import AccountError, create_clinician

    password = _read_password("Password")
    runtime = runtime_or_exit()
    try:
        view = create_clinician(
            runtime, email, password, name=name, phone=phone, invite_name=invite_name
        )
    except AccountError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
    finally:
        runtime.db.dispose()
    alerts = (
        "crisis alerts by text and on the dashboard"
        if view.has_phone
        else ("crisis alerts on the dashboard (no phone given, so no alert texts)")
    )
    inviter = f'"{view.invite_name}"' if view.invite_name else "no one (the neutral text)"
    click.echo(
        f"clinician {view.email} created; they log in at /clinician/login; {alerts}; "
        f"invitations name {inviter}"
    )


def _read_password(label: str) -> str:
    """From a hidden prompt typed twice, or one line of standard input when it is
    not a terminal (so a script can pipe it in)."""
    from nudges.services.clinicians import MIN_PASSWORD

    if sys.stdin.isatty():
        password: str = click.prompt(
            f"{label} (at least {MIN_PASSWORD} characters)",
            hide_input=True,
            confirmation_prompt=True,
        )
        return password
    return sys.stdin.readline().rstrip("\r\n")


@main.command(
    "enroll",
    help="Invite a client (one invitation text), or a list with --csv "
    "(columns phone, alias, track, language; nothing is imported if any row is invalid).",
)
@click.argument("phone", required=False)
@click.option("--clinician", "email", required=True, help="The inviting clinician's email.")
@click.option("--alias", default="", help="What the clinician calls them (no full name).")
@click.option(
    "--track",
    type=click.Choice(TRACKS),
    help="Focus of the texts; by default the parent chooses after YES.",
)
@click.option(
    "--language",
    type=click.Choice(["en", "es"]),
    default="en",
    show_default=True,
    help="The parent's language: every text, the invitation too (es: Spanish).",
)
@click.option(
    "--csv",
    "csv_file",
    type=click.File("r", encoding="utf-8-sig"),
    help="A CSV file of clients instead of one PHONE.",
)
@click.option("--skip-invalid", is_flag=True, help="With --csv: import the valid rows anyway.")
def enroll(
    phone: str | None,
    email: str,
    alias: str,
    track: str | None,
    language: str,
    csv_file: TextIO | None,
    skip_invalid: bool,
) -> None:
    from nudges.services import enrolment
    from nudges.services.clinicians import by_email

    if bool(phone) == bool(csv_file):
        raise click.UsageError("give one PHONE or --csv FILE")
    runtime = runtime_or_exit()
    try:
        clinician_view = by_email(runtime, email)
        if clinician_view is None:
            click.echo(
                f"error: no clinician {email}; create one with nudges clinician add", err=True
            )
            sys.exit(2)
        if phone:
            invitation = enrolment.Invitation(phone=phone, alias=alias, track=track, lang=language)
            try:
                enrolment.invite(runtime, clinician_view.id, invitation)
            except enrolment.InviteError as exc:
                click.echo(f"error: {exc}", err=True)
                sys.exit(1)
            click.echo("invited: one invitation text is queued; nothing more until they reply YES")
            return
        assert csv_file is not None
        _enroll_csv(runtime, clinician_view.id, csv_file.read(), skip_invalid)
    finally:
        runtime.db.dispose()


def _enroll_csv(runtime: Runtime, clinician_id: int, text: str, skip_invalid: bool) -> None:
    from nudges.services import enrolment

    try:
        rows = enrolment.read_csv(text)
    except enrolment.CsvError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)
    if not rows:
        click.echo("error: the file has no rows", err=True)
        sys.exit(1)

    def with_bar(good: enrolment.Rows) -> enrolment.Rows:
        items = list(good)
        with click.progressbar(items, label="inviting", file=sys.stderr) as bar:
            yield from bar

    report = enrolment.import_csv(
        runtime, clinician_id, rows, skip_invalid=skip_invalid, progress=with_bar
    )
    for problem in report.problems:
        click.echo(problem, err=True)
    if report.problems and not skip_invalid:
        click.echo(
            f"nothing imported: {len(report.problems)} row(s) need fixing (or use --skip-invalid)",
            err=True,
        )
        sys.exit(1)
    click.echo(f"invited {report.invited}; skipped {report.skipped}")


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

    for path in export_catalogue(out_dir, figures=_catalogue_figures()):
        click.echo(str(path))


def _catalogue_figures() -> dict[str, Figures] | None:
    """The stats for the catalogue, or None (with a note) when there is no
    database to read them from: the catalogue is still worth writing."""
    from sqlalchemy.exc import OperationalError, ProgrammingError

    from messages.export import Figures
    from nudges.services.attribution import library_texts, nudge_stats

    runtime = runtime_or_exit()
    try:
        stats = nudge_stats(runtime, library_texts(runtime.settings.program_name))
    except (OperationalError, ProgrammingError) as exc:
        click.echo(f"note: no figures (database not ready: {type(exc).__name__})", err=True)
        return None
    finally:
        runtime.db.dispose()
    return {row.id: Figures(row.sent, row.replies, row.opt_outs) for row in stats}


@messages.command(
    "stats",
    help="Per text: times sent, and the replies and opt-outs that followed it within 48 hours.",
)
@click.option("--json", "as_json", is_flag=True, help="A JSON list of objects, one per text.")
def messages_stats(as_json: bool) -> None:
    import json

    from sqlalchemy.exc import OperationalError, ProgrammingError

    from nudges.services.attribution import library_texts, nudge_stats

    runtime = runtime_or_exit()
    try:
        stats = nudge_stats(runtime, library_texts(runtime.settings.program_name))
    except (OperationalError, ProgrammingError) as exc:
        click.echo(
            f"error: database not ready ({type(exc).__name__}): run nudges db upgrade", err=True
        )
        sys.exit(1)
    finally:
        runtime.db.dispose()
    if as_json:
        click.echo(json.dumps([row.as_dict() for row in stats], indent=1, ensure_ascii=False))
        return
    width = max((len(row.id) for row in stats), default=2)
    click.echo(f"{'id':<{width}}  {'sent':>5} {'replies':>7} {'opt_outs':>8}  text")
    for row in stats:
        click.echo(
            f"{row.id:<{width}}  {row.sent:>5} {row.replies:>7} {row.opt_outs:>8}  {row.text}"
        )


def _add_plugin_commands() -> None:
    for entry in entry_points(group="nudges.commands"):
        if entry.name not in main.commands:
            main.add_command(entry.load(), entry.name)


_add_plugin_commands()
