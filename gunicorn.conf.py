"""Several web workers on one machine (PostgreSQL behind them):

    gunicorn -c gunicorn.conf.py 'nudges:create_app()'

Settings come from the environment as for `nudges serve` (.env is read too).
The scheduler is not started here: run `nudges scheduler` processes beside it.
"""

import os

# One BLAS thread per process (several workers each fanning the crisis model's
# small products over every core fight for the CPUs) is set by the model loader
# itself, through threadpoolctl (nudges/crisis_model.py), when the master
# preloads it; the environment variables once written here changed nothing
# measurable (bench/crisis.py p50 10.2-11.3 ms with them, 8.5-13.2 without).

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "4"))
# Each webhook may wait up to the 2-second reply deadline while the database
# stalls: enough threads that a burst of texts is answered within it.
threads = int(os.environ.get("GUNICORN_THREADS", "8"))
# Twilio gives up on a webhook after 15 s; a stuck worker is replaced well before.
timeout = 10
graceful_timeout = 10
keepalive = 5
# Load the app (and the crisis model, about 135 MB) once in the master, so the
# workers share its memory; each worker then opens its own database connections.
preload_app = True
# Access lines are paths and status codes: our URLs never carry a phone number.
accesslog = "-"
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(L)ss'


def on_starting(server):  # noqa: ARG001 - gunicorn's hook signature
    from nudges.runtime import shared_screen

    shared_screen()


def post_fork(server, worker):  # noqa: ARG001 - gunicorn's hook signature
    """Runs in each new worker, before it serves anything."""
    # Connections opened in the master must not be shared by the workers.
    app = server.app.wsgi()  # the app the master preloaded
    if "nudges" not in getattr(app, "extensions", {}):
        return  # not our app (bench/load.py serves a bare endpoint with this config too)
    from nudges.web import get_runtime

    engine = get_runtime(app).db.engine
    if engine is not None:
        engine.dispose(close=False)


def child_exit(server, worker):  # noqa: ARG001 - gunicorn's hook signature
    """With PROMETHEUS_MULTIPROC_DIR set, a dead worker's gauges stop counting."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
