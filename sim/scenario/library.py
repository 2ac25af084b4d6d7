"""Find scenario files: the library folder, and a command-line token → a file."""

from __future__ import annotations

import re
from pathlib import Path

from sim.scenario.problems import did_you_mean

_ID_LINE = re.compile(r"^id:\s*['\"]?([a-z0-9-]+)['\"]?\s*(#.*)?$", re.MULTILINE)


def default_library() -> Path:
    """``./scenarios`` when run from a project folder, else the one beside the package."""
    here = Path.cwd() / "scenarios"
    if here.is_dir():
        return here
    return Path(__file__).resolve().parents[2] / "scenarios"


def find_scenarios(folder: Path) -> list[Path]:
    """The scenario files in ``folder`` (not recursive), sorted by name."""
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file())


def scenario_id_of(path: Path) -> str | None:
    """The ``id:`` a file declares, read cheaply without loading it (None if absent)."""
    try:
        head = path.read_text(encoding="utf-8", errors="replace")[:65536]
    except OSError:
        return None
    m = _ID_LINE.search(head)
    return m.group(1) if m else None


class ScenarioNotFound(LookupError):
    """A token names neither a file nor a scenario id in the library."""


def resolve_scenario(token: str, library: Path | None = None) -> Path:
    """A path as given (if it looks like one), else the library file whose id is ``token``."""
    candidate = Path(token)
    if candidate.suffix in (".yaml", ".yml") or "/" in token or "\\" in token:
        if not candidate.is_file():
            raise ScenarioNotFound(f"{token}: no such file")
        return candidate
    library = library or default_library()
    ids: dict[str, Path] = {}
    for path in find_scenarios(library):
        sid = scenario_id_of(path) or path.stem
        ids.setdefault(sid, path)
    if token in ids:
        return ids[token]
    suggestion = did_you_mean(token, ids)
    hint = f" ({suggestion})" if suggestion else (
        f" (available: {', '.join(sorted(ids))})" if ids else "")
    raise ScenarioNotFound(f"no scenario '{token}' in {library}{hint}")
