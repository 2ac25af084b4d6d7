"""The scenario library as the menu shows it: loaded scenarios, and how many failed."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Entry:
    """One playable scenario of the library."""

    path: Path
    scenario: Any  # sim.scenario.Scenario

    @property
    def id(self) -> str:
        """The scenario id."""
        return self.scenario.id


def industry(scenario: Any) -> str:
    """The scenario's industry: its first tag ("" when it has none)."""
    tags = getattr(scenario, "tags", None) or []
    return str(tags[0]) if tags else ""


def library_order(scenario: Any) -> tuple[str, int, str]:
    """Sort key of the library, the same in the window and the terminal: by industry
    (untagged last), then easier first, then by id."""
    return (industry(scenario) or "\uffff", scenario.difficulty, scenario.id)


class Library:
    """Scenarios of a folder, loaded once (``reload`` picks up edits)."""

    def __init__(self, folder: Path | None, load: bool = True) -> None:
        """``folder`` None: the default library, found when loading (finding it imports
        the scenario package, which the window's first frame does not wait for)."""
        self.folder: Path = folder if folder is not None else Path()
        self._default = folder is None
        self.entries: list[Entry] = []
        self.failed: list[Path] = []
        if load:
            self.reload()

    def reload(self) -> None:
        """(Re)load every scenario file of the folder; broken files are counted, not shown."""
        # Imported here: the scenario model (pydantic) is the slowest import of the game,
        # and the window can draw its first frame while it loads.
        from sim.scenario import ScenarioError, default_library, find_scenarios, load_scenario

        if self._default:
            self.folder, self._default = default_library(), False

        entries: list[Entry] = []
        failed: list[Path] = []
        paths = find_scenarios(self.folder) if self.folder.is_dir() else []
        for path in paths:
            try:
                entries.append(Entry(path, load_scenario(path)))
            except (ScenarioError, OSError) as exc:
                log.warning("skipping %s: %s", path, exc)
                failed.append(path)
        entries.sort(key=lambda e: library_order(e.scenario))
        self.entries, self.failed = entries, failed

    def add(self, path: Path, scenario: Any) -> Entry:
        """Make a scenario loaded from elsewhere (``play PATH``) part of the list."""
        for entry in self.entries:
            if entry.path.resolve() == path.resolve():
                return entry
        entry = Entry(path, scenario)
        self.entries.append(entry)
        return entry

    def replace(self, entry: Entry) -> None:
        """Use an edited version of a scenario already listed (same file), e.g. after F5."""
        for i, old in enumerate(self.entries):
            if old.path.resolve() == entry.path.resolve():
                self.entries[i] = entry
                return
