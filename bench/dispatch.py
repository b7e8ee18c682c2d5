"""Dispatch and send at scale, and the naive design beside it, in one run.

    .venv/bin/python bench/dispatch.py [--sizes 100000,1000000] [--databases sqlite,postgresql]
        [--naive 10000]

For each database and size: N active subscribers, 1% due now. Prints the time
of one tick split into dispatch and send (to an in-process fake transport),
nudges per second, the peak Python memory of the tick (tracemalloc), and the
time of a tick with 1,000 due. Then the naive design: one APScheduler cron job
per subscriber in a SQLAlchemyJobStore, timed for --naive subscribers.
PostgreSQL is 127.0.0.1:5432/test (skipped with a message if unreachable); the
benchmark uses its own schema there and drops it afterwards.
"""

from __future__ import annotations

import argparse
import gc
import sys
import tempfile
import time
import tracemalloc
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import insert, text, update  # noqa: E402

from nudges.clock import FrozenClock  # noqa: E402
from nudges.config import load_settings  # noqa: E402
from nudges.db.migrate import upgrade  # noqa: E402
from nudges.db.models import Outbox, Subscriber  # noqa: E402
from nudges.db.session import make_engine  # noqa: E402
from nudges.runtime import Runtime, build_runtime  # noqa: E402
from nudges.sms.transports import ConsoleTransport  # noqa: E402
from scheduler.dispatch import dispatch  # noqa: E402
from scheduler.sender import send_queued  # noqa: E402
from scheduler.throttle import Throttle  # noqa: E402

NOW = datetime(2026, 11, 23, 20, 0, tzinfo=UTC)  # Monday: 15:00 New York, 10:00 Honolulu
PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
AREA_CODES = ["404", "312", "503", "602", "808", "212", "415", "713"]


def phone(i: int) -> str:
    return f"+1{AREA_CODES[i % len(AREA_CODES)]}{2000000 + i // len(AREA_CODES):07d}"


def zone_for(i: int) -> str:
    return {
        "404": "America/New_York",
        "312": "America/Chicago",
        "503": "America/Los_Angeles",
        "602": "America/Phoenix",
        "808": "Pacific/Honolulu",
        "212": "America/New_York",
        "415": "America/Los_Angeles",
        "713": "America/Chicago",
    }[AREA_CODES[i % len(AREA_CODES)]]


def fill(url: str, count: int, due: int) -> None:
    """Insert `count` active subscribers; the first `due` of them are due now."""
    engine = make_engine(url)
    rows_per_batch = 20_000
    with engine.begin() as conn:
        for start in range(0, count, rows_per_batch):
            batch = []
            for i in range(start, min(count, start + rows_per_batch)):
                zone = zone_for(i)
                # Due rows get a slot 5 minutes ago; the rest are spread over the week.
                at = (
                    NOW - timedelta(minutes=5)
                    if i < due
                    else NOW + timedelta(minutes=10 + i % 10000)
                )
                batch.append(
                    {
                        "phone": phone(i),
                        "state": "active",
                        "state_changed_at": NOW,
                        "timezone": zone,
                        "send_minute": 600,
                        "frequency": "daily",
                        "track": "perfectionism",
                        "lang": "en",
                        "next_send_at": at,
                        "nudges_sent": 0,
                        "created_at": NOW,
                    }
                )
            # Through the table's own column types, so times are stored as the app stores them.
            conn.execute(insert(Subscriber.__table__), batch)
    engine.dispose()


def fresh_database(kind: str, tmp: Path) -> str | None:
    if kind == "sqlite":
        path = tmp / f"bench-{time.monotonic_ns()}.sqlite3"
        url = f"sqlite:///{path}"
    else:
        url = PG_URL
        engine = make_engine(url)
        try:
            with engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE"))
                conn.execute(text("CREATE SCHEMA public"))
        except Exception as exc:  # noqa: BLE001
            print(f"  PostgreSQL unreachable ({type(exc).__name__}): skipped")
            return None
        finally:
            engine.dispose()
    upgrade(url)
    return url


def scheduler_runtime(url: str) -> Runtime:
    """What one long-running scheduler process holds: its engine (with its pool
    and compiled-statement cache) lives from tick to tick."""
    settings = load_settings({"DATABASE_URL": url, "SECRET_KEY": "bench"})
    return build_runtime(settings, clock=FrozenClock(NOW), transport=ConsoleTransport(echo=False))


def run_tick(runtime: Runtime, traced: bool) -> tuple[float, float, int, int, float]:
    """One dispatch-and-send pass. With `traced`, tracemalloc records the peak (and
    slows Python down), so timing and memory come from separate passes."""
    gc.collect()
    if traced:
        tracemalloc.start()
    start = time.perf_counter()
    report = dispatch(runtime, NOW)
    middle = time.perf_counter()
    sent = send_queued(runtime, throttle=Throttle(1e9))
    end = time.perf_counter()
    peak = tracemalloc.get_traced_memory()[1] / 1e6 if traced else 0.0
    if traced:
        tracemalloc.stop()
    return middle - start, end - middle, report.queued, sent.sent, peak


def reset_due(url: str, due: int) -> None:
    """Make the same subscribers due again, as before the first pass.

    The last pass's texts stay in the outbox as last month's delivered history
    (a live outbox is never empty): emptying it and analysing would leave the
    planner statistics for an empty table, and seq scans that grow through the
    tick, which no running service sees."""
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(
            text(
                "UPDATE outbox SET dedupe_key = 'history:' || id, state = 'delivered',"
                " claim_token = NULL WHERE dedupe_key NOT LIKE 'history:%'"
            )
        )
        conn.execute(
            update(Outbox).values(
                slot_at=NOW - timedelta(days=30), created_at=NOW - timedelta(days=30)
            )
        )
        conn.execute(
            update(Subscriber)
            .where(Subscriber.id <= due)
            .values(next_send_at=NOW - timedelta(minutes=5), nudges_sent=0)
        )
    if url.startswith("postgresql"):
        # The steady state autovacuum keeps: no dead index entries from the last pass.
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE subscriber, outbox"))
    engine.dispose()


def naive(kind: str, tmp: Path, count: int) -> None:
    """One APScheduler cron job per subscriber in a SQLAlchemyJobStore."""
    from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
    from apscheduler.schedulers.background import BackgroundScheduler

    url = fresh_database(kind, tmp)
    if url is None:
        return
    gc.collect()
    tracemalloc.start()
    scheduler = BackgroundScheduler(
        jobstores={"default": SQLAlchemyJobStore(url=url)}, timezone=UTC
    )
    scheduler.start(paused=True)
    start = time.perf_counter()
    for i in range(count):
        scheduler.add_job(
            print,
            "cron",
            day_of_week="mon,wed,fri",
            hour=10,
            timezone=zone_for(i),
            id=f"sub-{i}",
            args=[i],
        )
    elapsed = time.perf_counter() - start
    _, peak_bytes = tracemalloc.get_traced_memory()
    peak = peak_bytes / 1e6
    tracemalloc.stop()
    scheduler.shutdown(wait=False)
    print(
        f"  naive {kind:<10} {count:>9,} jobs: schedule {elapsed:7.2f} s "
        f"({count / elapsed:,.0f} jobs/s), peak {peak:6.1f} MB; "
        f"1M would take about {1_000_000 / (count / elapsed) / 60:.0f} min"
        if count
        else ""
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--naive", type=int, default=10_000)
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        for kind in args.databases.split(","):
            print(f"== {kind}")
            for size in sizes:
                for due in (size // 100, 1000):
                    url = fresh_database(kind, tmp)
                    if url is None:
                        break
                    fill(url, size, due)
                    runtime = scheduler_runtime(url)
                    run_tick(runtime, traced=False)  # warm: library, zone data, statements
                    passes = []
                    for _ in range(3):
                        reset_due(url, due)
                        passes.append(run_tick(runtime, traced=False))
                    d, s, queued, sent, _ = sorted(passes, key=lambda p: p[0] + p[1])[1]
                    reset_due(url, due)
                    peak = run_tick(runtime, traced=True)[4]
                    runtime.db.dispose()
                    rate = sent / (d + s) if d + s else 0.0
                    print(
                        f"  {size:>9,} subscribers, {due:>6,} due: tick {1000 * (d + s):8.1f} ms "
                        f"(dispatch {1000 * d:8.1f}, send {1000 * s:8.1f}), "
                        f"queued {queued:,}, sent {sent:,}, {rate:,.0f} nudges/s, "
                        f"peak {peak:6.1f} MB"
                    )
            naive(kind, tmp, args.naive)
    print("median of 3 timed passes after a warm-up pass, one engine throughout (as a scheduler)")


if __name__ == "__main__":
    main()
