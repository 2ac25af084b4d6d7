"""Warnings that need a loaded scenario (beyond the loader's own checks).

* ``font-missing``: a character the bundled font can't draw (it would show as a gap).
* ``angry-best``: a ``best`` reply whose effects make the customer angrier.
* ``skips-step``: a resolved ending can be reached without ever taking a method step.
* ``ending-meters``: an ending reachable with meters that contradict its outcome.
* ``band-breach``, ``harmful-pays``: the assessment audit's findings that need the
  score search (:mod:`sim.tools.audit`).

The last three explore play states within what :data:`VALIDATE_WORK` work units per
file leave once reading the file is paid for (play states made, situations expanded or
compared, bytes read: a count, so that a warning never depends on the machine's speed or
load); what they find within it is reported, and ``checks-incomplete`` says when it ran
out (``analyze`` answers the same questions with a larger budget).
* The assessment audit (:mod:`sim.tools.audit`): ``length-tell`` and ``blind-pass``.
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sim.scenario import STEPS, Problem, Scenario
from sim.scenario.model import Text

if TYPE_CHECKING:
    from sim.engine.playgraph import PlayGraph

log = logging.getLogger(__name__)

#: play states explored for ``skips-step`` when called on its own
SKIP_CHECK_STATES = 5_000
#: work units validate spends per file on reading it and on the checks that explore play
#: states: play states made, meter situations expanded, score situations expanded or
#: compared. A count, not a time, so validate says the same on any machine. The shipped
#: scenarios need up to about 0.76 million (revenue-share-demand, reading included);
#: this leaves 30 % for growth and keeps validating any file to about a second of CPU (a
#: unit is under half a microsecond) and well under 1 GB; 'analyze' has no such cap.
VALIDATE_WORK = 1_000_000
#: what reading and checking one byte of the file costs, in those units (about what it
#: takes next to a unit of exploring): a large file leaves less for the exploring checks,
#: so that validate's time stays about the same whatever the file's size (a generated
#: 1.4 MB file of 2,000 nodes takes about 0.7 million units to read)
READ_WORK_PER_BYTE = 0.5
#: play states validate explores at most, per file (bounds its memory)
VALIDATE_STATES = 300_000


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
    # each distinct character once: texts repeat the same few hundred characters
    chars: set[str] = set()
    for text in _texts(scenario):
        for s in (text.values() if isinstance(text, dict) else (text,)):
            chars.update(s)
    bad = set(cov.missing("".join(sorted(chars))))
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
                               "use another character (e.g. a common hanzi for Chinese)"))
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


def _located(scenario: Scenario, lines: list[str], *path: str | int) -> tuple[int, int]:
    line = scenario.line_of(*path)
    return line, _col_of(lines[line - 1]) if 0 < line <= len(lines) else 1


def _plan(scenario: Scenario, moves: list[tuple[str, int]]) -> str:
    from sim.tools.audit import shown_plan

    return shown_plan([scenario.nodes[n].choices[i].id or f"{n}#{i + 1}" for n, i in moves])


def skip_step_warnings(scenario: Scenario, lines: list[str],
                       graph: PlayGraph | None = None) -> list[Problem]:
    """A resolved ending reachable while never taking some method step.

    On an incomplete exploration the plays found are still real, so they are reported.
    """
    from sim.engine.playgraph import build, reach_avoiding_step

    if graph is None:
        graph = build(scenario, max_states=SKIP_CHECK_STATES)
    path = scenario.source_path or scenario.id
    resolved = {e for e, end in scenario.endings.items() if end.outcome == "resolved"}
    out: list[Problem] = []
    for step in STEPS:
        reached = reach_avoiding_step(graph, step, stop_at=resolved)
        for ending in sorted(reached):
            line, col = _located(scenario, lines, "endings", ending)
            out.append(Problem(path, line, col, "warning",
                               "skips-step", f"resolved ending '{ending}' can be reached "
                               f"without the '{step}' step, e.g. by "
                               f"{_plan(scenario, reached[ending])}",
                               "if the method needs that step here, route such plays "
                               "elsewhere: a 'branch' on a flag that step sets", ending))
    return out


def _meter_fronts(graph: PlayGraph, calm: bool, max_work: float
                  ) -> tuple[dict[str, list[tuple[int, int, list[tuple[str, int]]]]], bool,
                             int]:
    """For each ending, the meters (emotion, trust) it can be reached with that no other
    arrival beats towards ``calm`` (lower emotion and higher trust) or, if not ``calm``,
    towards anger (higher emotion, lower trust) — each with a play that gets there.

    Clamping keeps order, so the extreme arrivals come from extreme states: per play
    state only the front of such meter pairs is kept. Returns the fronts, whether the
    search finished within ``max_work`` situations expanded, and how many it expanded.
    """
    from sim.tools.analyze import meter_masks

    sc = graph.scenario
    # a meter pair as one int whose bits include another's exactly when it beats it
    emask, tmask = meter_masks(calm)
    e0, t0 = sc.customer.emotion, sc.customer.trust
    # per play state: (mask, emotion, trust) of the pairs no other beats
    fronts: dict[int, list[tuple[int, int, int]]] = {0: [(emask[e0] | tmask[t0], e0, t0)]}
    alive = {(0 << 14) | (e0 << 7) | t0}
    # (state, emotion, trust) packed → (previous one packed, choice)
    parent: dict[int, tuple[int, int]] = {}
    # per ending: (mask, emotion, trust, state, its pair packed, choice)
    arrivals: dict[str, list[tuple[int, int, int, int, int, int]]] = {}
    queue = deque([(0, e0, t0)])
    tick = 0
    states, edges = graph.states, graph.edges
    deltas = [[(ci.emotion, ci.trust) for ci in row] for row in graph.info]
    ending_ids = graph.ending_ids

    def moves_to(packed: int) -> list[tuple[str, int]]:
        out: list[tuple[str, int]] = []
        while packed in parent:
            packed, choice = parent[packed]
            out.append((graph.node_of(packed >> 14), choice))
        return out[::-1]

    done = True
    while queue:
        if tick >= max_work:
            done = False
            break
        tick += 1
        sid, e, t = queue.popleft()
        here = (sid << 14) | (e << 7) | t
        if here not in alive:
            continue  # beaten since it was queued
        row = deltas[states[sid][0]]
        for choice, target in edges[sid]:
            de, dt = row[choice]
            ne = e + de
            ne = 0 if ne < 0 else 100 if ne > 100 else ne
            nt = t + dt
            nt = 0 if nt < 0 else 100 if nt > 100 else nt
            m = emask[ne] | tmask[nt]
            if target < 0:
                ending = ending_ids[-1 - target]
                got = arrivals.get(ending)
                if got is None:
                    arrivals[ending] = [(m, ne, nt, sid, here, choice)]
                    continue
                for x in got:
                    if x[0] | m == x[0]:
                        break
                else:
                    got[:] = [x for x in got if x[0] | m != m]
                    got.append((m, ne, nt, sid, here, choice))
                continue
            front = fronts.get(target)
            if front is None:
                front = fronts[target] = []
            else:
                beaten = False
                for x in front:
                    if x[0] | m == x[0]:  # a pair already there is at least as good
                        beaten = True
                        break
                if beaten:
                    continue
                keep = []
                for x in front:
                    if x[0] | m == m:
                        alive.discard((target << 14) | (x[1] << 7) | x[2])
                    else:
                        keep.append(x)
                front[:] = keep
            front.append((m, ne, nt))
            key = (target << 14) | (ne << 7) | nt
            alive.add(key)
            parent[key] = (here, choice)
            queue.append((target, ne, nt))
    found = {ending: [(ne, nt, [*moves_to(here), (graph.node_of(sid), choice)])
                      for _, ne, nt, sid, here, choice in got]
             for ending, got in arrivals.items()}
    return found, done, tick


#: meters at an ending that contradict its outcome (documented in docs/authoring.md)
LOST_CALM = (30, 70)  # a lost ending reached at emotion ≤ 30 and trust ≥ 70
RESOLVED_ANGRY = (70, 30)  # a resolved ending reached at emotion ≥ 70 or trust ≤ 30


def ending_meter_warnings(scenario: Scenario, lines: list[str], graph: PlayGraph,
                          max_work: float = float("inf")) -> tuple[list[Problem], bool, int]:
    """``ending-meters``: an ending reachable with meters that contradict its outcome — a
    customer who is calm and trusting yet lost, or still angry or distrustful yet
    resolved. Returns the warnings, whether every arrival was checked within
    ``max_work`` work units, and the work spent."""
    path = scenario.source_path or scenario.id
    out: list[Problem] = []
    outcomes = {e: end.outcome for e, end in scenario.endings.items()}
    complete = True
    used = 0
    if "lost" in outcomes.values():
        calm, done, used = _meter_fronts(graph, True, max_work)
        complete &= done
        for ending, points in calm.items():
            hits = [p for p in points if outcomes[ending] == "lost"
                    and p[0] <= LOST_CALM[0] and p[1] >= LOST_CALM[1]]
            if hits:
                e, t, moves = hits[0]
                line, col = _located(scenario, lines, "endings", ending)
                out.append(Problem(
                    path, line, col, "warning", "ending-meters",
                    f"lost ending '{ending}' can be reached with the customer calm and "
                    f"trusting (emotion {e}, trust {t}), e.g. by {_plan(scenario, moves)}",
                    f"a lost customer is not at emotion ≤ {LOST_CALM[0]} and trust ≥ "
                    f"{LOST_CALM[1]}: route such plays to a better ending, or change the "
                    "replies' effects", ending))
    if "resolved" in outcomes.values():
        angry, done, work = _meter_fronts(graph, False, max_work - used)
        used += work
        complete &= done
        for ending, points in angry.items():
            hits = [p for p in points if outcomes[ending] == "resolved"
                    and (p[0] >= RESOLVED_ANGRY[0] or p[1] <= RESOLVED_ANGRY[1])]
            if hits:
                e, t, moves = hits[0]
                line, col = _located(scenario, lines, "endings", ending)
                out.append(Problem(
                    path, line, col, "warning", "ending-meters",
                    f"resolved ending '{ending}' can be reached with the customer still "
                    f"{'angry' if e >= RESOLVED_ANGRY[0] else 'distrustful'} (emotion {e}, "
                    f"trust {t}), e.g. by {_plan(scenario, moves)}",
                    f"a resolved customer is below emotion {RESOLVED_ANGRY[0]} and above "
                    f"trust {RESOLVED_ANGRY[1]}: add a 'branch' on the meters before this "
                    "ending", ending))
    return out, complete, used


def exploration_warnings(scenario: Scenario, lines: list[str],
                         budget: int | None = None) -> list[Problem]:
    """The warnings that need the play states explored, within ``budget`` work units
    (by default what :data:`VALIDATE_WORK` leaves after :func:`reading_work`):
    ``skips-step``, ``ending-meters``, ``band-breach`` and ``harmful-pays``.

    What is found before the budget runs out is real and reported; when it runs out, a
    ``checks-incomplete`` warning says so (``analyze`` has a larger budget).
    """
    from sim.engine.playgraph import paused_gc

    read = 0
    if budget is None:
        read = reading_work(scenario, lines)
        budget = max(0, VALIDATE_WORK - read)
    with paused_gc():
        return _exploration_warnings(scenario, lines, budget, read)


def _exploration_warnings(scenario: Scenario, lines: list[str], budget: int,
                          read: int) -> list[Problem]:
    from sim.engine.playgraph import build
    from sim.tools.analyze import bands_and_harm

    # one pool of work for the three checks: the graph may take a third of it
    graph = build(scenario, max_states=max(1, min(VALIDATE_STATES, budget // 3)))
    left = budget - len(graph.states)
    out = skip_step_warnings(scenario, lines, graph)
    meters, meters_done, used = ending_meter_warnings(scenario, lines, graph, left)
    out += meters
    result, scores_done, _ = bands_and_harm(graph, max(0, left - used))
    out += audit_analysis_warnings(scenario, lines, result)
    if not (graph.complete and meters_done and scores_done):
        done = []
        if graph.complete:
            done.append("skipped steps")
            if meters_done:
                done.append("meters at endings")
        partly = [c for c in ("skipped steps", "meters at endings", "outcome bands",
                              "harmful replies") if c not in done]
        full = f"; {' and '.join(done)} were checked in full" if done else ""
        listed = (", ".join(partly[:-1]) + " and " + partly[-1]) if len(partly) > 1 else (
            partly[0])
        path = scenario.source_path or scenario.id
        line, col = _located(scenario, lines, "nodes")
        out.append(Problem(path, line, col, "warning", "checks-incomplete",
                           f"validate's budget for exploring plays ({budget:,} work units"
                           + (f", what is left of {VALIDATE_WORK:,} after {read:,} for reading "
                              "the file" if read else "") + ") ran out "
                           f"({len(graph.states)} play states): {listed} are "
                           f"reported for the plays explored{full}",
                           f"run 'python main.py analyze {scenario.id}' for the full check"))
    return out


def audit_analysis_warnings(scenario: Scenario, lines: list[str], result: Any) -> list[Problem]:
    """``band-breach`` and ``harmful-pays`` warnings from a score search's findings."""
    from sim.tools.audit import audit_warnings

    return audit_warnings(result, lines) if result is not None else []


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
            *exploration_warnings(scenario, lines), *audit_check_warnings(scenario, lines)]


def reading_work(scenario: Scenario, lines: list[str]) -> int:
    """What reading and checking the scenario's file cost, in work units
    (:data:`READ_WORK_PER_BYTE`)."""
    try:
        size = Path(scenario.source_path).stat().st_size if scenario.source_path else 0
    except OSError:  # not a file on disk (read from bytes): its text's length
        size = sum(len(line) + 1 for line in lines)
    return int(size * READ_WORK_PER_BYTE)
