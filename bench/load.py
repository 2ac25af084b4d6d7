"""Load + validate time of a generated 2,000-node scenario (target ≤ 0.5 s).

    python bench/load.py [NODES ...]

Generates the scenario with :mod:`sim.tools.synth`, writes it to a temporary file and
times ``check_file`` (read, YAML, model, cross-references) and ``validate``'s extra
warnings, best of three runs. ``--profile`` prints where the time goes.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sim.scenario import check_file
from sim.scenario.conditions import parse_condition
from sim.tools.lint import extra_warnings
from sim.tools.synth import generate


def best_of(fn, runs: int = 3) -> float:  # type: ignore[no-untyped-def]
    """The least CPU time of ``runs`` cold runs of ``fn()``, in seconds (CPU, not wall:
    other work on the machine doesn't count)."""
    times = []
    for _ in range(runs):
        parse_condition.cache_clear()  # every run pays for parsing, as a first load does
        start = time.process_time()
        fn()
        times.append(time.process_time() - start)
    return min(times)


def main() -> int:
    """Print one line per size: bytes, load time, warnings time."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("nodes", nargs="*", type=int, default=[2000])
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())} (CPU times below)")
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.nodes:
            path = Path(tmp) / f"synthetic-{n}.yaml"
            path.write_text(generate(n), encoding="utf-8")
            scenario, problems = check_file(path)
            if scenario is None:
                print(f"{n} nodes: not loadable: {problems[0]}")
                continue
            load = best_of(lambda p=path: check_file(p))
            lint = best_of(lambda s=scenario: extra_warnings(s))
            verdict = "ok" if load + lint <= 0.5 else "over the 0.5 s target"
            print(f"{n:>6} nodes  {path.stat().st_size / 1024:7.0f} KiB  load+check "
                  f"{load:6.3f} s  extra warnings {lint:6.3f} s  ({verdict})")
            if args.profile:
                cProfile.runctx("check_file(path)", globals(), {"path": path}, "/tmp/load.prof")
                pstats.Stats("/tmp/load.prof").sort_stats("cumulative").print_stats(12)
    return 0


if __name__ == "__main__":
    sys.exit(main())
