"""Scenario files: YAML → a validated, immutable model, or located problems.

Knows the format and nothing about play. Never imports pygame.
"""

from sim.scenario.conditions import Condition, ConditionContext, ConditionSyntaxError
from sim.scenario.library import (
    ScenarioNotFound,
    default_library,
    find_scenarios,
    resolve_scenario,
    scenario_id_of,
)
from sim.scenario.loader import check_bytes, check_file, load_scenario
from sim.scenario.model import (
    OUTCOMES,
    PITFALLS,
    QUALITIES,
    STATUSES,
    STEPS,
    Choice,
    Customer,
    Effects,
    Ending,
    Expect,
    Node,
    PlayTest,
    Route,
    Rule,
    Scenario,
    languages_of,
    text_of,
)
from sim.scenario.problems import Problem, ScenarioError, did_you_mean

__all__ = [
    "OUTCOMES", "PITFALLS", "QUALITIES", "STATUSES", "STEPS",
    "Choice", "Condition", "ConditionContext", "ConditionSyntaxError", "Customer",
    "Effects", "Ending", "Expect", "Node", "PlayTest", "Problem", "Route", "Rule",
    "Scenario", "ScenarioError", "ScenarioNotFound", "check_bytes", "check_file",
    "default_library", "did_you_mean", "find_scenarios", "languages_of", "load_scenario",
    "resolve_scenario", "scenario_id_of", "text_of",
]
