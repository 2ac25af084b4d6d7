"""validate and analyze times for generated scenarios of 200, 2,000 and 10,000 nodes.

    python bench/analyze.py [NODES ...]

Targets for 2,000 nodes: validate ≤ 0.5 s, analyze ≤ 5 s. The generated scenarios have
ten nodes per layer and three replies per node, so 2,000 nodes make 3^200 plays;
analyze explores distinct states, and the line shows how many. A 10,000-node file is
over the format's 2 MiB limit, so that size is loaded with the limit lifted (noted).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import sim.scenario.loader as loader
import sim.scenario.yamltree as yamltree
from sim.tools.analyze import analyze
from sim.tools.lint import extra_warnings
from sim.tools.synth import generate


def main() -> int:
    """One line per size."""
    sizes = [int(a) for a in sys.argv[1:]] or [200, 2000, 10000]
    for n in sizes:
        raw = generate(n).encode()
        note = ""
        if len(raw) > yamltree.MAX_BYTES:
            note = f" (file {len(raw) / 1048576:.1f} MiB: 2 MiB limit lifted for the bench)"
            yamltree.MAX_BYTES = loader.MAX_BYTES = len(raw) + 1
        start = time.perf_counter()
        scenario, problems = loader.check_bytes(raw, f"synthetic-{n}.yaml")
        assert scenario is not None, problems[:3]
        extra_warnings(scenario)
        validate = time.perf_counter() - start
        start = time.perf_counter()
        result = analyze(scenario)
        took = time.perf_counter() - start
        best = result.best.score if result.best else "-"
        worst = result.worst.score if result.worst else "-"
        kind = "exact" if result.exact else "bounded"
        print(f"{n:>6} nodes  validate {validate:6.2f} s  analyze {took:6.2f} s  "
              f"({result.states} play states, {result.score_states} scoring states, "
              f"{kind}; best {best}, worst {worst}){note}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
