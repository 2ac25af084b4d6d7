"""Located problems found in a scenario file, and the error that carries them."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True, slots=True)
class Problem:
    """One error or warning, located in a file (line and column are 1-based)."""

    path: str
    line: int
    col: int
    severity: Severity
    code: str
    message: str
    hint: str = ""
    node: str = ""

    def __str__(self) -> str:
        where = f" [node {self.node}]" if self.node else ""
        hint = f" ({self.hint})" if self.hint else ""
        return (
            f"{self.path}:{self.line}:{self.col}: {self.severity} {self.code}: "
            f"{self.message}{where}{hint}"
        )

    @property
    def is_error(self) -> bool:
        """True for an error, False for a warning."""
        return self.severity == "error"


class ScenarioError(Exception):
    """A scenario could not be loaded; ``problems`` lists every located problem."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))

    @property
    def errors(self) -> list[Problem]:
        """Only the errors (warnings may ride along)."""
        return [p for p in self.problems if p.is_error]


def shorten(text: str, limit: int = 60) -> str:
    """``text`` cut to ``limit`` characters with '…', for quoting user input in messages."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def did_you_mean(word: str, candidates: Iterable[object]) -> str:
    """A "did you mean 'x'?" hint for a misspelt word, or ''."""
    match = difflib.get_close_matches(str(word), [str(c) for c in candidates], n=1, cutoff=0.6)
    return f"did you mean '{match[0]}'?" if match else ""
