"""A short run of the fuzzer (bench/fuzz.py): a few hundred mutated scenarios and damaged
records files through the real commands, fixed seed. Any traceback, hang, unlocated
error or crash after a clean validate fails the test with a shrunk reproducer."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

FUZZ = Path(__file__).resolve().parents[1] / "bench" / "fuzz.py"


def _fuzz_module():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("defuse_fuzz", FUZZ)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


def test_mutants_never_break_a_command() -> None:
    fuzz = _fuzz_module()
    report = fuzz.fuzz(200, seed=15, jobs=1, time_limit=10.0, full_every=10,
                       analyze_every=0, chunk=200)
    total = sum(v for k, v in report.counts.items() if k != "valid")
    assert total == 200
    assert report.counts["valid"] > 0 and report.counts["ok"] > 0  # it reached the commands
    failures = {k: report.counts[k] for k in fuzz.FAILURES if report.counts[k]}
    assert not failures, "\n".join(
        [fuzz.summary(report)]
        + [f"{kind}: {text}" for kind, text in report.shrunk.items()]
        + [f"{kind}: {ex}" for kind, items in report.examples.items() for ex in items[:2]])


def test_mutations_apply_each_kind_of_edit() -> None:
    fuzz = _fuzz_module()
    text = "a: 1\nb:\n  if: emotion > 1\n  goto: x\nc: [1]\ntests:\n  - choose: [1]\n"
    for kind in fuzz.SCENARIO_EDITS:
        changed = {fuzz.mutate_text(text, [(kind, a, b, p)]) != text
                   for a in range(4) for b in range(3) for p in range(5)}
        assert True in changed, kind
