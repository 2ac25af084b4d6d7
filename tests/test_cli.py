"""The command line as a user runs it: exit codes, output, no tracebacks."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from sim.cli import main
from sim.console.termtext import width, wrap

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = str(ROOT / "tests" / "scenarios" / "late-cake.yaml")


def run(capsys, *argv: str) -> tuple[int, str, str]:
    try:
        code = main(list(argv))
    except SystemExit as exc:  # argparse and load_or_exit
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def test_validate_clean_and_broken(capsys, tmp_path) -> None:
    assert run(capsys, "validate", EXAMPLE)[0] == 0
    broken = tmp_path / "broken.yaml"
    broken.write_text(Path(EXAMPLE).read_text().replace("goto: demand", "goto: demnd", 1))
    code, out, _ = run(capsys, "validate", "--quiet-warnings", str(broken), EXAMPLE)
    assert code == 1
    (line,) = out.strip().splitlines()
    assert line.startswith(f"{broken}:") and "error unknown-target" in line
    assert "did you mean 'demand'?" in line


def test_validate_missing_path_is_usage_error(capsys) -> None:
    code, _, err = run(capsys, "validate", "no/such/dir")
    assert code == 2 and "no such file or folder" in err


def test_validate_unreadable_file_exits_2(capsys, tmp_path) -> None:
    folder = tmp_path / "x.yaml"
    folder.mkdir()
    (folder / "inner.yaml").write_bytes(b"\xff\xfe")
    code, out, _ = run(capsys, "validate", str(folder / "inner.yaml"))
    assert code == 1 and "not-utf8" in out


def test_test_command(capsys, tmp_path) -> None:
    code, out, _ = run(capsys, "test", EXAMPLE)
    assert code == 0 and "3 passed, 0 failed" in out
    failing = tmp_path / "failing.yaml"
    text = Path(EXAMPLE).read_text()
    assert "min_score: 90" in text
    failing.write_text(text.replace("min_score: 90", "min_score: 100"))
    code, out, _ = run(capsys, "test", str(failing))
    assert code == 1 and "FAIL the model answer" in out and "at least 100" in out


def test_play_choices_json(capsys) -> None:
    code, out, _ = run(capsys, "play", EXAMPLE, "--choices",
                       "let_vent,sorry,ask_wish,make_right,commit", "--json")
    assert code == 0
    data = json.loads(out)
    assert data["ending"] == "resolved" and data["score"] >= 80


def test_play_by_library_id(capsys) -> None:
    code, out, _ = run(capsys, "play", "late-cake", "--library", str(ROOT / "tests" /
                       "scenarios"), "--choices", "2", "--lang", "zh")
    assert code == 0 and "她挂了电话" in out and "复盘" in out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["play", EXAMPLE, "--choices", "7"], "there is no reply 7"),
        (["play", EXAMPLE, "--choices", "nope"], "not on offer"),
        (["play", EXAMPLE, "--choices", "2,1"], "ended after reply 1"),
        (["play", "no-such-scenario"], "no scenario 'no-such-scenario'"),
        (["play", "missing.yaml"], "missing.yaml: no such file"),
    ],
)
def test_play_bad_usage(capsys, argv: list[str], message: str) -> None:
    code, _, err = run(capsys, *argv)
    assert code == 2 and message in err and "Traceback" not in err


def test_play_invalid_scenario_exits_1(capsys, tmp_path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("format: 1\nid: bad\n")
    code, _, err = run(capsys, "play", str(bad), "--text")
    assert code == 1 and "missing required key" in err


def test_wrong_flag_exits_2(capsys) -> None:
    code, _, err = run(capsys, "play", EXAMPLE, "--lang", "fr")
    assert code == 2 and "invalid choice" in err


def test_interactive_terminal_play() -> None:
    proc = subprocess.run(
        [sys.executable, "main.py", "play", EXAMPLE, "--text", "--coach", "--lang", "zh",
         "--seed", "8"],  # a fixed reply order: the same conversation every run
        input="x\n9\n1\n1\n1\n1\n1\n", capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert "请输入 1 到 3 之间的数字" in proc.stdout
    assert "点评" in proc.stdout and "结局" in proc.stdout and "复盘" in proc.stdout


def test_interactive_end_of_input_stops_cleanly() -> None:
    # seed 8 shows a first reply that doesn't end the call
    proc = subprocess.run([sys.executable, "main.py", "play", EXAMPLE, "--text", "--seed", "8"],
                          input="1\n", capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert proc.returncode == 0 and "Traceback" not in proc.stderr
    assert "Unfinished" in proc.stdout


def test_python_dash_m_sim() -> None:
    proc = subprocess.run([sys.executable, "-m", "sim", "validate", EXAMPLE],
                          capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert proc.returncode == 0, proc.stderr


def test_cjk_width_and_wrap() -> None:
    assert width("你好ab") == 6
    lines = wrap("我们会尽快处理，请您放心。谢谢您的耐心等待！", 12)
    assert all(width(line) <= 12 for line in lines)
    assert not any(line[0] in "，。！？" for line in lines)
    assert wrap("hello wonderful world", 11) == ["hello", "wonderful", "world"]


def test_wrap_keeps_every_character_of_later_paragraphs() -> None:
    text = "  First paragraph here.\nYour authority: refund up to 100.\n• a bullet"
    lines = wrap(text, 40, "  ")
    assert lines == ["  First paragraph here.", "  Your authority: refund up to 100.",
                     "  • a bullet"]
