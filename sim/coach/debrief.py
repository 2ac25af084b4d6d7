"""The debrief: a play-through assessed against the 5-step method.

:func:`assess` is a pure function of the scenario and the history of turns, so every
front end shows the same debrief and tests need no front end.

How the score (0..100) is made — shown to the trainee as "how this was scored":

* **Method steps, 40 points**: 8 per step — excellent (a ``best`` reply of that step)
  8, done (``good``) 6, weak (only ``poor``/``harmful``) 2, missed 0.
* **Reply quality, 15 points**: 15 × the mean over all replies of best 1, good 0.7,
  poor 0.3, harmful 0.
* **Order, 10 points**: 10, less 4 for each step begun (any reply of that step) before
  an earlier step of the method had been done well (a best or good reply), less 4 if a
  solution was offered while emotion was still 70 or more; floor 0; then scaled by the
  share of the five steps done well (no credit for the order of steps never done well).
* **Outcome, 25 points**: resolved 25, partial 15, escalated 5, lost or unfinished 0.
* **Final meters, 10 points**: (100 − emotion) / 20 + trust / 20.

The score keeps one decimal. A better reply never lowers a part and raises the quality
part, so of two plays that reach the same ending with the same other replies, the better
one scores higher.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from sim.coach.labels import STEP_LABELS, Text
from sim.engine import Session, Turn
from sim.scenario import STEPS, Choice, Scenario
from sim.scenario.model import Text as ScenarioText

STEP_POINTS = {"excellent": 8.0, "done": 6.0, "weak": 2.0, "missed": 0.0}
QUALITY_VALUE = {"best": 1.0, "good": 0.7, "poor": 0.3, "harmful": 0.0}
QUALITY_RANK = {"best": 3, "good": 2, "poor": 1, "harmful": 0}
OUTCOME_POINTS = {"resolved": 25.0, "partial": 15.0, "escalated": 5.0, "lost": 0.0}
ORDER_PENALTY = 4.0
HIGH_EMOTION = 70

SCORING_EXPLANATION: Text = {
    "en": "Method steps 40 (per step: excellent 8, done 6, weak 2, missed 0) · reply "
          "quality 15 (average of best 1, good 0.7, poor 0.3, harmful 0) · order 10 "
          "(−4 per step begun before an earlier step was done well, −4 for a solution "
          "offered while emotion was 70 or more; scaled by the steps done well) · outcome "
          "25 (resolved 25, partial 15, escalated 5, lost 0) · final meters 10 "
          "((100 − emotion)/20 + trust/20).",
    "zh": "方法步骤40分（每步：优秀8、完成6、薄弱2、缺失0）· 回应质量15分（最佳1、不错0.7、"
          "欠妥0.3、有害0的平均值）· 顺序10分（前一步还没做到位就开始下一步，每次扣4分；"
          "客户情绪仍在70以上就给方案，扣4分；按做好的步骤比例折算）· 结果25分（圆满化解25、"
          "部分化解15、事态升级5、客户流失0）· 最终情绪与信任10分（(100−情绪)/20 + 信任/20）。",
}


@dataclass(frozen=True)
class StepResult:
    """How one method step went: its status and the turns that attempted it."""

    step: str
    status: str
    turns: tuple[int, ...]


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
            "order_problems": [{"turn": o.turn, "kind": o.kind, "message": o.message}
                               for o in self.order_problems],
            "pitfalls": [{"turn": p.turn, "pitfall": p.pitfall, "node": p.node,
                          "reply": p.reply, "why": p.why} for p in self.pitfalls],
            "missed": [{"turn": t.number, "node": t.node, "reply": t.reply,
                        "better": asdict(t.better)} for t in self.missed if t.better],
            "facts_learned": list(self.facts_learned),
            "facts_missed": list(self.facts_missed),
            "score_parts": [{"key": p.key, "label": p.label, "points": p.points,
                             "max": p.maximum} for p in self.parts],
            "scoring": self.scoring,
            "turns": [{"turn": t.number, "node": t.node, "choice": t.choice_id,
                       "reply": t.reply, "step": t.step, "quality": t.quality,
                       "pitfall": t.pitfall, "emotion": t.emotion, "trust": t.trust,
                       "learned": list(t.learned)} for t in self.turns],
        }


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
    c: Choice = node.choices[best]
    return BetterReply(
        index=best, choice_id=c.id, reply=c.reply, quality=c.quality, step=c.step, why=c.why,
        emotion_delta=_clamp(turn.emotion_before + c.effects.emotion) - turn.emotion_before,
        trust_delta=_clamp(turn.trust_before + c.effects.trust) - turn.trust_before,
    )


def _step_results(history: list[Turn]) -> dict[str, StepResult]:
    results: dict[str, StepResult] = {}
    for step in STEPS:
        turns = [t for t in history if t.step == step]
        qualities = {t.quality for t in turns}
        if "best" in qualities:
            status = "excellent"
        elif "good" in qualities:
            status = "done"
        elif turns:
            status = "weak"
        else:
            status = "missed"
        results[step] = StepResult(step, status, tuple(t.number for t in turns))
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
                "en": f"Turn {begun}: you moved on to '{STEP_LABELS[later]['en']}' before "
                      f"you had done {names_en} well; the method puts it after.",
                "zh": f"第{begun}轮：{names_zh}还没做到位，你就开始“{STEP_LABELS[later]['zh']}”"
                      "了，方法上它应该放在后面。",
            }))
    for t in history:
        if t.step == "solve" and t.emotion_before >= HIGH_EMOTION:
            problems.append(OrderProblem(t.number, "premature_solution", {
                "en": f"Turn {t.number}: you offered a solution while the customer's emotion "
                      f"was still {t.emotion_before} — calm them first, or the solution "
                      "won't be heard.",
                "zh": f"第{t.number}轮：客户情绪还在{t.emotion_before}，你就给了方案——"
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
) -> Debrief:
    """Assess a history of turns that ended at ``ending_id`` (None: unfinished)."""
    history = list(history)
    start_emotion = scenario.customer.emotion if start_emotion is None else start_emotion
    start_trust = scenario.customer.trust if start_trust is None else start_trust
    emotion = history[-1].emotion if history else start_emotion
    trust = history[-1].trust if history else start_trust
    ending = scenario.endings.get(ending_id) if ending_id else None
    outcome = ending.outcome if ending else "unfinished"

    steps = _step_results(history)
    problems = _order_problems(history)
    order_count = sum(1 for p in problems if p.kind == "order")
    premature = any(p.kind == "premature_solution" for p in problems)
    solid = sum(1 for s in steps.values() if s.status in ("excellent", "done"))

    step_pts = sum(STEP_POINTS[s.status] for s in steps.values())
    quality_pts = (15.0 * sum(QUALITY_VALUE[t.quality] for t in history) / len(history)
                   if history else 0.0)
    order_pts = max(0.0, 10.0 - ORDER_PENALTY * order_count
                    - (ORDER_PENALTY if premature else 0.0)) * solid / len(STEPS)
    outcome_pts = OUTCOME_POINTS.get(outcome, 0.0)
    meter_pts = (100 - emotion) / 20 + trust / 20
    parts = (
        ScorePart("steps", {"en": "Method steps", "zh": "方法步骤"}, round(step_pts, 1), 40),
        ScorePart("quality", {"en": "Reply quality", "zh": "回应质量"}, round(quality_pts, 1), 15),
        ScorePart("order", {"en": "Order", "zh": "步骤顺序"}, round(order_pts, 1), 10),
        ScorePart("outcome", {"en": "Outcome", "zh": "结果"}, round(outcome_pts, 1), 25),
        ScorePart("meters", {"en": "Final emotion and trust", "zh": "最终情绪与信任"},
                  round(meter_pts, 1), 10),
    )
    # One decimal, not a whole number: rounding to integers could erase the 0.9 points a
    # single better reply earns in a long conversation.
    score = round(step_pts + quality_pts + order_pts + outcome_pts + meter_pts, 1)

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
            better=_better_reply(scenario, t),
        ))
        if t.pitfall:
            pitfalls.append(PitfallNote(t.number, t.pitfall, t.node, c.reply, c.why))

    learned = [f for t in history for f in t.learned]
    return Debrief(
        scenario_id=scenario.id, ending_id=ending_id if ending else None, outcome=outcome,
        score=max(0.0, min(100.0, score)), emotion=emotion, trust=trust,
        start_emotion=start_emotion, start_trust=start_trust, steps=steps,
        order_problems=tuple(problems), pitfalls=tuple(pitfalls), turns=tuple(reviews),
        facts_learned=tuple(learned),
        facts_missed=tuple(f for f in scenario.facts if f not in learned),
        parts=parts, finished=ending is not None, stuck=stuck,
    )


def assess(session: Session) -> Debrief:
    """Assess a session, finished or not (an unfinished one has outcome 'unfinished')."""
    return assess_history(session.scenario, session.history, session.ending_id,
                          session.start_emotion, session.start_trust, stuck=session.is_stuck)
