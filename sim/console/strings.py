"""The terminal player's own words, in English and Simplified Chinese."""

from __future__ import annotations

STRINGS: dict[str, dict[str, str]] = {
    "case_brief": {"en": "CASE BRIEF", "zh": "案情简介"},
    "authority": {"en": "YOUR AUTHORITY", "zh": "你的权限"},
    "customer": {"en": "Customer", "zh": "客户"},
    "emotion": {"en": "Emotion", "zh": "情绪"},
    "trust": {"en": "Trust", "zh": "信任"},
    "you": {"en": "You", "zh": "你"},
    "prompt": {"en": "Your reply (1-{n}, q to stop): ", "zh": "你的回答（1-{n}，q 退出）："},
    "bad_pick": {"en": "Please type a number from 1 to {n}.", "zh": "请输入 1 到 {n} 之间的数字。"},
    "stopped": {"en": "You stopped the conversation.", "zh": "你中途结束了对话。"},
    "stuck": {"en": "No reply can be offered here: the scenario has a dead end.",
              "zh": "这里没有可选的回答：剧本在此处断了。"},
    "ending": {"en": "ENDING", "zh": "结局"},
    "debrief": {"en": "DEBRIEF", "zh": "复盘"},
    "score": {"en": "Score", "zh": "得分"},
    "outcome": {"en": "Outcome", "zh": "结果"},
    "how_scored": {"en": "How this was scored", "zh": "评分方法"},
    "steps": {"en": "The five steps", "zh": "五步法"},
    # a reply's number, in the window's words (sim/ui/strings.py: col_turns, turn_ref,
    # turn_n): "Reply 3", "#1, #3"
    "turns": {"en": "Replies", "zh": "回复"},
    "turn_ref": {"en": "#{n}", "zh": "第{n}次"},
    "order": {"en": "Order", "zh": "顺序"},
    "pitfalls": {"en": "Pitfalls", "zh": "踩到的坑"},
    "better": {"en": "Better replies you could have given", "zh": "本可以更好的回答"},
    "you_said": {"en": "You said", "zh": "你说"},
    "better_was": {"en": "Better", "zh": "更好的说法"},
    "would_have": {"en": "it would have moved emotion {e:+d}, trust {t:+d}",
                   "zh": "这样说情绪会变化 {e:+d}，信任会变化 {t:+d}"},
    "facts": {"en": "Facts uncovered", "zh": "了解到的事实"},
    "facts_missed": {"en": "Facts you never uncovered", "zh": "没有了解到的事实"},
    "advice": {"en": "To do next time", "zh": "下次这样做"},
    "step_tag": {"en": "Step", "zh": "步骤"},
    "quality": {"en": "quality", "zh": "质量"},
    "why": {"en": "Coach", "zh": "点评"},
    "nothing": {"en": "none", "zh": "无"},
    "turn_n": {"en": "Reply {n}", "zh": "第 {n} 次回复"},
    "pick_scenario": {"en": "Choose a scenario (1-{n}, q to quit): ",
                      "zh": "选择一个场景（1-{n}，q 退出）："},
    "library": {"en": "SCENARIOS", "zh": "练习场景"},
    "difficulty": {"en": "difficulty", "zh": "难度"},
    # the mode and the answer, picked after the case (the window's menu words)
    "mode": {"en": "Mode", "zh": "模式"},
    "mode_coach": {"en": "Coach", "zh": "教练模式"},
    "mode_exam": {"en": "Exam", "zh": "考核模式"},
    "mode_coach_hint": {"en": "The coach comments on every reply",
                        "zh": "每次回复后，教练都会点评"},
    "mode_exam_hint": {"en": "No feedback until the debrief", "zh": "全程不提示，结束后统一复盘"},
    "answer": {"en": "Answer", "zh": "回答方式"},
    "answer_pick": {"en": "Pick", "zh": "选择"},
    "answer_pick_hint": {"en": "choose one of the replies offered",
                         "zh": "从给出的回答中选一句"},
    "answer_words": {"en": "Own words", "zh": "自己说"},
    "answer_words_hint": {"en": "type what you would say; it is matched to the replies",
                          "zh": "输入你要说的话，系统会对应到最接近的回答"},
    "answer_words_off": {"en": "unavailable here: {reason}", "zh": "此处无法使用：{reason}"},
    "pick_option": {"en": "{what} (1-{n}, Enter: {default}, q to quit): ",
                    "zh": "{what}（1-{n}，Enter：{default}，q 退出）："},
    "words_fallback": {"en": "Playing by picking replies instead.",
                       "zh": "改为从给出的回答中选择。"},
}


def tr(key: str, lang: str, **values: object) -> str:
    """The string ``key`` in ``lang`` (English if missing), formatted with ``values``."""
    entry = STRINGS[key]
    return (entry.get(lang) or entry["en"]).format(**values)
