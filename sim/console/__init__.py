"""The terminal front end: an interactive player and scripted (``--choices``) play."""

from sim.console.player import PlanError, Printer, TerminalPlayer, print_debrief

__all__ = ["PlanError", "Printer", "TerminalPlayer", "print_debrief"]
