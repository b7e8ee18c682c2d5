"""Recall and precision of the crisis detector on the labelled set, and its speed.

.venv/bin/python bench/crisis.py
"""

from __future__ import annotations

import statistics
import sys
import time
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from nudges.domain.crisis import is_crisis  # noqa: E402


def median_seconds(message: str, repeats: int = 200) -> float:
    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        is_crisis(message)
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def main() -> None:
    corpus = tomllib.loads((ROOT / "tests/domain/crisis_corpus.toml").read_text("utf-8"))
    crisis, safe = corpus["crisis"], corpus["safe"]
    missed = [m for m in crisis if not is_crisis(m)]
    false_alarms = [m for m in safe if is_crisis(m)]
    true_pos = len(crisis) - len(missed)
    recall = true_pos / len(crisis)
    precision = true_pos / (true_pos + len(false_alarms)) if true_pos else 0.0
    print(f"labelled set: {len(crisis)} crisis, {len(safe)} not")
    print(f"recall    {recall:.3f}  (missed {len(missed)})")
    print(f"precision {precision:.3f}  (false alarms {len(false_alarms)})")
    for message in missed:
        print(f"  missed: {message!r}")
    for message in false_alarms:
        print(f"  false alarm: {message!r}")
    short = statistics.median(median_seconds(m, 50) for m in crisis[:40] + safe[:40])
    long_text = "a long day with the kids and work and everything else. " * 180
    print(f"median per short message: {short * 1e6:.1f} us")
    print(f"median per 10 kB message: {median_seconds(long_text[:10_000], 50) * 1e3:.2f} ms")


if __name__ == "__main__":
    main()
