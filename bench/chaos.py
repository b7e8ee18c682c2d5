"""Chaos: several scheduler processes on one PostgreSQL, killed at random.

    .venv/bin/python bench/chaos.py [--subscribers 2000] [--workers 3] [--seconds 120]

Loopback only; bounded in count and time; stops by itself. Every subscriber is
due one nudge. Worker processes run ticks in a loop against a fake Twilio
(tests/fakes) that fails 10% of calls (429, 500, timeouts, and timeouts where
Twilio did take the message) and holds accepted messages in its own queue, as
Twilio does for a burst. A driver SIGKILLs a random worker every fraction of a
second and starts a new one. Simulated time moves a minute every half second,
so reconcile's 15-minute timeout is reached within the run.

Prints: messages per number (exactly once is the goal), calls made, faults,
kills, and how long until every nudge was sent. Exit status 0 when every number
got exactly one text, 1 otherwise. `tests/test_chaos.py` runs a short form.
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
START = datetime(2026, 11, 25, 15, 0, tzinfo=UTC)  # Wednesday 10:00 in New York
MINUTE_EVERY = 0.5  # real seconds per simulated minute


class FileClock:
    """The simulated time, shared by the driver and the workers through a file."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def now(self) -> datetime:
        return datetime.fromisoformat(self.path.read_text().strip())

    def set(self, at: datetime) -> None:
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(at.isoformat())
        tmp.replace(self.path)


def worker(clock_file: str) -> None:
    """Tick forever (until killed), as a scheduler process would."""
    import logging

    from nudges.config import load_settings
    from nudges.logs import configure_logging
    from nudges.runtime import build_runtime
    from scheduler.runner import tick

    configure_logging(logging.ERROR)
    runtime = build_runtime(load_settings(), clock=FileClock(Path(clock_file)))
    # Say "started": the next kill is timed from here, so a loaded machine's slow
    # imports do not leave the workers dying before they ever tick.
    Path(clock_file).with_name(f"ready-{os.getpid()}").touch()
    while True:
        try:
            tick(runtime)
        except Exception:  # noqa: BLE001 - a worker keeps going, as the job does
            time.sleep(0.05)


def seed(url: str, count: int) -> list[str]:
    """A clean schema with `count` active subscribers, each due one nudge now."""
    from sqlalchemy import insert, text

    from bench.load import reset
    from nudges.db.models import ConsentEvent, Subscriber
    from nudges.db.session import make_engine

    reset(url)
    phones = [f"+1404{n:07d}" for n in range(2_000_000, 2_000_000 + count)]
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(
            insert(Subscriber),
            [
                {
                    "phone": phone, "state": "active", "state_changed_at": START,
                    "timezone": "America/New_York", "send_minute": 600, "frequency": "3w",
                    "track": "perfectionism", "lang": "en", "nudges_sent": 0,
                    "next_send_at": START, "created_at": START,
                }
                for phone in phones
            ],
        )  # fmt: skip
        ids = [row[0] for row in conn.execute(text("SELECT id FROM subscriber ORDER BY id"))]
        conn.execute(
            insert(ConsentEvent),
            [
                {"subscriber_id": i, "at": START, "from_state": "pending", "to_state": "active",
                 "source": "sms", "message_sid": f"SM{i:032x}", "consent_text": "YES"}
                for i in ids
            ],
        )  # fmt: skip
    engine.dispose()
    return phones


def unsent(url: str) -> int:
    from sqlalchemy import text

    from nudges.db.session import make_engine

    engine = make_engine(url)
    with engine.connect() as conn:
        count = conn.execute(
            text("SELECT count(*) FROM outbox WHERE provider_sid IS NULL OR state <> 'sent'")
        ).scalar_one()
        queued = conn.execute(text("SELECT count(*) FROM outbox")).scalar_one()
    engine.dispose()
    return int(count) if queued else -1


def run(
    url: str,
    subscribers: int,
    workers: int,
    seconds: float,
    seed_value: int,
    kill_every: tuple[float, float] = (0.2, 0.8),
) -> int:
    from tests.fakes.fake_twilio import FakeTwilio

    rng = random.Random(seed_value)
    phones = seed(url, subscribers)
    tmp = Path(tempfile.mkdtemp())
    clock = FileClock(tmp / "now")
    clock.set(START)
    with FakeTwilio(now=lambda: clock.now().timestamp()) as fake:
        fake.fault_rate(0.10, seed=seed_value, faults=("429", "500", "timeout", "slow_accept"))
        fake.hold_queue()
        env = {
            **os.environ,
            "DATABASE_URL": url,
            "SMS_TRANSPORT": "twilio",
            "TWILIO_ACCOUNT_SID": fake.account_sid,
            "TWILIO_AUTH_TOKEN": fake.auth_token,
            "TWILIO_FROM_NUMBER": "+14045550100",
            "TWILIO_API_BASE_URL": fake.base_url,
            "TWILIO_TIMEOUT_SECONDS": "0.8",
            "MAX_SENDS_PER_SECOND": "1000",
            "SECRET_KEY": "chaos",
            "PUBLIC_BASE_URL": "https://nudges.example.org",
        }

        def start() -> subprocess.Popen[bytes]:
            return subprocess.Popen(
                [sys.executable, __file__, "--worker", str(tmp / "now")],
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )

        def started(proc: subprocess.Popen[bytes]) -> None:
            ready = tmp / f"ready-{proc.pid}"
            deadline = time.monotonic() + 30
            while not ready.exists() and proc.poll() is None and time.monotonic() < deadline:
                time.sleep(0.02)

        procs = [start() for _ in range(workers)]
        for proc in procs:
            started(proc)
        kills = 0
        began = time.monotonic()
        next_minute = began + MINUTE_EVERY
        done_at = None
        try:
            while time.monotonic() - began < seconds:
                time.sleep(rng.uniform(*kill_every))
                victim = rng.randrange(len(procs))
                procs[victim].send_signal(signal.SIGKILL)
                procs[victim].wait()
                procs[victim] = start()
                started(procs[victim])
                kills += 1
                while time.monotonic() >= next_minute:
                    clock.set(clock.now() + timedelta(minutes=1))
                    next_minute += MINUTE_EVERY
                if unsent(url) == 0:
                    done_at = time.monotonic() - began
                    break
        finally:
            for proc in procs:
                proc.send_signal(signal.SIGKILL)
                proc.wait()
        fake.release_queue()
        per_number = Counter(m["To"] for m in fake.messages)
        doubled = {p: n for p, n in per_number.items() if n > 1}
        missing = [p for p in phones if per_number[p] == 0]
        print(
            f"subscribers {subscribers}, workers {workers}, kills {kills}, "
            f"calls {fake.requests_count}, accepted {len(fake.messages)}, "
            f"simulated minutes {int((clock.now() - START).total_seconds() // 60)}"
        )
        print(f"all sent after {done_at:.1f} s" if done_at is not None else "NOT all sent in time")
        print(f"numbers with two or more texts: {len(doubled)}; numbers with none: {len(missing)}")
        return 0 if not doubled and not missing else 1


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--subscribers", type=int, default=2000)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=120)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--kill-every",
        default="0.2,0.8",
        help="seconds between kills, drawn uniformly between MIN,MAX (default 0.2,0.8)",
    )
    parser.add_argument("--database", default=os.environ.get("CHAOS_DATABASE_URL", DEFAULT_PG))
    args = parser.parse_args()
    if args.worker:
        worker(args.worker)
        return 0
    low, high = (float(x) for x in args.kill_every.split(","))
    return run(args.database, args.subscribers, args.workers, args.seconds, args.seed, (low, high))


if __name__ == "__main__":
    sys.exit(main())
