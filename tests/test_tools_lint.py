"""validate's extra warnings: font coverage, angry best replies, skipped method steps."""

from __future__ import annotations

from pathlib import Path

import pytest

from sim.cli import main
from sim.scenario import load_scenario
from sim.tools.fontcover import BOLD_PATH, FONT_PATH, coverage, read_cmap
from sim.tools.lint import extra_warnings


@pytest.fixture
def cake() -> Path:
    """A frozen copy of the example scenario (the shared example changes as it grows)."""
    return Path(__file__).resolve().parent / "tools_data" / "cake.yaml"


def test_font_coverage_reads_the_bundled_font() -> None:
    cov = coverage()
    # Latin, punctuation, the minus sign, and names outside GB2312 (the General Standard
    # Chinese Characters table) that the old subset left blank.
    for ch in "Aa1 ,.!?¥—“”−①你好化解您，。！？、；：喆堃玥":
        assert ch in cov, ch
    for ch in "😀₩\u0e01✓":  # emoji, won sign, Thai, check mark: not in the subset
        assert ch not in cov, ch
    assert cov.missing("好😀好😀x") == ["😀"]


def test_cmap_reader_refuses_a_non_font(tmp_path: Path) -> None:
    from sim.tools.fontcover import FontError

    with pytest.raises(FontError):
        read_cmap(b"not a font at all, but long enough to read a header")
    assert FONT_PATH.is_file()
    assert coverage(BOLD_PATH).missing("喆堃玥骤哪顺") == []


def write(tmp_path: Path, cake: Path, old: str, new: str) -> Path:
    text = cake.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "edited.yaml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def test_font_warning_is_located(tmp_path: Path, cake: Path) -> None:
    path = write(tmp_path, cake, "Two hours!", "Two hours 😀!")
    problems = [p for p in extra_warnings(load_scenario(path)) if p.code == "font-missing"]
    assert len(problems) == 1
    line = path.read_text(encoding="utf-8").splitlines()[problems[0].line - 1]
    assert line[problems[0].col - 1] == "😀" and "U+1F600" in problems[0].message


def test_angry_best_reply(tmp_path: Path, cake: Path) -> None:
    path = write(tmp_path, cake, "effects: {emotion: -15, trust: 10}",
                 "effects: {emotion: 5, trust: 10}")
    problems = [p for p in extra_warnings(load_scenario(path)) if p.code == "angry-best"]
    assert [(p.node, p.line) for p in problems] == [("opening", 39)]
    assert "let_vent" in problems[0].message


def test_resolved_without_a_step(cake: Path, capsys: pytest.CaptureFixture[str]) -> None:
    problems = [p for p in extra_warnings(load_scenario(cake))
                if p.code == "skips-step"]
    assert {p.message.split("'")[3] for p in problems} == {"listen", "solve"}
    assert main(["validate", str(cake)]) == 0  # warnings keep exit code 0
    assert "skips-step" in capsys.readouterr().out
