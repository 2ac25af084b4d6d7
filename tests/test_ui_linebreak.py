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
