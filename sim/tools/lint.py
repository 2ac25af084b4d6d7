"""Warnings that need a loaded scenario (beyond the loader's own checks)."""

from __future__ import annotations

from sim.scenario import Problem, Scenario


def extra_warnings(scenario: Scenario) -> list[Problem]:
    """Content warnings about a valid scenario, located in its file."""
    return []
