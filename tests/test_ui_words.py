"""One word for each thing: step names shared with the terminal and the debrief, one score
format, counted phrases in the singular, scenario tags in the chosen language, and the
library in the same order in the window and the terminal."""

from __future__ import annotations

from pathlib import Path

from sim.coach.labels import (
    OUTCOME_LABELS,
    PITFALL_LABELS,
    QUALITY_LABELS,
    STATUS_LABELS,
    STEP_LABELS,
)
from sim.scenario import find_scenarios, load_scenario
from sim.ui import strings
from sim.ui.library import Library, library_order

ROOT = Path(__file__).resolve().parents[1]


def test_step_names_match_the_terminal_and_debrief() -> None:
    for step, names in STEP_LABELS.items():
        for lang in strings.LANGS:
            assert strings.t(f"step_{step}", lang) == names[lang]


def test_qualities_pitfalls_outcomes_and_statuses_match_the_coach() -> None:
    """The window keeps its own copy (the coach package is not imported before the first
    frame); the words must be the debrief's and the terminal's, capitalised where the
    window shows them as a heading or a pill."""
    for prefix, table in (("q_", QUALITY_LABELS), ("p_", PITFALL_LABELS),
                          ("o_", OUTCOME_LABELS), ("s_", STATUS_LABELS)):
        for key, names in table.items():
            assert strings.t(f"{prefix}{key}", "zh") == names["zh"], (prefix, key)
            assert strings.t(f"{prefix}{key}", "en").lower() == names["en"].lower(), key


def test_one_score_format() -> None:
    assert [strings.score_text(x) for x in (99, 99.0, 99.56, 7.25)] == \
        ["99.0", "99.0", "99.6", "7.2"]


def test_one_reply_is_singular() -> None:
    assert strings.count("n_replies", "en", 1) == "1 reply"
    assert strings.count("n_replies", "en", 2) == "2 replies"
    assert strings.count("n_replies", "en", 0) == "0 replies"
    assert strings.count("n_replies", "zh", 1) == "1 次"


def test_tags_in_the_chosen_language() -> None:
    assert strings.tag_name("insurance", "zh") == "保险"
    assert strings.tag_name("insurance", "en") == "insurance"
    assert strings.tag_name("some-new-tag", "zh") == "some-new-tag"
    # every tag the library uses has both names
    for path in find_scenarios(ROOT / "scenarios"):
        for tag in load_scenario(path).tags:
            assert tag in strings.TAG_NAMES, (path.name, tag)


def test_library_order_is_by_industry_then_difficulty() -> None:
    lib = Library(ROOT / "scenarios")
    keys = [library_order(e.scenario) for e in lib.entries]
    assert keys == sorted(keys)
    assert keys[0][0] == min(e.scenario.tags[0] for e in lib.entries)
