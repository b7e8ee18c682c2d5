"""The labelled crisis texts.

- `dev.tsv`, `heldout.tsv`: the team's first sets (label, category, lang, text);
  both are now training data for the model (the team's voice).
- `corpus/<author>.tsv`: messages written by helper sessions, each to its own
  brief and voice, none of which saw the rules, the model or the other files
  (category, lang, text). The file name is the author: cross-validation holds
  out one author at a time, so thresholds are chosen for a voice not seen.
- `corpus/heldout/<author>.tsv`: written the same way by authors whose text is
  never trained on, tuned on or read while tuning. `bench/crisis.py` reports
  the screen's quality on these only.
- `team_banks.tsv`, `tests/domain/crisis_corpus.tsv`: the team's older banks,
  in the authors' format (category, lang, text); `team_bank` is a risk of some
  kind with no finer category.

A category says which level of response it deserves (`LEVEL_OF`): *crisis* for
intent, plans, means, acts, goodbyes, not being safe, self-harm, harm to a
child and violence; *concern* for a passive wish to be dead, feeling a burden
and hopelessness. A few of the team's categories mix the two (`None`): they
train the "any risk" head only.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from nudges.domain.crisis_features import fold

HERE = Path(__file__).resolve().parent
CORPUS = HERE / "corpus"
HELDOUT = CORPUS / "heldout"
ROOT = HERE.parent.parent

CRISIS_CATEGORIES = {
    "active_thoughts",
    "preparation",
    "act_in_progress",
    "acts",
    "goodbyes",
    "goodbye",
    "not_safe",
    "self_harm",
    "harm_to_child",
    "violence",
}
CONCERN_CATEGORIES = {"passive_wish", "burden", "hopeless"}
MIXED_CATEGORIES = {"suicidal", "textspeak", "team_bank"}


@dataclass(frozen=True)
class Labelled:
    crisis: bool  # any risk: crisis or concern
    category: str
    lang: str
    text: str
    author: str = "team"
    level: str | None = None  # "crisis", "concern", "ordinary"; None when mixed


def level_of(category: str, risky: bool) -> str | None:
    if not risky:
        return "ordinary"
    if category in CRISIS_CATEGORIES:
        return "crisis"
    if category in CONCERN_CATEGORIES:
        return "concern"
    if category in MIXED_CATEGORIES:
        return None
    raise ValueError(f"unknown risk category {category!r}")


def load(name: str) -> list[Labelled]:
    """The team's sets: `dev` or `heldout` (tests/crisis/<name>.tsv)."""
    rows = []
    for line in (HERE / f"{name}.tsv").read_text("utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        label, category, lang, text = line.split("\t")
        risky = label == "crisis"
        rows.append(Labelled(risky, category, lang, text, "team", level_of(category, risky)))
    return rows


def read_rows(path: Path) -> list[tuple[str, str, str]]:
    """Every crisis corpus file but the team's two first sets: one text per line,
    tab-separated category, lang, text; `#` lines and blank lines are skipped."""
    rows = []
    for number, line in enumerate(path.read_text("utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        fields = line.split("\t")
        if len(fields) != 3:
            raise ValueError(f"{path.name}:{number}: expected 3 tab-separated fields")
        category, lang, text = (f.strip() for f in fields)
        rows.append((category, lang, text))
    return rows


def load_author(path: Path) -> list[Labelled]:
    """One helper author's file: category, lang, text per line."""
    rows = []
    for category, lang, text in read_rows(path):
        risky = category in CRISIS_CATEGORIES | CONCERN_CATEGORIES
        rows.append(Labelled(risky, category, lang, text, path.stem, level_of(category, risky)))
    return rows


TEAM_BANKS = (ROOT / "tests/domain/crisis_corpus.tsv", HERE / "team_banks.tsv")


def team_banks() -> list[Labelled]:
    """The older hand-written banks (tests/domain/crisis_corpus.tsv, the
    retired exemplar banks): team voice, `team_bank` (a risk of some kind, no
    finer category) or `ordinary`."""
    rows = []
    for path in TEAM_BANKS:
        for category, lang, text in read_rows(path):
            risky = category != "ordinary"
            rows.append(Labelled(risky, category, lang, text, "team", level_of(category, risky)))
    return rows


def training_rows() -> list[Labelled]:
    rows = load("dev") + load("heldout") + team_banks()
    for path in sorted(CORPUS.glob("*.tsv")):
        rows += load_author(path)
    return _unique(rows)


def heldout_rows() -> list[Labelled]:
    """The held-out authors' texts, less any that a training author also wrote
    word for word (short stock phrases): what is measured is text never seen."""
    trained = {text_key(r.text) for r in training_rows()}
    rows: list[Labelled] = []
    for path in sorted(HELDOUT.glob("*.tsv")):
        rows += load_author(path)
    return [r for r in _unique(rows) if text_key(r.text) not in trained]


def text_key(text: str) -> str:
    return fold(text) or text.strip()


def _unique(rows: list[Labelled]) -> list[Labelled]:
    seen: set[str] = set()
    kept = []
    for row in rows:
        key = text_key(row.text)
        if key not in seen:
            seen.add(key)
            kept.append(row)
    return kept
