"""Measure the matcher on a hand-written paraphrase set (bench/match.py, the tests).

The set is YAML keyed by scenario id, node id and choice id, each with ``en`` and ``zh``
lists of typed replies. Entries whose scenario, node or choice no longer exists are
skipped and counted, so the set keeps working while scenarios are rewritten.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from sim.match.matcher import Match, ReplyIndex, normalise
from sim.scenario import Scenario


@dataclass(frozen=True, slots=True)
class Sample:
    """One typed reply and the authored reply it means."""

    scenario: str
    node: str
    choice: str
    lang: str
    text: str


@dataclass
class Outcome:
    """What one sample gave."""

    sample: Sample
    match: Match
    expected: int
    seconds: float

    @property
    def correct(self) -> bool:
        """The closest reply is the one meant."""
        return self.match.best.index == self.expected

    @property
    def severe(self) -> bool:
        """A confident match that took a harmful reply for a best one, or the reverse."""
        if not self.match.confident or self.correct:
            return False
        node = self.match.best.quality
        meant = next(c.quality for c in self.match.candidates if c.index == self.expected)
        return {node, meant} == {"harmful", "best"}


@dataclass
class Report:
    """The figures of one run."""

    outcomes: list[Outcome] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)

    @property
    def confident(self) -> list[Outcome]:
        """Outcomes matched confidently."""
        return [o for o in self.outcomes if o.match.confident]

    @property
    def confident_rate(self) -> float:
        """Share of samples matched confidently."""
        return len(self.confident) / len(self.outcomes) if self.outcomes else 0.0

    @property
    def confident_accuracy(self) -> float:
        """Share of confident matches that were right (top-1)."""
        c = self.confident
        return sum(o.correct for o in c) / len(c) if c else 0.0

    @property
    def top1(self) -> float:
        """Share of all samples whose closest reply was right."""
        return (sum(o.correct for o in self.outcomes) / len(self.outcomes)
                if self.outcomes else 0.0)

    @property
    def top2(self) -> float:
        """Share of all samples whose meant reply was among the two offered when unsure."""
        return (sum(o.expected in o.match.closest(2) for o in self.outcomes)
                / len(self.outcomes) if self.outcomes else 0.0)

    @property
    def severe(self) -> list[Outcome]:
        """Confident harmful↔best confusions."""
        return [o for o in self.outcomes if o.severe]


def read_set(path: Path) -> dict[str, Any]:
    """A paraphrase set: one YAML file, or a folder of them (one per scenario) merged.

    The top-level keys are scenario ids (and ``_unrelated``); a key found in two files
    is an error, so no writer's entries silently replace another's.
    """
    files = sorted(path.glob("*.yaml")) if path.is_dir() else [path]
    merged: dict[str, Any] = {}
    for file in files:
        data = yaml.safe_load(file.read_text(encoding="utf-8")) or {}
        for key, value in data.items():
            if key in merged:
                raise ValueError(f"{file}: {key!r} is also in another file of the set")
            merged[key] = value
    return merged


def load_samples(path: Path) -> list[Sample]:
    """Every sample of a paraphrase set (a file or a folder of files)."""
    data = read_set(path)
    out = []
    for sc_id, nodes in data.items():
        if sc_id.startswith("_"):  # not a scenario: e.g. _unrelated
            continue
        for node_id, choices in (nodes or {}).items():
            for choice_id, langs in (choices or {}).items():
                for lang, texts in (langs or {}).items():
                    out.extend(Sample(sc_id, node_id, choice_id, lang, t) for t in texts or ())
    return out


def choice_index(scenario: Scenario, node: str, choice: str) -> int | None:
    """The authored index of a choice id at a node (None when it no longer exists)."""
    n = scenario.nodes.get(node)
    if n is None:
        return None
    for i, c in enumerate(n.choices):
        if c.id == choice:
            return i
    return None


def evaluate(samples: Iterable[Sample], indexes: Mapping[str, ReplyIndex], *,
             timed: bool = True, batch: int = 128) -> Report:
    """Match every sample against all the replies of its node.

    All replies of the node are offered (the hardest case: in play an ``if`` can only
    remove some). Samples of a scenario not in ``indexes`` or of a node or choice that no
    longer exists are listed in ``skipped``.

    ``timed`` matches one sample at a time, as the game does, and records each one's
    latency; otherwise the texts are embedded ``batch`` at a time (the same decisions,
    several times faster: what the tests need) and ``seconds`` is the batch's share.
    """
    report = Report()
    todo: list[tuple[Sample, ReplyIndex, int]] = []
    for s in samples:
        index = indexes.get(s.scenario)
        expected = choice_index(index.scenario, s.node, s.choice) if index else None
        if index is None or expected is None:
            report.skipped.append(f"{s.scenario}/{s.node}/{s.choice}")
            continue
        todo.append((s, index, expected))
    if timed:
        for s, index, expected in todo:
            offered = range(len(index.scenario.nodes[s.node].choices))
            start = time.perf_counter()
            match = index.match(s.node, list(offered), s.text)
            report.outcomes.append(Outcome(s, match, expected, time.perf_counter() - start))
        return report
    for at in range(0, len(todo), batch):
        part = todo[at:at + batch]
        start = time.perf_counter()
        texts = [normalise(s.text) for s, _, _ in part]
        # one encoder for every index here (the bench and tests load one model)
        vectors = part[0][1].encoder.encode(texts)
        share = (time.perf_counter() - start) / len(part)
        for (s, index, expected), text, vector in zip(part, texts, vectors, strict=True):
            offered = range(len(index.scenario.nodes[s.node].choices))
            match = index.decide(text, index.scores(s.node, offered, vector))
            report.outcomes.append(Outcome(s, match, expected, share))
    return report


def load_unrelated(path: Path) -> list[str]:
    """The set's ``_unrelated`` texts (meaning none of the replies), both languages."""
    data = read_set(path)
    return [t for texts in (data.get("_unrelated") or {}).values() for t in texts or ()]


def unrelated_confident(texts: Iterable[str], indexes: Mapping[str, ReplyIndex],
                        samples: Iterable[Sample]) -> tuple[int, int]:
    """How many (text, node) pairs were matched confidently, of how many tried: every
    unrelated text at every node the samples cover."""
    nodes = sorted({(s.scenario, s.node) for s in samples if s.scenario in indexes})
    texts = list(texts)
    hits = tried = 0
    vectors = next(iter(indexes.values())).encoder.encode(texts) if indexes else []
    for sc_id, node_id in nodes:
        index = indexes[sc_id]
        node = index.scenario.nodes.get(node_id)
        if node is None:
            continue
        for text, vector in zip(texts, vectors, strict=True):
            cands = index.scores(node_id, range(len(node.choices)), vector)
            hits += index.decide(text, cands).confident
            tried += 1
    return hits, tried
