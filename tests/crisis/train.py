"""Build the crisis model (`nudges/crisis_model.npz`) from the labelled corpus.

    make crisis-model          # installs scikit-learn into .venv, then runs this

Reproducible: the same corpus and packages give the same file (liblinear is
deterministic; the encoder is pinned by sha256). Steps:

1. Rows: the team's sets and every author file under tests/crisis/corpus/
   (never corpus/heldout/, which only bench/crisis.py reads). Each sentence of
   an ordinary message is added as an ordinary example too, because the
   service scores every sentence and keeps the highest.
2. Features: the encoder's 512-d sentence vector (scaled) beside hashed
   character and word n-grams (nudges.domain.crisis_features).
3. Two class-weighted logistic regressions: *risk* (crisis or concern vs
   ordinary) and *crisis* (crisis-level categories vs the rest).
4. Thresholds from leave-one-author-out predictions, scored as the service
   scores (highest over the parts of a message): `concern_at` where the risk
   head catches RECALL_TARGET of the risk texts of authors it never saw;
   `crisis_at` where the crisis head calls at most CRISIS_FALSE_ALARMS of
   their ordinary texts a crisis.
5. Fit on everything, save, and pin the file's sha256 in nudges/services/semantic.py.
"""

from __future__ import annotations

import hashlib
import re
import sys
from pathlib import Path

import numpy as np
from scipy import sparse
from sklearn.linear_model import LogisticRegression

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from nudges.domain.crisis_features import BUCKETS, ngrams, units  # noqa: E402
from nudges.services.semantic import MODEL, load_encoder  # noqa: E402
from tests.crisis.corpus import Labelled, training_rows  # noqa: E402

VECTOR_SCALE = 2.0  # the sentence vector's weight beside the unit-length n-grams
C = 4.0  # inverse regularisation strength
RECALL_TARGET = 0.98
CRISIS_FALSE_ALARMS = 0.02
SEMANTIC = ROOT / "nudges/services/semantic.py"


def sparse_ngrams(texts: list[str]) -> sparse.csr_matrix:
    data, indices, indptr = [], [], [0]
    for text in texts:
        grams = ngrams(text)
        indices.extend(grams.keys())
        data.extend(grams.values())
        indptr.append(len(indices))
    return sparse.csr_matrix((data, indices, indptr), shape=(len(texts), BUCKETS), dtype=np.float32)


class Featuriser:
    def __init__(self) -> None:
        self.encoder = load_encoder()
        self.cache: dict[str, np.ndarray] = {}

    def vectors(self, texts: list[str]) -> np.ndarray:
        missing = [t for t in dict.fromkeys(texts) if t not in self.cache]
        for start in range(0, len(missing), 64):
            batch = missing[start : start + 64]
            for text, vector in zip(batch, self.encoder.encode(batch), strict=True):
                self.cache[text] = np.asarray(vector, dtype=np.float32)
        return np.stack([self.cache[t] for t in texts])

    def matrix(self, texts: list[str]) -> sparse.csr_matrix:
        dense = sparse.csr_matrix(self.vectors(texts) * VECTOR_SCALE)
        return sparse.hstack([dense, sparse_ngrams(texts)], format="csr")


def examples(rows: list[Labelled]) -> tuple[list[str], np.ndarray, np.ndarray, np.ndarray]:
    """Texts, risk labels, crisis labels, and the crisis head's sample weights."""
    texts: list[str] = []
    risk: list[int] = []
    crisis: list[int] = []
    weight: list[float] = []
    for row in rows:
        parts = units(row.text) if not row.crisis else [row.text]
        for part in parts:
            texts.append(part)
            risk.append(int(row.crisis))
            crisis.append(int(row.level == "crisis"))
            # A team text of mixed level ("suicidal") says nothing about which level.
            weight.append(0.0 if row.crisis and row.level is None else 1.0)
    return texts, np.array(risk), np.array(crisis), np.array(weight)


def fit(feats: Featuriser, rows: list[Labelled]) -> tuple[LogisticRegression, LogisticRegression]:
    texts, risk, crisis, weight = examples(rows)
    x = feats.matrix(texts)
    heads = []
    for labels, weights in ((risk, None), (crisis, weight)):
        model = LogisticRegression(C=C, class_weight="balanced", solver="liblinear", max_iter=2000)
        model.fit(x, labels, sample_weight=weights)
        heads.append(model)
    return heads[0], heads[1]


def message_scores(
    feats: Featuriser, heads: tuple[LogisticRegression, LogisticRegression], rows: list[Labelled]
) -> np.ndarray:
    """(rows, 2) decision values, the highest over each message's parts."""
    parts, owner = [], []
    for i, row in enumerate(rows):
        for part in units(row.text):
            parts.append(part)
            owner.append(i)
    x = feats.matrix(parts)
    z = np.stack([head.decision_function(x) for head in heads], axis=1)
    best = np.full((len(rows), 2), -np.inf)
    for i, values in zip(owner, z, strict=True):
        best[i] = np.maximum(best[i], values)
    return best


def out_of_author(feats: Featuriser, rows: list[Labelled]) -> np.ndarray:
    authors = sorted({r.author for r in rows})
    scores = np.zeros((len(rows), 2))
    for author in authors:
        train = [r for r in rows if r.author != author]
        test_index = [i for i, r in enumerate(rows) if r.author == author]
        heads = fit(feats, train)
        scores[test_index] = message_scores(feats, heads, [rows[i] for i in test_index])
        print(f"  held out {author}: {len(test_index)} texts", flush=True)
    return scores


def thresholds(rows: list[Labelled], scores: np.ndarray) -> tuple[float, float]:
    risky = np.array([r.crisis for r in rows])
    concern_at = float(np.quantile(scores[risky, 0], 1 - RECALL_TARGET))
    crisis_at = float(np.quantile(scores[~risky, 1], 1 - CRISIS_FALSE_ALARMS))
    return concern_at, crisis_at


def report(rows: list[Labelled], scores: np.ndarray, concern_at: float, crisis_at: float) -> None:
    risky = np.array([r.crisis for r in rows])
    flagged = (scores[:, 0] >= concern_at) | (scores[:, 1] >= crisis_at)
    full = scores[:, 1] >= crisis_at
    print(
        f"out-of-author: risk recall {flagged[risky].mean():.3f} of {risky.sum()}; "
        f"ordinary flagged {flagged[~risky].mean():.3f}, given the crisis response "
        f"{full[~risky].mean():.3f} of {(~risky).sum()}"
    )
    for author in sorted({r.author for r in rows}):
        mine = np.array([r.author == author for r in rows])
        print(
            f"  {author:<14} recall {flagged[mine & risky].mean():.3f}  "
            f"flagged ordinary {flagged[mine & ~risky].mean():.3f}"
        )


def sigmoid(z: float) -> float:
    return float(1 / (1 + np.exp(-z)))


def main() -> None:
    rows = training_rows()
    print(f"{len(rows)} training texts from {len({r.author for r in rows})} authors", flush=True)
    feats = Featuriser()
    scores = out_of_author(feats, rows)
    concern_z, crisis_z = thresholds(rows, scores)
    report(rows, scores, concern_z, crisis_z)
    risk_head, crisis_head = fit(feats, rows)
    vector_weights = np.stack([h.coef_[0, :512] for h in (risk_head, crisis_head)])
    ngram_weights = np.stack([h.coef_[0, 512:] for h in (risk_head, crisis_head)])
    bias = np.array([h.intercept_[0] for h in (risk_head, crisis_head)])
    np.savez_compressed(
        MODEL,
        vector_weights=vector_weights.astype(np.float32),
        ngram_weights=ngram_weights.astype(np.float32),
        bias=bias.astype(np.float64),
        vector_scale=np.float64(VECTOR_SCALE),
        concern_at=np.float64(sigmoid(concern_z)),
        crisis_at=np.float64(sigmoid(crisis_z)),
    )
    digest = hashlib.sha256(MODEL.read_bytes()).hexdigest()
    source = SEMANTIC.read_text("utf-8")
    SEMANTIC.write_text(
        re.sub(r'MODEL_SHA256 = "[^"]*"', f'MODEL_SHA256 = "{digest}"', source), "utf-8"
    )
    print(f"wrote {MODEL.relative_to(ROOT)} (sha256 {digest})")


if __name__ == "__main__":
    main()
