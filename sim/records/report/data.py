"""Gather what the trainer's report shows from a store and the scenario library.

Pure data (no HTML): per-trainee progress and step mastery, the group's mastery, and
per scenario a table of the replies chosen at each node. Scenario texts come from the
scenario files; a scenario that is gone or has changed since it was played is noted,
and the replies recorded with the turns stand in for what can no longer be looked up.
"""

from __future__ import annotations

import logging
import math
import os
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from sim.records.models import SessionInfo, StepMastery
from sim.records.queries import choice_tallies, typed_replies
from sim.records.schema import STEPS

if TYPE_CHECKING:
    from sim.records.store import Store

log = logging.getLogger(__name__)

WRONG = ("poor", "harmful")
#: Finished sessions needed before the report calls a trainee improving or declining.
MIN_FOR_TREND = 4


@dataclass
class TraineeProgress:
    """One trainee's finished sessions (oldest first) and step mastery."""

    name: str
    sessions: list[SessionInfo]
    mastery: dict[str, StepMastery]
    open_sessions: int = 0

    @property
    def scores(self) -> list[float]:
        """Scores (one decimal) in play order."""
        return [s.score for s in self.sessions if s.score is not None]

    @property
    def best(self) -> float | None:
        """The best score, None before any finished session."""
        return max(self.scores, default=None)

    def _avg(self, scores: list[float]) -> float | None:
        return sum(scores) / len(scores) if scores else None

    @property
    def first_avg(self) -> float | None:
        """Mean of the first three scores."""
        return self._avg(self.scores[:3])

    @property
    def last_avg(self) -> float | None:
        """Mean of the last three scores."""
        return self._avg(self.scores[-3:])

    @property
    def change(self) -> float | None:
        """Mean of the last three scores minus the first three (the last and first two
        with four or five scores); None with fewer than four: too few to tell a trend."""
        if len(self.scores) < MIN_FOR_TREND:
            return None
        k = min(3, len(self.scores) // 2)
        return self._avg(self.scores[-k:]) - self._avg(self.scores[:k])  # type: ignore[operator]


@dataclass
class ChoiceCell:
    """One reply at one node and how often it was chosen there."""

    key: str
    reply: str
    quality: str
    step: str | None
    count: int
    share: float = 0.0
    retired: bool = False  # no longer in the current scenario file
    typed: list[str] = field(default_factory=list)  # own words taken as this reply


@dataclass
class NodeRow:
    """One node of a scenario: the customer's line and the replies chosen."""

    node: str
    say: str
    choices: list[ChoiceCell]
    picks: int = 0

    @property
    def wrong(self) -> int:
        """Picks of poor or harmful replies."""
        return sum(c.count for c in self.choices if c.quality in WRONG)

    @property
    def wrong_share(self) -> float:
        """Share (0..1) of picks that were poor or harmful."""
        return self.wrong / self.picks if self.picks else 0.0

    @property
    def trouble_score(self) -> float:
        """How surely this node goes wrong: the lower Wilson bound (90%) of the wrong
        share, so one bad pick out of one does not outrank twelve out of twenty."""
        n = self.picks
        if not n:
            return 0.0
        z, p = 1.645, self.wrong / n
        centre = p + z * z / (2 * n)
        margin = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
        return (centre - margin) / (1 + z * z / n)


@dataclass
class ScenarioReport:
    """Per-node reply choices for one scenario."""

    id: str
    title: str
    state: str  # ok | changed | missing
    sessions: int
    finished: int
    mean_score: float | None
    nodes: list[NodeRow]
    older_sessions: int = 0  # sessions played on another version of the file

    @property
    def trouble(self) -> list[NodeRow]:
        """Nodes where replies go wrong most, worst first."""
        bad = [n for n in self.nodes if n.wrong]
        return sorted(bad, key=lambda n: (-n.trouble_score, -n.wrong, n.node))


@dataclass
class ReportData:
    """Everything the report shows."""

    db_path: str
    generated_at: str
    trainees: list[TraineeProgress]
    group: dict[str, StepMastery]
    scenarios: list[ScenarioReport]
    last: int
    trainee_filter: str | None = None
    scenario_filter: str | None = None
    industry_filter: str | None = None
    lang: str = "en"
    notes: list[str] = field(default_factory=list)

    @property
    def session_count(self) -> int:
        """Finished sessions shown."""
        return sum(len(t.sessions) for t in self.trainees)


def _load_scenario(scenario_id: str, paths: list[str], library: Any) -> tuple[Any, str]:
    """The current scenario for an id: from the library, else a recorded path."""
    try:
        from sim.scenario import load_scenario, resolve_scenario
    except ImportError:  # pragma: no cover - the scenario package always ships
        return None, "missing"
    candidates: list[Any] = []
    try:
        candidates.append(resolve_scenario(scenario_id, library))
    except Exception as exc:
        log.debug("%s not in library: %s", scenario_id, exc)
    candidates += [p for p in paths if p]
    for path in candidates:
        try:
            if not os.path.isfile(path):
                continue
            scenario = load_scenario(path)
        except Exception as exc:  # an invalid file is as good as missing here
            log.debug("cannot load %s: %s", path, exc)
            continue
        if getattr(scenario, "id", None) == scenario_id:
            return scenario, "ok"
    return None, "missing"


def _text(value: Any, lang: str) -> str:
    if value is None:
        return ""
    from sim.scenario import text_of

    return text_of(value, lang)


def scenario_report(
    store: Store, scenario_id: str, sessions: list[SessionInfo], library: Any, lang: str,
    trainee: str | None = None,
) -> ScenarioReport:
    """Build the per-node table for one scenario."""
    scenario, state = _load_scenario(
        scenario_id, sorted({s.scenario_path or "" for s in sessions}, reverse=True), library)
    tallies = choice_tallies(store, scenario_id, trainee=trainee)
    by_node: dict[str, dict[str, Any]] = {}
    for t in tallies:
        by_node.setdefault(t.node, {})[t.key] = t
    older = 0
    nodes: list[NodeRow] = []
    if scenario is not None:
        current = scenario.content_hash
        older = sum(1 for s in sessions if s.scenario_hash != current)
        if older:
            state = "changed"
        for node_id, node in scenario.nodes.items():
            picked = dict(by_node.pop(node_id, {}))
            cells = []
            for i, choice in enumerate(node.choices):
                key = choice.id or f"#{i + 1}"
                tally = picked.pop(key, None)
                cells.append(ChoiceCell(key, _text(choice.reply, lang), choice.quality,
                                        choice.step, tally.count if tally else 0))
            cells += [ChoiceCell(t.key, t.reply, t.quality, t.step, t.count, retired=True)
                      for t in picked.values()]
            nodes.append(NodeRow(node_id, _text(node.say, lang), cells))
        title = _text(scenario.title, lang) or scenario_id
    else:
        title = scenario_id
    for node_id, picked in sorted(by_node.items()):  # nodes gone from (or without) a file
        cells = [ChoiceCell(t.key, t.reply, t.quality, t.step, t.count,
                            retired=scenario is not None)
                 for t in sorted(picked.values(), key=lambda t: t.choice_index)]
        nodes.append(NodeRow(node_id, "", cells))
    typed = typed_replies(store, scenario_id, trainee=trainee)
    for row in nodes:
        for c in row.choices:
            c.typed = typed.get((row.node, c.key), [])
        row.picks = sum(c.count for c in row.choices)
        for c in row.choices:
            c.share = c.count / row.picks if row.picks else 0.0
    finished = [s for s in sessions if s.status == "finished" and s.score is not None]
    mean = sum(s.score for s in finished) / len(finished) if finished else None  # type: ignore[misc]
    return ScenarioReport(scenario_id, title, state, len(sessions), len(finished), mean,
                          nodes, older)


def gather(
    store: Store,
    *,
    trainee: str | None = None,
    scenario: str | tuple[str, ...] | None = None,
    library: str | os.PathLike[str] | None = None,
    lang: str = "en",
    last: int = 10,
    industry: str | None = None,
) -> ReportData:
    """Collect the report's data, filtered to one trainee and/or one scenario (or the
    scenarios of one industry: ``scenario`` is then their ids and ``industry`` its
    name, for the page's heading)."""
    names = [trainee] if trainee is not None else store.trainees()
    trainees = []
    for name in names:
        done = store.sessions(trainee=name, scenario=scenario, status="finished",
                              newest_first=False)
        still_open = store.sessions(trainee=name, scenario=scenario, status="playing")
        if not done and not still_open and trainee is None:
            continue
        trainees.append(TraineeProgress(
            name, done, store.mastery(name, last=last, scenario=scenario), len(still_open)))
    group = store.mastery(trainee, last=last, scenario=scenario)
    everything = store.sessions(trainee=trainee, scenario=scenario, newest_first=False)
    by_scenario: dict[str, list[SessionInfo]] = {}
    for s in everything:
        by_scenario.setdefault(s.scenario_id, []).append(s)
    scenarios = [scenario_report(store, sid, ss, library, lang, trainee)
                 for sid, ss in sorted(by_scenario.items())]
    return ReportData(
        db_path=str(store.path),
        generated_at=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        trainees=trainees, group=group, scenarios=scenarios, last=last,
        trainee_filter=trainee, lang=lang, industry_filter=industry,
        scenario_filter=scenario if isinstance(scenario, str) or scenario is None
        else ", ".join(sorted(scenario)),
    )


def steps() -> tuple[str, ...]:
    """The five steps, in method order."""
    return STEPS
