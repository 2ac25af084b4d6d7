"""The words of the own-words mode, in English and Simplified Chinese (shared by the
window and the terminal player)."""

from __future__ import annotations

STRINGS: dict[str, dict[str, str]] = {
    "unsure": {"en": "Sorry — what are you saying?", "zh": "抱歉——您这是什么意思？"},
    "pick_closest": {"en": "Did you mean one of these?", "zh": "您是想说下面哪一句？"},
    "taken_as": {"en": "taken as", "zh": "理解为"},
    "typed_prompt": {"en": "Say it in your own words (q to stop): ",
                     "zh": "用你自己的话说（q 退出）："},
    "pick_prompt": {"en": "Pick 1 or 2, or type it again: ",
                    "zh": "选 1 或 2，或者重新输入："},
    "empty": {"en": "Please type what you would say.", "zh": "请输入你要说的话。"},
    "unavailable": {"en": "Typed replies are unavailable here: {reason}",
                    "zh": "此处无法使用自由输入：{reason}"},
    "loading": {"en": "Loading the language model…", "zh": "正在加载语言模型……"},
    "mode_name": {"en": "Your own words", "zh": "用自己的话说"},
    "you_typed": {"en": "You typed", "zh": "你输入的是"},
    "similarity": {"en": "similarity {s:.2f}", "zh": "相似度 {s:.2f}"},
}


def tr(key: str, lang: str, **values: object) -> str:
    """The string ``key`` in ``lang`` (English when missing), formatted with ``values``."""
    entry = STRINGS[key]
    text = entry.get(lang) or entry["en"]
    return text.format(**values) if values else text
