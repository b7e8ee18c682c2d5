"""Crisis screen quality and cost, on the HELD-OUT set (tests/crisis/heldout.tsv).

    .venv/bin/python bench/crisis.py

Prints recall and precision for tier 1 (phrase rules), tier 2 (the semantic
model) and both combined: overall, per warning-sign category and per language;
latency p50/p99 per message for each tier; and the resident memory the loaded
model adds to the process. Thresholds were chosen on the development set only.
"""

from __future__ import annotations

import resource
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from nudges.domain.crisis import detect_crisis, reassures  # noqa: E402
from nudges.domain.keywords import interpret  # noqa: E402
from tests.crisis.corpus import load  # noqa: E402


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed(fn, texts):  # type: ignore[no-untyped-def]
    results, times = [], []
    for text in texts:
        start = time.perf_counter()
        results.append(fn(text))
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return results, statistics.median(times), times[int(len(times) * 0.99) - 1]


def report(name: str, rows, flags) -> None:  # type: ignore[no-untyped-def]
    def line(label: str, pairs) -> str:  # type: ignore[no-untyped-def]
        crisis = [f for r, f in pairs if r.crisis]
        ordinary = [f for r, f in pairs if not r.crisis]
        tp, fp = sum(crisis), sum(ordinary)
        recall = f"{tp / len(crisis):.3f} ({tp}/{len(crisis)})" if crisis else "-"
        precision = f"{tp / (tp + fp):.3f}" if tp + fp else "-"
        alarms = f"{fp}/{len(ordinary)}" if ordinary else "-"
        return f"  {label:<16} recall {recall:<16} precision {precision:<6} false alarms {alarms}"

    pairs = list(zip(rows, flags, strict=True))
    print(f"{name}")
    print(line("all", pairs))
    for lang in ("en", "es"):
        print(line(f"lang {lang}", [(r, f) for r, f in pairs if r.lang == lang]))
    by_category = defaultdict(list)
    for r, f in pairs:
        if r.crisis:
            by_category[r.category].append((r, f))
    for category in sorted(by_category):
        print(line(category, by_category[category]))


def main() -> None:
    rows = load("heldout")
    texts = [r.text for r in rows]
    before = rss_mb()
    start = time.perf_counter()
    from nudges.services.semantic import SemanticScreen

    screen = SemanticScreen()
    load_s = time.perf_counter() - start
    print(
        f"held-out set: {sum(r.crisis for r in rows)} crisis, "
        f"{sum(not r.crisis for r in rows)} ordinary; model {screen.status}, "
        f"loaded in {load_s:.2f} s, +{rss_mb() - before:.0f} MB resident (peak)"
    )
    tier1, t1_p50, t1_p99 = timed(lambda t: detect_crisis(t) is not None, texts)
    tier2, t2_p50, t2_p99 = timed(screen.flags, texts)
    # As the service decides (nudges.services.inbound.screen): tier 2 reads free
    # text only, and not a message that says in so many words the parent is safe.
    both = [
        a or (b and not reassures(t) and not interpret(t).is_bare_keyword)
        for a, b, t in zip(tier1, tier2, texts, strict=True)
    ]
    report("tier 1 (phrase rules)", rows, tier1)
    report("tier 2 (semantic model)", rows, tier2)
    report("tier 1 + tier 2", rows, both)
    print(
        f"latency per message: tier 1 p50 {t1_p50:.3f} ms p99 {t1_p99:.3f} ms; "
        f"tier 2 p50 {t2_p50:.2f} ms p99 {t2_p99:.2f} ms"
    )
    long_text = "I am so tired of the laundry and the dishes. " * 230  # about 10 kB
    _, long_p50, _ = timed(lambda t: detect_crisis(t), [long_text] * 20)
    print(f"tier 1 on a 10 kB message: p50 {long_p50:.2f} ms")
    print(f"process resident memory now: {rss_mb():.0f} MB")


if __name__ == "__main__":
    main()
