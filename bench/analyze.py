"""The trainer tools' figures against their targets (DESIGN.md, "Quality bars").

    python bench/analyze.py              # everything below
    python bench/analyze.py --quick      # skip the 45,000-node chain

Prints, each with its target (``ok`` or ``OVER``):

* ``--help`` of the command line, wall time (≤ 0.15 s; a bare ``python -c pass`` is
  shown beside it, since interpreter start-up is part of it);
* the command line validating a generated 2,000-node scenario, wall (≤ 1.0 s) and its
  CPU time;
* ``analyze`` exact on each shipped scenario, CPU (≤ 2 s each) and on the generated
  2,000-node one (≤ 5 s), with whether the result is exact;
* the debrief's turning point on each shipped scenario, the slowest of a few random
  plays, CPU (≤ 0.2 s);
* the whole ``analyze --json`` command on a hostile file (thousands of endings, each
  with a play to replay), CPU (≤ 10 s: the fuzzer's limit);
* ``analyze`` on a generated chain of about 45,000 nodes (2 MiB), CPU (≤ 60 s, linear).

Wall times on a busy machine are noisy: each is the best of three runs, and the load
average is printed first; CPU times are what the targets are about when it is high.
"""

from __future__ import annotations

import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sim.scenario import check_bytes, check_file  # noqa: E402
from sim.tools.analyze import analyze  # noqa: E402
from sim.tools.synth import generate, many_endings  # noqa: E402


def _child_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(argv: list[str], runs: int = 3) -> tuple[float, float]:
    """Best wall time and best CPU time (user + system) of ``runs`` runs of a command."""
    best_wall = best_cpu = float("inf")
    for _ in range(runs):
        cpu = _child_cpu()
        start = time.perf_counter()
        subprocess.run(argv, cwd=ROOT, capture_output=True, check=False)
        best_wall = min(best_wall, time.perf_counter() - start)
        best_cpu = min(best_cpu, _child_cpu() - cpu)
    return best_wall, best_cpu


def wall(argv: list[str], runs: int = 3) -> float:
    """Best wall time of ``runs`` runs of a command, in seconds."""
    return timed(argv, runs)[0]


def slowest_turning_point(scenario, plays: int = 5) -> float:  # type: ignore[no-untyped-def]
    """CPU time of the slowest turning point over a few seeded random plays (a fresh
    scenario object each time, so no search is cached)."""
    from sim.coach.turning import turning_point
    from sim.engine import Session
    from sim.scenario import check_file as load

    worst = 0.0
    for seed in range(plays):
        sc, _ = load(scenario.source_path)
        rng = random.Random(seed)
        s = Session(sc)
        while not s.is_over and s.turn < 40:
            s.choose(rng.randrange(len(s.choices())))
        start = time.process_time()
        turning_point(sc, s.history)
        worst = max(worst, time.process_time() - start)
    return worst


def chain(nodes: int) -> str:
    """A scenario that is one long chain of nodes, one short reply each (as many nodes as
    fit in the loader's 2 MiB), every tenth offering a second, poor reply."""
    lines = ["format: 1", "id: chain", "title: T", "summary: S", "difficulty: 1",
             "briefing: B", "customer: {name: N, role: R, emotion: 50, trust: 50}",
             "start: n0", "nodes:"]
    for i in range(nodes):
        nxt = f"n{i + 1}" if i + 1 < nodes else "e"
        extra = f", {{reply: p, quality: poor, goto: {nxt}}}" if i % 10 == 0 else ""
        lines.append(f"  n{i}: {{say: s, choices: [{{reply: r, goto: {nxt}}}{extra}]}}")
    lines += ["endings:", "  e: {outcome: resolved, title: D}"]
    return "\n".join(lines) + "\n"


def line(what: str, value: float, target: float | None, extra: str = "") -> None:
    """One figure, with its target and whether it is met."""
    mark = "" if target is None else ("  ok" if value <= target else "  OVER")
    goal = "" if target is None else f" (target ≤ {target:g} s)"
    print(f"{what:<46} {value:7.2f} s{goal}{mark}{extra}", flush=True)


def analyze_one(path: Path) -> None:
    """The analysis figure of one scenario file."""
    sc, problems = check_file(path)
    if sc is None:
        print(f"{path.name}: does not load ({len(problems)} problems)")
        return
    result = analyze(sc)
    line(f"analyze {path.name} (CPU)", result.seconds, 2.0,
         f"  {'exact' if result.exact else 'NOT exact'}, {result.states} play states, "
         f"{result.score_states} situations")


def turning_points() -> None:
    """The turning point's figure for each shipped scenario."""
    for path in sorted((ROOT / "scenarios").glob("*.yaml")):
        sc, _ = check_file(path)
        if sc is not None:
            line(f"turning point {path.name} (CPU)", slowest_turning_point(sc), 0.2,
                 "  slowest of 5 plays")


def main() -> int:
    """Print every figure."""
    if "--turning-points" in sys.argv:
        turning_points()
        return 0
    if "--analyze-one" in sys.argv:
        analyze_one(Path(sys.argv[sys.argv.index("--analyze-one") + 1]))
        return 0
    quick = "--quick" in sys.argv
    python = sys.executable
    print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())} "
          f"({os.cpu_count()} CPUs)", flush=True)
    line("python -c pass (interpreter start-up)", wall([python, "-c", "pass"]), None)
    line("main.py --help", wall([python, "main.py", "--help"]), 0.15)
    with tempfile.TemporaryDirectory() as tmp:
        gen = Path(tmp) / "generated-2000.yaml"
        gen.write_text(generate(2000), encoding="utf-8")
        took, cpu = timed([python, "main.py", "validate", str(gen)])
        line("main.py validate (2,000-node generated)", took, 1.0, f"  (CPU {cpu:.2f} s)")
        sc, _ = check_file(gen)
        assert sc is not None
        result = analyze(sc)
        line("analyze, 2,000-node generated (CPU)", result.seconds, 5.0,
             f"  {'exact' if result.exact else 'NOT exact'}, {result.states} play states, "
             f"{result.score_states} situations")
        hostile = Path(tmp) / "many-endings.yaml"
        hostile.write_text(many_endings(10_000), encoding="utf-8")
        _, cpu = timed([python, "main.py", "analyze", "--json", str(hostile)], runs=1)
        line("analyze --json, 10,000 endings (command CPU)", cpu, 10.0,
             f"  {hostile.stat().st_size / 1048576:.2f} MiB")
    # each shipped scenario in a fresh process, as 'main.py analyze FILE' has it (a
    # process that analysed the files above keeps a heap and caches they filled)
    for path in sorted((ROOT / "scenarios").glob("*.yaml")):
        sys.stdout.flush()
        subprocess.run([python, __file__, "--analyze-one", str(path)], cwd=ROOT, check=False)
    # in a fresh process, as the debrief has it: the analyses' caches (hundreds of
    # thousands of objects) would make every full pass of the garbage collector cost
    # what it never costs there
    sys.stdout.flush()
    subprocess.run([python, __file__, "--turning-points"], cwd=ROOT, check=False)
    if not quick:
        nodes = 46_000
        raw = chain(nodes).encode()
        while len(raw) > 2 * 1024 * 1024:  # stay within the loader's 2 MiB
            nodes -= 250
            raw = chain(nodes).encode()
        start = time.process_time()
        sc, problems = check_bytes(raw, "chain.yaml")
        assert sc is not None, problems[:3]
        load = time.process_time() - start
        result = analyze(sc, budget=60)
        line(f"analyze, chain of {nodes} nodes (CPU)", result.seconds, 60.0,
             f"  {'exact' if result.exact else 'NOT exact'}; load {load:.2f} s; "
             f"{len(raw) / 1048576:.2f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
