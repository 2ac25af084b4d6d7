"""Expand command-line paths (files and folders) into scenario files."""

from __future__ import annotations

from pathlib import Path


def expand(paths: list[str]) -> tuple[list[Path], list[str]]:
    """Scenario files under ``paths`` (folders searched recursively) and the paths missing."""
    files: list[Path] = []
    missing: list[str] = []
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            files.extend(sorted(f for f in p.rglob("*") if f.suffix in (".yaml", ".yml")
                                and f.is_file()))
        elif p.is_file():
            files.append(p)
        else:
            missing.append(raw)
    return files, missing
