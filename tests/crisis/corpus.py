"""The labelled crisis sets: `heldout.tsv` (written first, never tuned on) and
`dev.tsv` (rules, exemplars and thresholds are tuned on it)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Labelled:
    crisis: bool
    category: str
    lang: str
    text: str


def load(name: str) -> list[Labelled]:
    rows = []
    for line in (HERE / f"{name}.tsv").read_text("utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        label, category, lang, text = line.split("\t")
        rows.append(Labelled(label == "crisis", category, lang, text))
    return rows
