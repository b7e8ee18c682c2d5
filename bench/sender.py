"""Does the account hold MAX_SENDS_PER_SECOND, however many senders run?
Real SDK, local fake Twilio, SQLite.

    .venv/bin/python bench/sender.py [--rate 100] [--messages 500] [--runs 3] [--processes 3]

Each run sends the queue once with one sender process and once with
--processes sender processes sharing the database, and prints the achieved rate
(messages / time from the first to the last message the fake received) against
the configured rate. Goal: both within 5%.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import statistics
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import insert  # noqa: E402

from nudges.clock import SystemClock  # noqa: E402
from nudges.config import load_settings  # noqa: E402
from nudges.db.migrate import upgrade  # noqa: E402
from nudges.db.models import Outbox, Subscriber  # noqa: E402
from nudges.runtime import build_runtime  # noqa: E402
from scheduler.sender import send_queued  # noqa: E402
from tests.fakes.fake_twilio import FakeTwilio  # noqa: E402


def one_run(rate: float, count: int, processes: int = 1) -> float:
    with tempfile.TemporaryDirectory() as tmp, FakeTwilio() as fake:
        url = f"sqlite:///{tmp}/sender.sqlite3"
        upgrade(url)
        settings = load_settings(settings_env(url, fake, rate))
        runtime = build_runtime(settings, clock=SystemClock())
        now = datetime.now(UTC)
        with runtime.db.session() as session:
            session.execute(
                insert(Subscriber),
                [
                    {
                        "phone": f"+1404{2000000 + i:07d}",
                        "state": "active",
                        "state_changed_at": now,
                        "timezone": "America/New_York",
                        "send_minute": 600,
                        "frequency": "daily",
                        "track": "perfectionism",
                        "lang": "en",
                        "nudges_sent": 0,
                        "created_at": now,
                    }
                    for i in range(count)
                ],
            )
            session.execute(
                insert(Outbox),
                [
                    {
                        "dedupe_key": f"bench:{i}",
                        "kind": "nudge",
                        "subscriber_id": i + 1,
                        "slot_at": now,
                        "body": "Good enough is a real standard.",
                        "state": "queued",
                        "attempts": 0,
                        "verify_before_send": False,
                        "created_at": now,
                        "updated_at": now,
                    }
                    for i in range(count)
                ],
            )
        runtime.db.dispose()
        env = {**os.environ, "BENCH_SETTINGS": json.dumps(settings_env(url, fake, rate))}
        children = [
            subprocess.Popen([sys.executable, __file__, "--child"], env=env)
            for _ in range(processes)
        ]
        for child in children:
            child.wait(timeout=600)
        received = sorted(float(m["_received"]) for m in fake.messages)
        assert len(received) == count, (len(received), count)
        # n sends spaced 1/rate apart span (n - 1) intervals.
        return (count - 1) / (received[-1] - received[0])


def settings_env(url: str, fake: FakeTwilio, rate: float) -> dict[str, str]:
    return {
        "DATABASE_URL": url,
        "SECRET_KEY": "bench",
        "SMS_TRANSPORT": "twilio",
        "TWILIO_ACCOUNT_SID": fake.account_sid,
        "TWILIO_AUTH_TOKEN": fake.auth_token,
        "TWILIO_FROM_NUMBER": "+14045550100",
        "TWILIO_API_BASE_URL": fake.base_url,
        "MAX_SENDS_PER_SECOND": str(rate),
        "SEND_WINDOW": "00:00-23:59",
    }


def child() -> None:
    """One sender process: send until the queue is empty."""
    logging.disable(logging.INFO)
    runtime = build_runtime(
        load_settings(json.loads(os.environ["BENCH_SETTINGS"])), clock=SystemClock()
    )
    while send_queued(runtime).sent:
        pass
    runtime.db.dispose()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rate", type=float, default=100.0)
    parser.add_argument("--messages", type=int, default=500)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--processes", type=int, default=3)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child()
        return
    logging.disable(logging.INFO)
    for processes in (1, args.processes):
        rates = [one_run(args.rate, args.messages, processes) for _ in range(args.runs)]
        for rate in rates:
            print(
                f"{processes} process(es): {rate:7.2f} msg/s "
                f"({100 * (rate - args.rate) / args.rate:+.1f}%)"
            )
        median = statistics.median(rates)
        print(
            f"configured {args.rate:.0f} msg/s, {processes} process(es), {args.messages} "
            f"messages x {args.runs} runs: median {median:.2f} msg/s "
            f"({100 * (median - args.rate) / args.rate:+.1f}%)"
        )


if __name__ == "__main__":
    main()
