"""The command line imports only the module of the command being run."""

from __future__ import annotations

import subprocess
import sys

import pytest

from sim import cli


def test_summaries_match_the_modules() -> None:
    """The one-line summaries --help shows without importing a module are the modules'."""
    full = cli.build_parser()
    sub = next(a for a in full._actions if a.dest == "command")
    shown = {a.dest: a.help for a in sub._choices_actions}
    assert shown == {name: summary for name, (_, summary) in cli._COMMANDS.items()}


@pytest.mark.parametrize("argv, command", [
    (["validate", "x.yaml"], "validate"),
    (["--library", "validate", "test", "x"], "test"),
    (["--lang", "zh"], None),
    (["-v", "--db", "d.sqlite", "history"], "history"),
    (["nonsense"], None),
])
def test_command_of(argv: list[str], command: str | None) -> None:
    assert cli.command_of(argv) == command


def test_help_and_validate_import_only_what_they_need() -> None:
    code = ("import sys; from sim.cli import main; "
            "sys.argv = ['defuse'] + sys.argv[1:]; "
            "import contextlib, io\n"
            "with contextlib.redirect_stdout(io.StringIO()):\n"
            "    try: main()\n"
            "    except SystemExit: pass\n"
            "heavy = [m for m in ('pydantic', 'yaml', 'sim.scenario', 'sim.records', "
            "'sim.tools.graph', 'sim.ui', 'pygame') if m in sys.modules]\n"
            "print(','.join(heavy))")
    out = subprocess.run([sys.executable, "-c", code, "--help"], capture_output=True,
                         text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == ""
    out = subprocess.run([sys.executable, "-c", code, "validate", "tests/tools_data/cake.yaml"],
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert "sim.records" not in out.stdout and "sim.ui" not in out.stdout
    assert "sim.scenario" in out.stdout
