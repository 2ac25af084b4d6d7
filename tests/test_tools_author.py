"""graph, new and schema: what a trainer uses while writing a scenario."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from sim.cli import main
from sim.scenario import load_scenario
from sim.tools.graph import edges, to_dot, to_mermaid
from sim.tools.schema import SCHEMA_PATH, schema_text

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def cake() -> Path:
    """A frozen copy of the example scenario (the shared example changes as it grows)."""
    return Path(__file__).resolve().parent / "tools_data" / "cake.yaml"


def test_committed_schema_is_up_to_date() -> None:
    assert SCHEMA_PATH == ROOT / "sim" / "scenario.schema.json"
    assert SCHEMA_PATH.read_text(encoding="utf-8") == schema_text(), (
        "run: python main.py schema --out sim/scenario.schema.json")


def test_schema_describes_the_format() -> None:
    data = json.loads(schema_text())
    assert data["additionalProperties"] is False  # unknown keys are errors
    assert {"format", "id", "nodes", "endings", "start"} <= set(data["required"])
    choice = data["$defs"]["Choice"]["properties"]
    assert "if" in choice and "when" not in choice  # the YAML names, not Python's


def test_scenarios_name_the_schema() -> None:
    for path in sorted((ROOT / "scenarios").glob("*.yaml")):
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert first == "# yaml-language-server: $schema=../sim/scenario.schema.json", path


def test_graph_text(cake: Path) -> None:
    sc = load_scenario(cake)
    mermaid = to_mermaid(sc)
    assert mermaid.startswith("flowchart TD")
    assert 'n_opening -->|"let_vent · listen · best"| n_vented' in mermaid
    assert "-.->" in mermaid and "if rushed and emotion &gt; 60" not in mermaid
    assert "if rushed and emotion #gt; 60" in mermaid
    assert ":::resolved" in mermaid and "rule: if emotion #gt;= 100" in mermaid
    dot = to_dot(sc)
    assert dot.startswith('digraph "late-cake"') and "style=dashed" in dot
    conditional = [e for e in edges(sc) if e[3]]
    assert ("demand", "offer", "ask_wish · clarify · best",
            "not visited(still_angry) or trust >= 40") in conditional


def test_graph_cli(cake: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                   monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "g.dot"
    assert main(["graph", str(cake), "--format", "dot", "--out", str(out)]) == 0
    assert out.read_text(encoding="utf-8").startswith("digraph")
    assert main(["graph", str(cake), "--format", "png"]) == 2  # png needs --out
    monkeypatch.setattr(shutil, "which", lambda name: None)
    assert main(["graph", str(cake), "--format", "svg"]) == 2
    assert "Graphviz" in capsys.readouterr().err


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz is not installed")
def test_graph_png(cake: Path, tmp_path: Path) -> None:
    out = tmp_path / "g.png"
    assert main(["graph", str(cake), "--format", "png", "--out", str(out)]) == 0
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_new_writes_a_scenario_that_validates_tests_and_plays(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "lib" / "late-parcel.yaml"
    out.parent.mkdir()  # folders are never created on the fly
    assert main(["new", "late-parcel", "--out", str(out)]) == 0
    assert main(["validate", str(out)]) == 0
    assert "warning" not in capsys.readouterr().out.replace("skips-step", "")
    assert main(["test", str(out)]) == 0
    assert main(["play", str(out), "--choices", "listen,sorry,ask,express,commit",
                 "--json"]) == 0
    sc = load_scenario(out)
    assert sc.id == "late-parcel"
    first = out.read_text(encoding="utf-8").splitlines()[0]
    schema = (out.parent / first.split("$schema=")[1]).resolve()
    assert schema == SCHEMA_PATH
    assert main(["new", "late-parcel", "--out", str(out)]) == 2  # never overwrites silently
    assert main(["new", "Bad_Id", "--out", str(tmp_path / "x.yaml")]) == 2


def test_tools_never_import_pygame() -> None:
    import subprocess
    import sys

    code = ("import sys, sim.tools.analyze, sim.tools.graph, sim.tools.lint, sim.tools.schema, "
            "sim.tools.starter, sim.tools.fontcover, sim.tools.synth, sim.commands.analyze, "
            "sim.commands.graph, sim.commands.new, sim.commands.schema; "
            "print('pygame' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=ROOT, check=True)
    assert out.stdout.strip() == "False"
