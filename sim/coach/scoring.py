"""The score, version 2: a small foldable tally of a play and the formula that scores it.

The debrief (:func:`sim.coach.debrief.assess_history`) and the scenario analyzer both
compute the score here and nowhere else: the debrief folds :func:`tally_step` over the
turns of one play, the analyzer folds it over the edges of the play-state graph.

How a play is scored
--------------------
**Handling, 0..100** — how the conversation was handled, whatever its ending:

* **Method steps, 60** (12 per step). A step's status: *excellent* (a ``best`` reply of
  it) 12, *done* (a ``good`` one) 8.4, *weak* (only ``poor`` ones) 3.6, *missed* 0. A
  ``harmful`` reply marks its step *weak, harmed* (0 points) whatever came before it,
  so a step with a harmful reply is never excellent; a later ``good`` or ``best`` reply
  of that step repairs it, and a repaired step counts as *done* at most (8.4).
* **Order, 25**: 25, less a quarter for each step begun before an earlier step of the
  method (one that was attempted at some point) had been done well (a ``best`` or
  ``good`` reply), and less a quarter if a solution was offered while emotion was 70 or
  more; floor 0; then scaled by the share of the five steps done well (steps excellent,
  done or repaired) — no credit for the order of steps never done well.
* **Final meters, 15**: 15 × ((100 − emotion) + trust) / 200.
* **Mistakes**: −10 for each harmful reply (counted up to 3) and −10 for each critical
  error (counted up to 2). The critical errors are the ones the method names: replies
  tagged ``overpromise`` (promising beyond your authority), ``blame`` (blaming the
  customer or a colleague), ``dismiss`` (dismissing the customer) and ``threaten``
  (threatening the customer — a tag of its own since there was none for it before).
  Handling is clamped to 0..100.

**Outcome bound** — the ending bounds the score, so that no play scores above a play
that ended better and was handled as well: the score is handling × the ending's ceiling
/ 100, the ceilings being *lost* 40, *escalated* 60, *partial* 80, *resolved* 100 (an
unfinished or stuck play is bounded like a lost one, 40). So a lost play scores at most
40, an escalated one at most 60, a partial one at most 80, and only a resolved play
reaches the top band (above 80) — and not if a harmful reply was left unrepaired (a
harmful reply of a step with no later good or best reply of that step, or a harmful
reply of no step at all): such a play is held to 80 at most.

The score keeps one decimal.

Why this shape
--------------
* Nothing is averaged over replies and nothing is counted per good reply, so a longer
  play never scores more for being longer: a step counts once, however many replies it
  took, and the repair of a harmful reply is capped, so a "mistake then apologise" loop
  can't earn more than getting it right.
* Every part is monotone in the quality of each reply: making one reply better (same
  step, same meters, same route) never lowers any part. A harmful reply costs its step's
  points, the mistake's 10 points and its share of the order part, and caps what a later
  repair can give back.
* The final meters count, and only in the right direction: lower emotion or higher
  trust never lowers the score.

How the analyzer uses it
------------------------
A :class:`Tally` is the part of a play's history the score depends on beyond the ending
and the final meters. Fold :func:`tally_step` (or the cheaper, cached
:func:`tally_advance`) along each edge of the play-state graph from :func:`tally_start`;
at an ending, :func:`tally_score` gives the exact score of every play that reached it
with that tally and those meters. A (play state, tally) pair therefore carries all that
matters. The tally is a tuple of seven small integers with at most 6^5 × 2^5 × 2^10 × 2 ×
4 × 3 × 2 values; far fewer occur together with one play state, since the play state
already fixes much of the history.

For pruning, :func:`dominates` says when one tally is at least as good as another for
every continuation (same play state, any replies after): then the dominated one can be
dropped for a best-score search (and the dominating one for a worst-score search). The
score is monotone non-increasing in ``harms``, ``critical``, ``premature`` and ``stray``
(each only grows along a play), non-decreasing in ``solid`` and non-increasing in
``pending`` (as sets of bits); the step codes are only partially ordered (see
:data:`CODE_AT_LEAST`): *excellent* ≥ *done* ≥ *repaired* ≥ *harmed* and *done* ≥
*weak* ≥ *harmed*, but *weak* and *repaired* are not comparable (a weak step can still
become excellent, a repaired one can't), and *missed* compares only with itself (the
first attempt of a step decides its order).
"""

from __future__ import annotations

from functools import lru_cache
from typing import NamedTuple

from sim.scenario import STEPS, Scenario

SCORING_VERSION = 2

# --- the parts' weights and the outcome ceilings (the module docstring explains them) ---
STEP_POINTS = 12.0
ORDER_POINTS = 25.0
METER_POINTS = 15.0
HARM_PENALTY = 10.0
HARM_CAP = 3
CRITICAL_PENALTY = 10.0
CRITICAL_CAP = 2
ORDER_FRACTION = 0.25
HIGH_EMOTION = 70
OUTCOME_CEILING = {"resolved": 100.0, "partial": 80.0, "escalated": 60.0, "lost": 40.0}
UNFINISHED_CEILING = 40.0
UNREPAIRED_CEILING = 80.0
#: the critical errors the method names, by pitfall tag
CRITICAL_PITFALLS = ("overpromise", "blame", "dismiss", "threaten")

# --- step codes ------------------------------------------------------------------------
MISSED, WEAK, DONE, EXCELLENT, HARMED, REPAIRED = range(6)
#: a code's status as the debrief shows it (harmed counts as weak, repaired as done)
CODE_STATUS = ("missed", "weak", "done", "excellent", "weak", "done")
#: a code's share of the step's points
CODE_VALUE = (0.0, 0.3, 0.7, 1.0, 0.0, 0.7)
#: codes whose step counts as done well (for the order part's scaling)
SOLID_CODES = frozenset((DONE, EXCELLENT, REPAIRED))
#: for each code, the codes it is at least as good as for every continuation
CODE_AT_LEAST: dict[int, frozenset[int]] = {
    MISSED: frozenset((MISSED,)),
    WEAK: frozenset((WEAK, HARMED)),
    DONE: frozenset((DONE, WEAK, REPAIRED, HARMED)),
    EXCELLENT: frozenset((EXCELLENT, DONE, WEAK, REPAIRED, HARMED)),
    HARMED: frozenset((HARMED,)),
    REPAIRED: frozenset((REPAIRED, HARMED)),
}

_STEP_INDEX = {s: i for i, s in enumerate(STEPS)}
# Order bits: for step L (1..4), the earlier steps (L bits) not yet done well when L was
# first attempted, at offsets 0, 1, 3, 6 (10 bits in all).
_PENDING_AT = tuple(L * (L - 1) // 2 for L in range(len(STEPS)))
_CODE_BITS = 3


class Tally(NamedTuple):
    """What the score needs to know about a play so far, beyond its meters and ending.

    ``codes`` packs a step code (:data:`MISSED` .. :data:`REPAIRED`) per method step, 3
    bits each in method order; ``solid`` has bit *i* set once step *i* had a good or best
    reply; ``pending`` holds, per step, the earlier steps not yet done well when it was
    first attempted; ``premature`` is set once a solution was offered at emotion ≥ 70;
    ``harms`` and ``critical`` count harmful replies and critical errors (capped);
    ``stray`` is set by a harmful reply of no method step (it can't be repaired).
    """

    codes: int = 0
    solid: int = 0
    pending: int = 0
    premature: bool = False
    harms: int = 0
    critical: int = 0
    stray: bool = False

    def code(self, step: int) -> int:
        """The code of the method step with index ``step`` (0 = listen)."""
        return (self.codes >> (_CODE_BITS * step)) & 7

    def status(self, step: int) -> str:
        """The debrief status (missed, weak, done, excellent) of step ``step``."""
        return CODE_STATUS[self.code(step)]

    @property
    def attempted(self) -> int:
        """Bit *i* set when step *i* has had any reply."""
        return sum(1 << s for s in range(len(STEPS)) if self.code(s) != MISSED)

    @property
    def order_count(self) -> int:
        """Steps begun before an earlier step, attempted at some point, was done well."""
        attempted = self.attempted
        count = 0
        for later in range(1, len(STEPS)):
            bits = (self.pending >> _PENDING_AT[later]) & ((1 << later) - 1)
            if bits & attempted:
                count += 1
        return count

    @property
    def unrepaired(self) -> bool:
        """True while a harmful reply is left unrepaired (it keeps the play from the top)."""
        return self.stray or any(self.code(s) == HARMED for s in range(len(STEPS)))


def tally_start(scenario: Scenario | None = None) -> Tally:
    """The tally of a play with no reply yet (the same for every scenario)."""
    return Tally()


@lru_cache(maxsize=1 << 16)
def tally_advance(tally: Tally, step: str | None, quality: str, pitfall: str | None,
                  hot: bool) -> Tally:
    """The tally after one reply of ``step``/``quality``/``pitfall``; ``hot`` is True when
    the customer's emotion was 70 or more before it. Pure and cached: the analyzer can
    call it for every edge."""
    codes, solid, pending, premature, harms, critical, stray = tally
    harmful = quality == "harmful"
    if harmful:
        harms = min(HARM_CAP, harms + 1)
    if pitfall in CRITICAL_PITFALLS:
        critical = min(CRITICAL_CAP, critical + 1)
    s = _STEP_INDEX.get(step) if step else None
    if s is None:
        return Tally(codes, solid, pending, premature, harms, critical, stray or harmful)
    shift = _CODE_BITS * s
    old = (codes >> shift) & 7
    if old == MISSED and s > 0:
        # first attempt of this step: note the earlier steps not yet done well
        pending |= (~solid & ((1 << s) - 1)) << _PENDING_AT[s]
    well = quality in ("best", "good")
    if harmful:
        new = HARMED
    elif old in (HARMED, REPAIRED):
        new = REPAIRED if well or old == REPAIRED else HARMED
    else:
        new = max(old, {"best": EXCELLENT, "good": DONE}.get(quality, WEAK))
    if well:
        solid |= 1 << s
    if step == "solve" and hot:
        premature = True
    codes = (codes & ~(7 << shift)) | (new << shift)
    return Tally(codes, solid, pending, premature, harms, critical, stray)


def tally_step(scenario: Scenario, tally: Tally, node_id: str, choice_index: int,
               emotion_before: int, emotion_after: int, trust_before: int,
               trust_after: int) -> Tally:
    """The tally after reply ``choice_index`` of node ``node_id`` was given.

    The meters after the reply don't change the tally (the final meters are passed to
    :func:`tally_score`); they are in the signature so every caller passes one turn
    whole.
    """
    choice = scenario.nodes[node_id].choices[choice_index]
    return tally_advance(tally, choice.step, choice.quality, choice.pitfall,
                         emotion_before >= HIGH_EMOTION)


class Breakdown(NamedTuple):
    """The score and its parts, as the debrief shows them (they add up to the score)."""

    steps: float
    order: float
    meters: float
    mistakes: float
    handling: float
    ceiling: float
    bound: float
    score: float


def ceiling_of(outcome: str, tally: Tally) -> float:
    """The highest score a play with this ending and tally can get."""
    ceiling = OUTCOME_CEILING.get(outcome, UNFINISHED_CEILING)
    return min(ceiling, UNREPAIRED_CEILING) if tally.unrepaired else ceiling


def step_and_order_points(tally: Tally) -> tuple[float, float]:
    """The step and order parts of the score: they depend on the tally alone (not on the
    ending or the meters), so the analyzer works them out once per tally."""
    codes = [tally.code(s) for s in range(len(STEPS))]
    steps = STEP_POINTS * sum(CODE_VALUE[c] for c in codes)
    solid = sum(1 for c in codes if c in SOLID_CODES)
    faults = tally.order_count + (1 if tally.premature else 0)
    order = ORDER_POINTS * max(0.0, 1.0 - ORDER_FRACTION * faults) * solid / len(STEPS)
    return steps, order


def breakdown(tally: Tally, outcome: str, emotion: int, trust: int) -> Breakdown:
    """The score of a play with this tally, ending (``unfinished`` if none) and meters."""
    steps, order = step_and_order_points(tally)
    meters = METER_POINTS * ((100 - emotion) + trust) / 200
    # the mistakes never take handling below 0: shown as they count
    mistakes = -min(HARM_PENALTY * tally.harms + CRITICAL_PENALTY * tally.critical,
                    steps + order + meters)
    handling = steps + order + meters + mistakes  # at most 100: the parts' maxima add up to it
    ceiling = ceiling_of(outcome, tally)
    score = min(ceiling, handling * OUTCOME_CEILING.get(outcome, UNFINISHED_CEILING) / 100)
    score = round(score, 1)
    return Breakdown(steps, order, meters, mistakes, handling, ceiling, score - handling,
                     score)


def tally_score(scenario: Scenario | None, tally: Tally, outcome: str, emotion: int,
                trust: int) -> float:
    """The score (0..100, one decimal) of a play that ended with ``outcome`` (a scenario
    outcome, or ``unfinished``) at these final meters, after the replies ``tally`` sums
    up. Non-decreasing as emotion falls or trust rises."""
    return breakdown(tally, outcome, emotion, trust).score


def dominates(a: Tally, b: Tally) -> bool:
    """True when, in the same play state, ``a`` scores at least as much as ``b`` after
    any continuation (so a best-score search may drop ``b``, a worst-score one ``a``)."""
    if (a.harms > b.harms or a.critical > b.critical or a.premature > b.premature
            or a.stray > b.stray):
        return False
    if a.solid & b.solid != b.solid or a.pending & b.pending != a.pending:
        return False
    return all(b.code(s) in CODE_AT_LEAST[a.code(s)] for s in range(len(STEPS)))
