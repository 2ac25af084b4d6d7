"""The score searches compare situations as bit masks: the masks must order tallies
exactly as the coach's :func:`~sim.coach.scoring.dominates` does."""

from __future__ import annotations

import itertools
import random

from sim.coach.scoring import CRITICAL_PITFALLS, Tally, dominates, tally_advance
from sim.scenario import STEPS
from sim.tools.analyze import tally_mask


def _tallies(depth: int) -> list[Tally]:
    """Every tally reachable in ``depth`` replies of any step, quality and pitfall."""
    moves = [(step, quality, pitfall, hot)
             for step in (*STEPS, None)
             for quality in ("best", "good", "poor", "harmful")
             for pitfall in (None, CRITICAL_PITFALLS[0])
             for hot in (False, True)]
    seen = {Tally()}
    frontier = [Tally()]
    for _ in range(depth):
        nxt = []
        for tally in frontier:
            for move in moves:
                t = tally_advance(tally, *move)
                if t not in seen:
                    seen.add(t)
                    nxt.append(t)
        frontier = nxt
    return sorted(seen)


def test_masks_order_tallies_as_dominates() -> None:
    tallies = _tallies(3)
    assert len(tallies) > 1000
    masks = {t: tally_mask(t) for t in tallies}
    rng = random.Random(7)
    pairs = [*itertools.product(tallies[:60], tallies[:60]),
             *((rng.choice(tallies), rng.choice(tallies)) for _ in range(200_000))]
    agree = 0
    for a, b in pairs:
        by_mask = masks[a] | masks[b] == masks[a]
        assert by_mask == dominates(a, b), (a, b)
        agree += by_mask
    assert agree > 100  # the test met pairs where one tally beats the other
