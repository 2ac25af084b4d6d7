"""Stand-ins shared by the tests of the own-words mode (no model needed)."""

from __future__ import annotations

import hashlib
import re

import numpy as np


class WordsEncoder:
    """A stand-in model: a bag of hashed words, so sharing words means being close (spaces
    split the Chinese too). ``calls`` keeps the size of each batch it was given."""

    name = "words-test"

    def __init__(self) -> None:
        self.calls: list[int] = []

    def encode(self, texts):  # type: ignore[no-untyped-def]
        """One unit vector per text."""
        self.calls.append(len(texts))
        out = np.zeros((len(texts), 256), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in re.findall(r"\w+", text.lower()):
                out[row, int(hashlib.md5(word.encode()).hexdigest(), 16) % 256] += 1
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.where(norms == 0, 1, norms)
