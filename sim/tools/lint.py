"""Warnings that need a loaded scenario (beyond the loader's own checks).

* ``font-missing``: a character the bundled font can't draw (it would show as a gap).
* ``angry-best``: a ``best`` reply whose effects make the customer angrier.
* ``skips-step``: a resolved ending can be reached without ever taking a method step
  (found by exploring play states; skipped for scenarios too large to explore quickly,
  where ``analyze`` answers the same question).
* The assessment audit (:mod:`sim.tools.audit`): ``length-tell`` and ``blind-pass``.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

from sim.scenario import STEPS, Problem, Scenario
from sim.scenario.model import Text

log = logging.getLogger(__name__)

#: play states explored for ``skips-step`` before giving up (keeps validate fast)
SKIP_CHECK_STATES = 5_000


def _texts(scenario: Scenario) -> Iterator[Text]:
    """Every text the game window draws."""
    yield from (scenario.title, scenario.summary, scenario.briefing, scenario.customer.name,
                scenario.customer.role)
    yield from scenario.facts.values()
    for node in scenario.nodes.values():
        yield node.say
        if node.note is not None:
            yield node.note
        for c in node.choices:
            yield c.reply
            if c.why is not None:
                yield c.why
    for e in scenario.endings.values():
        yield from (t for t in (e.title, e.say, e.epilogue) if t is not None)


def _col_of(line: str) -> int:
    """1-based column of a choice's first key (after the ``- ``) on its line."""
    stripped = line.lstrip(" ")
    col = len(line) - len(stripped) + 1
    return col + 2 if stripped.startswith("- ") else col


def font_warnings(scenario: Scenario, lines: list[str]) -> list[Problem]:
    """One warning per line that holds characters the bundled font can't draw."""
    from sim.tools.fontcover import FontError, coverage

    try:
        cov = coverage()
    except (OSError, FontError) as exc:
        log.warning("font coverage not checked: %s", exc)
        return []
    bad: set[str] = set()
    for text in _texts(scenario):
        for s in (text.values() if isinstance(text, dict) else (text,)):
            bad.update(cov.missing(s))
    if not bad:
        return []
    path = scenario.source_path or scenario.id
    out: list[Problem] = []
    for number, line in enumerate(lines, start=1):
        found = [(i, ch) for i, ch in enumerate(line) if ch in bad]
        if found:
            shown = " ".join(dict.fromkeys(f"'{ch}' (U+{ord(ch):04X})" for _, ch in found))
            out.append(Problem(path, number, found[0][0] + 1, "warning", "font-missing",
                               f"the game's font can't draw {shown}; it would show as a gap",
                               "use another character (e.g. a GB2312 one for Chinese)"))
    return out


def angry_best_warnings(scenario: Scenario, lines: list[str]) -> list[Problem]:
    """A ``best`` reply that raises emotion teaches the wrong lesson."""
    path = scenario.source_path or scenario.id
    out: list[Problem] = []
    for node_id, node in scenario.nodes.items():
        for i, c in enumerate(node.choices):
            if c.quality == "best" and c.effects.emotion > 0:
                line = scenario.line_of("nodes", node_id, "choices", i)
                col = _col_of(lines[line - 1]) if 0 < line <= len(lines) else 1
                out.append(Problem(path, line, col, "warning", "angry-best",
                                   f"reply '{c.id or i + 1}' is marked best but makes the "
                                   f"customer angrier (emotion +{c.effects.emotion})",
                                   "give it a calming effect, or mark it good/poor",
                                   node_id))
    return out


def skip_step_warnings(scenario: Scenario, lines: list[str]) -> list[Problem]:
    """A resolved ending reachable while never taking some method step."""
    from sim.engine.statespace import explore, reach_avoiding

    space = explore(scenario, max_states=SKIP_CHECK_STATES, max_turns=60)
    if not space.complete:
        log.info("%s: too large to check skipped steps in validate; use analyze", scenario.id)
        return []
    path = scenario.source_path or scenario.id
    resolved = {e for e, end in scenario.endings.items() if end.outcome == "resolved"}
    out: list[Problem] = []
    for step in STEPS:
        avoid = {(n, i) for n, node in scenario.nodes.items()
                 for i, c in enumerate(node.choices) if c.step == step}
        reached = reach_avoiding(space, avoid)
        for ending in sorted(resolved & set(reached)):
            plan = ",".join(scenario.nodes[n].choices[i].id or f"{n}#{i + 1}"
                            for n, i in reached[ending])
            line = scenario.line_of("endings", ending)
            col = _col_of(lines[line - 1]) if 0 < line <= len(lines) else 1
            out.append(Problem(path, line, col, "warning",
                               "skips-step", f"resolved ending '{ending}' can be reached "
                               f"without the '{step}' step, e.g. by {plan}",
                               "if the method needs that step here, route such plays "
                               "elsewhere: a 'branch' on a flag that step sets", ending))
    return out


def audit_check_warnings(scenario: Scenario, lines: list[str]) -> list[Problem]:
    """The assessment audit's findings that let the scenario be passed without skill
    (``length-tell``, ``blind-pass``; ``analyze`` adds those that need its exploration)."""
    from sim.tools.audit import audit, audit_warnings

    return audit_warnings(audit(scenario), lines)


def extra_warnings(scenario: Scenario) -> list[Problem]:
    """Content warnings about a valid scenario, located in its file."""
    lines: list[str] = []
    if scenario.source_path:
        try:
            lines = Path(scenario.source_path).read_text(encoding="utf-8-sig").splitlines()
        except OSError:
            lines = []
    return [*font_warnings(scenario, lines), *angry_best_warnings(scenario, lines),
            *skip_step_warnings(scenario, lines), *audit_check_warnings(scenario, lines)]
