"""The scenario as a graph: Mermaid or Graphviz DOT text, and rendering with ``dot``.

Nodes are boxes labelled with their id and the start of what the customer says;
endings are rounded and coloured by outcome; each reply is an edge labelled with its
id, method step, quality and, when the author wrote ``examples:`` (other ways a trainee
might say the reply, for the own-words matcher), their count — Mermaid text lists them
in ``%%`` comments, DOT as the edge's tooltip; an edge that needs a condition (the
reply's ``if``, or a ``branch`` entry's) is dashed and shows the condition; the
scenario's ``rules`` appear as dotted edges from a "any reply" marker.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from sim.scenario import Scenario, text_of

OUTCOME_COLOURS = {"resolved": "#b7e4c7", "partial": "#ffe8a3", "escalated": "#ffc9a3",
                   "lost": "#f4a6a6"}
FORMATS = ("mermaid", "dot", "svg", "png")


class RenderError(Exception):
    """Graphviz could not render (not installed, or it failed)."""


def _short(text: str, width: int = 32) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def examples_of(choice: object) -> list[str]:
    """The ``examples:`` an author wrote for a reply (ways a trainee might say it), each
    on one line (a Mermaid comment ends at the line's end)."""
    return [" ".join(t.split()) for t in getattr(choice, "examples", None) or ()]


def examples_note(n: int) -> str:
    """The edge label's part for ``n`` examples ('' for none)."""
    return "" if not n else f"{n} example" + ("" if n == 1 else "s")


def _edges(scenario: Scenario) -> list[tuple[str, str, str, str | None, list[str]]]:
    """:func:`edges` with each reply's examples."""
    out: list[tuple[str, str, str, str | None, list[str]]] = []
    for node_id, node in scenario.nodes.items():
        for i, c in enumerate(node.choices):
            examples = examples_of(c)
            label = " · ".join(x for x in (c.id or f"#{i + 1}", c.step or "no step",
                                           c.quality, examples_note(len(examples))) if x)
            need = c.when.source if c.when is not None else None
            if c.goto is not None:
                out.append((node_id, c.goto, label, need, examples))
            for route in c.branch or ():
                parts = [p for p in (need, route.when.source if route.when else None) if p]
                cond = " and ".join(f"({p})" if len(parts) > 1 else p for p in parts) or None
                out.append((node_id, route.goto, label if route.when else f"{label} (else)",
                            cond, examples))
    return out


def edges(scenario: Scenario) -> list[tuple[str, str, str, str | None]]:
    """(source, target, label, condition or None) for every reply and branch entry."""
    return [e[:4] for e in _edges(scenario)]  # type: ignore[misc]


def to_mermaid(scenario: Scenario, lang: str = "en") -> str:
    """Mermaid ``flowchart`` text (ids are prefixed: Mermaid reserves words like ``end``)."""
    def esc(s: str) -> str:
        return s.replace('"', "#quot;").replace("<", "#lt;").replace(">", "#gt;")

    lines = ["flowchart TD"]
    for node_id, node in scenario.nodes.items():
        start = " ▶" if node_id == scenario.start else ""
        lines.append(f'  n_{node_id}["{esc(node_id)}{start}<br/>'
                     f'{esc(_short(text_of(node.say, lang)))}"]')
    for eid, e in scenario.endings.items():
        lines.append(f'  n_{eid}(["{esc(eid)}: {esc(e.outcome)}<br/>'
                     f'{esc(_short(text_of(e.title, lang)))}"]):::{e.outcome}')
    for src, dst, label, cond in edges(scenario):
        text = esc(label + (f" if {cond}" if cond else ""))
        arrow = "-.->" if cond else "-->"
        lines.append(f'  n_{src} {arrow}|"{text}"| n_{dst}')
    for node_id, node in scenario.nodes.items():
        for i, c in enumerate(node.choices):
            for text in examples_of(c):  # comments: the text form shows the words
                lines.append(f"  %% example {node_id} / {c.id or f'#{i + 1}'}: "
                             f"{text}")
    if scenario.rules:
        lines.append('  any(("any reply"))')
        for rule in scenario.rules:
            lines.append(f'  any -.->|"rule: if {esc(rule.when.source)}"| n_{rule.goto}')
    for outcome, colour in OUTCOME_COLOURS.items():
        lines.append(f"  classDef {outcome} fill:{colour},stroke:#555")
    return "\n".join(lines) + "\n"


def to_dot(scenario: Scenario, lang: str = "en") -> str:
    """Graphviz DOT text."""
    def q(s: str) -> str:
        return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'

    lines = [f"digraph {q(scenario.id)} {{", "  rankdir=TB;",
             '  node [fontname="Noto Sans CJK SC,Noto Sans SC,sans-serif", fontsize=11];',
             '  edge [fontname="Noto Sans CJK SC,Noto Sans SC,sans-serif", fontsize=9];']
    for node_id, node in scenario.nodes.items():
        extra = ", penwidth=2.5" if node_id == scenario.start else ""
        lines.append(f"  {q(node_id)} [shape=box, style=rounded, "
                     f"label={q(node_id + chr(10) + _short(text_of(node.say, lang)))}{extra}];")
    for eid, e in scenario.endings.items():
        label = f"{eid} ({e.outcome})\n{_short(text_of(e.title, lang))}"
        lines.append(f"  {q(eid)} [shape=box, style=\"rounded,filled\", "
                     f"fillcolor={q(OUTCOME_COLOURS[e.outcome])}, label={q(label)}];")
    for src, dst, label, cond, examples in _edges(scenario):
        style = ", style=dashed" if cond else ""
        text = label + (f"\nif {cond}" if cond else "")
        # the examples show on hover in an SVG (the edge and its label)
        tip = q("\n".join(examples)) if examples else ""
        tips = f", tooltip={tip}, labeltooltip={tip}" if examples else ""
        lines.append(f"  {q(src)} -> {q(dst)} [label={q(text)}{style}{tips}];")
    if scenario.rules:
        lines.append('  "any reply" [shape=ellipse, style=dotted];')
        for rule in scenario.rules:
            lines.append(f'  "any reply" -> {q(rule.goto)} '
                         f'[label={q("rule: if " + rule.when.source)}, style=dotted];')
    lines.append("}")
    return "\n".join(lines) + "\n"


def render(dot_text: str, fmt: str, out: Path | None) -> bytes:
    """Render DOT with Graphviz's ``dot`` to svg or png; writes ``out`` when given."""
    exe = shutil.which("dot")
    if exe is None:
        raise RenderError("Graphviz's 'dot' program is not on the PATH, so --format "
                          f"{fmt} can't be drawn. Install Graphviz (e.g. 'apt-get install "
                          "graphviz', 'brew install graphviz') or use --format mermaid|dot")
    try:
        done = subprocess.run([exe, f"-T{fmt}"], input=dot_text.encode(), capture_output=True,
                              timeout=120, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise RenderError(f"Graphviz failed: {exc}") from None
    if done.returncode != 0:
        raise RenderError("Graphviz failed: " + done.stderr.decode(errors="replace").strip())
    if out is not None:
        out.write_bytes(done.stdout)
    return done.stdout
