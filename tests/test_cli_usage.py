"""Bad usage on the command line: exit 2 with one clear line, and nothing recorded."""

from __future__ import annotations

from pathlib import Path

import pytest

from sim.cli import main
from sim.records import open_store
from sim.scenario import Problem

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = str(ROOT / "tests" / "scenarios" / "late-cake.yaml")


def run(capsys, *argv: str) -> tuple[int, str, str]:
    try:
        code = main(list(argv))
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize(
    ("plan", "fragment"),
    [("", "the plan is empty"), (",,,", "the plan is empty"), (" , ", "the plan is empty"),
     ("1,²", "reply 2: '²' is neither"), ("9" * 5000, "too large"), ("1,0", "no reply 0")],
    ids=["empty", "commas", "blank", "superscript", "huge", "zero"],
)
def test_bad_plans_are_usage_errors_that_record_nothing(capsys, tmp_path: Path, plan: str,
                                                        fragment: str) -> None:
    db = tmp_path / "records.sqlite3"
    code, _, err = run(capsys, "play", EXAMPLE, "--choices", plan, "--db", str(db))
    assert code == 2 and fragment in err and len(err.strip().splitlines()) == 1
    if db.exists():
        with open_store(db) as store:
            assert store.sessions() == []  # no 0-turn session left to resume


@pytest.mark.parametrize("value", ["-5", "1000", "101", "x", "9" * 5000])
def test_meter_presets_out_of_range_are_usage_errors(capsys, value: str) -> None:
    code, _, err = run(capsys, "play", EXAMPLE, "--choices", "1", f"--emotion={value}")
    assert code == 2 and "--emotion" in err


def test_meter_presets_in_range_are_used(capsys) -> None:
    code, out, _ = run(capsys, "play", EXAMPLE, "--choices", "1", "--emotion", "0",
                       "--trust", "100", "--json")
    assert code == 0 and '"ending"' in out


def test_a_huge_flag_preset_is_a_usage_error(capsys) -> None:
    code, _, err = run(capsys, "play", EXAMPLE, "--choices", "1", "--set", "x=" + "9" * 5000)
    assert code == 2 and "--set" in err


@pytest.mark.parametrize("command", ["validate", "test"])
def test_an_empty_path_is_a_usage_error(capsys, command: str) -> None:
    code, out, err = run(capsys, command, "")
    assert code == 2 and "empty path" in err and out == ""


def test_test_on_an_unreadable_file_exits_2_like_validate(capsys, tmp_path: Path,
                                                          monkeypatch) -> None:
    path = tmp_path / "locked.yaml"
    path.write_text("format: 1\n", encoding="utf-8")

    def unreadable(p: object) -> tuple[None, list[Problem]]:
        return None, [Problem(str(p), 1, 1, "error", "unreadable",
                              "cannot read the file: Permission denied")]

    monkeypatch.setattr("sim.commands.check.check_file", unreadable)
    assert run(capsys, "test", str(path))[0] == 2
    assert run(capsys, "validate", str(path))[0] == 2
