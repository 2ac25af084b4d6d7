"""One test per kind of scenario error: the code, and the exact line it points at."""

from __future__ import annotations

import time

import pytest

from sim.scenario import check_bytes, check_file, load_scenario
from sim.scenario.problems import ScenarioError

BASE = """\
format: 1
id: tiny
title: {en: Tiny, zh: 小}
summary: A tiny case
difficulty: 2
briefing: You answer the phone.
customer:
  name: Mr Wu
  role: Caller
  emotion: 70
  trust: 30
facts:
  late: {en: It was late, zh: 晚了}
rules:
  - if: emotion >= 100
    goto: lost
start: opening
nodes:
  opening:
    say: Where is my parcel?
    choices:
      - id: listen
        reply: Tell me more.
        step: listen
        quality: best
        learn: [late]
        set: {heard: true}
        goto: middle
      - id: argue
        reply: It is not late.
        step: listen
        quality: harmful
        pitfall: argue
        effects: {emotion: 40}
        goto: middle
  middle:
    say: So?
    choices:
      - reply: Sorry, we will fix it.
        step: solve
        if: heard
        branch:
          - if: emotion < 50
            goto: done
          - goto: lost
      - reply: Bye.
        step: commit
        quality: poor
        goto: lost
endings:
  done:
    outcome: resolved
    title: Fixed
  lost:
    outcome: lost
    title: Gone
"""


def problems_of(text: str) -> list:
    return check_bytes(text.encode("utf-8"), "case.yaml")[1]


def errors_of(text: str) -> list:
    return [p for p in problems_of(text) if p.is_error]


def line_of(text: str, needle: str) -> int:
    """The line that is exactly ``needle`` (stripped), else the first that contains it."""
    lines = text.splitlines()
    for n, line in enumerate(lines, start=1):
        if line.strip() == needle.strip():
            return n
    for n, line in enumerate(lines, start=1):
        if needle in line:
            return n
    raise AssertionError(needle)


def mutate(old: str, new: str) -> str:
    assert old in BASE, old
    return BASE.replace(old, new, 1)


def test_base_is_valid_and_clean() -> None:
    scenario, problems = check_bytes(BASE.encode(), "case.yaml")
    assert scenario is not None
    assert [p for p in problems if p.code != "missing-translation"] == []


@pytest.mark.parametrize(
    ("old", "new", "code", "needle"),
    [
        ("    say: So?\n", "    say: So?\n    say: Again?\n", "duplicate-key", "say: Again?"),
        ("        step: solve\n", "        stepp: solve\n", "unknown-key", "stepp: solve"),
        ("difficulty: 2", "difficulty: two", "wrong-type", "difficulty: two"),
        ("difficulty: 2", "difficulty: 9", "out-of-range", "difficulty: 9"),
        ("  emotion: 70", "  emotion: 170", "out-of-range", "emotion: 170"),
        ("id: tiny", "id: Tiny Case", "bad-id", "id: Tiny Case"),
        ("        quality: poor\n", "        quality: bad\n", "bad-value", "quality: bad"),
        ("        step: commit\n", "        step: comit\n", "bad-value", "step: comit"),
        ("        goto: lost\n", "        goto: los\n", "unknown-target", "goto: los"),
        ("start: opening", "start: openning", "unknown-target", "start: openning"),
        ("    goto: lost\n", "    goto: nowhere\n", "unknown-target", "goto: nowhere"),
        ("  lost:\n    outcome: lost", "  middle:\n    outcome: lost", "id-clash",
         "  middle:\n    outcome"),
        ("        learn: [late]", "        learn: [early]", "unknown-fact", "learn: [early]"),
        ("        if: heard", "        if: herd", "unknown-name", "if: herd"),
        ("        if: heard", "        if: learned(nothing)", "unknown-fact", "if: learned"),
        ("        if: heard", "        if: visited(attic)", "unknown-target", "if: visited"),
        ("        if: heard", "        if: heard ==", "condition-syntax", "if: heard =="),
        ("        if: heard", "        if: heard.x", "condition-syntax", "if: heard.x"),
        ("        if: heard", "        if: open(heard)", "condition-syntax", "if: open("),
        ("        if: heard", "        if: heard[0]", "condition-syntax", "if: heard[0]"),
        ("        if: heard", "        if: __import__", "condition-syntax", "if: __import__"),
        ("        if: heard", "        if: lambda", "condition-syntax", "if: lambda"),
        ("          - goto: lost\n", "          - if: trust > 0\n            goto: lost\n",
         "branch-default", "if: trust > 0"),
        ("          - if: emotion < 50\n            goto: done\n",
         "          - goto: done\n", "branch-order", "          - goto: done"),
        ("format: 1", "format: 2", "unsupported-format", "format: 2"),
        ("        goto: middle\n      - id: argue", "      - id: argue", "no-route",
         "      - id: listen"),
        ("      - id: argue", "      - id: listen", "duplicate-id", "      - id: listen\n"
         "        reply: It is not"),
    ],
)
def test_error_points_at_its_line(old: str, new: str, code: str, needle: str) -> None:
    text = mutate(old, new)
    errors = errors_of(text)
    assert errors, f"no error for {code}"
    matching = [e for e in errors if e.code == code]
    assert matching, [str(e) for e in errors]
    if "\n" in needle:
        first, _ = needle.split("\n", 1)
        expected = text.index(needle)
        expected_line = text[:expected].count("\n") + 1
        assert first in text.splitlines()[expected_line - 1]
    else:
        expected_line = line_of(text, needle)
    assert matching[0].line == expected_line, str(matching[0])
    assert str(matching[0]).startswith(f"case.yaml:{expected_line}:")


def test_typo_hints_name_the_right_word() -> None:
    (err,) = [e for e in errors_of(mutate("        goto: lost\n", "        goto: don\n"))]
    assert "did you mean 'done'?" in str(err)
    (err,) = errors_of(mutate("        step: solve\n", "        stepp: solve\n"))
    assert "did you mean 'step'?" in str(err)


def test_condition_error_points_at_the_column() -> None:
    text = mutate("        if: heard", "        if: heard and herd")
    (err,) = errors_of(text)
    assert err.code == "unknown-name"
    assert err.col == len("        if: heard and ") + 1


def test_choice_count() -> None:
    many = "".join(f"      - reply: r{i}\n        step: listen\n        goto: lost\n"
                   for i in range(7))
    text = mutate("    say: So?\n    choices:\n", "    say: So?\n    choices:\n" + many)
    errors = [e for e in errors_of(text) if e.code == "count"]
    assert errors and errors[0].line == line_of(text, "      - reply: r0")
    empty = BASE.replace("  middle:\n    say: So?\n", "  middle:\n    say: So?\n    choices: []\n"
                         "  unused:\n    say: x\n")
    assert any(e.code in ("count", "duplicate-key") for e in errors_of(empty))


def test_missing_key_points_at_its_mapping() -> None:
    text = mutate("    say: Where is my parcel?\n", "")
    (err,) = errors_of(text)
    assert err.code == "missing-key" and "'say'" in err.message
    assert err.line == line_of(text, "    choices:")


def test_no_ending_reachable() -> None:
    text = BASE.replace("goto: done", "goto: middle").replace("goto: lost", "goto: middle")
    codes = {e.code for e in errors_of(text)}
    assert "no-ending" in codes


def test_every_error_of_a_file_is_reported() -> None:
    text = mutate("difficulty: 2", "difficulty: 9")
    text = text.replace("        goto: lost\n", "        goto: los\n", 1)
    text = text.replace("        stepp", "        step").replace("step: commit", "stepp: commit")
    codes = sorted(e.code for e in errors_of(text))
    assert codes == ["out-of-range", "unknown-key", "unknown-target"]


def test_refuses_aliases_and_anchors() -> None:
    text = BASE.replace("title: {en: Tiny, zh: 小}", "title: &t {en: Tiny, zh: 小}")
    text = text.replace("summary: A tiny case", "summary: *t")
    codes = {e.code: e.line for e in errors_of(text)}
    assert codes["anchor"] == 3 and codes["alias"] == 4


def test_alias_bomb_is_refused_quickly() -> None:
    bomb = ["format: 1", "a: &a [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 30):
        bomb.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}" if i > 1 else "*a"] * 10) + "]")
    started = time.perf_counter()
    errors = errors_of("\n".join(bomb))
    assert time.perf_counter() - started < 2
    assert any(e.code in ("alias", "anchor") for e in errors)


def test_deep_nesting_is_refused() -> None:
    deep = "format: 1\nx: " + "[" * 200 + "]" * 200 + "\n"
    (err,) = errors_of(deep)
    assert err.code == "too-deep" and err.line == 2


def test_huge_file_is_refused_without_reading(tmp_path) -> None:
    big = tmp_path / "big.yaml"
    with big.open("wb") as f:
        f.truncate(3 * 1024 * 1024)
    scenario, problems = check_file(big)
    assert scenario is None and problems[0].code == "too-large"


@pytest.mark.parametrize(
    ("raw", "code", "line"),
    [
        (b"", "empty", 1),
        (b"   \n\n", "empty", 1),
        (b"format: 1\nid: \xff\xfe\n", "not-utf8", 2),
        (b"format: 1\nnodes: [\n", "yaml-syntax", 3),
        (b"- a\n- b\n", "not-a-mapping", 1),
        (b"format: 1\n---\nformat: 1\n", "many-documents", 2),
        (b"id: x\n", "missing-key", 1),
        (b"format: 1\nid: t\ntitle: !!python/object:os.system x\n", "tag", 3),
    ],
)
def test_unreadable_content(raw: bytes, code: str, line: int) -> None:
    scenario, problems = check_bytes(raw, "bad.yaml")
    assert scenario is None
    assert (code, line) in [(p.code, p.line) for p in problems], [str(p) for p in problems]


def test_missing_file_is_unreadable(tmp_path) -> None:
    scenario, problems = check_file(tmp_path / "nope.yaml")
    assert scenario is None and problems[0].code == "unreadable"
    with pytest.raises(ScenarioError):
        load_scenario(tmp_path / "nope.yaml")


def test_comma_in_unquoted_flow_text_is_explained() -> None:
    text = mutate("title: {en: Tiny, zh: 小}", "title: {en: Tiny, small, zh: 小}")
    (err,) = errors_of(text)
    assert err.code == "bad-language" and "quotes" in err.hint and err.line == 3


@pytest.mark.parametrize(
    ("old", "new", "code"),
    [
        ("        step: commit\n", "", "no-step"),
        ("title: {en: Tiny, zh: 小}", "title: {en: Tiny}", "missing-translation"),
        ("  late: {en: It was late, zh: 晚了}", "  late: {en: It was late, zh: 晚了}\n"
         "  spare: {en: Spare, zh: 多余}", "unused-fact"),
        ("    say: So?\n", "    say: So?\n", None),
        ("title: {en: Tiny, zh: 小}", "title: {en: Tiny, zh: 小 小}", "cjk-space"),
    ],
)
def test_warnings(old: str, new: str, code: str | None) -> None:
    text = mutate(old, new)
    scenario, problems = check_bytes(text.encode(), "case.yaml")
    assert scenario is not None
    codes = {p.code for p in problems if p.code != "missing-translation" or code == p.code}
    if code:
        assert code in codes
    assert all(not p.is_error for p in problems)


def test_unreachable_node_warning_points_at_its_key() -> None:
    text = BASE.replace("endings:\n", "  island:\n    say: Hi\n    choices:\n"
                        "      - {reply: x, step: listen, goto: done}\nendings:\n")
    scenario, problems = check_bytes(text.encode(), "case.yaml")
    (warn,) = [p for p in problems if p.code == "unreachable"]
    assert warn.line == line_of(text, "  island:") and scenario is not None
