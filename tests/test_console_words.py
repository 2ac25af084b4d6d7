"""The terminal speaks the window's words: 'Reply N' (第 N 次回复), '#N', the score to
one decimal, the shared step names; Chinese lines use Chinese punctuation; the debrief
quotes typed replies with the reply they were taken as."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from stand_ins import WordsEncoder

from sim.coach import assess
from sim.coach.labels import STEP_LABELS
from sim.console import Printer, TerminalPlayer, print_debrief
from sim.engine import Session
from sim.match import Calibration, ReplyIndex
from sim.scenario import load_scenario

SCENARIO = """\
format: 1
id: words-test
title: {en: The Parcel, zh: 包裹}
summary: s
difficulty: 1
briefing: {en: A parcel is lost., zh: 包裹丢了。}
customer: {name: {en: Ms Li, zh: 李女士}, role: {en: Customer, zh: 客户}, emotion: 60,
           trust: 40}
start: a
nodes:
  a:
    say: {en: Where is my parcel?, zh: 我的包裹在哪儿？}
    note: {en: She is shouting., zh: 她在大声嚷。}
    choices:
      - id: sorry
        reply: {en: "I am so sorry about the parcel", zh: "包裹 的事 真对不起"}
        quality: best
        step: apologize
        effects: {emotion: -20, trust: 10}
        goto: b
      - id: blame
        reply: {en: "You gave us the wrong address", zh: "是您 地址 写错了"}
        quality: harmful
        step: apologize
        goto: b
  b:
    say: {en: And now?, zh: 那现在呢？}
    choices:
      - id: track
        reply: {en: "Let me check the tracking number", zh: "我 查一下 单号"}
        quality: best
        step: clarify
        goto: done
      - id: wait
        reply: {en: "Please wait a week", zh: "请 再等 一周"}
        quality: poor
        step: solve
        goto: done
endings:
  done: {outcome: resolved, title: {en: Done, zh: 结束}}
"""




@pytest.fixture
def scenario(tmp_path: Path):  # type: ignore[no-untyped-def]
    path = tmp_path / "words-test.yaml"
    path.write_text(SCENARIO, encoding="utf-8")
    return load_scenario(path)


def _play(scenario, lang: str, lines: list[str]) -> str:  # type: ignore[no-untyped-def]
    index = ReplyIndex(scenario, WordsEncoder(), cache_dir=False,
                       calibration=Calibration(0.5, 0.1, 0.3))
    out = io.StringIO()
    p = Printer(out, lang, columns=80)
    player = TerminalPlayer(Session(scenario), p, coach=True, matcher=index)
    player.play_said(lines)
    print_debrief(assess(player.session), scenario, p)
    return out.getvalue()


def test_english_terminal_uses_the_windows_words(scenario) -> None:
    # an unsure reply, picked from the two offered; then a confident one
    text = _play(scenario, "en", ["banana", "2", "please wait a week"])
    assert "Ms Li: Sorry — what are you saying?" in text
    assert "  (She is shouting.)" in text
    assert re.search(r"Score: \d+\.\d / 100", text)
    assert f"2. {STEP_LABELS['apologize']['en']}: " in text
    assert "(Replies: #1)" in text
    assert "Reply 1 — You said: “banana”" in text
    assert not re.search(r"\bturns?\b", text.split("== DEBRIEF ==")[0])
    # the better-replies section quotes the typed words and what they were taken as
    better = text.split("== Better replies you could have given ==")[1]
    assert "- Reply 2: You said “please wait a week”" in better
    assert "taken as: “Please wait a week”" in better


def test_chinese_terminal_uses_chinese_words_and_punctuation(scenario) -> None:
    text = _play(scenario, "zh", ["包裹 的事 真对不起", "请 再等 一周"])
    assert "你：“包裹 的事 真对不起”" in text
    assert "[理解为：“包裹 的事 真对不起”（相似度 1.00）]" in text
    assert "  （她在大声嚷。）" in text
    assert "李女士：我的包裹在哪儿？" in text
    assert re.search(r"得分：\d+\.\d / 100", text)
    assert f"2. {STEP_LABELS['apologize']['zh']}：" in text
    assert "（回复：第1次）" in text
    assert "第 1 次回复 — 你说：“包裹 的事 真对不起”" in text
    assert ": " not in text.split("== 复盘 ==")[0].replace("Defuse: ", "")


def test_resuming_recalls_typed_replies_in_the_trainees_words(scenario, tmp_path) -> None:
    from sim.console.recording import begin
    from sim.records import open_store

    db = tmp_path / "r.sqlite3"
    with open_store(db) as store:
        rec = store.start("ana", scenario, mode="text-typed")
        s = Session(scenario)
        rec.attach(s)
        s.choose_index(0, typed="so sorry about ur parcel")
    for lang, want in (("en", "  1. “so sorry about ur parcel” (taken as: I am so sorry "
                               "about the parcel)"),
                       ("zh", "  1. “so sorry about ur parcel”（理解为：包裹 的事 真对不起）")):
        out = io.StringIO()
        started = begin(scenario, db=str(db), trainee="ana", lang=lang, out=out,
                        read=lambda prompt: "y", mode="text-typed")
        assert started is not None
        session, _recorder = started
        assert [t.typed for t in session.history] == ["so sorry about ur parcel"]
        assert want in out.getvalue().splitlines()
