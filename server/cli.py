"""`nudges serve`: the web app and the scheduler in one process, the
single-machine default (added to the `nudges` command through the
`nudges.commands` entry points).

It lives above both halves it starts (imports point one way:
server -> scheduler -> nudges -> messages), as gunicorn.conf.py does for
several web workers.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import UTC
from pathlib import Path

import click


def starts_scheduler_here(debug: bool, environ: Mapping[str, str]) -> bool:
    """Under the reloader the parent process only watches files and restarts a
    child that serves (WERKZEUG_RUN_MAIN=true): the scheduler runs in that child,
    so there is one scheduler, not two."""
    return not debug or environ.get("WERKZEUG_RUN_MAIN") == "true"


@click.command(help="Web app and scheduler in one process: the single-machine default.")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
# While the database stalls each webhook holds its thread for the 2-second reply
# deadline: with 8 threads a burst of 12 STOP or crisis texts had 4 answered
# after 4 s. Threads wait, they do not compute: 32 cost little.
@click.option("--threads", default=32, show_default=True, type=int, help="Web worker threads.")
@click.option("--debug", is_flag=True, help="Werkzeug's development server with the reloader.")
def serve_command(host: str, port: int, threads: int, debug: bool) -> None:
    from apscheduler.schedulers.background import BackgroundScheduler

    from nudges.app import create_app
    from nudges.commands import settings_or_exit
    from nudges.web import get_runtime
    from scheduler.runner import add_jobs

    _default_public_url(host, port)
    app = create_app(settings=settings_or_exit())
    runtime = get_runtime(app)
    # Load the crisis model now, not on the first parent's text.
    click.echo(f"crisis screen: {runtime.semantic.status}")
    scheduler = None
    if starts_scheduler_here(debug, os.environ):
        scheduler = BackgroundScheduler(timezone=UTC)
        add_jobs(scheduler, runtime)
        scheduler.start()
        runtime.scheduler_in_process = True
    if debug:
        app.run(host=host, port=port, debug=True, use_reloader=True)
        return
    import waitress

    click.echo(f"serving on http://{host}:{port} (waitress, {threads} threads; Ctrl-C stops)")
    try:
        waitress.serve(app, host=host, port=port, threads=threads, ident="nudges")
    finally:
        if scheduler is not None:
            scheduler.shutdown(wait=True)


def _default_public_url(host: str, port: int) -> None:
    """Without PUBLIC_BASE_URL (in the environment or .env), the service is
    reached where it serves: links in texts (a clinician's alert) and the
    signature check then name the port actually served, not 5000."""
    from dotenv import load_dotenv

    load_dotenv(Path.cwd() / ".env", override=False)
    local = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host
    os.environ.setdefault("PUBLIC_BASE_URL", f"http://{local}:{port}")
