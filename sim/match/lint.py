"""``validate --typed``: replies of one node too close for the matcher to tell apart.

Loading the model takes seconds, so plain ``validate`` never does it; ``--typed`` asks.
"""

from __future__ import annotations

from sim.match.matcher import ReplyIndex, too_close_pairs
from sim.scenario import Scenario, text_of
from sim.scenario.problems import Problem


def too_close_warnings(scenario: Scenario, index: ReplyIndex) -> list[Problem]:
    """A ``replies-too-close`` warning per pair of replies at a node whose texts are so
    alike that a typed reply could match either, with their similarity."""
    out = []
    path = scenario.source_path or scenario.id
    for node_id, a, b, sim in too_close_pairs(index):
        node = scenario.nodes[node_id]
        ca, cb = node.choices[a], node.choices[b]
        name_a, name_b = ca.id or f"reply {a + 1}", cb.id or f"reply {b + 1}"
        out.append(Problem(
            path, scenario.line_of("nodes", node_id, "choices", b), 1, "warning",
            "replies-too-close",
            f"'{name_a}' and '{name_b}' are {sim:.2f} alike to the own-words matcher "
            f"(“{text_of(ca.reply, 'en')[:40]}” / “{text_of(cb.reply, 'en')[:40]}”)",
            hint="word one of them differently, or give each 'examples' of how a trainee "
                 "would say it", node=node_id))
    return out
