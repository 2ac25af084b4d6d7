"""Positions recorded during the first read are those the positioned reader finds."""

from __future__ import annotations

from pathlib import Path

import pytest

from sim.scenario.yamltree import Marks, Tree, read_data, read_tree
from sim.tools.synth import generate

ROOT = Path(__file__).resolve().parents[1]
FILES = sorted(str(p.relative_to(ROOT)) for p in [*ROOT.glob("tests/tools_data/*.yaml"),
                                                   *ROOT.glob("tests/scenarios/*.yaml")])


def _texts() -> list[tuple[str, str]]:
    out = [(f, (ROOT / f).read_bytes().decode("utf-8-sig")) for f in FILES]
    out.append(("generated", generate(60, width=3, seed=2)))
    out.append(("quoted", 'a: "x"\nb: [1, \'y\', {c: d}]\nlist:\n  - k: |\n      text\n  - 7\n'))
    return out


@pytest.mark.parametrize("name, text", _texts())
def test_marks_match_the_positioned_reader(name: str, text: str) -> None:
    marks = Marks()
    fast = Tree.marked(read_data(text, marks), marks)
    slow, problems = read_tree(text, name)
    assert slow is not None and not problems
    assert fast.data == slow.data
    for path in slow.values:
        assert fast.has(path)
        assert fast.pos(path) == slow.pos(path), path
        assert fast.key_pos(path) == slow.key_pos(path), path
    assert not fast.has(("no", "such", "path"))
    assert fast.pos(("nodes", "missing")) == slow.pos(("nodes", "missing"))
