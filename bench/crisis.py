"""Crisis screen quality and cost, on the HELD-OUT authors (tests/crisis/corpus/heldout/).

    .venv/bin/python bench/crisis.py

The held-out authors wrote to their own briefs and voices; none of their text
is trained on, and thresholds are chosen without it (tests/crisis/train.py).
The screen is measured exactly as the service decides (inbound.screen_with:
the phrase rules, then the trained model on free text), and prints:

- recall of risk texts at any level (crisis or concern: the parent gets 988
  and 741741) and at the crisis level, with 95% Wilson intervals, per
  warning-sign category, per level the category deserves, and per language;
- ordinary texts given a concern-or-crisis reply, and the full crisis
  response (pause, clinician texted), per kind of ordinary text;
- the rules alone, for comparison;
- latency per message (p50, p99) and the process's resident memory.
"""

from __future__ import annotations

import math
import resource
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from nudges.domain.crisis import detect_crisis  # noqa: E402
from tests.crisis.corpus import Labelled, heldout_rows, load  # noqa: E402


def wilson(hits: int, n: int) -> str:
    """The share with its 95% Wilson score interval."""
    if n == 0:
        return "-"
    z = 1.96
    p = hits / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return f"{p:.3f} [{max(0, centre - half):.2f}-{min(1, centre + half):.2f}] ({hits}/{n})"


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def table(
    title: str, rows: list[Labelled], levels: list[str | None], groups: Iterable[str]
) -> None:
    """Risk rows: caught at any level / at crisis level; ordinary rows: flagged."""
    print(title)
    by: dict[str, list[int]] = defaultdict(list)
    for i, row in enumerate(rows):
        for group in groups_of(row, groups):
            by[group].append(i)
    for group, index in sorted(by.items()):
        risky = [i for i in index if rows[i].crisis]
        ordinary = [i for i in index if not rows[i].crisis]
        if risky:
            caught = sum(levels[i] is not None for i in risky)
            full = sum(levels[i] == "crisis" for i in risky)
            print(
                f"  {group:<22} caught {wilson(caught, len(risky)):<30} "
                f"crisis level {full}/{len(risky)}"
            )
        if ordinary:
            flagged = sum(levels[i] is not None for i in ordinary)
            full = sum(levels[i] == "crisis" for i in ordinary)
            print(
                f"  {group:<22} flagged {wilson(flagged, len(ordinary)):<29} "
                f"crisis response {wilson(full, len(ordinary))}"
            )


def groups_of(row: Labelled, groups: Iterable[str]) -> list[str]:
    names = []
    for kind in groups:
        if kind == "all":
            names.append("all risk" if row.crisis else "all ordinary")
        elif kind == "lang":
            names.append(f"{'risk' if row.crisis else 'ordinary'} {row.lang}")
        elif kind == "level":
            if row.crisis:
                names.append(f"deserves {row.level}")
        elif kind == "category":
            names.append(row.category)
        elif kind == "author":
            names.append(f"{'risk' if row.crisis else 'ordinary'} {row.author}")
    return names


Verdict = str | None


def timed(fn: Callable[[str], Verdict], texts: list[str]) -> tuple[list[Verdict], list[float]]:
    results, times = [], []
    for text in texts:
        start = time.perf_counter()
        results.append(fn(text))
        times.append((time.perf_counter() - start) * 1000)
    return results, sorted(times)


def pct(times: list[float], q: float) -> float:
    return times[min(len(times) - 1, int(len(times) * q))]


def main() -> None:
    rows = heldout_rows()
    texts = [r.text for r in rows]
    before = rss_mb()
    start = time.perf_counter()
    from nudges.crisis_model import SemanticScreen
    from nudges.services.inbound import screen_with

    model = SemanticScreen()
    load_s = time.perf_counter() - start

    def level(text: str) -> str | None:
        signal = screen_with(model, text).crisis
        return signal.level if signal else None

    def rules(text: str) -> str | None:
        signal = detect_crisis(text)
        return signal.level if signal else None

    print(
        f"held-out authors {sorted({r.author for r in rows})}: {len(rows)} texts, "
        f"{sum(r.crisis for r in rows)} risk, {sum(not r.crisis for r in rows)} ordinary; "
        f"model {model.status}, loaded in {load_s:.2f} s, +{rss_mb() - before:.0f} MB resident"
    )
    levels, times = timed(level, texts)
    rule_levels, rule_times = timed(rules, texts)
    table("\n== the screen as the service runs it", rows, levels, ["all", "level", "lang"])
    table("\n== per category", rows, levels, ["category"])
    table("\n== per author", rows, levels, ["author"])
    table("\n== the phrase rules alone", rows, rule_levels, ["all", "lang"])
    team = load("heldout") + load("dev")
    team_levels = [level(r.text) for r in team]
    table(
        "\n== the team's own sets (trained on: a regression check, not a measure)",
        team,
        team_levels,
        ["all"],
    )
    print(
        f"\nlatency per message: screen p50 {statistics.median(times):.1f} ms, "
        f"p99 {pct(times, 0.99):.1f} ms, max {times[-1]:.1f} ms; "
        f"rules alone p50 {statistics.median(rule_times):.2f} ms, "
        f"p99 {pct(rule_times, 0.99):.2f} ms"
    )
    long_text = "I am so tired of the laundry and the dishes. " * 230  # about 10 kB
    _, long_times = timed(level, [long_text] * 10)
    print(f"a 10 kB message: p50 {statistics.median(long_times):.1f} ms")
    print(f"process resident memory now: {rss_mb():.0f} MB")


if __name__ == "__main__":
    main()
