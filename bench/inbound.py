"""Time signed inbound webhooks through the WSGI app, in-process, against two
floors in the same run: a bare Flask endpoint that checks the same signature
and returns an empty TwiML, and the same endpoint making one durable commit of
one row in the same database (the least a text that changes state can cost).
Prints medians, p95 and the ratios of medians.

    .venv/bin/python bench/inbound.py [--rounds 400] [--runs 1] [--http] [--database postgresql://...]

By default requests go through the WSGI app in-process (Flask's test client):
the strictest measure, since every path pays only the app's own work. With
--http each app is served by waitress (what `nudges serve` runs, 32 threads)
on 127.0.0.1 and every request goes over a kept-alive HTTP connection, as
Twilio's would: the same floors, plus what every request pays a server.

With --runs N the whole measurement is made N times (a fresh database each)
and the goal lines give the median of the N ratios, each run's beside it: one
run moves by about 0.1 on a shared machine.

Goals: HELP within 1.5x the bare endpoint; a text that changes state (JOIN, YES,
TIME, PAUSE, STOP) within 1.5x the one-commit endpoint.
"""

from __future__ import annotations

import argparse
import http.client
import logging
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from urllib.parse import urlencode

import waitress
from flask import Flask, Response, request
from sqlalchemy import Column, Integer, MetaData, String, Table, insert, text
from twilio.request_validator import RequestValidator

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from nudges.app import create_app  # noqa: E402
from nudges.config import load_settings  # noqa: E402
from nudges.db.migrate import upgrade  # noqa: E402
from nudges.db.session import make_engine  # noqa: E402
from nudges.web.signature import is_valid_request  # noqa: E402

BASE = "https://bench.example"
TOKEN = "bench-secret"
EMPTY = '<?xml version="1.0" encoding="UTF-8"?><Response />'
GOAL = 1.5
STATE_CHANGES = ("JOIN", "YES", "TIME", "PAUSE", "STOP")


def signed(view: Callable[[], Response]) -> Callable[[], Response]:
    """The floors check the signature as the webhook does (one HMAC)."""

    def check() -> Response:
        if not is_valid_request(TOKEN, BASE):
            return Response("invalid signature\n", 403, mimetype="text/plain")
        return view()

    return check


def bare_app() -> Flask:
    app = Flask("bare")

    @app.post("/sms/inbound")
    @signed
    def inbound() -> Response:
        return Response(EMPTY, mimetype="text/xml")

    return app


def commit_app(url: str) -> Flask:
    """The floor for a state change: read the form, insert one row, commit, reply."""
    engine = make_engine(url)
    rows = Table(
        "bench_floor",
        MetaData(),
        Column("id", Integer, primary_key=True),
        Column("sid", String(34), unique=True),
        Column("phone", String(16)),
    )
    with engine.begin() as conn:
        conn.execute(text("DROP TABLE IF EXISTS bench_floor"))
    rows.create(engine)
    app = Flask("commit")

    @app.post("/sms/inbound")
    @signed
    def inbound() -> Response:
        with engine.begin() as conn:
            conn.execute(
                insert(rows).values(sid=request.form["MessageSid"], phone=request.form["From"])
            )
        return Response(EMPTY, mimetype="text/xml")

    return app


class HttpClient:
    """`client.post` as Flask's test client has it, over one kept-alive HTTP
    connection to a served app."""

    def __init__(self, port: int) -> None:
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)

    def post(self, path: str, data: dict[str, str], headers: dict[str, str]) -> HttpAnswer:
        headers = {**headers, "Content-Type": "application/x-www-form-urlencoded"}
        self.connection.request("POST", path, body=urlencode(data), headers=headers)
        response = self.connection.getresponse()
        response.read()
        return HttpAnswer(response.status)


class HttpAnswer:
    def __init__(self, status: int) -> None:
        self.status_code = status


@contextmanager
def served(app: Flask) -> Iterator[HttpClient]:
    """The app on waitress, as `nudges serve` runs it, on a free local port."""
    server = waitress.create_server(app, host="127.0.0.1", port=0, threads=32, ident="bench")
    closing = threading.Event()

    def run() -> None:
        try:
            server.run()
        except (OSError, ValueError):
            # Closing the server from this side can leave its loop polling a
            # socket just closed; that is the end we asked for, not a failure.
            if not closing.is_set():
                raise

    thread = threading.Thread(target=run, name="bench-waitress", daemon=True)
    thread.start()
    client = HttpClient(server.effective_port)  # type: ignore[union-attr]
    try:
        yield client
    finally:
        closing.set()
        client.connection.close()
        server.task_dispatcher.shutdown()
        server.close()  # the loop ends when its last channel closes
        thread.join(timeout=5)


def timed(client, body: str, phone: str, sid: str) -> float:  # type: ignore[no-untyped-def]
    data = {"From": phone, "To": "+14045550100", "Body": body, "MessageSid": sid}
    signature = RequestValidator(TOKEN).compute_signature(BASE + "/sms/inbound", data)
    start = time.perf_counter()
    response = client.post("/sms/inbound", data=data, headers={"X-Twilio-Signature": signature})
    elapsed = time.perf_counter() - start
    assert response.status_code == 200, response.status_code
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=400)
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--database", default="", help="PostgreSQL URL (default: SQLite)")
    parser.add_argument("--http", action="store_true", help="over HTTP to waitress on 127.0.0.1")
    args = parser.parse_args()
    logging.disable(logging.INFO)  # the same for every path; a console would time the terminal
    ratios = [_run(args) for _ in range(args.runs)]
    print(f"goals (ratios of medians, <= {GOAL}):")
    for label in ratios[0]:
        each = [run[label] for run in ratios]
        _goal(label, statistics.median(each), each if args.runs > 1 else None)


def _run(args: argparse.Namespace) -> dict[str, float]:
    """One measurement: prints its table, returns its goal ratios."""
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database or f"sqlite:///{tmp}/bench.sqlite3"
        if url.startswith("postgresql"):
            url = url.replace("postgresql://", "postgresql+psycopg://", 1)
            _reset(url)
        upgrade(url)
        env = {"DATABASE_URL": url, "SECRET_KEY": TOKEN, "PUBLIC_BASE_URL": BASE}
        apps = (create_app(settings=load_settings(env)), bare_app(), commit_app(url))
        with ExitStack() as stack:
            if args.http:
                ours, bare, floor = (stack.enter_context(served(app)) for app in apps)
            else:
                ours, bare, floor = (app.test_client() for app in apps)
            return _measure(args, url, ours, bare, floor)


def _measure(args: argparse.Namespace, url: str, ours, bare, floor) -> dict[str, float]:  # type: ignore[no-untyped-def]
    """Times every path, interleaved round by round; prints the table."""
    names = ["bare", "one commit", "HELP", *STATE_CHANGES, "free text"]
    results: dict[str, list[float]] = {name: [] for name in names}
    for i in range(args.rounds):
        phone = f"+1404{5550000 + i:07d}"
        results["bare"].append(timed(bare, "HELP", phone, f"SM{i:08x}{'0' * 24}"))
        results["one commit"].append(timed(floor, "HELP", phone, f"SM{i:08x}{'6' * 24}"))
        results["HELP"].append(timed(ours, "HELP", phone, f"SM{i:08x}{'1' * 24}"))
        results["JOIN"].append(timed(ours, "JOIN", phone, f"SM{i:08x}{'2' * 24}"))
        results["YES"].append(timed(ours, "YES", phone, f"SM{i:08x}{'3' * 24}"))
        results["TIME"].append(timed(ours, "TIME 7:30pm", phone, f"SM{i:08x}{'7' * 24}"))
        results["free text"].append(
            timed(ours, "thank you, needed that", phone, f"SM{i:08x}{'4' * 24}")
        )
        results["PAUSE"].append(timed(ours, "PAUSE", phone, f"SM{i:08x}{'8' * 24}"))
        results["STOP"].append(timed(ours, "STOP", phone, f"SM{i:08x}{'5' * 24}"))
    bare_median = statistics.median(results["bare"])
    floor_median = statistics.median(results["one commit"])
    database = "PostgreSQL" if url.startswith("postgresql") else "SQLite"
    transport = "HTTP to waitress" if args.http else "in-process WSGI"
    print(f"rounds: {args.rounds} ({database}, {transport}, signed requests)")
    print(f"{'path':<12} {'median ms':>10} {'p95 ms':>8} {'x bare':>7} {'x commit':>9}")
    for name, samples in results.items():
        median = statistics.median(samples)
        p95 = statistics.quantiles(samples, n=20)[18]
        print(
            f"{name:<12} {median * 1000:>10.3f} {p95 * 1000:>8.3f} "
            f"{median / bare_median:>7.2f} {median / floor_median:>9.2f}"
        )
    goals = {"HELP / bare": statistics.median(results["HELP"]) / bare_median}
    for name in STATE_CHANGES:
        goals[f"{name} / one commit"] = statistics.median(results[name]) / floor_median
    return goals


def _goal(label: str, ratio: float, each: list[float] | None) -> None:
    runs = f"  (runs: {', '.join(f'{r:.2f}' for r in each)})" if each else ""
    print(f"  {label:<20} {ratio:5.2f}  {'met' if ratio <= GOAL else 'NOT met'}{runs}")


def _reset(url: str) -> None:
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


if __name__ == "__main__":
    main()
