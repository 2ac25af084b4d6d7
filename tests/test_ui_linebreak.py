"""The pure line breaker: Chinese, English and mixed text, with a fake measure."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from sim.ui.linebreak import NO_END, NO_START, ellipsize, is_wide, segments, wrap


def measure(text: str) -> int:
    """Monospace-ish measure: hanzi are two units, everything else one."""
    return sum(2 if is_wide(c) else 1 for c in text)


def test_chinese_breaks_between_hanzi():
    lines = wrap("您好我是客服小王请问有什么可以帮您", 10, measure)
    assert lines == ["您好我是客", "服小王请问", "有什么可以", "帮您"]


def test_no_line_starts_with_closing_punctuation():
    text = "您好，我是客服小王。请问有什么可以帮您？我们会尽快处理。"
    for width in range(4, 40):
        for line in wrap(text, width, measure)[1:]:
            assert line[0] not in NO_START, (width, line)


def test_no_line_ends_with_opening_punctuation():
    text = "他说「我要退款」，还说『马上』（今天）就要。"
    for width in range(6, 40):
        for line in wrap(text, width, measure):
            assert line[-1] not in NO_END, (width, line)


def test_english_breaks_at_spaces_and_drops_them():
    lines = wrap("the quick brown fox jumps over the lazy dog", 15, measure)
    assert lines == ["the quick brown", "fox jumps over", "the lazy dog"]
    assert all(line == line.strip() for line in lines)


def test_long_word_is_cut():
    lines = wrap("a supercalifragilistic word", 8, measure)
    assert all(measure(line) <= 8 for line in lines)
    assert "".join(lines).replace(" ", "") == "asupercalifragilisticword"


def test_mixed_text_keeps_latin_words_whole():
    lines = wrap("请把POS终端 terminal 重新绑定到您的账户", 12, measure)
    assert all(measure(line) <= 12 for line in lines)
    assert any("terminal" in line for line in lines)
    assert not any(line.endswith("termi") for line in lines)


def test_hard_newlines_and_empty_lines():
    assert wrap("one\n\ntwo", 20, measure) == ["one", "", "two"]
    assert wrap("", 20, measure) == [""]


def test_segments_rejoin_to_the_paragraph():
    text = "Hi 您好，world（世界）!"
    assert "".join(segments(text)) == text


def test_ellipsize():
    assert ellipsize("short", 10, measure) == "short"
    cut = ellipsize("a rather long title", 10, measure)
    assert cut.endswith("…") and measure(cut) <= 10


alphabet = st.sampled_from(list("abc de，。！「」（）您好客服退款 POS-12"))


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet, max_size=80), st.integers(min_value=2, max_value=40))
def test_property_lines_fit_and_keep_every_character(text: str, width: int):
    lines = wrap(text, width, measure)
    for line in lines:
        # A line may only exceed the width if it is a single character.
        assert measure(line) <= width or len(line) == 1
    # Nothing but spaces at the breaks is lost, and order is kept.
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet, max_size=80), st.integers(min_value=6, max_value=40))
def test_property_kinsoku_holds_when_breaks_exist(text: str, width: int):
    # With room for a few characters, a closing mark only starts a line when it
    # follows another closing mark run too long to carry (not in this alphabet).
    for prev, line in zip(wrap(text, width, measure), wrap(text, width, measure)[1:], strict=False):
        if line and line[0] in NO_START:
            assert all(c in NO_START or c in NO_END or c == " " for c in prev[-2:]), (prev, line)


# -- numbers, signs and UAX #14 as an oracle ---------------------------------------------


def test_no_break_inside_numbers_codes_or_after_a_minus():
    cases = [("emotion -8", "-8"), ("emotion −8", "−8"), ("call 400-820-8820 now",
             "400-820-8820"), ("in 3-5 days", "3-5"), ("order #A-1234 arrived", "#A-1234"),
             ("a fee of ¥200", "¥200"), ("and +5 trust", "+5"), ("情绪 -8，信任 +5", "-8")]
    for text, piece in cases:
        for width in range(measure(piece) + 2, 30):  # room for a mark glued to it
            lines = wrap(text, width, measure)
            assert any(piece in line for line in lines), (text, width, lines)


def test_a_hyphen_between_letters_may_still_break():
    assert wrap("a well-known case", 7, measure) == ["a well-", "known", "case"]


def _ours(paragraph: str) -> set[int]:
    """Where our breaker may break (offsets into the paragraph)."""
    out, at = set(), 0
    for piece in segments(paragraph)[:-1]:
        at += len(piece)
        out.add(at)
    return out


def _uax14(paragraph: str) -> set[int]:
    from uniseg.linebreak import line_break_boundaries

    return set(line_break_boundaries(paragraph)) - {0, len(paragraph)}


#: Our one deliberate difference from UAX #14 as uniseg implements it: Chinese breaks
#: before an opening quote and after a closing one next to a hanzi (as Unicode 15.1's
#: rule LB19a does), where the older rule LB19 keeps quotes glued to both neighbours.
QUOTES_OPEN = "“‘"
QUOTES_CLOSE = "”’"


def _tailored(paragraph: str, at: int) -> bool:
    before, after = paragraph[at - 1], paragraph[at]
    return (after in QUOTES_OPEN and is_wide(before)) or (
        before in QUOTES_CLOSE and is_wide(after))


def _assert_within_uax14(paragraph: str) -> None:
    extra = {b for b in _ours(paragraph) - _uax14(paragraph) if not _tailored(paragraph, b)}
    assert not extra, [paragraph[max(0, b - 6):b] + "|" + paragraph[b:b + 6] for b in extra]


MIXED = [
    "请拨打客服热线 400-820-8820，我们会在 3-5 个工作日内回复。",
    "您的订单 #A-1234 已发货（预计 2-3 天送达），运费 ¥12.5。",
    "Emotion -8, trust +5：客户情绪明显缓和。",
    "王喆说：“我已经等了 45 分钟！”然后挂断了电话。",
    "The ETC toll was charged twice (¥35.00 each); 请核实。",
    "李堃 asked for a well-known fix: refund 0.38% of the fee.",
]


def test_mixed_strings_break_only_where_uax14_allows():
    pytest = __import__("pytest")
    pytest.importorskip("uniseg")
    for text in MIXED:
        _assert_within_uax14(text)


def test_every_scenario_text_breaks_only_where_uax14_allows():
    pytest = __import__("pytest")
    pytest.importorskip("uniseg")
    from pathlib import Path

    from sim.scenario import find_scenarios, load_scenario

    texts: list[str] = []

    def walk(value: object) -> None:
        if isinstance(value, str):
            texts.append(value)
        elif isinstance(value, dict):
            for v in value.values():
                walk(v)
        elif isinstance(value, (list, tuple)):
            for v in value:
                walk(v)

    root = Path(__file__).resolve().parents[1] / "scenarios"
    for path in find_scenarios(root):
        walk(load_scenario(path).model_dump())
    assert len(texts) > 1000
    for text in texts:
        for paragraph in text.split("\n"):
            _assert_within_uax14(paragraph)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="ab 12-−#¥,.，。！“”（）你好客服", min_size=1, max_size=30))
def test_generated_mixed_strings_break_only_where_uax14_allows(text):
    _assert_within_uax14(text)
