"""The debrief: a play-through assessed against the 5-step method.

:func:`assess` is a pure function of the scenario and the history of turns, so every
front end shows the same debrief and tests need no front end.

The score is scoring version 2 (:data:`~sim.coach.scoring.SCORING_VERSION`), computed
in :mod:`sim.coach.scoring` by folding :func:`~sim.coach.scoring.tally_step` over the
turns — the same functions the scenario analyzer uses, so both always agree. Its module
docstring gives the formula and the reasons for it; in short:

* **Outcome first**: the ending bounds the score — lost ≤ 40, escalated ≤ 60,
  partial ≤ 80; only resolved plays reach the top band above 80.
* **Handling, 0..100**, scaled by the ending's ceiling: method steps 60 (12 per step:
  excellent 12, done 8.4, weak 3.6, missed 0), order 25, final meters 15, less 10 per
  harmful reply (up to 3) and 10 per critical error (up to 2).
* **A harmful reply leaves a mark**: its step is weak (0 points) until a later good or
  best reply of that step repairs it, and a repaired step is *done* at most; a play
  with an unrepaired harmful reply is held to 80.
* **Critical errors** — pitfall tags ``overpromise``, ``blame``, ``dismiss`` and
  ``threaten`` — are listed first in the debrief.

Nothing is averaged over replies, so a long play earns nothing for its length.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from sim.coach.labels import STEP_LABELS, Text
from sim.coach.scoring import (
    CRITICAL_PITFALLS,
    HARMED,
    HIGH_EMOTION,
    REPAIRED,
    SCORING_VERSION,
    Tally,
    breakdown,
    tally_start,
    tally_step,
)
from sim.coach.turning import TurningPoint, turning_point
from sim.engine import Session, Turn
from sim.scenario import STEPS, Choice, Scenario
from sim.scenario.model import Text as ScenarioText

QUALITY_RANK = {"best": 3, "good": 2, "poor": 1, "harmful": 0}

SCORING_EXPLANATION: Text = {
    "en": "Scoring v2. The ending bounds the score: lost at most 40, escalated 60, partial "
          "80; only a resolved conversation scores above 80. Within that, the score is how "
          "you handled it (0–100) × the ending's ceiling / 100. Handling: method steps 60 "
          "(per step: excellent 12, done 8.4, weak 3.6, missed 0) · order 25 (−¼ per step "
          "begun before an earlier one was done well, −¼ for a solution offered while "
          "emotion was 70 or more; scaled by the steps done well) · final meters 15 "
          "(15 × ((100 − emotion) + trust) / 200) · −10 per harmful reply and −10 per "
          "critical error (promising beyond your authority, blaming, dismissing, "
          "threatening). A harmful reply makes its step weak; a later good or best reply "
          "of that step repairs it, but only up to 'done'; left unrepaired, it holds the "
          "score to 80. Nothing is averaged over replies: a longer conversation earns "
          "nothing for its length.",
    "zh": "评分第2版。结局决定上限：客户流失最多40分，事态升级60分，部分化解80分；"
          "只有圆满化解才能超过80分。在上限之内，得分＝处理分（0–100）×结局上限÷100。"
          "处理分：方法步骤60分（每步：优秀12、完成8.4、薄弱3.6、缺失0）· 步骤顺序25分"
          "（前面的步骤还没做到位就开始下一步，每次扣四分之一；客户情绪仍在70以上就给方案，"
          "扣四分之一；按做好的步骤比例折算）· 最终情绪与信任15分（15×((100−情绪)+信任)÷200）"
          "· 每个有害回应扣10分，每个严重错误（越权承诺、推卸责任、敷衍打发、威胁客户）扣10分。"
          "有害回应会让所属步骤变为薄弱；之后在同一步骤给出不错或最佳的回应可以补救，"
          "但最多算“完成”；没有补救的话，总分最多80分。不按回应次数取平均：对话拖得再长也不加分。",
}


@dataclass(frozen=True)
class StepResult:
    """How one method step went: its status and the turns that attempted it.

    ``harmed`` is True when a harmful reply of the step is left unrepaired (the status
    is then ``weak``), ``repaired`` when a later good or best reply repaired one (the
    status is then ``done`` at most). ``better`` is the reply of this step, on offer at
    one of its turns (``better_turn``), that beats the reply given there the most; when
    none of this step was on offer, it is the better reply of another step at one of its
    turns and ``better_same_step`` is False (the row then says "at that turn").
    """

    step: str
    status: str
    turns: tuple[int, ...]
    harmed: bool = False
    repaired: bool = False
    better: BetterReply | None = None
    better_turn: int | None = None
    better_same_step: bool = True


@dataclass(frozen=True)
class OrderProblem:
    """A step taken too early, or a solution offered while the customer was still hot."""

    turn: int
    kind: str  # "order" | "premature_solution"
    message: Text


@dataclass(frozen=True)
class PitfallNote:
    """A reply that fell into one of the method's pitfalls."""

    turn: int
    pitfall: str
    node: str
    reply: ScenarioText
    why: ScenarioText | None

    @property
    def critical(self) -> bool:
        """True for the critical errors the method names (see :data:`CRITICAL_PITFALLS`)."""
        return self.pitfall in CRITICAL_PITFALLS


@dataclass(frozen=True)
class BetterReply:
    """A better reply that was on offer at a turn, and what it would have done."""

    index: int
    choice_id: str | None
    reply: ScenarioText
    quality: str
    step: str | None
    why: ScenarioText | None
    emotion_delta: int
    trust_delta: int


@dataclass(frozen=True)
class TurnReview:
    """One turn as the debrief tells it: what was said, given, and the road not taken."""

    number: int
    node: str
    say: ScenarioText
    reply: ScenarioText
    choice_id: str | None
    step: str | None
    quality: str
    pitfall: str | None
    why: ScenarioText | None
    emotion_before: int
    trust_before: int
    emotion: int
    trust: int
    learned: tuple[str, ...]
    better: BetterReply | None
    typed: str | None = None  # the trainee's own words, when typed and matched to ``reply``


@dataclass(frozen=True)
class ScorePart:
    """One part of the score: points earned out of the part's maximum."""

    key: str
    label: Text
    points: float
    maximum: int


@dataclass(frozen=True)
class Debrief:
    """A play-through assessed against the 5-step method (see the module docstring)."""

    scenario_id: str
    ending_id: str | None
    outcome: str
    score: float
    emotion: int
    trust: int
    start_emotion: int
    start_trust: int
    steps: dict[str, StepResult]
    order_problems: tuple[OrderProblem, ...]
    pitfalls: tuple[PitfallNote, ...]
    turns: tuple[TurnReview, ...]
    facts_learned: tuple[str, ...]
    facts_missed: tuple[str, ...]
    parts: tuple[ScorePart, ...]
    finished: bool
    stuck: bool = False
    scoring: Text = field(default_factory=lambda: dict(SCORING_EXPLANATION))
    scoring_version: int = SCORING_VERSION
    #: the turn after which the best ending still reachable got worse (None: it never
    #: did, or the search ran out of budget — see :mod:`sim.coach.turning`)
    turning_point: TurningPoint | None = None

    @property
    def critical_errors(self) -> tuple[PitfallNote, ...]:
        """The pitfalls that are critical errors, in turn order (the debrief shows them
        first)."""
        return tuple(p for p in self.pitfalls if p.critical)

    @property
    def missed(self) -> tuple[TurnReview, ...]:
        """The turns where a better reply was on offer."""
        return tuple(t for t in self.turns if t.better is not None)

    @property
    def series(self) -> list[tuple[int, int, int]]:
        """(turn, emotion, trust) from the start (turn 0) to the last turn."""
        return [(0, self.start_emotion, self.start_trust)] + [
            (t.number, t.emotion, t.trust) for t in self.turns]

    def to_json(self) -> dict[str, Any]:
        """The debrief as JSON-ready data (the keys the design names, and more)."""
        return {
            "scenario": self.scenario_id,
            "ending": self.ending_id,
            "outcome": self.outcome,
            "score": self.score,
            "emotion": self.emotion,
            "trust": self.trust,
            "finished": self.finished,
            "steps": {k: {"status": s.status, "turns": list(s.turns)}
                      for k, s in self.steps.items()},
            "step_better": {k: {"turn": s.better_turn, "same_step": s.better_same_step,
                                "better": asdict(s.better)}
                            for k, s in self.steps.items() if s.better is not None},
            "harmed_steps": [k for k, s in self.steps.items() if s.harmed],
            "repaired_steps": [k for k, s in self.steps.items() if s.repaired],
            "order_problems": [{"turn": o.turn, "kind": o.kind, "message": o.message}
                               for o in self.order_problems],
            "pitfalls": [{"turn": p.turn, "pitfall": p.pitfall, "node": p.node,
                          "reply": p.reply, "why": p.why, "critical": p.critical}
                         for p in self.pitfalls],
            "critical_errors": [{"turn": p.turn, "pitfall": p.pitfall, "node": p.node,
                                 "reply": p.reply, "why": p.why}
                                for p in self.critical_errors],
            "missed": [{"turn": t.number, "node": t.node, "reply": t.reply,
                        "better": asdict(t.better)} for t in self.missed if t.better],
            "facts_learned": list(self.facts_learned),
            "facts_missed": list(self.facts_missed),
            "score_parts": [{"key": p.key, "label": p.label, "points": p.points,
                             "max": p.maximum} for p in self.parts],
            "scoring": self.scoring,
            "scoring_version": self.scoring_version,
            "turning_point": self.turning_point.to_json() if self.turning_point else None,
            # "typed" (the trainee's own words) only on turns that were typed
            "turns": [{"turn": t.number, "node": t.node, "choice": t.choice_id,
                       "reply": t.reply, "step": t.step, "quality": t.quality,
                       "pitfall": t.pitfall, "emotion": t.emotion, "trust": t.trust,
                       "learned": list(t.learned), **({"typed": t.typed} if t.typed else {})}
                      for t in self.turns],
        }


def _points(value: float) -> float:
    """One decimal, and never a negative zero."""
    return round(value, 1) + 0.0


def _clamp(value: int) -> int:
    return max(0, min(100, value))


def _better_reply(scenario: Scenario, turn: Turn) -> BetterReply | None:
    """The best reply that was on offer if it beats the one given (ties: calmer, then first)."""
    node = scenario.nodes[turn.node]
    chosen_rank = QUALITY_RANK[turn.quality]

    def merit(i: int) -> tuple[int, int]:
        c = node.choices[i]
        return QUALITY_RANK[c.quality], c.effects.trust - c.effects.emotion

    best = max(turn.offered, key=lambda i: (*merit(i), -i))
    if QUALITY_RANK[node.choices[best].quality] <= chosen_rank:
        return None
    return _as_better(scenario, turn, best)


def _as_better(scenario: Scenario, turn: Turn, index: int) -> BetterReply:
    c: Choice = scenario.nodes[turn.node].choices[index]
    return BetterReply(
        index=index, choice_id=c.id, reply=c.reply, quality=c.quality, step=c.step, why=c.why,
        emotion_delta=_clamp(turn.emotion_before + c.effects.emotion) - turn.emotion_before,
        trust_delta=_clamp(turn.trust_before + c.effects.trust) - turn.trust_before,
    )


def _step_better(scenario: Scenario, turns: list[Turn]
                 ) -> tuple[BetterReply | None, int | None, bool]:
    """The better reply a step row offers: (reply, its turn, whether of the same step)."""
    found: tuple[tuple[int, int, int], Turn, int] | None = None
    for t in turns:
        node = scenario.nodes[t.node]
        for i in t.offered:
            c = node.choices[i]
            gain = QUALITY_RANK[c.quality] - QUALITY_RANK[t.quality]
            if c.step != t.step or gain <= 0:
                continue
            merit = (gain, c.effects.trust - c.effects.emotion, -t.number)
            if found is None or merit > found[0]:
                found = (merit, t, i)
    if found is not None:
        return _as_better(scenario, found[1], found[2]), found[1].number, True
    for t in turns:
        other = _better_reply(scenario, t)
        if other is not None:
            return other, t.number, False
    return None, None, True


def _step_results(scenario: Scenario, history: list[Turn], tally: Tally
                  ) -> dict[str, StepResult]:
    """Each step's status as the score counted it (from the tally: one place), and the
    better reply its row offers."""
    results: dict[str, StepResult] = {}
    for i, step in enumerate(STEPS):
        code = tally.code(i)
        turns = [t for t in history if t.step == step]
        better, at, same = _step_better(scenario, turns)
        results[step] = StepResult(step, tally.status(i), tuple(t.number for t in turns),
                                   harmed=code == HARMED, repaired=code == REPAIRED,
                                   better=better, better_turn=at, better_same_step=same)
    return results


def _order_problems(history: list[Turn]) -> list[OrderProblem]:
    # A step is out of order when it was begun (any reply of that step) before an earlier
    # step of the method had been done well (a best or good reply). Comparing a first
    # attempt with a first solid reply keeps the rule monotone: making any reply better can
    # only remove order problems, never add one.
    never = len(history) + 1
    attempt: dict[str, int] = {}
    solid: dict[str, int] = {}
    for t in history:
        if t.step:
            attempt.setdefault(t.step, t.number)
            if t.quality in ("best", "good"):
                solid.setdefault(t.step, t.number)
    problems: list[OrderProblem] = []
    for later_i, later in enumerate(STEPS):
        if later not in attempt:
            continue
        begun = attempt[later]
        skipped = [s for s in STEPS[:later_i] if s in attempt and solid.get(s, never) > begun]
        if skipped:
            names_en = ", ".join(f"'{STEP_LABELS[s]['en']}'" for s in skipped)
            names_zh = "、".join(f"“{STEP_LABELS[s]['zh']}”" for s in skipped)
            problems.append(OrderProblem(begun, "order", {
                "en": f"Reply {begun}: you moved on to '{STEP_LABELS[later]['en']}' before "
                      f"you had done {names_en} well; the method puts it after.",
                "zh": f"第{begun}次回复：{names_zh}还没做到位，你就开始“{STEP_LABELS[later]['zh']}”"
                      "了，方法上它应该放在后面。",
            }))
    for t in history:
        if t.step == "solve" and t.emotion_before >= HIGH_EMOTION:
            problems.append(OrderProblem(t.number, "premature_solution", {
                "en": f"Reply {t.number}: you offered a solution while the customer's emotion "
                      f"was still {t.emotion_before} — calm them first, or the solution "
                      "won't be heard.",
                "zh": f"第{t.number}次回复：客户情绪还在{t.emotion_before}，你就给了方案——"
                      "先把情绪安抚下来，否则方案对方根本听不进去。",
            }))
    return problems


def assess_history(
    scenario: Scenario,
    history: list[Turn] | tuple[Turn, ...],
    ending_id: str | None,
    start_emotion: int | None = None,
    start_trust: int | None = None,
    *,
    stuck: bool = False,
    preset: Mapping[str, Any] | None = None,
    turning: bool = True,
) -> Debrief:
    """Assess a history of turns that ended at ``ending_id`` (None: unfinished).

    ``preset`` is the session's starting state as :class:`~sim.engine.Session` takes it
    (default: the scenario's start and the given meters), used to find the turning
    point; ``turning`` False skips that search (callers that only need the score).
    """
    history = list(history)
    start_emotion = scenario.customer.emotion if start_emotion is None else start_emotion
    start_trust = scenario.customer.trust if start_trust is None else start_trust
    emotion = history[-1].emotion if history else start_emotion
    trust = history[-1].trust if history else start_trust
    ending = scenario.endings.get(ending_id) if ending_id else None
    outcome = ending.outcome if ending else "unfinished"

    tally = tally_start(scenario)
    for t in history:
        tally = tally_step(scenario, tally, t.node, t.index, t.emotion_before, t.emotion,
                           t.trust_before, t.trust)
    steps = _step_results(scenario, history, tally)
    problems = _order_problems(history)
    b = breakdown(tally, outcome, emotion, trust)
    parts = (
        ScorePart("steps", {"en": "Method steps", "zh": "方法步骤"}, _points(b.steps), 60),
        ScorePart("order", {"en": "Order", "zh": "步骤顺序"}, _points(b.order), 25),
        ScorePart("meters", {"en": "Final emotion and trust", "zh": "最终情绪与信任"},
                  _points(b.meters), 15),
        ScorePart("mistakes", {"en": "Harmful replies and critical errors",
                               "zh": "有害回应与严重错误"}, _points(b.mistakes), 0),
        ScorePart("outcome", {"en": f"Bound by the ending (at most {b.ceiling:g})",
                              "zh": f"结局上限（最多{b.ceiling:g}分）"}, _points(b.bound), 0),
    )
    score = b.score

    reviews: list[TurnReview] = []
    pitfalls: list[PitfallNote] = []
    for t in history:
        node = scenario.nodes[t.node]
        c = node.choices[t.index]
        reviews.append(TurnReview(
            number=t.number, node=t.node, say=node.say, reply=c.reply, choice_id=c.id,
            step=t.step, quality=t.quality, pitfall=t.pitfall, why=c.why,
            emotion_before=t.emotion_before, trust_before=t.trust_before,
            emotion=t.emotion, trust=t.trust, learned=t.learned,
            better=_better_reply(scenario, t), typed=getattr(t, "typed", None),
        ))
        if t.pitfall:
            pitfalls.append(PitfallNote(t.number, t.pitfall, t.node, c.reply, c.why))

    learned = [f for t in history for f in t.learned]
    return Debrief(
        scenario_id=scenario.id, ending_id=ending_id if ending else None, outcome=outcome,
        score=score, emotion=emotion, trust=trust,
        start_emotion=start_emotion, start_trust=start_trust, steps=steps,
        order_problems=tuple(problems), pitfalls=tuple(pitfalls), turns=tuple(reviews),
        facts_learned=tuple(learned),
        facts_missed=tuple(f for f in scenario.facts if f not in learned),
        parts=parts, finished=ending is not None, stuck=stuck,
        turning_point=turning_point(scenario, history, {
            "emotion": start_emotion, "trust": start_trust, **(preset or {})})
        if turning else None,
    )


def session_preset(session: Session) -> dict[str, Any]:
    """The state a session started from, as :class:`~sim.engine.Session` takes it."""
    return {"start": session.start_node, "emotion": session.start_emotion,
            "trust": session.start_trust,
            "flags": dict(getattr(session, "start_flags", None) or {}),
            "learned": set(getattr(session, "start_learned", None) or ())}


def turning_point_of(session: Session) -> TurningPoint | None:
    """The turning point of a session (see :mod:`sim.coach.turning`); front ends that
    must not wait run it in the background and show it when it is ready."""
    return turning_point(session.scenario, session.history, session_preset(session))


def assess(session: Session, *, turning: bool = True) -> Debrief:
    """Assess a session, finished or not (an unfinished one has outcome 'unfinished').

    ``turning`` False leaves the turning point out (its search takes up to a few tenths
    of a second on a large scenario; see :func:`turning_point_of`).
    """
    return assess_history(session.scenario, session.history, session.ending_id,
                          session.start_emotion, session.start_trust, stuck=session.is_stuck,
                          preset=session_preset(session), turning=turning)
