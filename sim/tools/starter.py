"""``new``: a commented starter scenario that validates and plays, for a trainer to edit."""

# The template is the YAML a trainer reads: its lines keep each reply whole.
# ruff: noqa: E501

from __future__ import annotations

import os
from pathlib import Path

import sim

SCHEMA_PATH = Path(sim.__file__).resolve().parent / "scenario.schema.json"

_TEMPLATE = """\
# yaml-language-server: $schema={schema}
# A starter scenario: edit the texts, add nodes, then run
#   python main.py validate {file}      (finds mistakes, with line numbers)
#   python main.py analyze {file}       (which endings can be reached, best/worst score)
#   python main.py play {file} --text   (play it in the terminal)
# The trainer's guide is docs/authoring.md.
format: 1
id: {id}
title: {{en: "{title}", zh: "新情景"}}
summary: {{en: One line for the menu., zh: 菜单里显示的一句话。}}
difficulty: 1                       # 1 (easy) .. 5 (hard)
tags: [starter]
briefing:                           # the case file the trainee reads first
  en: A customer calls because their order arrived broken.
  zh: 一位客户打来电话，说收到的商品是坏的。
customer:
  name: {{en: Mr Wang, zh: 王先生}}
  role: {{en: Online shopper, zh: 网购顾客}}
  emotion: 70                       # 0 calm .. 100 furious (at 100 the rule below ends it)
  trust: 30                         # 0 .. 100
facts:                              # what the trainee can find out by listening
  broken_vase: {{en: The vase arrived in pieces, zh: 花瓶送到时已经碎了}}
rules:                              # checked after every reply; first match wins
  - if: emotion >= 100
    goto: hung_up
start: opening
nodes:                              # each node: what the customer says, and 1..6 replies
  opening:
    say: {{en: "The vase I ordered came smashed! What kind of packing is that?", zh: 我买的花瓶送来就碎了！你们怎么包装的？}}
    choices:
      - id: blame_courier
        reply: {{en: "That's the courier's fault, not ours.", zh: 那是快递的问题，不是我们的。}}
        step: listen
        quality: harmful
        pitfall: blame              # argue | excuse | blame | overpromise | dismiss | sidetrack | stonewall
        effects: {{emotion: 30, trust: -20}}
        why: {{en: Blaming someone else makes him angrier., zh: 推卸责任只会让他更生气。}}
        goto: heard
      - id: listen
        reply: {{en: "That sounds upsetting. Please tell me what happened.", zh: 这确实让人糟心。您跟我说说是怎么回事？}}
        step: listen                # listen | apologize | clarify | solve | commit
        quality: best               # best | good | poor | harmful (default good)
        effects: {{emotion: -15, trust: 10}}
        learn: [broken_vase]
        why: {{en: Letting him describe it first calms him down., zh: 先让他把情况说出来，情绪就会缓和。}}
        goto: heard
  heard:
    say: {{en: It was a present for my mother. Now I have nothing to give her., zh: 这是送我妈妈的礼物，现在什么都没了。}}
    choices:
      - id: sorry
        reply: {{en: "I'm truly sorry. We should have packed it properly.", zh: 真的非常抱歉，是我们没有包装好。}}
        step: apologize
        quality: best
        effects: {{emotion: -15, trust: 10}}
        set: {{apologized: true}}     # a flag: conditions below can read it
        goto: wish
      - id: policy
        reply: {{en: "You'll need to fill in a claim form, attach photos of the damage and wait 14 days.", zh: 您得先填一张理赔单，附上破损的照片，然后等14个工作日。}}
        step: solve
        quality: poor
        pitfall: stonewall
        effects: {{emotion: 20, trust: -10}}
        why: {{en: Hiding behind a procedure leaves him with nothing., zh: 躲在流程后面，他什么也没得到。}}
        goto: unhappy
  wish:
    say: {{en: So what are you going to do about it?, zh: 那你们打算怎么办？}}
    choices:
      - id: ask
        reply: {{en: "What would help you most: a new vase in time, or a refund?", zh: 对您来说哪个最要紧：及时再收到一个花瓶，还是退款？}}
        step: clarify
        quality: best
        effects: {{emotion: -5, trust: 10}}
        goto: offer
  offer:
    say: {{en: "I need it by Sunday. That's her birthday.", zh: 我周日之前要拿到，那天是她生日。}}
    choices:
      - id: promise_all
        reply: {{en: "I'll send you two new vases, a bunch of flowers and a birthday present for your mother too!", zh: 我给您寄两个新花瓶，再送一束花，还给您妈妈准备一份生日礼物！}}
        step: solve
        quality: poor
        pitfall: overpromise
        effects: {{emotion: -10, trust: -10}}
        why: {{en: A promise beyond your authority that nobody will keep., zh: 超出权限的承诺，最后没人能兑现。}}
        goto: unhappy
      - id: express
        reply: {{en: "I'll send a new one today by express, free of charge; it arrives Friday.", zh: 我今天就免费给您加急发一个新的，周五能到。}}
        step: solve
        quality: best
        effects: {{emotion: -20, trust: 20}}
        goto: close
  close:
    say: {{en: Friday. You're sure?, zh: 周五，你确定？}}
    choices:
      - id: commit
        reply: {{en: "I'll send you the tracking number tonight and call you on Friday. Again, I'm sorry.", zh: 今晚我把快递单号发给您，周五我再给您打电话确认。再次向您道歉。}}
        step: commit
        quality: best
        effects: {{emotion: -10, trust: 15}}
        branch:                     # the first entry whose 'if' holds wins; the last has none
          - if: apologized and trust >= 60
            goto: resolved
          - goto: unhappy
endings:
  resolved:
    outcome: resolved               # resolved | partial | escalated | lost
    title: {{en: A new vase on its way, zh: 新花瓶已在路上}}
    say: {{en: Thank you. That's a relief., zh: 谢谢，这下放心了。}}
  unhappy:
    outcome: partial
    title: {{en: "He fills in the form, grumbling", zh: 他一边抱怨一边填了单}}
  hung_up:
    outcome: lost
    title: {{en: He hung up, zh: 他挂了电话}}
tests:                              # run with: python main.py test {file}
  - name: listening, then fixing it, resolves the complaint
    choose: [listen, sorry, ask, express, commit]
    expect: {{ending: resolved, min_score: 80}}
  - name: blaming the courier loses him
    choose: [blame_courier]
    expect: {{outcome: lost}}
"""


def starter_text(scenario_id: str, file: Path) -> str:
    """The starter scenario for ``scenario_id``, to be written at ``file``."""
    try:
        schema = os.path.relpath(SCHEMA_PATH, file.resolve().parent)
    except ValueError:  # another drive on Windows
        schema = SCHEMA_PATH.as_uri()
    title = scenario_id.replace("-", " ").capitalize()
    return _TEMPLATE.format(id=scenario_id, title=title, schema=Path(schema).as_posix(),
                            file=file.as_posix())
