"""Several web workers on one machine (PostgreSQL behind them):

    gunicorn -c gunicorn.conf.py 'nudges:create_app()'

Settings come from the environment as for `nudges serve` (.env is read too).
The scheduler is not started here: run `nudges scheduler` processes beside it.
"""

import os

# One BLAS thread per process: several workers each spawning a thread per core
# for the crisis model's matrix products fight over the CPUs (p99 went to 0.5 s).
for _name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_name, "1")

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "4"))
threads = int(os.environ.get("GUNICORN_THREADS", "2"))
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
