"""The assessment audit: can a scenario be passed without understanding it?

A scenario teaches only if a trainee must read the replies to do well. The audit asks
that question in three ways, and every score in it is the coach's own
(:func:`sim.coach.assess_history`), so it follows the scoring formula wherever the coach
takes it:

* **Length tell** — per language, how often the best reply is the longest one at a
  decision point (a node offering a ``best`` reply beside others), and where the best
  reply sits in the authored order. Above :data:`LENGTH_TELL_SHARE` of the decision points
  it is a tell (``length-tell``).
* **Content-blind players** — players that never read a word: always the longest reply
  (per language), the shortest, the first, the last, one opening with an apology or
  "you're right" (else the longest), and a seeded random player (the median of
  :data:`RANDOM_PLAYS` plays). They answer in the authored order. One that reaches a
  resolved ending, or scores :data:`BLIND_PASS_SCORE` or more, passes without skill
  (``blind-pass``).
* From the exact analysis (:mod:`sim.tools.analyze`): the highest score reached in each
  outcome other than resolved, against the outcome's band (lost ≤ 40, escalated ≤ 60,
  partial ≤ 80: ``band-breach``), and decision points where a harmful reply, with the
  rest of the play chosen the best way, scores more than a good or best one
  (``harmful-pays``).
"""

from __future__ import annotations

import random
import statistics
import unicodedata
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sim.coach import assess_history
from sim.engine import Turn
from sim.engine.playgraph import HandPlay
from sim.scenario import Choice, Problem, Scenario, languages_of, text_of

#: the content-blind players, as a play-through test's ``player:`` names them
PLAYERS = ("longest", "shortest", "first", "last", "apology", "random")
#: the best reply longest at more than this share of decision points is a tell
LENGTH_TELL_SHARE = 0.40
#: a blind player scoring this or more (or reaching a resolved ending) passes without skill
BLIND_PASS_SCORE = 50.0
#: the highest score each outcome other than resolved may reach (the design's bands)
OUTCOME_BANDS = {"lost": 40.0, "escalated": 60.0, "partial": 80.0}
#: plays of the seeded random player; its median is reported
RANDOM_PLAYS = 101
#: a blind player stops after this many replies (a loop it never leaves)
MAX_BLIND_TURNS = 200

#: how a reply opens when it apologises or concedes, per language (compared in lower case)
APOLOGY_OPENERS: dict[str, tuple[str, ...]] = {
    "en": ("sorry", "i'm sorry", "i am sorry", "i'm so sorry", "i'm really sorry",
           "i'm truly sorry", "i'm very sorry", "so sorry", "we're sorry", "we are sorry",
           "i apologise", "i apologize", "we apologise", "we apologize", "apologies",
           "my apologies", "our apologies", "you're right", "you are right",
           "you're absolutely right", "you are absolutely right", "you're quite right"),
    "zh": ("您说得对", "你说得对", "您说的对", "你说的对", "对不起", "抱歉", "非常抱歉",
           "真抱歉", "很抱歉", "实在抱歉", "真的抱歉", "真的非常抱歉", "真的对不起",
           "真的非常对不起", "非常对不起", "实在对不起", "不好意思", "真不好意思",
           "向您道歉", "我向您道歉", "给您道歉", "我们向您道歉"),
}


def opens_with_apology(text: str, lang: str) -> bool:
    """True when ``text`` opens with an apology or a concession ("you're right")."""
    start = text.lstrip()
    # skip opening quotation marks and the like, and a leading interjection such as "Oh,"
    while start and unicodedata.category(start[0]).startswith("P"):
        start = start[1:].lstrip()
    lowered = start.lower().replace("’", "'")
    openers = APOLOGY_OPENERS.get(lang, ()) + (APOLOGY_OPENERS["en"] if lang != "en" else ())
    return any(lowered.startswith(o) for o in openers)


def scenario_languages(scenario: Scenario) -> list[str]:
    """The languages the replies are written in (English first); ``["en"]`` if none."""
    langs: set[str] = set()
    for node in scenario.nodes.values():
        for c in node.choices:
            langs |= languages_of(c.reply)
    if not langs:
        return ["en"]
    return sorted(langs, key=lambda lang: (lang != "en", lang))


Offer = Sequence[tuple[int, Choice]]  # (index in the node, choice), in authored order


def choose_blind(player: str, offered: Offer, lang: str, rng: random.Random | None) -> int:
    """Which of ``offered`` a content-blind ``player`` gives: a position in ``offered``.

    Ties go to the earlier reply in the authored order.
    """
    n = len(offered)
    if player == "first":
        return 0
    if player == "last":
        return n - 1
    if player == "random":
        return (rng or random.Random(0)).randrange(n)
    lengths = [len(text_of(c.reply, lang)) for _, c in offered]
    if player == "shortest":
        return min(range(n), key=lambda i: (lengths[i], i))
    if player == "apology":
        opening = [i for i, (_, c) in enumerate(offered)
                   if opens_with_apology(text_of(c.reply, lang), lang)]
        if opening:
            return max(opening, key=lambda i: (lengths[i], -i))
        return max(range(n), key=lambda i: (lengths[i], -i))
    if player == "longest":
        return max(range(n), key=lambda i: (lengths[i], -i))
    raise ValueError(f"unknown player {player!r}; one of {', '.join(PLAYERS)}")


# --- playing without reading ------------------------------------------------------------

@dataclass
class BlindPlay:
    """One content-blind play, assessed by the coach."""

    player: str
    lang: str
    ending: str | None
    outcome: str
    score: float
    plan: list[str]
    looped: bool = False
    #: for the random player: how many plays, and how many reached each outcome
    plays: int = 1
    outcomes: dict[str, int] = field(default_factory=dict)

    @property
    def passes(self) -> bool:
        """True when this player passes the scenario without skill."""
        return self.outcome == "resolved" or self.score >= BLIND_PASS_SCORE

    def label(self) -> str:
        """How the report names the player, e.g. ``longest (zh)``."""
        if self.player in ("longest", "shortest", "apology"):
            return f"{self.player} ({self.lang})"
        return self.player

    def to_json(self) -> dict[str, Any]:
        """JSON-ready form."""
        out: dict[str, Any] = {"player": self.player, "lang": self.lang, "ending": self.ending,
                               "outcome": self.outcome, "score": self.score,
                               "replies": len(self.plan), "plan": self.plan,
                               "looped": self.looped, "passes": self.passes}
        if self.player == "random":
            out["plays"] = self.plays
            out["outcomes"] = self.outcomes
        return out


def play_blind(scenario: Scenario, pick: Callable[[Offer], int], *,
               max_turns: int = MAX_BLIND_TURNS) -> tuple[list[Turn], str | None, bool, bool]:
    """Play ``scenario`` giving the reply ``pick`` chooses among those offered.

    Steps the play as :class:`sim.engine.Session` does
    (:class:`~sim.engine.playgraph.HandPlay`). Returns the turns, the ending (None if
    none was reached), whether the play was stuck, and whether it hit ``max_turns``.
    """
    play = HandPlay(scenario)
    while len(play.turns) < max_turns:
        node = scenario.nodes[play.here]
        indices = play.offered()
        if not indices:
            return play.turns, None, True, False
        offered = [(i, node.choices[i]) for i in indices]
        play.give(offered[pick(offered)][0], indices)
        if play.ending is not None:
            return play.turns, play.ending, False, False
    return play.turns, None, False, True


def _plan(turns: list[Turn]) -> list[str]:
    """The turns as ``play --choices`` names them (ids, else 1-based offered positions)."""
    return [t.choice_id or str(t.offered.index(t.index) + 1) for t in turns]


def blind_play(scenario: Scenario, player: str, lang: str = "en", seed: int = 0) -> BlindPlay:
    """One play by a content-blind player (for ``random``: one play with ``seed``)."""
    rng = random.Random(seed)
    turns, ending, stuck, looped = play_blind(
        scenario, lambda offered: choose_blind(player, offered, lang, rng))
    debrief = assess_history(scenario, turns, ending, stuck=stuck, turning=False)
    return BlindPlay(player, lang, debrief.ending_id, debrief.outcome, debrief.score,
                     _plan(turns), looped)


def random_player(scenario: Scenario, seed: int = 0, plays: int = RANDOM_PLAYS) -> BlindPlay:
    """The seeded random player: the median play of ``plays`` (seeds ``seed``, ``seed+1``…)."""
    results = [blind_play(scenario, "random", "en", seed + k) for k in range(plays)]
    median = statistics.median_low([r.score for r in results])
    pick = next(r for r in results if r.score == median)
    pick.plays = plays
    pick.outcomes = dict(Counter(r.outcome for r in results))
    return pick


def blind_players(scenario: Scenario, seed: int = 0) -> list[BlindPlay]:
    """Every content-blind player's play: the length players once per language."""
    langs = scenario_languages(scenario)
    out: list[BlindPlay] = []
    for player in ("longest", "shortest", "apology"):
        out.extend(blind_play(scenario, player, lang) for lang in langs)
    out.extend(blind_play(scenario, player) for player in ("first", "last"))
    out.append(random_player(scenario, seed))
    return out


# --- the length tell --------------------------------------------------------------------

@dataclass
class LengthTell:
    """Per language: where the best reply sits at the scenario's decision points."""

    lang: str
    decision_points: int
    best_longest: int
    #: 1-based authored position of the best reply → how many decision points
    positions: dict[int, int]
    #: the best reply's rank by length (1 = the longest) → how many decision points
    length_ranks: dict[int, int]
    #: (node, choice index) of the best reply at each decision point where it is longest
    where: list[tuple[str, int]]

    @property
    def share(self) -> float:
        """The share of decision points where the best reply is the longest."""
        return self.best_longest / self.decision_points if self.decision_points else 0.0

    @property
    def is_tell(self) -> bool:
        """True above :data:`LENGTH_TELL_SHARE`."""
        return self.share > LENGTH_TELL_SHARE

    def to_json(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {"lang": self.lang, "decision_points": self.decision_points,
                "best_longest": self.best_longest, "share": round(self.share, 3),
                "tell": self.is_tell,
                "positions": {str(k): v for k, v in sorted(self.positions.items())},
                "length_ranks": {str(k): v for k, v in sorted(self.length_ranks.items())},
                "nodes": [n for n, _ in self.where]}


def length_tells(scenario: Scenario) -> list[LengthTell]:
    """The length tell per language.

    A decision point is a node whose replies include a ``best`` one and one that is not.
    The best reply counts as longest only when no other reply is as long (a tie tells a
    player nothing). With several best replies, the first in authored order is placed.
    """
    out: list[LengthTell] = []
    for lang in scenario_languages(scenario):
        points = longest = 0
        positions: Counter[int] = Counter()
        ranks: Counter[int] = Counter()
        where: list[tuple[str, int]] = []
        for node_id, node in scenario.nodes.items():
            best = [i for i, c in enumerate(node.choices) if c.quality == "best"]
            if not best or len(best) == len(node.choices):
                continue
            points += 1
            lengths = [len(text_of(c.reply, lang)) for c in node.choices]
            positions[best[0] + 1] += 1
            top = max(lengths[i] for i in best)
            ranks[1 + sum(1 for x in lengths if x > top)] += 1
            top_best = next(i for i in best if lengths[i] == top)
            if all(lengths[i] < top for i in range(len(lengths)) if i not in best):
                longest += 1
                where.append((node_id, top_best))
        out.append(LengthTell(lang, points, longest, dict(positions), dict(ranks), where))
    return out


# --- the audit --------------------------------------------------------------------------

@dataclass
class HarmfulPays:
    """A decision point where a harmful reply, the rest played the best way, beats a good one."""

    node: str
    harmful: int
    good: int
    harmful_score: float
    good_score: float

    def to_json(self, scenario: Scenario) -> dict[str, Any]:
        """JSON-ready form."""
        node = scenario.nodes[self.node]
        return {"node": self.node,
                "harmful": node.choices[self.harmful].id or str(self.harmful + 1),
                "good": node.choices[self.good].id or str(self.good + 1),
                "quality": node.choices[self.good].quality,
                "harmful_best_score": self.harmful_score, "good_best_score": self.good_score,
                "line": scenario.line_of("nodes", self.node, "choices", self.harmful)}


@dataclass
class Audit:
    """The assessment audit of one scenario (see the module docstring)."""

    scenario: Scenario
    length: list[LengthTell]
    blind: list[BlindPlay]
    #: outcome → (highest score, ending, plan) over every play, from the analysis
    outcome_high: dict[str, tuple[float, str, list[str]]] | None = None
    #: True when ``outcome_high`` and ``harmful_pays`` are proved (the analysis was exact)
    exact: bool = False
    harmful_pays: list[HarmfulPays] | None = None

    def breaches(self) -> list[tuple[str, float, str, list[str]]]:
        """(outcome, highest score, ending, plan) for each outcome above its band."""
        return [(o, s, e, p) for o, (s, e, p) in (self.outcome_high or {}).items()
                if o in OUTCOME_BANDS and s > OUTCOME_BANDS[o]]

    def to_json(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "thresholds": {"length_tell_share": LENGTH_TELL_SHARE,
                           "blind_pass_score": BLIND_PASS_SCORE, "bands": OUTCOME_BANDS},
            "length": [t.to_json() for t in self.length],
            "blind_players": [b.to_json() for b in self.blind],
            "exact": self.exact,
            "outcome_high": None if self.outcome_high is None else {
                o: {"score": s, "ending": e, "plan": p, "band": OUTCOME_BANDS.get(o),
                    "breach": o in OUTCOME_BANDS and s > OUTCOME_BANDS[o]}
                for o, (s, e, p) in self.outcome_high.items()},
            "harmful_pays": None if self.harmful_pays is None else [
                h.to_json(self.scenario) for h in self.harmful_pays],
        }

    def passable_without_skill(self) -> bool:
        """True when any finding lets the scenario be passed without skill."""
        return bool(any(t.is_tell for t in self.length) or any(b.passes for b in self.blind)
                    or self.breaches() or self.harmful_pays)


def audit(scenario: Scenario, *, analysis: Any = None, seed: int = 0) -> Audit:
    """Audit ``scenario``; ``analysis`` (a :class:`sim.tools.analyze.Analysis`) adds the
    outcome bands and harmful-pays findings, proved when the analysis is exact."""
    result = Audit(scenario, length_tells(scenario), blind_players(scenario, seed))
    if analysis is not None:
        result.outcome_high = analysis.outcome_high()
        result.harmful_pays = analysis.harmful_pays
        result.exact = bool(analysis.exact)
    return result


def _choice_col(lines: list[str], line: int) -> int:
    """1-based column of a choice's first key (after the ``- ``) on its line."""
    if not 0 < line <= len(lines):
        return 1
    text = lines[line - 1]
    stripped = text.lstrip(" ")
    col = len(text) - len(stripped) + 1
    return col + 2 if stripped.startswith("- ") else col


def shown_plan(plan: list[str], limit: int = 30) -> str:
    """A ``--choices`` plan for a message, cut after ``limit`` replies."""
    if len(plan) <= limit:
        return ",".join(plan)
    return ",".join(plan[:limit]) + f",… ({len(plan)} replies; analyze --json has them all)"


def audit_warnings(result: Audit, lines: list[str]) -> list[Problem]:
    """The findings that let the scenario be passed without skill, as located warnings."""
    sc = result.scenario
    path = sc.source_path or sc.id
    out: list[Problem] = []
    for tell in result.length:
        if not tell.is_tell:
            continue
        node, index = tell.where[0]
        line = sc.line_of("nodes", node, "choices", index)
        out.append(Problem(
            path, line, _choice_col(lines, line), "warning", "length-tell",
            f"[{tell.lang}] the best reply is the longest at {tell.best_longest} of "
            f"{tell.decision_points} decision points ({tell.share:.0%}, more than "
            f"{LENGTH_TELL_SHARE:.0%}): always picking the longest reply finds it; first "
            f"here, also at {', '.join(n for n, _ in tell.where[1:6]) or 'no other node'}"
            f"{'…' if len(tell.where) > 6 else ''}",
            "shorten the best replies or lengthen the others so length tells nothing", node))
    for play in result.blind:
        if not play.passes:
            continue
        where = ("endings", play.ending) if play.ending else ("nodes", sc.start)
        line = sc.line_of(*where)
        why = ("reaches a resolved ending" if play.outcome == "resolved"
               else f"scores {play.score} (≥ {BLIND_PASS_SCORE:g})")
        what = (f"the median of {play.plays} random plays" if play.player == "random"
                else f"always answering the {play.label()} reply")
        out.append(Problem(
            path, line, _choice_col(lines, line), "warning", "blind-pass",
            f"{what} {why} without reading a word: ending "
            f"'{play.ending or 'none'}', score {play.score}, --choices {shown_plan(play.plan)}",
            "make the replies such a player picks lead somewhere worse", play.ending or ""))
    for outcome, score, ending, plan in result.breaches():
        line = sc.line_of("endings", ending)
        out.append(Problem(
            path, line, _choice_col(lines, line), "warning", "band-breach",
            f"a play reaching '{ending}' ({outcome}) scores {score}, above the {outcome} "
            f"band (≤ {OUTCOME_BANDS[outcome]:g}): --choices {shown_plan(plan)}",
            "the outcome should bound the score; check the scoring version or the ending's "
            "outcome", ending))
    for h in result.harmful_pays or ():
        line = sc.line_of("nodes", h.node, "choices", h.harmful)
        node = sc.nodes[h.node]
        out.append(Problem(
            path, line, _choice_col(lines, line), "warning", "harmful-pays",
            f"harmful reply '{node.choices[h.harmful].id or h.harmful + 1}' can lead to a "
            f"score of {h.harmful_score}, more than {node.choices[h.good].quality} reply "
            f"'{node.choices[h.good].id or h.good + 1}' ({h.good_score}), the rest played "
            "the best way",
            "let the harmful reply cost what it should: worse meters or a worse route",
            h.node))
    return out
