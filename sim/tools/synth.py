"""Generate large, valid scenarios for benchmarks and tests of the trainer tools.

The scenario is layered: ``width`` nodes per layer, three replies per node, each reply
going to a node of the next layer, so a scenario of ``layers`` layers has 3^layers
plays. It uses what real scenarios use — meters, a flag read by conditions, a fact read
by ``learned()``, a reply offered only ``if`` trust is high enough, branches and a rule —
so the tools meet the same work a large hand-written scenario would give them.
"""

from __future__ import annotations

import random

from sim.scenario.model import STEPS

# (quality, emotion delta, trust delta): a best reply calms, a harmful one inflames
_REPLIES = (("best", -25, 25), ("good", -25, 0), ("poor", 25, 0), ("harmful", 50, 0))


def _width(layer: int, width: int) -> int:
    """Nodes in a layer: one opening node, then at most six (all reachable), then width."""
    return 1 if layer == 0 else min(width, 6) if layer == 1 else width


def generate(nodes: int, *, width: int = 10, seed: int = 0) -> str:
    """YAML text of a valid scenario with about ``nodes`` nodes (a multiple of ``width``)."""
    rng = random.Random(seed)
    width = max(1, min(width, nodes))
    layers = max(1, nodes // width)
    out = [
        "format: 1",
        f"id: synthetic-{layers * width}",
        f"title: Synthetic scenario of {layers * width} nodes",
        "summary: Generated for benchmarks",
        "difficulty: 3",
        "briefing: A generated scenario.",
        "customer: {name: Customer, role: Generated, emotion: 75, trust: 25}",
        "facts:",
        "  cause: {en: The cause of the problem, zh: 问题的原因}",
        "rules:",
        "  - {if: emotion >= 100, goto: lost}",
        "start: n0_0",
        "nodes:",
    ]
    for layer in range(layers):
        step = STEPS[min(len(STEPS) - 1, layer * len(STEPS) // layers)]
        last = layer == layers - 1
        for i in range(_width(layer, width)):
            out.append(f"  n{layer}_{i}:")
            out.append(f"    say: Line {layer}.{i}")
            out.append("    choices:")
            for k in range(3):
                quality, de, dt = _REPLIES[rng.randrange(4) if k else rng.randrange(2)]
                # the next layer's first half is for a calmer customer, the second half
                # for an upset one: as in a written scenario, where the conversation goes
                # depends on how it has gone
                # (every node of the next layer gets an arrow, so none is unreachable)
                nxt = _width(layer + 1, width)
                half = max(1, nxt // 2)
                spread = k if layer == 0 else i + k * (1 + rng.randrange(max(1, half - 1)))
                calm = f"n{layer + 1}_{spread % half}"
                upset = f"n{layer + 1}_{min(nxt - 1, half + spread % max(1, nxt - half))}"
                reply_step = step if rng.random() < 0.98 else rng.choice(STEPS)
                out.append(f"      - id: r{k}")
                out.append(f"        reply: Reply {k}")
                out.append(f"        step: {reply_step}")
                out.append(f"        quality: {quality}")
                out.append(f"        effects: {{emotion: {de}, trust: {dt}}}")
                if k == 0 and layer == 0:
                    out.append("        learn: [cause]")
                if k == 1 and ((layer, i) == (0, 0) or rng.random() < 0.1):
                    out.append("        set: {calmed: true}")
                if k == 2 and rng.random() < 0.2:
                    out.append("        if: trust >= 40 or calmed")
                if last:
                    out.append("        branch:")
                    out.append("          - {if: trust >= 60 and learned(cause), goto: resolved}")
                    out.append("          - {if: emotion < 60, goto: partial}")
                    out.append("          - {goto: escalated}")
                else:
                    out.append("        branch:")
                    out.append(f"          - {{if: emotion >= 50, goto: {upset}}}")
                    out.append(f"          - {{goto: {calm}}}")
    out += [
        "endings:",
        "  resolved: {outcome: resolved, title: Resolved}",
        "  partial: {outcome: partial, title: Partly}",
        "  escalated: {outcome: escalated, title: Escalated}",
        "  lost: {outcome: lost, title: Lost}",
    ]
    return "\n".join(out) + "\n"


def many_endings(nodes: int) -> str:
    """YAML text of a hostile scenario: a chain whose every node also offers an ending of
    its own, so an analysis finds thousands of plays to replay (each as long as its
    place in the chain)."""
    lines = ["format: 1", "id: endings", "title: T", "summary: S", "difficulty: 1",
             "briefing: B", "customer: {name: N, role: R, emotion: 50, trust: 50}",
             "start: n0", "nodes:"]
    for i in range(nodes):
        nxt = f"n{i + 1}" if i + 1 < nodes else "last"
        lines.append(f"  n{i}: {{say: s, choices: [{{reply: r, step: listen, quality: best, "
                     f"goto: {nxt}}}, {{reply: p, quality: poor, goto: e{i}}}]}}")
    lines += ["endings:", "  last: {outcome: resolved, title: D}"]
    lines += [f"  e{i}: {{outcome: lost, title: D}}" for i in range(nodes)]
    return "\n".join(lines) + "\n"
