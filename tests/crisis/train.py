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
3. Two heads: *risk* (crisis or concern vs ordinary) and *crisis*
   (crisis-level categories vs the rest). Each is the sum of two logits: a
   class-weighted logistic regression on vector and n-grams, and a small
   network (one hidden layer) on the vector, which reads combinations of
   meaning a linear model cannot (out-of-author AUC 0.935 -> 0.942).
4. Thresholds from leave-one-author-out predictions, scored as the service
   scores (highest over the parts of a message): `concern_at` where the risk
   head catches RECALL_TARGET of the risk texts of authors it never saw;
   `crisis_at` where the crisis head calls at most CRISIS_FALSE_ALARMS of
   their ordinary texts a crisis; `confirm_at`, the risk score below which a
   phrase rule's crisis is answered as a concern (RULES_KEPT of real ones stay).
5. Fit on everything, save, and pin the file's sha256 in nudges/crisis_model.py.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy import sparse
from sklearn.linear_model import LogisticRegression
from sklearn.neural_network import MLPClassifier

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from nudges.crisis_model import MODEL, TOPICS, load_encoder  # noqa: E402
from nudges.domain.crisis import detect_crisis  # noqa: E402
from nudges.domain.crisis_features import BUCKETS, ngrams, units  # noqa: E402
from tests.crisis.corpus import Labelled, training_rows  # noqa: E402

VECTOR_SCALE = 2.0  # the sentence vector's weight beside the unit-length n-grams
C = 4.0  # inverse regularisation strength of the linear part
HIDDEN = 256  # units in the small network over the sentence vector
RECALL_TARGET = 0.97
RULES_KEPT = 0.95
CRISIS_FALSE_ALARMS = 0.025
SEMANTIC = ROOT / "nudges/crisis_model.py"


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
        """The linear part's input: the scaled sentence vector beside the n-grams."""
        dense = sparse.csr_matrix(self.vectors(texts) * VECTOR_SCALE)
        return sparse.hstack([dense, sparse_ngrams(texts)], format="csr")


def examples(rows: list[Labelled], head: str) -> tuple[list[str], np.ndarray]:
    """Texts and labels for one head ("risk" or "crisis")."""
    texts: list[str] = []
    labels: list[int] = []
    for row in rows:
        if head == "crisis" and row.crisis and row.level is None:
            continue  # a team text of mixed level ("suicidal") says nothing about which
        label = int(row.crisis) if head == "risk" else int(row.level == "crisis")
        for part in units(row.text) if not row.crisis else [row.text]:
            texts.append(part)
            labels.append(label)
    return texts, np.array(labels)


ARRAYS = ("linear_vector", "linear_ngrams", "hidden_weights", "hidden_bias", "out_weights")


@dataclass
class Head:
    """One head's arrays, as nudges.crisis_model uses them."""

    linear_vector: np.ndarray  # (512,)
    linear_ngrams: np.ndarray  # (BUCKETS,)
    linear_bias: float
    hidden_weights: np.ndarray  # (512, HIDDEN)
    hidden_bias: np.ndarray  # (HIDDEN,)
    out_weights: np.ndarray  # (HIDDEN,)
    out_bias: float

    def decision(self, vectors: np.ndarray, grams: sparse.csr_matrix) -> np.ndarray:
        linear = VECTOR_SCALE * vectors @ self.linear_vector + grams @ self.linear_ngrams
        hidden = np.maximum(vectors @ self.hidden_weights + self.hidden_bias, 0.0)
        return linear + self.linear_bias + hidden @ self.out_weights + self.out_bias


def fit_head(feats: Featuriser, rows: list[Labelled], head: str) -> Head:
    texts, labels = examples(rows, head)
    vectors = feats.vectors(texts)
    linear = LogisticRegression(C=C, class_weight="balanced", solver="liblinear", max_iter=2000)
    linear.fit(feats.matrix(texts), labels)
    mlp = MLPClassifier(
        hidden_layer_sizes=(HIDDEN,), alpha=1e-3, max_iter=300, early_stopping=True, random_state=0
    )
    mlp.fit(vectors, labels)
    return Head(
        linear_vector=linear.coef_[0, :512].copy(),
        linear_ngrams=linear.coef_[0, 512:].copy(),
        linear_bias=float(linear.intercept_[0]),
        hidden_weights=mlp.coefs_[0],
        hidden_bias=mlp.intercepts_[0],
        out_weights=mlp.coefs_[1][:, 0],
        out_bias=float(mlp.intercepts_[1][0]),
    )


def fit(feats: Featuriser, rows: list[Labelled]) -> tuple[Head, Head]:
    return fit_head(feats, rows, "risk"), fit_head(feats, rows, "crisis")


def fit_topics(feats: Featuriser, rows: list[Labelled]) -> list[LogisticRegression]:
    """Which resource fits a risk text the rules did not name: one linear head
    per topic (violence at home; harm to a child), trained on risk texts only.
    They choose the line beside 988 in the crisis reply, never the level."""
    risky = [r for r in rows if r.crisis]
    texts = [r.text for r in risky]
    x = feats.matrix(texts)
    heads = []
    for topic in TOPICS:
        labels = np.array([int(r.category == topic) for r in risky])
        model = LogisticRegression(C=C, class_weight="balanced", solver="liblinear", max_iter=2000)
        heads.append(model.fit(x, labels))
    return heads


def message_scores(feats: Featuriser, heads: tuple[Head, Head], rows: list[Labelled]) -> np.ndarray:
    """(rows, 2) decision values, the highest over each message's parts."""
    parts, owner = [], []
    for i, row in enumerate(rows):
        for part in units(row.text):
            parts.append(part)
            owner.append(i)
    vectors, grams = feats.vectors(parts), sparse_ngrams(parts)
    z = np.stack([head.decision(vectors, grams) for head in heads], axis=1)
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


def thresholds(
    rows: list[Labelled], scores: np.ndarray, target: float = RECALL_TARGET
) -> tuple[float, float]:
    """Thresholds for the model as the service uses it: OR-ed with the rules.

    `concern_at`: the lowest risk score the model must flag so that, with the
    texts the rules catch anyway, RECALL_TARGET of risk texts are caught.
    `crisis_at`: the crisis score above which, with the rules' own false
    alarms, at most CRISIS_FALSE_ALARMS of ordinary texts get the crisis response."""
    risky = np.array([r.crisis for r in rows])
    signals = [detect_crisis(r.text) for r in rows]
    by_rules = np.array([s is not None for s in signals])
    rules_crisis = np.array([s is not None and not s.is_concern for s in signals])
    missed = scores[risky & ~by_rules, 0]
    needed = target * risky.sum() - (risky & by_rules).sum()
    share = min(1.0, max(0.0, needed / max(1, len(missed))))
    concern_at = float(np.quantile(missed, 1 - share)) if len(missed) else 0.0
    rules_crisis &= scores[:, 0] >= confirm_threshold(rows, scores)
    ordinary = ~risky & ~rules_crisis
    allowed = CRISIS_FALSE_ALARMS * (~risky).sum() - (~risky & rules_crisis).sum()
    share = min(1.0, max(0.0, allowed / max(1, ordinary.sum())))
    crisis_at = float(np.quantile(scores[ordinary, 1], 1 - share))
    return concern_at, crisis_at


def confirm_threshold(rows: list[Labelled], scores: np.ndarray) -> float:
    """The risk score below which a rule's crisis finding becomes a concern:
    idioms the rules take at their word ("my boss is going to kill me") should
    not pause a parent's texts and text their clinician at night. Set so that
    RULES_KEPT of the real risk texts the rules call a crisis stay a crisis;
    every one still gets the concern reply, with 988 and 741741."""
    risky = np.array([r.crisis for r in rows])
    signals = [detect_crisis(r.text) for r in rows]
    rules_crisis = np.array([s is not None and not s.is_concern for s in signals])
    return float(np.quantile(scores[risky & rules_crisis, 0], 1 - RULES_KEPT))


def curve(rows: list[Labelled], scores: np.ndarray) -> None:
    """What each recall target would cost in ordinary texts flagged."""
    risky = np.array([r.crisis for r in rows])
    by_rules = np.array([detect_crisis(r.text) is not None for r in rows])
    for target in (0.90, 0.93, 0.95, 0.96, 0.97, 0.98):
        concern_at, _ = thresholds(rows, scores, target)
        flagged = by_rules | (scores[:, 0] >= concern_at)
        print(f"  recall target {target:.2f}: ordinary flagged {flagged[~risky].mean():.3f}")


def report(
    rows: list[Labelled], scores: np.ndarray, concern_at: float, crisis_at: float, confirm_at: float
) -> None:
    risky = np.array([r.crisis for r in rows])
    signals = [detect_crisis(r.text) for r in rows]
    by_rules = np.array([s is not None for s in signals])
    rules_crisis = np.array([s is not None and not s.is_concern for s in signals])
    kept = rules_crisis & (scores[:, 0] >= confirm_at)
    print(
        f"the rules' crisis kept as crisis: {(kept & risky).sum()} of "
        f"{(rules_crisis & risky).sum()} risk texts, {(kept & ~risky).sum()} of "
        f"{(rules_crisis & ~risky).sum()} ordinary"
    )
    rules_crisis &= scores[:, 0] >= confirm_at
    flagged = by_rules | (scores[:, 0] >= concern_at) | (scores[:, 1] >= crisis_at)
    full = rules_crisis | (scores[:, 1] >= crisis_at)
    print(
        f"out-of-author, with the rules: risk recall {flagged[risky].mean():.3f} of "
        f"{risky.sum()}; ordinary flagged {flagged[~risky].mean():.3f}, given the crisis "
        f"response {full[~risky].mean():.3f} of {(~risky).sum()}"
    )
    deserves = np.array([r.level == "crisis" for r in rows])
    print(f"  crisis-category texts given the full crisis response: {full[deserves].mean():.3f}")
    for author in sorted({r.author for r in rows}):
        mine = np.array([r.author == author for r in rows])
        ordinary = f"{flagged[mine & ~risky].mean():.3f}" if (mine & ~risky).any() else "-"
        print(
            f"  {author:<14} recall {flagged[mine & risky].mean():.3f}  flagged ordinary {ordinary}"
        )


def sigmoid(z: float) -> float:
    return float(1 / (1 + np.exp(-z)))


def main() -> None:
    rows = training_rows()
    print(f"{len(rows)} training texts from {len({r.author for r in rows})} authors", flush=True)
    feats = Featuriser()
    # CRISIS_VECTORS=path keeps the sentence vectors (a pickle) between runs.
    vectors = os.environ.get("CRISIS_VECTORS")
    if vectors and Path(vectors).exists():
        feats.cache = pickle.loads(Path(vectors).read_bytes())
    feats.vectors([part for row in rows for part in units(row.text)])
    if vectors:
        Path(vectors).write_bytes(pickle.dumps(feats.cache))
    # CRISIS_OOF=path keeps the out-of-author scores (the slow part) between
    # runs while thresholds are tried; the corpus must not change meanwhile.
    cache = os.environ.get("CRISIS_OOF")
    if cache and Path(cache).exists():
        scores = np.load(cache)
        assert scores.shape == (len(rows), 2), "the corpus changed: delete CRISIS_OOF"
    else:
        scores = out_of_author(feats, rows)
        if cache:
            np.save(cache, scores)
    curve(rows, scores)
    concern_z, crisis_z = thresholds(rows, scores)
    confirm_z = confirm_threshold(rows, scores)
    report(rows, scores, concern_z, crisis_z, confirm_z)
    heads = fit(feats, rows)
    topics = fit_topics(feats, rows)
    arrays = {
        name: np.stack([getattr(h, name) for h in heads]).astype(np.float32)
        for name in (
            "linear_vector",
            "linear_ngrams",
            "hidden_weights",
            "hidden_bias",
            "out_weights",
        )
    }
    np.savez_compressed(
        MODEL,
        **arrays,
        linear_bias=np.array([h.linear_bias for h in heads]),
        out_bias=np.array([h.out_bias for h in heads]),
        vector_scale=np.float64(VECTOR_SCALE),
        concern_at=np.float64(sigmoid(concern_z)),
        crisis_at=np.float64(sigmoid(crisis_z)),
        confirm_at=np.float64(sigmoid(confirm_z)),
        topic_vector=np.stack([t.coef_[0, :512] for t in topics]).astype(np.float32),
        topic_ngrams=np.stack([t.coef_[0, 512:] for t in topics]).astype(np.float32),
        topic_bias=np.array([t.intercept_[0] for t in topics]),
    )
    digest = hashlib.sha256(MODEL.read_bytes()).hexdigest()
    source = SEMANTIC.read_text("utf-8")
    SEMANTIC.write_text(
        re.sub(r'MODEL_SHA256 = "[^"]*"', f'MODEL_SHA256 = "{digest}"', source), "utf-8"
    )
    print(f"wrote {MODEL.relative_to(ROOT)} (sha256 {digest})")


if __name__ == "__main__":
    main()
