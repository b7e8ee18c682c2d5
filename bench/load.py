"""Load: the web app under the repository's gunicorn config, against a bare
Flask TwiML endpoint under the same settings, in one run. Loopback only.

    .venv/bin/python bench/load.py [--seconds 60] [--clients 8] [--workers 4]

The database is PostgreSQL (127.0.0.1:5432/test, its own schema is reset) unless
--database says otherwise. Load comes from separate client processes, each with
a keep-alive connection, sending a mixed signed workload: keywords (HELP, JOIN,
YES, STOP, TIME), free text (which the crisis screen reads) and status
callbacks. Prints throughput, p50 and p99 latency and errors for both, and the
ratio. Goal: at least 50% of the bare endpoint's throughput, p99 under 50 ms,
no errors.
"""

from __future__ import annotations

import argparse
import http.client
import multiprocessing
import os
import random
import socket
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
SECRET = "load-bench"
FREE_TEXT = [
    "bedtime was rough but we made it",
    "thanks, I needed that one",
    "my toddler threw his dinner on the floor again",
    "I tried the breathing thing today",
]


REQUESTS_PER_CLIENT = 20_000


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def requests_for(client: int, base: str, count: int) -> list[tuple[str, str, dict[str, str]]]:
    """A mix for one client: (path, body, headers), pre-signed. Every text is new
    (its own MessageSid, as real texts are), and each cycle of ten is a new
    parent who joins, confirms, sets a time, stops, asks for help and writes."""
    from twilio.request_validator import RequestValidator

    validator = RequestValidator(SECRET)
    mix: list[tuple[str, dict[str, str]]] = []
    for n in range(count):
        sid = f"SM{client:08x}{n:024x}"
        phone = f"+1404{3_000_000 + client * 100_000 + n // 10:07d}"
        pick = n % 10
        if pick in (0, 1):
            body = "HELP"
        elif pick == 2:
            body = "JOIN"
        elif pick == 3:
            body = "YES"
        elif pick == 4:
            body = "TIME 7pm"
        elif pick == 5:
            body = "STOP"
        elif pick in (6, 7):
            body = random.Random(n).choice(FREE_TEXT)
        else:
            mix.append(
                ("/sms/status?outbox=999999", {"MessageSid": sid, "MessageStatus": "delivered"})
            )
            continue
        mix.append(("/sms/inbound", {"From": phone, "Body": body, "MessageSid": sid}))
    signed = []
    for path, form in mix:
        signature = validator.compute_signature(base + path, form)
        signed.append(
            (
                path,
                urllib.parse.urlencode(form),
                {
                    "X-Twilio-Signature": signature,
                    "Content-Type": "application/x-www-form-urlencoded",
                },
            )
        )
    return signed


def client_loop(args: tuple[int, int, str, float, multiprocessing.Queue]) -> None:  # type: ignore[type-arg]
    client, port, base, seconds, out = args
    work = requests_for(client, base, REQUESTS_PER_CLIENT)
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    latencies: list[float] = []
    errors = 0
    end = time.monotonic() + seconds
    i = 0  # past REQUESTS_PER_CLIENT texts repeat (answered from the dedupe table)
    while time.monotonic() < end:
        path, body, headers = work[i % len(work)]
        i += 1
        start = time.perf_counter()
        try:
            conn.request("POST", path, body=body, headers=headers)
            response = conn.getresponse()
            response.read()
            if response.status >= 400:
                errors += 1
        except (OSError, http.client.HTTPException):
            errors += 1
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            continue
        latencies.append((time.perf_counter() - start) * 1000)
    out.put((latencies, errors))


def serve(target: str, port: int, env: dict[str, str], workers: int) -> subprocess.Popen[bytes]:
    gunicorn = Path(sys.executable).with_name("gunicorn")
    return subprocess.Popen(
        [str(gunicorn), "-c", "gunicorn.conf.py", "--workers", str(workers), target],
        cwd=ROOT,
        env={**env, "GUNICORN_BIND": f"127.0.0.1:{port}"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def wait_up(port: int) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("server did not start")


def measure(
    target: str, env: dict[str, str], args: argparse.Namespace
) -> tuple[float, float, float, int]:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = serve(target, port, {**env, "PUBLIC_BASE_URL": base}, args.workers)
    try:
        wait_up(port)
        time.sleep(1)
        out: multiprocessing.Queue = multiprocessing.Queue()  # type: ignore[type-arg]
        procs = [
            multiprocessing.Process(target=client_loop, args=((c, port, base, args.seconds, out),))
            for c in range(args.clients)
        ]
        for proc in procs:
            proc.start()
        results = [out.get(timeout=args.seconds + 60) for _ in procs]
        for proc in procs:
            proc.join()
    finally:
        server.terminate()
        server.wait(timeout=30)
    latencies = sorted(x for lat, _ in results for x in lat)
    errors = sum(e for _, e in results)
    throughput = len(latencies) / args.seconds
    p50 = latencies[len(latencies) // 2]
    p99 = latencies[int(len(latencies) * 0.99) - 1]
    return throughput, p50, p99, errors


def reset(url: str) -> None:
    """A fresh, migrated schema (PostgreSQL: drop and re-create `public`)."""
    from sqlalchemy import text

    from nudges.db.migrate import upgrade
    from nudges.db.session import make_engine

    if url.startswith("postgresql"):
        engine = make_engine(url)
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        engine.dispose()
    upgrade(url)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--database", default=os.environ.get("LOAD_DATABASE_URL", DEFAULT_PG))
    args = parser.parse_args()
    reset(args.database)
    env = {
        **os.environ,
        "DATABASE_URL": args.database,
        "SECRET_KEY": SECRET,
        "SMS_TRANSPORT": "console",
        "RATELIMIT_STORAGE_URI": "memory://",
    }
    print(
        f"{args.workers} gunicorn workers, {args.clients} client processes, "
        f"{args.seconds:.0f} s each"
    )
    bare = measure("bench.bare_app:app", env, args)
    app = measure("nudges:create_app()", env, args)
    for name, (rps, p50, p99, errors) in (("bare", bare), ("app", app)):
        print(f"{name:<5} {rps:8.0f} req/s  p50 {p50:6.2f} ms  p99 {p99:6.2f} ms  errors {errors}")
    print(f"app / bare throughput: {app[0] / bare[0]:.0%} (goal at least 50%)")


if __name__ == "__main__":
    main()
